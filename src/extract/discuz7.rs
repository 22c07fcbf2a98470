//! Discuz! 6.x/7.x `viewthread.php?tid=T` pages (`templates/default/viewthread.htm` and
//! `viewthread_node.htm` of 7.2): `table#pidPID` with `td.postauthor` and `td.postcontent`;
//! floor in `a#postnumPID`, author in `div.authorinfo a.posterlink` (or the side column with
//! `$authoronleft`), time in `em#authorpostonPID`, body in `td.t_msgfont#postmessage_PID`
//! (6.x: `div.t_msgfont`). The 6/7 jammer hides its junk with `font-size:0px` and
//! `display:none`, with an SEO string inside the same element.
//!
//! No capture of a live 7.x board was available: this follows the template source, and
//! `fixtures/extract/discuz7.html` is built from it (see README, "Page kinds").

use super::{
    parse_floor, post_from_body, posted, selectors, text, text_of, title_from_head, uid_of, urls,
    Doc,
};
use crate::model::{Page, PageKind, Pager, Post};

pub fn extract(doc: &Doc<'_>) -> Option<Page> {
    let html = doc.html;
    let mut posts: Vec<Post> = Vec::new();
    for table in html.select(selectors::d7_posts()) {
        let Some(pid) = table
            .value()
            .id()
            .and_then(|id| id.strip_prefix("pid"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        let sel = |s: String| scraper::Selector::parse(&s).expect("valid id selector");
        let Some(body) = table
            .select(&sel(format!("[id='postmessage_{pid}']")))
            .next()
        else {
            continue;
        };
        let mut post = post_from_body(text::body_to_text(body, &doc.hidden, &doc.urls));
        post.pid = Some(pid);
        if let Some(a) = table.select(selectors::d7_author()).next() {
            post.author = Some(text_of(a, &doc.hidden)).filter(|s| !s.is_empty());
            post.author_uid = a.value().attr("href").and_then(uid_of);
        } else if let Some(info) = table.select(&sel("div.authorinfo".into())).next() {
            let who = text_of(info, &doc.hidden);
            post.anonymous = true;
            post.author = who.split_whitespace().next().map(str::to_owned);
        }
        if let Some(em) = table
            .select(&sel(format!("[id='authorposton{pid}']")))
            .next()
        {
            (post.posted_at, post.posted_at_text) = posted(em, &doc.hidden, doc.today);
        }
        // 7.x `postnumPID`, 6.0 `postnum_PID`.
        if let Some(a) = table
            .select(&sel(format!("[id='postnum{pid}'], [id='postnum_{pid}']")))
            .next()
        {
            post.floor = parse_floor(&text_of(a, &doc.hidden));
        }
        // 6.0 prints the time in the post's info line: `發表於 2018-4-5 07:24 AM`.
        if post.posted_at.is_none() {
            if let Some(info) = table.select(selectors::d6_postinfo()).next() {
                (post.posted_at, post.posted_at_text) = posted_in_line(&text_of(info, &doc.hidden));
            }
        }
        // A locked notice outside the body (banned author, moderated post).
        if let Some(l) = table
            .select(&sel("div.postmessage > div.locked".into()))
            .next()
        {
            post.hidden = true;
            post.hidden_notice
                .get_or_insert_with(|| text_of(l, &doc.hidden));
        }
        posts.push(post);
    }
    let pager = pager(doc);
    for p in &mut posts {
        p.page = pager.page;
    }
    let title = html
        .select(selectors::d7_title())
        .next()
        .map(|h| text_of(h, &doc.hidden))
        .filter(|t| !t.is_empty())
        .or_else(|| title_from_head(html));
    let crumbs: Vec<_> = html.select(selectors::d7_nav()).collect();
    let (forum, fid) = crumbs
        .into_iter()
        .rev()
        .find_map(|a| {
            let fid = a
                .value()
                .attr("href")
                .filter(|h| h.contains("forumdisplay"))
                .and_then(urls::fid_of)?;
            Some((Some(text_of(a, &doc.hidden)), Some(fid)))
        })
        .unwrap_or((None, None));
    Some(Page {
        kind: PageKind::Discuz7,
        charset: "",
        url: None,
        tid: super::desktop::tid(doc),
        title,
        forum,
        fid,
        pager,
        posts,
        guard_removed: 0,
        charset_note: None,
    })
}

/// `div.pages`: `<strong>2</strong>`, `<a class="next">`, `<a class="last">... 12</a>`.
pub(crate) fn pager(doc: &Doc<'_>) -> Pager {
    let html = doc.html;
    let Some(pages_div) = html.select(selectors::d7_pages()).next() else {
        return Pager {
            page: Some(1),
            pages: Some(1),
            next: None,
            links: Vec::new(),
        };
    };
    let all = scraper::Selector::parse("a, strong").expect("valid");
    let page = pages_div
        .select(&scraper::Selector::parse("strong").expect("valid"))
        .next()
        .and_then(|s| text_of(s, &doc.hidden).parse().ok());
    let pages = pages_div
        .select(&all)
        .filter_map(|e| parse_floor(&text_of(e, &doc.hidden)))
        .max();
    let next = html
        .select(selectors::d7_pages_next())
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(|h| doc.urls.resolve(h));
    Pager {
        page: page.or(Some(1)),
        pages: pages.or(page),
        next,
        links: super::page_links(pages_div, selectors::d7_page_links(), doc),
    }
}

/// The date after a "posted at" label (any UI language) in a line of other text.
fn posted_in_line(line: &str) -> (Option<String>, Option<String>) {
    for lang in super::lang::ALL {
        for label in lang.posted {
            let Some(i) = line.find(label) else { continue };
            let rest = line[i + label.len()..].trim_start();
            // Date, time and an optional AM/PM: at most three words.
            let words: Vec<&str> = rest.split_whitespace().take(3).collect();
            for n in (1..=words.len()).rev() {
                let cand = words[..n].join(" ");
                if let Some(iso) = super::dates::parse_absolute(&cand) {
                    return (Some(iso), Some(cand));
                }
            }
        }
    }
    (None, None)
}
