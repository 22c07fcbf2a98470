//! Stage 2: posts out of saved Discuz pages, the jammer removed structurally.
//!
//! ```text
//!   bytes ─ charset ─> text ─ html5ever ─> DOM ─ kind? ─┬─ desktop / mobile / printable / archiver / discuz7 ─> Page
//!                                                      └─ gate: not found, login, no permission, anti-theft, challenge, not Discuz
//! ```
//!
//! Each page kind has its own module; every selector lives in [`selectors`]; bodies become text
//! in [`text`]. The plain-text cleaner runs over every post afterwards as a guard: structural
//! removal is exact, so it should find nothing, and what it finds is counted.

pub mod archiver;
pub mod assemble;
pub mod charset;
pub mod dates;
pub mod desktop;
pub mod discuz7;
pub mod dnt;
pub mod gate;
pub mod lang;
pub mod listing;
pub mod mobile;
pub mod phpwind;
pub mod printable;
pub mod selectors;
pub mod sniff;
pub mod text;
pub mod urls;

use crate::model::{Gate, Page, PageKind, Pager, Post};
use encoding_rs::Encoding;
use scraper::{ElementRef, Html};
use text::HiddenClasses;
use urls::Resolver;

/// How to read a page.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Charset given by the user: wins over everything.
    pub charset: Option<&'static Encoding>,
    /// Charset from the HTTP `Content-Type` header, when the page was fetched.
    pub header_charset: Option<&'static Encoding>,
    /// The page's address (for relative links; `<base href>` wins).
    pub url: Option<String>,
    /// HTTP status, when the page was fetched (404 means not found whatever the body says).
    pub status: Option<u16>,
    /// The HTTP `Date` of the response, as Unix seconds: with the board's time zone it gives
    /// the day that relative dates (`昨天 09:05`) count from, on pages that do not print it.
    pub date: Option<i64>,
}

impl Options {
    /// Status, charset and date from a saved response head (`HTTP/1.1 404 Not Found`, then
    /// headers), as `curl -D` and `unjam thread --save-html` write it beside a page.
    pub fn from_response_head(head: &str) -> Options {
        let mut opts = Options::default();
        for line in head.lines() {
            if line.starts_with("HTTP/") {
                // A redirect chain leaves several heads: the last status wins.
                opts.status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok());
            } else if let Some((k, v)) = line.split_once(':') {
                let k = k.trim();
                if k.eq_ignore_ascii_case("content-type") {
                    opts.header_charset = charset::from_content_type(v);
                } else if k.eq_ignore_ascii_case("date") {
                    opts.date = dates::parse_http_date(v.trim());
                }
            }
        }
        opts
    }
}

/// Why a page gave no posts.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("{0}")]
    Gate(Gate),
    /// Nested so deep that parsing it would take minutes (html5ever's tree builder scans the
    /// open elements on many start tags: quadratic in the depth).
    #[error(
        "page nested more than {limit} elements deep: refused (Discuz pages nest a few dozen)"
    )]
    TooDeep { limit: usize },
}

impl ExtractError {
    /// The gate, for errors that are one.
    pub fn gate(&self) -> Option<Gate> {
        match self {
            ExtractError::Gate(g) => Some(*g),
            ExtractError::TooDeep { .. } => None,
        }
    }
}

/// The nesting [`too_deep`] refuses past: html5ever builds 10,000 levels in a fraction of a
/// second, 100,000 in half a minute.
pub const MAX_NESTING: usize = 10_000;

/// Does the page nest elements deeper than `limit`? A byte scan before parsing, counting start
/// tags less end tags; void elements, `/>`, comments, scripts and styles do not count. Tags a
/// parser would close implicitly count as open, so the figure is an upper bound.
pub fn too_deep(text: &str, limit: usize) -> bool {
    const VOID: [&[u8]; 14] = [
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"param", b"source", b"track", b"wbr",
    ];
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        i = at + 1;
        match b.get(at + 1) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'!') if b[at..].starts_with(b"<!--") => {
                i = memchr::memmem::find(&b[at + 4..], b"-->").map_or(b.len(), |e| at + 4 + e + 3);
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name_end = b[at + 1..]
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .map_or(b.len(), |e| at + 1 + e);
                let name = b[at + 1..name_end].to_ascii_lowercase();
                let Some(close) = memchr::memchr(b'>', &b[name_end..]).map(|e| name_end + e) else {
                    break;
                };
                i = close + 1;
                if name == b"script" || name == b"style" {
                    let end_tag = [b"</".as_slice(), &name].concat();
                    i = memchr::memmem::find(&b[i..].to_ascii_lowercase(), &end_tag)
                        .map_or(b.len(), |e| i + e);
                    continue;
                }
                if VOID.contains(&name.as_slice()) || b[close - 1] == b'/' {
                    continue;
                }
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Everything a kind extractor needs about the page.
pub struct Doc<'a> {
    pub html: &'a Html,
    pub hidden: HiddenClasses,
    pub urls: Resolver,
    /// The page URL as best known (`--url`, canonical link, REPORTURL).
    pub page_url: Option<String>,
    /// The board's current date, for relative dates: from the footer (`GMT+8, 2026-11-29
    /// 11:23`), else from the HTTP `Date` in the footer's time zone (GMT+8 when not shown).
    pub today: Option<(i32, u32, u32)>,
}

