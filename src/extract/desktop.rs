//! Discuz! X2.5–X3.5 desktop thread pages (`forum.php?mod=viewthread`, `thread-T-P-1.html`).
//!
//! `div#postlist > div#post_PID > table#pidPID.plhin`: author in `div.authi a.xw1`, time in
//! `em#authorpostonPID`, floor in `a#postnumPID`, body in `td.t_f#postmessage_PID`. Ratings
//! (`dl#ratelog_PID`) and signatures (`div.sign`) sit outside the body and stay out.

use super::{
    pager_x, parse_floor, post_from_body, posted, selectors, text, text_of, title_from_head,
    uid_of, urls, Doc,
};
use crate::model::{Page, PageKind, Post};
use scraper::ElementRef;

pub fn extract(doc: &Doc<'_>) -> Option<Page> {
    let html = doc.html;
    let mut posts = Vec::new();
    for table in post_tables(html) {
        let Some(pid) = table
            .value()
            .id()
            .and_then(|id| id.strip_prefix("pid"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        posts.push(post(doc, table, pid));
    }
    if posts.is_empty() {
        // Templates without `div#postlist`: take bodies directly.
        for body in html.select(selectors::x_body()) {
            let Some(pid) = body
                .value()
                .id()
                .and_then(|id| id.strip_prefix("postmessage_"))
                .and_then(|n| n.parse().ok())
            else {
                continue;
            };
            let mut p = post_from_body(text::body_to_text(body, &doc.hidden, &doc.urls));
            p.pid = Some(pid);
            posts.push(p);
        }
    }
    let (forum, fid) = forum(doc);
    let pager = pager_x(doc);
    for p in &mut posts {
        p.page = pager.page;
    }
    let title = html
        .select(selectors::x_subject())
        .next()
        .map(|s| text_of(s, &doc.hidden))
        .filter(|t| !t.is_empty())
        .or_else(|| title_from_head(html));
    Some(Page {
        kind: PageKind::Desktop,
        charset: "",
        url: None,
        tid: tid(doc),
        title,
        forum,
        fid,
        pager,
        posts,
        guard_removed: 0,
        charset_note: None,
    })
}

/// The posts' `table#pidPID` blocks, in page order, wherever the template puts them: the stock
/// `div#postlist > div#post_PID > table#pidPID`, or inside a theme's own wrappers
/// (`div#post_PID > div.viewbox > table#pidPID`). A table counts when it sits anywhere under
/// `#postlist` or holds its own `postmessage_PID`; one walk over the document.
fn post_tables(html: &scraper::Html) -> Vec<ElementRef<'_>> {
    let mut tables = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for e in html.tree.nodes().filter_map(ElementRef::wrap) {
        if e.value().name() != "table" {
            continue;
        }
        let Some(pid) = e
            .value()
            .id()
            .and_then(|i| i.strip_prefix("pid"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        if seen.contains(&pid) {
            continue;
        }
        let in_postlist = e
            .ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| a.value().id() == Some("postlist"));
        let body_id = format!("postmessage_{pid}");
        if in_postlist
            || e.descendants()
                .filter_map(ElementRef::wrap)
                .any(|d| d.value().id() == Some(body_id.as_str()))
        {
            seen.insert(pid);
            tables.push(e);
        }
    }
    tables
}

fn post(doc: &Doc<'_>, table: ElementRef<'_>, pid: u64) -> Post {
    // One walk over the post's elements for the three ids it carries.
    let (mut body_el, mut posted_el, mut num_el) = (None, None, None);
    for el in table.descendants().filter_map(ElementRef::wrap) {
        let Some(id) = el.value().id() else { continue };
        let slot = if let Some(n) = id.strip_prefix("postmessage_") {
            (n.parse() == Ok(pid)).then_some(&mut body_el)
        } else if let Some(n) = id.strip_prefix("authorposton") {
            (n.parse() == Ok(pid)).then_some(&mut posted_el)
        } else if let Some(n) = id.strip_prefix("postnum") {
            (n.parse() == Ok(pid)).then_some(&mut num_el)
        } else {
            None
        };
        if let Some(slot) = slot {
            slot.get_or_insert(el);
        }
    }
    let mut post = match body_el {
        Some(b) => post_from_body(text::body_to_text(b, &doc.hidden, &doc.urls)),
        None => {
            // No body: a banned author's post or one hidden by a moderator shows a notice.
            let mut p = Post::default();
            if let Some(locked) = table.select(selectors::locked()).next() {
                p.hidden = true;
                p.hidden_notice = Some(text_of(locked, &doc.hidden));
            }
            p
        }
    };
    post.pid = Some(pid);
    if let Some(a) = table.select(selectors::x_author()).next() {
        post.author = Some(text_of(a, &doc.hidden)).filter(|s| !s.is_empty());
        post.author_uid = a.value().attr("href").and_then(uid_of);
    } else {
        // Guests and anonymous posts have no profile link: the side column says who.
        let side = table.select(selectors::x_side()).next();
        let who = side.map(|s| text_of(s, &doc.hidden)).unwrap_or_default();
        post.anonymous = true;
        post.author = Some(if who.contains("匿名") {
            "匿名".to_owned()
        } else {
            who
        })
        .filter(|s| !s.is_empty());
    }
    if let Some(em) = posted_el {
        (post.posted_at, post.posted_at_text) = posted(em, &doc.hidden, doc.today);
    }
    if let Some(a) = num_el {
        post.floor = parse_floor(&text_of(a, &doc.hidden));
    }
    post
}

/// Forum name and id from the breadcrumb's last board link.
pub fn forum(doc: &Doc<'_>) -> (Option<String>, Option<u64>) {
    let mut found = (None, None);
    let Some(crumbs) = doc.html.select(selectors::x_crumbs_root()).next() else {
        return found;
    };
    for a in crumbs.select(selectors::x_crumbs()) {
        if let Some(fid) = a.value().attr("href").and_then(|h| {
            if h.contains("forumdisplay") || h.contains("forum-") {
                urls::fid_of(h)
            } else {
                None
            }
        }) {
            found = (Some(text_of(a, &doc.hidden)), Some(fid));
        }
    }
    found
}

/// Thread id: the page URL, the breadcrumb, or any `ptid=` link.
pub fn tid(doc: &Doc<'_>) -> Option<u64> {
    if let Some(t) = doc.page_url.as_deref().and_then(urls::tid_of) {
        return Some(t);
    }
    let links = scraper::Selector::parse("a[href*='tid']").expect("valid");
    doc.html
        .select(&links)
        .filter_map(|a| a.value().attr("href"))
        .find_map(|h| {
            if h.contains("viewthread") || h.contains("ptid=") || h.contains("thread-") {
                urls::tid_of(h)
            } else {
                None
            }
        })
}
