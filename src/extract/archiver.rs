//! The archiver (`archiver/?tid-T.html`, `archiver/tid-T.html`): a plain page for search
//! engines. No jammer, BBCode reduced to text (`[hide]` shows `**** Hidden Message *****`), no
//! post ids, no floors: `<p class="author"><strong>NAME</strong> 发表于 DATE</p><h3>SUBJECT</h3>`
//! then the message, post after post, inside `div#content`, with the pager in `div.page`.

use super::{dates, post_from_body, text, text_of, urls, Doc};
use crate::model::{Page, PageKind, Pager};
use ego_tree::NodeRef;
use scraper::{ElementRef, Node};

const HIDDEN_MESSAGE: &str = "**** Hidden Message *****";

fn class_is(n: &NodeRef<'_, Node>, name: &str, class: &str) -> bool {
    n.value()
        .as_element()
        .is_some_and(|e| e.name() == name && e.classes().any(|c| c == class))
}

pub fn extract(doc: &Doc<'_>) -> Option<Page> {
    let Some(content) = doc.html.select(super::selectors::a_content()).next() else {
        return extract_old(doc);
    };
    let nodes: Vec<NodeRef<'_, Node>> = content.children().collect();
    let mut starts: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| class_is(n, "p", "author"))
        .map(|(i, _)| i)
        .collect();
    starts.push(nodes.len());
    let mut posts = Vec::new();
    for w in starts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let head = ElementRef::wrap(nodes[a])?;
        let author = head
            .select(&scraper::Selector::parse("strong").expect("valid"))
            .next()
            .map(|s| text_of(s, &doc.hidden));
        // `<strong>NAME</strong> 发表于 DATE`, DATE perhaps `<span title="…">昨天 09:05</span>`.
        let shown = text_of(head, &doc.hidden);
        let shown = shown
            .split_once("发表于")
            .or_else(|| shown.split_once("發表於"))
            .map_or(shown.as_str(), |(_, d)| d)
            .trim()
            .to_owned();
        let mut i = a + 1;
        let mut subject = None;
        while i < b {
            if let Some(h3) = ElementRef::wrap(nodes[i]).filter(|e| e.value().name() == "h3") {
                subject = Some(text_of(h3, &doc.hidden)).filter(|s| !s.is_empty());
                i += 1;
                break;
            }
            if nodes[i]
                .value()
                .as_text()
                .is_some_and(|t| t.trim().is_empty())
            {
                i += 1;
                continue;
            }
            break;
        }
        // The pager follows the last message inside `div#content`.
        let end = (i..b)
            .find(|&k| class_is(&nodes[k], "div", "page"))
            .unwrap_or(b);
        let mut post = post_from_body(text::nodes_to_text(&nodes[i..end], &doc.hidden, &doc.urls));
        if post.text.contains(HIDDEN_MESSAGE) {
            post.hidden = true;
            post.hidden_notice = Some(HIDDEN_MESSAGE.to_owned());
            post.text = post
                .text
                .lines()
                .filter(|l| l.trim() != HIDDEN_MESSAGE)
                .collect::<Vec<_>>()
                .join("\n");
        }
        post.author = author.filter(|s| !s.is_empty());
        let title = head
            .descendants()
            .filter_map(ElementRef::wrap)
            .find_map(|e| e.value().attr("title").and_then(dates::parse_absolute));
        post.posted_at = title
            .or_else(|| dates::parse_absolute(&shown))
            .or_else(|| dates::resolve_relative(&shown, doc.today));
        post.posted_at_text =
            Some(super::dates::strip_posted_label(&shown).to_owned()).filter(|s| !s.is_empty());
        post.subject = subject;
        posts.push(post);
    }
    // The first post's subject is the thread title.
    let title = posts
        .first()
        .and_then(|p| p.subject.clone())
        .or_else(|| super::title_from_head(doc.html));
    if let Some(first) = posts.first_mut() {
        first.subject = None;
    }
    let pager = pager(doc);
    // Posts have no floors here: a thread assembled from pages 1..N gets them by order.
    for p in posts.iter_mut() {
        p.page = pager.page;
    }
    let (forum, fid) = doc
        .html
        .select(super::selectors::a_nav())
        .find_map(|a| {
            let fid = a.value().attr("href").and_then(urls::fid_of)?;
            Some((Some(text_of(a, &doc.hidden)), Some(fid)))
        })
        .unwrap_or((None, None));
    Some(Page {
        kind: PageKind::Archiver,
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

fn pager(doc: &Doc<'_>) -> Pager {
    pager_in(doc, "div.page")
}

/// The pager in `container` (`div.page` in 7.x/X, `div.archiver_pages` in 5.x/6.0).
fn pager_in(doc: &Doc<'_>, container: &str) -> Pager {
    let sel =
        scraper::Selector::parse(&format!("{container} strong, {container} a")).expect("valid");
    let mut page = None;
    let mut pages = None;
    let mut next = None;
    for el in doc.html.select(&sel) {
        let t = text_of(el, &doc.hidden);
        let n: Option<u32> = t.trim_matches(['[', ']']).parse().ok();
        if el.value().name() == "strong" {
            page = n;
        } else if let (Some(n), Some(href)) = (n, el.value().attr("href")) {
            if page.is_some_and(|p| n == p + 1) {
                next = Some(doc.urls.resolve(href));
            }
        }
        if let Some(n) = n {
            pages = Some(pages.map_or(n, |p: u32| p.max(n)));
        }
    }
    Pager {
        page: page.or(Some(1)),
        pages: pages.or(Some(1)),
        next,
        links: doc
            .html
            .select(&scraper::Selector::parse(container).expect("valid"))
            .next()
            .map(|pg| {
                super::page_links(
                    pg,
                    &scraper::Selector::parse("a[href]").expect("valid"),
                    doc,
                )
            })
            .unwrap_or_default(),
    }
}

/// Whether the page is an archiver page of Discuz 4.x-6.0, before `div#content`: one
/// `div.archiver_post` per post (5.5/6.0), or one `table.tableborder` per post whose header row
/// has the author in `td.bold` (4.x/5.0).
pub fn is_old(html: &scraper::Html, text: &str) -> bool {
    // A 4.x/5.0 thread page also links "Archiver" in its footer and uses `tableborder`
    // tables: it has `postmessage_` bodies, the archiver has none.
    html.select(super::selectors::a_old_posts())
        .next()
        .is_some()
        || (text.contains("Archiver")
            && !text.contains("postmessage_")
            && html.select(super::selectors::a_old_tables()).any(|t| {
                let has = |s: &str| {
                    t.select(&scraper::Selector::parse(s).expect("valid selector"))
                        .next()
                        .is_some()
                };
                has("td.bold") && has("td.smalltxt")
            }))
}

/// The archiver of Discuz 4.x-6.0 (`archiver/include/thread.inc.php`): title in `h1 a`
/// (`查看完整版本: TITLE`), then per post `div.archiver_post > p > cite` (author) + date and
/// `div.archiver_postbody`, or a `table.tableborder` with `td.bold` (author), `td[align=right]`
/// (date) and `td.smalltxt` (message). No pids and no floors: floors by order, as for 7.x.
fn extract_old(doc: &Doc<'_>) -> Option<Page> {
    let html = doc.html;
    let sel = |s: &str| scraper::Selector::parse(s).expect("valid selector");
    let mut posts = Vec::new();
    for block in html.select(super::selectors::a_old_posts()) {
        let Some(body) = block.select(&sel("div.archiver_postbody")).next() else {
            continue;
        };
        let mut post = post_from_body(text::body_to_text(body, &doc.hidden, &doc.urls));
        if let Some(p) = block.select(&sel("p")).next() {
            post.author = p
                .select(&sel("cite"))
                .next()
                .map(|c| text_of(c, &doc.hidden))
                .filter(|a| !a.is_empty());
            let line = text_of(p, &doc.hidden);
            let date = post
                .author
                .as_deref()
                .and_then(|a| line.split_once(a))
                .map_or(line.as_str(), |(_, d)| d)
                .trim()
                .to_owned();
            post.posted_at = dates::parse_absolute(&date);
            post.posted_at_text = Some(date).filter(|d| !d.is_empty());
        }
        posts.push(post);
    }
    if posts.is_empty() {
        for table in html.select(super::selectors::a_old_tables()) {
            let Some(body) = table.select(&sel("td.smalltxt")).next() else {
                continue;
            };
            let mut post = post_from_body(text::body_to_text(body, &doc.hidden, &doc.urls));
            post.author = table
                .select(&sel("td.bold"))
                .next()
                .map(|c| text_of(c, &doc.hidden))
                .filter(|a| !a.is_empty());
            if let Some(d) = table.select(&sel("td[align=right]")).next() {
                let date = text_of(d, &doc.hidden);
                post.posted_at = dates::parse_absolute(&date);
                post.posted_at_text = Some(date).filter(|d| !d.is_empty());
            }
            posts.push(post);
        }
    }
    if posts.is_empty() {
        return None;
    }
    let pager = pager_in(doc, "div.archiver_pages");
    if pager.page == Some(1) {
        for (i, p) in posts.iter_mut().enumerate() {
            p.floor = Some(i as u32 + 1);
        }
    }
    for p in &mut posts {
        p.page = pager.page;
    }
    let h1 = html.select(&sel("h1 a")).next();
    let title = h1
        .map(|a| text_of(a, &doc.hidden))
        .map(|t| match t.split_once([':', '：']) {
            Some((_, rest)) if !rest.trim().is_empty() => rest.trim().to_owned(),
            _ => t,
        })
        .filter(|t| !t.is_empty())
        .or_else(|| super::title_from_head(html));
    let tid = super::desktop::tid(doc).or_else(|| {
        h1.and_then(|a| a.value().attr("href"))
            .and_then(urls::tid_of)
    });
    Some(Page {
        kind: PageKind::Archiver,
        charset: "",
        url: None,
        tid,
        title,
        forum: None,
        fid: None,
        pager,
        posts,
        guard_removed: 0,
        charset_note: None,
    })
}
