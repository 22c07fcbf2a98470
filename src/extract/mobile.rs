//! The Discuz! X touch view (`&mobile=2`): `div.plc#pidPID` with `li.mtit` (floor, author),
//! `li.mtime` (date; the first post also carries view and reply counters there) and
//! `div.message` (body).

use super::{
    own_text, pager_x, parse_floor, post_from_body, selectors, text, text_of, title_from_head,
    uid_of, urls, Doc,
};
use crate::extract::dates;
use crate::model::{Page, PageKind};

pub fn extract(doc: &Doc<'_>) -> Option<Page> {
    let html = doc.html;
    let mut posts = Vec::new();
    for plc in html.select(selectors::m_posts()) {
        let Some(pid) = plc
            .value()
            .id()
            .and_then(|id| id.strip_prefix("pid"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        let Some(body) = plc.select(selectors::m_body()).next() else {
            continue;
        };
        let mut post = post_from_body(text::body_to_text(body, &doc.hidden, &doc.urls));
        post.pid = Some(pid);
        post.floor = plc
            .select(selectors::m_floor())
            .next()
            .and_then(|f| parse_floor(&text_of(f, &doc.hidden)));
        if let Some(a) = plc.select(selectors::m_author()).next() {
            post.author = Some(text_of(a, &doc.hidden)).filter(|s| !s.is_empty());
            post.author_uid = a.value().attr("href").and_then(uid_of);
        } else if let Some(z) = plc.select(selectors::m_author_any()).next() {
            post.author = Some(text_of(z, &doc.hidden)).filter(|s| !s.is_empty());
            post.anonymous = true;
        }
        if let Some(t) = plc.select(selectors::m_time()).next() {
            // The date is the element's own text; the counters are in a child span.
            let shown = own_text(t);
            let title = t
                .descendants()
                .filter_map(scraper::ElementRef::wrap)
                .find_map(|e| e.value().attr("title").and_then(dates::parse_absolute));
            post.posted_at = title
                .or_else(|| dates::parse_absolute(&shown))
                .or_else(|| dates::resolve_relative(&shown, doc.today));
            post.posted_at_text = Some(shown).filter(|s| !s.is_empty());
        }
        posts.push(post);
    }
    let pager = pager_x(doc);
    for p in &mut posts {
        p.page = pager.page;
    }
    let title = html
        .select(selectors::m_subject())
        .next()
        .map(|s| text_of(s, &doc.hidden))
        .filter(|t| !t.is_empty())
        .or_else(|| title_from_head(html));
    // The header links to the board: `forum.php?mod=forumdisplay&fid=F&mobile=2`.
    let board =
        scraper::Selector::parse("div.header h2 a, a[href*='mod=forumdisplay']").expect("valid");
    let (forum, fid) = html
        .select(&board)
        .find_map(|a| {
            let fid = a.value().attr("href").and_then(urls::fid_of)?;
            Some((
                Some(text_of(a, &doc.hidden)).filter(|s| !s.is_empty()),
                Some(fid),
            ))
        })
        .unwrap_or((None, None));
    Some(Page {
        kind: PageKind::Mobile,
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