/// Extract the posts of one page.
pub fn extract_page(bytes: &[u8], opts: &Options) -> Result<Page, ExtractError> {
    let (enc, charset_source) = charset::choose(bytes, opts.charset, opts.header_charset);
    let text = charset::decode(bytes, enc);
    if too_deep(&text, MAX_NESTING) {
        return Err(ExtractError::TooDeep { limit: MAX_NESTING });
    }
    let html = Html::parse_document(&text);
    let base = html
        .select(selectors::base())
        .next()
        .and_then(|b| b.value().attr("href"));
    let urls = Resolver::new(opts.url.as_deref(), base);
    // The page's own address: Discuz X prints it in `REPORTURL`; the canonical link names the
    // thread's first page (on page 2 too), so it only stands in, renumbered, when nothing else does.
    let canonical = html
        .select(selectors::canonical())
        .next()
        .and_then(|l| l.value().attr("href"))
        .map(|h| urls.resolve(h));
    let page_url = opts.url.clone().or_else(|| report_url(&text));
    let today = dates::today(&text, opts.date);
    let doc = Doc {
        html: &html,
        hidden: HiddenClasses::from_document(&html),
        urls,
        page_url,
        today,
    };

    let kind = detect_kind(&html, &text);
    let page = match kind {
        Some(PageKind::Desktop) => desktop::extract(&doc),
        Some(PageKind::Mobile) => mobile::extract(&doc),
        Some(PageKind::Printable) => printable::extract(&doc),
        Some(PageKind::Archiver) => archiver::extract(&doc),
        Some(PageKind::Discuz7) => discuz7::extract(&doc),
        Some(PageKind::Phpwind) => phpwind::extract(&doc, &text),
        Some(PageKind::DiscuzNt) => dnt::extract(&doc),
        None => None,
    };
    let Some(mut page) = page.filter(|p| !p.posts.is_empty()) else {
        return Err(ExtractError::Gate(gate::detect(&html, &text, opts.status)));
    };
    if opts.status == Some(404) {
        return Err(ExtractError::Gate(Gate::NotFound));
    }
    page.charset = enc.name();
    page.charset_note = charset_source.note();
    let number = page.pager.page.unwrap_or(1);
    // The canonical link is the desktop thread URL whatever the view, so it stands in only
    // for desktop pages; other views renumber one of their own pager links.
    let canonical_tid = canonical.as_deref().and_then(urls::tid_of);
    let canonical =
        canonical.filter(|_| matches!(kind, Some(PageKind::Desktop | PageKind::Discuz7)));
    page.url = doc
        .page_url
        .clone()
        .or_else(|| canonical.and_then(|c| urls::with_page(&c, number)))
        .or_else(|| {
            let (_, link) = page.pager.links.first()?;
            urls::with_page(link, number)
        });
    if page.tid.is_none() {
        page.tid = page.url.as_deref().and_then(urls::tid_of).or(canonical_tid);
    }
    // Guard: structural removal is exact, so the text cleaner should find nothing here.
    let opts = crate::clean::Options {
        boilerplate: false,
        ..crate::clean::Options::default()
    };
    for post in &mut page.posts {
        let (_, stats) = crate::clean::clean_str(&post.text, &opts);
        page.guard_removed +=
            stats.strings(crate::clean::Form::Triple) + stats.strings(crate::clean::Form::Pair);
    }
    Ok(page)
}

/// Which view of a thread this is, from its structure.
fn detect_kind(html: &Html, text: &str) -> Option<PageKind> {
    if html.select(selectors::x_body()).next().is_some() {
        return Some(PageKind::Desktop);
    }
    if html.select(selectors::d7_body()).next().is_some() {
        return Some(PageKind::Discuz7);
    }
    if html.select(selectors::m_posts()).next().is_some() {
        return Some(PageKind::Mobile);
    }
    if (text.contains("<b>作者: </b>") || text.contains("<b>Author: </b>"))
        && text.contains("<hr noshade")
    {
        return Some(PageKind::Printable);
    }
    if (html.select(selectors::a_content()).next().is_some() && text.contains("Archiver"))
        || archiver::is_old(html, text)
    {
        return Some(PageKind::Archiver);
    }
    if phpwind::detect(html, text) {
        return Some(PageKind::Phpwind);
    }
    if dnt::detect(html) {
        return Some(PageKind::DiscuzNt);
    }
    None
}

