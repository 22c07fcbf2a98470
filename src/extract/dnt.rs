//! Discuz!NT 2.x–3.x thread pages (`showtopic.aspx?topicid=N`, `showtopic-N[-P].aspx`), the
//! ASP.NET port of Discuz.
//!
//! Read from the 3.6 template (`templates/default/showtopic.htm`): each post is a
//! `table#PID` with the author column `td.postauthor` (name in `div.poster`, profile link
//! `a.public_info` inside a hidden pop-up, `userinfo-UID.aspx` or `userinfo.aspx?userid=UID`),
//! the floor `a.floor` (`N#`, or a site's names), the time `发表于 <span title="yyyy-MM-dd HH:mm">`
//! (the text may be relative: `3小时前`, `昨天 09:05`), and the body `div#messagePID.t_msgfont`.
//! The jammer (`Caches.GetJammer`: ten characters of U+0001..U+00FF, the site's host, ten more,
//! in `<span class="jammer">`, before every line break and at the end) is styled white, not
//! hidden: the class name takes it out, as Discuz X's `font.jammer`.

use super::{parse_floor, post_from_body, text, text_of, urls, Doc};
use crate::model::{Page, PageKind, Pager, Post};
use scraper::ElementRef;

/// Whether the page is a Discuz!NT thread page: a `div#messagePID.t_msgfont` body inside its
/// own `table#PID` with an author column.
pub fn detect(html: &scraper::Html) -> bool {
    bodies(html).next().is_some()
}

/// `(pid, body, post table)` for each post, in page order.
fn bodies<'a>(
    html: &'a scraper::Html,
) -> impl Iterator<Item = (u64, ElementRef<'a>, ElementRef<'a>)> {
    html.select(super::selectors::dnt_body())
        .filter_map(|body| {
            let pid: u64 = body.value().id()?.strip_prefix("message")?.parse().ok()?;
            let table = body
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "table")?;
            (table.value().id() == Some(pid.to_string().as_str())
                && table
                    .select(super::selectors::dnt_author())
                    .next()
                    .is_some())
            .then_some((pid, body, table))
        })
}

pub fn extract(doc: &Doc<'_>) -> Option<Page> {
    let html = doc.html;
    let pager = pager(doc);
    let mut tid = None;
    let mut posts: Vec<Post> = Vec::new();
    for (i, (pid, body, table)) in bodies(html).enumerate() {
        let mut p = post_from_body(text::body_to_text(body, &doc.hidden, &doc.urls));
        p.pid = Some(pid);
        let cell = table.select(super::selectors::dnt_author()).next();
        p.author = cell
            .and_then(|c| c.select(super::selectors::dnt_poster()).next())
            .map(|e| text_of(e, &doc.hidden))
            .filter(|t| !t.is_empty());
        p.author_uid = cell.and_then(|c| {
            c.select(super::selectors::dnt_profile())
                .find_map(|a| a.value().attr("href").and_then(uid_of_dnt))
        });
        if let Some(a) = table.select(super::selectors::dnt_floor()).next() {
            p.floor = parse_floor(&text_of(a, &doc.hidden));
            // `copypostlayer(TID, PID, 'PATH')`
            tid = tid.or_else(|| {
                let args = a.value().attr("onclick")?.strip_prefix("copypostlayer(")?;
                args.split(',').next()?.trim().parse().ok()
            });
        }
        for span in table.select(super::selectors::dnt_time()) {
            if let Some(iso) = span
                .value()
                .attr("title")
                .and_then(super::dates::parse_absolute)
            {
                p.posted_at = Some(iso);
                p.posted_at_text = Some(text_of(span, &doc.hidden));
                break;
            }
        }
        // Where no label gives it, the floor is the post's place on page 1.
        if p.floor.is_none() && pager.page.unwrap_or(1) == 1 {
            p.floor = Some(i as u32 + 1);
        }
        p.page = pager.page;
        posts.push(p);
    }
    let title = html
        .select(super::selectors::dnt_subject())
        .find_map(|s| s.value().attr("title").map(|t| t.trim().to_owned()))
        .filter(|t| !t.is_empty())
        .or_else(|| super::title_from_head(html));
    Some(Page {
        kind: PageKind::DiscuzNt,
        charset: "",
        url: None,
        tid: tid.or_else(|| doc.page_url.as_deref().and_then(urls::tid_of)),
        title,
        forum: None,
        fid: None,
        pager,
        posts,
        guard_removed: 0,
        charset_note: None,
    })
}

/// `userinfo-51.aspx`, `userinfo.aspx?userid=51`.
fn uid_of_dnt(href: &str) -> Option<u64> {
    urls::query_u64(href, "userid").or_else(|| {
        let file = href.split(['?', '#']).next()?.rsplit('/').next()?;
        file.strip_prefix("userinfo-")?
            .strip_suffix(".aspx")?
            .parse()
            .ok()
    })
}

/// `div.pages`: this page in a `<span>`, the others as links, `a.next` to the next.
fn pager(doc: &Doc<'_>) -> Pager {
    let block = doc.html.select(super::selectors::dnt_pages()).next();
    let current = |pg: ElementRef<'_>| {
        pg.children()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "span")
            .find_map(|s| text_of(s, &doc.hidden).trim().parse::<u32>().ok())
    };
    let next = |pg: ElementRef<'_>| {
        pg.select(super::selectors::dnt_next())
            .find_map(|a| a.value().attr("href").map(|h| doc.urls.resolve(h)))
    };
    super::numbered_pager(doc, block, current, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_links() {
        assert_eq!(uid_of_dnt("userinfo-51.aspx"), Some(51));
        assert_eq!(uid_of_dnt("/bbs/userinfo.aspx?userid=7"), Some(7));
        assert_eq!(uid_of_dnt("userinfo-x.aspx"), None);
    }
}
