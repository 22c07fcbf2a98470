//! PHPWind 6.x–8.x thread pages (`read.php?tid=N`, `read.php?tid-N-page-P.html`,
//! `read-htm-tid-N-page-P.html`), the main Discuz look-alike.
//!
//! A post's body is the element `#read_PID` (`PID` = `tpc` for the first post, digits for
//! replies): `div.tpc_content` in 6.x, `div.f14` inside it in 7.x/8.x. Its container is the
//! nearest `table` around it holding the author column (`th.r_two` in 6.x/7.x,
//! `td.floot_left` in 8.x). PHPWind's anti-collect option (`copyctrl` in `require/bbscode.php`)
//! replaces every `<br />` of a body with `<span style="display:none"> R </span>&nbsp;<br />`,
//! R being ten characters of `chr(0..126)`, control characters included: the span is hidden
//! markup (removed with the other hidden elements), and the no-break space it adds before the
//! line break is dropped here.

use super::{parse_floor, post_from_body, text, text_of, uid_of, urls, Doc};
use crate::model::{Page, PageKind, Pager, Post};
use scraper::ElementRef;

/// Whether the page is a PHPWind thread page: a `#read_tpc` / `#read_N` body in a
/// `tpc_content` block, and the product's name or its script calls somewhere.
pub fn detect(html: &scraper::Html, text: &str) -> bool {
    (text.contains("tpc_content") || text.contains("readfloor_"))
        && (text.contains("PHPWind") || text.contains("phpwind") || text.contains("copyUrl("))
        && bodies(html).next().is_some()
}

/// `(pid, body)` for each `#read_tpc` / `#read_DIGITS`, in page order.
fn bodies<'a>(html: &'a scraper::Html) -> impl Iterator<Item = (Option<u64>, ElementRef<'a>)> {
    html.tree
        .nodes()
        .filter_map(ElementRef::wrap)
        .filter_map(|e| {
            let id = e.value().id()?.strip_prefix("read_")?;
            if id == "tpc" {
                Some((None, e))
            } else if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
                Some((id.parse().ok(), e))
            } else {
                None
            }
        })
}

pub fn extract(doc: &Doc<'_>, text: &str) -> Option<Page> {
    let html = doc.html;
    let pager = pager(doc);
    let mut posts: Vec<Post> = Vec::new();
    for (i, (pid, body)) in bodies(html).enumerate() {
        let mut p = post_from_body(text::body_to_text(body, &doc.hidden, &doc.urls));
        p.text = drop_line_end_nbsp(&p.text);
        p.pid = pid;
        let container = body
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().name() == "table" && author_cell(*a).is_some());
        if let Some(c) = container {
            let cell = author_cell(c).expect("checked above");
            let link = cell
                .select(crate::extract::selectors::a_href())
                .find(|a| a.value().attr("href").and_then(uid_of_pw).is_some());
            p.author_uid = link
                .and_then(|a| a.value().attr("href"))
                .and_then(uid_of_pw);
            // 8.x names the author in the profile link; 6.x in a `<b>` (its link is the avatar).
            p.author = link
                .map(|a| text_of(a, &doc.hidden))
                .filter(|t| !t.is_empty())
                .or_else(|| {
                    cell.select(crate::extract::selectors::bold())
                        .map(|b| text_of(b, &doc.hidden))
                        .find(|t| !t.is_empty())
                });
            let (at, shown) = posted(c, doc);
            p.posted_at = at;
            p.posted_at_text = shown;
            p.floor = floor(c, doc);
        }
        if pid.is_none() && p.floor.is_none() {
            p.floor = Some(1);
        }
        // Where no label gives it, the floor is the post's place on page 1.
        if p.floor.is_none() && pager.page.unwrap_or(1) == 1 {
            p.floor = Some(i as u32 + 1);
        }
        p.page = pager.page;
        posts.push(p);
    }
    let title = html
        .select(crate::extract::selectors::pw_subject())
        .map(|h| text_of(h, &doc.hidden))
        .find(|t| !t.is_empty())
        .or_else(|| super::title_from_head(html));
    Some(Page {
        kind: PageKind::Phpwind,
        charset: "",
        url: None,
        tid: script_tid(text).or_else(|| doc.page_url.as_deref().and_then(urls::tid_of)),
        title,
        forum: None,
        fid: None,
        pager,
        posts,
        guard_removed: 0,
        charset_note: None,
    })
}

