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
    let content = doc.html.select(super::selectors::a_content()).next()?;
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
    let sel = scraper::Selector::parse("div.page strong, div.page a").expect("valid");
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
            .select(&scraper::Selector::parse("div.page").expect("valid"))
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