/// The page URL Discuz X puts, base64-encoded, in the `REPORTURL` script variable.
fn report_url(text: &str) -> Option<String> {
    let i = text.find("REPORTURL = '")? + "REPORTURL = '".len();
    let b64 = &text[i..i + text[i..].find('\'')?];
    let bytes = base64_decode(b64)?;
    let s = String::from_utf8(bytes).ok()?;
    s.starts_with("http").then_some(s)
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let n = chunk.len();
        if n < 2 {
            return None;
        }
        out.push((acc >> 16) as u8);
        if n > 2 {
            out.push((acc >> 8) as u8);
        }
        if n > 3 {
            out.push(acc as u8);
        }
    }
    Some(out)
}

// ---------------------------------------------------------------- helpers shared by the kinds

/// The text of an element, whitespace collapsed, hidden parts skipped.
pub fn text_of(el: ElementRef<'_>, hidden: &HiddenClasses) -> String {
    text::plain_text(*el, hidden)
}

/// Only the element's own text nodes (not its children's), collapsed.
pub fn own_text(el: ElementRef<'_>) -> String {
    let s: String = el
        .children()
        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
        .collect();
    s.replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Floor from what Discuz prints: 楼主/沙发/板凳/地板, `5#`, `5楼`, `<em>5</em>`.
pub fn parse_floor(s: &str) -> Option<u32> {
    let s = s.trim();
    if let Some(n) = lang::named_floor(s) {
        return Some(n);
    }
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok().filter(|&n| n > 0)
}

/// `uid=N` in a profile link.
pub fn uid_of(href: &str) -> Option<u64> {
    urls::query_u64(href, "uid").or_else(|| {
        // space-uid-N.html
        let file = href.rsplit('/').next()?;
        file.strip_prefix("space-uid-")?
            .split('.')
            .next()?
            .parse()
            .ok()
    })
}

/// Date of a post from its date element: the `title` of a relative date's `<span>` wins.
pub fn posted(
    el: ElementRef<'_>,
    hidden: &HiddenClasses,
    today: Option<(i32, u32, u32)>,
) -> (Option<String>, Option<String>) {
    let shown = text_of(el, hidden);
    let title = el.descendants().filter_map(ElementRef::wrap).find_map(|e| {
        e.value()
            .attr("title")
            .filter(|t| dates::parse_absolute(t).is_some())
    });
    let shown = dates::strip_posted_label(&shown).to_owned();
    let iso = title
        .and_then(dates::parse_absolute)
        .or_else(|| dates::parse_absolute(&shown))
        .or_else(|| dates::resolve_relative(&shown, today));
    (iso, (!shown.is_empty()).then_some(shown))
}

/// Pager `div.pg` (X desktop and touch): current page, page count, next page, page links.
/// A pager that is a block of numbered links around this page's number (PHPWind's and
/// Discuz!NT's `div.pages`): the links resolved and sorted, the page count from the highest
/// number, the next page from `next` or else from the numbers. No block: one page.
pub fn numbered_pager(
    doc: &Doc<'_>,
    block: Option<ElementRef<'_>>,
    current: impl Fn(ElementRef<'_>) -> Option<u32>,
    next: impl Fn(ElementRef<'_>) -> Option<String>,
) -> Pager {
    let Some(pg) = block else {
        return Pager {
            page: Some(1),
            pages: Some(1),
            next: None,
            links: Vec::new(),
        };
    };
    let page = current(pg);
    let mut links: Vec<(u32, String)> = pg
        .select(selectors::a_href())
        .filter_map(|a| {
            let n: u32 = text_of(a, &doc.hidden).trim().parse().ok()?;
            Some((n, doc.urls.resolve(a.value().attr("href")?)))
        })
        .collect();
    links.sort();
    links.dedup_by_key(|l| l.0);
    let here = page.unwrap_or(1);
    let next = next(pg).or_else(|| links.iter().find(|l| l.0 == here + 1).map(|l| l.1.clone()));
    let pages = links.iter().map(|l| l.0).chain(page).max();
    Pager {
        page: Some(here),
        pages: pages.or(Some(1)),
        next,
        links,
    }
}

pub fn pager_x(doc: &Doc<'_>) -> Pager {
    let Some(pg) = doc.html.select(selectors::pager()).next() else {
        return Pager {
            page: Some(1),
            pages: Some(1),
            next: None,
            links: Vec::new(),
        };
    };
    let page = pg
        .select(selectors::pager_current())
        .next()
        .and_then(|s| own_text(s).parse().ok());
    let from_label = pg
        .select(selectors::pager_label())
        .next()
        .and_then(|s| s.value().attr("title"))
        .and_then(|t| {
            t.trim_start_matches('共')
                .trim_end_matches('页')
                .trim()
                .parse()
                .ok()
        });
    let links = page_links(pg, selectors::pager_links(), doc);
    let from_links = links.iter().map(|l| l.0).chain(page).max();
    let next = pg
        .select(selectors::pager_next())
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(|h| doc.urls.resolve(h));
    Pager {
        page: page.or(Some(1)),
        pages: from_label.or(from_links).or(Some(1)),
        next,
        links,
    }
}

/// Numbered pager links (`<a href="…page=3">3</a>`, `<a class="last">... 12</a>`), resolved.
pub fn page_links(
    pager: ElementRef<'_>,
    sel: &scraper::Selector,
    doc: &Doc<'_>,
) -> Vec<(u32, String)> {
    let mut links: Vec<(u32, String)> = pager
        .select(sel)
        .filter_map(|a| {
            let n = parse_floor(&text_of(a, &doc.hidden))?;
            Some((n, doc.urls.resolve(a.value().attr("href")?)))
        })
        .collect();
    links.sort();
    links.dedup_by_key(|l| l.0);
    links
}

/// A post whose fields the kind extractors fill.
pub fn post_from_body(body: text::Body) -> Post {
    Post {
        text: body.text,
        quotes: body.quotes,
        images: body.images,
        attachments: body.attachments,
        edited_by: body.edited_by,
        edited_at: body.edited_at,
        hidden: body.hidden,
        hidden_notice: body.hidden_notice,
        ..Post::default()
    }
}

/// The title from `<title>`: Discuz writes `SUBJECT - FORUM - BBNAME - Powered by Discuz!`.
pub fn title_from_head(html: &Html) -> Option<String> {
    let t: String = html.select(selectors::title()).next()?.text().collect();
    let first = t.split(" - ").next()?.trim();
    (!first.is_empty()).then(|| first.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_scan() {
        let nested = |n: usize| {
            format!(
                "<html><body>{}x{}</body></html>",
                "<div>".repeat(n),
                "</div>".repeat(n)
            )
        };
        assert!(!too_deep(&nested(100), 200));
        assert!(too_deep(&nested(300), 200));
        // Void elements, `/>`, comments and script text do not open anything.
        let flat = format!(
            "<body>{}{}<!-- <div><div> -->{}<script>for(i=0;i<n;i++){{a<b}}</script></body>",
            "<br>".repeat(500),
            "<img src=x />".repeat(500),
            "<p>para</p>".repeat(500)
        );
        assert!(!too_deep(&flat, 10));
        for name in [
            "desktop-p1.html",
            "discuz7.html",
            "mobile.html",
            "printable.html",
        ] {
            let page = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("fixtures/extract")
                    .join(name),
            )
            .unwrap_or_default();
            assert!(!too_deep(&page, 60), "{name}");
        }
    }

    #[test]
    fn floors() {
        assert_eq!(parse_floor("楼主"), Some(1));
        assert_eq!(parse_floor("地板"), Some(4));
        assert_eq!(parse_floor("沙發"), Some(2));
        assert_eq!(parse_floor("11#"), Some(11));
        assert_eq!(parse_floor("5楼"), Some(5));
        assert_eq!(parse_floor("5 #"), Some(5));
        assert_eq!(parse_floor(""), None);
    }

    #[test]
    fn response_head() {
        let o = Options::from_response_head(
            "HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\nHTTP/1.1 404 Not Found\r\nDate: Sun, 29 Nov 2026 03:23:16 GMT\r\nContent-Type: text/html; charset=gbk\r\n\r\n",
        );
        assert_eq!(o.status, Some(404));
        assert_eq!(o.header_charset.map(|e| e.name()), Some("GBK"));
        assert_eq!(o.date, Some(1_795_922_596));
    }

    #[test]
    fn report_url_decodes() {
        let page = "var REPORTURL = 'aHR0cDovLzEyNy4wLjAuMTo4MDgwL2ZvcnVtLnBocD9tb2Q9dmlld3RocmVhZCZhY3Rpb249cHJpbnRhYmxlJnRpZD0yMg==', x";
        assert_eq!(
            report_url(page).as_deref(),
            Some("http://127.0.0.1:8080/forum.php?mod=viewthread&action=printable&tid=22")
        );
    }
}