/// The author column of a post table.
fn author_cell(table: ElementRef<'_>) -> Option<ElementRef<'_>> {
    table
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| {
            let c = e.value().attr("class").unwrap_or("");
            c.split_whitespace()
                .any(|c| c == "r_two" || c == "floot_left")
        })
        // Nested post tables (quotes never are, but be sure): the cell must be this table's.
        .filter(|cell| {
            cell.ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "table")
                .is_some_and(|t| t.id() == table.id())
        })
}

/// `profile.php?action-show-uid-2095.html`, `u.php?action=show&uid=5`, `u.php?uid-5.html`.
fn uid_of_pw(href: &str) -> Option<u64> {
    uid_of(href).or_else(|| {
        let i = href.find("uid-")? + 4;
        href[i..]
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    })
}

/// Time: the `title` of the `发表于` span (7.x/8.x, absolute even where the text is relative),
/// else the date in `div.tipad span.gray` (6.x: `LABEL : 2008-10-14 03:59 | `).
fn posted(c: ElementRef<'_>, doc: &Doc<'_>) -> (Option<String>, Option<String>) {
    for e in c.descendants().filter_map(ElementRef::wrap) {
        if e.value().name() != "span" {
            continue;
        }
        if let Some(iso) = e
            .value()
            .attr("title")
            .and_then(super::dates::parse_absolute)
        {
            let shown = text_of(e, &doc.hidden);
            return (Some(iso), Some(shown));
        }
    }
    for tipad in c.select(crate::extract::selectors::pw_tipad()) {
        for g in tipad.select(crate::extract::selectors::gray()) {
            let shown = text_of(g, &doc.hidden);
            // `LABEL : DATE | IP` or `Posted: DATE`: the date is after the first colon.
            let after = shown.split_once([':', '：']).map_or(&*shown, |(_, d)| d);
            let date = after.split('|').next().unwrap_or("").trim();
            if let Some(iso) = super::dates::parse_absolute(date) {
                return (Some(iso), Some(date.to_string()));
            }
        }
    }
    (None, None)
}

/// The floor label: `[N - …]` (6.x, any UI language), `楼主`/`沙发`/`N楼` (7.x/8.x).
fn floor(c: ElementRef<'_>, doc: &Doc<'_>) -> Option<u32> {
    for a in c.select(crate::extract::selectors::a_any()) {
        let onclick = a.value().attr("onclick").unwrap_or("");
        if onclick.starts_with("postreply(")
            || onclick.starts_with("copyUrl(")
            || onclick.starts_with("copyFloorUrl(")
        {
            let label = text_of(a, &doc.hidden);
            let label = label.trim_matches(['[', ']', ' ']);
            // Named floors are ours (楼主 1, 沙发 2, ...); PHPWind numbers replies from 1
            // (`1楼`, `[1 - …]` is the first reply, floor 2 here).
            if let Some(n) = parse_floor(label) {
                let named = label
                    .chars()
                    .any(|c| !c.is_ascii_digit() && !c.is_whitespace())
                    && !label.chars().any(|c| c.is_ascii_digit());
                return Some(if named { n } else { n + 1 });
            }
        }
    }
    None
}

/// `var tid = '41350'` in the page's script.
fn script_tid(text: &str) -> Option<u64> {
    let i = text.find("var tid")? + "var tid".len();
    text[i..]
        .trim_start_matches(['\'', '"', ' ', '='])
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The no-break space `copyctrl` puts before each line break (as `&nbsp;`, or the character
/// where a capture tool decoded it).
fn drop_line_end_nbsp(text: &str) -> String {
    text.split('\n')
        .map(|l| l.trim_end_matches(['\u{a0}', ' ']))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `div.pages`: the current page in `<b>`, numbered links `page=N` / `page-N`.
fn pager(doc: &Doc<'_>) -> Pager {
    let block = doc
        .html
        .select(crate::extract::selectors::pw_pages())
        .next();
    let current = |pg: ElementRef<'_>| {
        pg.select(crate::extract::selectors::bold())
            .find_map(|b| text_of(b, &doc.hidden).trim().parse::<u32>().ok())
    };
    super::numbered_pager(doc, block, current, |_| None)
}
