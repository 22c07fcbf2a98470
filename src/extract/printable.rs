//! The printable view (`forum.php?mod=viewthread&action=printable&tid=T`, 7.x
//! `viewthread.php?action=printable`): every post of the thread on one page, between
//! `<hr noshade … color="#808080">` rules, each opened by `<b>作者: </b>NAME <b>时间: </b>DATE<br>`
//! (and `<b>标题: </b>SUBJECT<br>` for posts with a subject). The page shows no post ids and no
//! floors; posts come in thread order. There is no CSS for the jammer here, so its junk is
//! visible in a browser, but it is still wrapped in `font.jammer` / `span[display:none]`.

use super::{dates, post_from_body, text, Doc};
use crate::model::{Page, PageKind, Pager};
use ego_tree::NodeRef;
use scraper::{ElementRef, Node};

fn is_rule(n: &NodeRef<'_, Node>) -> Option<bool> {
    let el = n.value().as_element()?;
    (el.name() == "hr").then(|| {
        el.attr("color")
            .is_none_or(|c| c.eq_ignore_ascii_case("#808080"))
    })
}

fn bold_label(n: &NodeRef<'_, Node>) -> Option<String> {
    let el = ElementRef::wrap(*n)?;
    (el.value().name() == "b").then(|| {
        el.text()
            .collect::<String>()
            .trim()
            .trim_end_matches([':', '：'])
            .trim()
            .to_owned()
    })
}

fn node_text(n: &NodeRef<'_, Node>) -> String {
    match n.value() {
        Node::Text(t) => t.to_string(),
        Node::Element(_) => ElementRef::wrap(*n)
            .map(|e| e.text().collect())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn is_br(n: &NodeRef<'_, Node>) -> bool {
    n.value().as_element().is_some_and(|e| e.name() == "br")
}

pub fn extract(doc: &Doc<'_>) -> Option<Page> {
    let body = doc
        .html
        .select(&scraper::Selector::parse("body").expect("valid"))
        .next()?;
    let nodes: Vec<NodeRef<'_, Node>> = body.children().collect();
    let mut segments: Vec<&[NodeRef<'_, Node>]> = Vec::new();
    let mut start = None;
    for (i, n) in nodes.iter().enumerate() {
        match is_rule(n) {
            Some(true) => {
                if let Some(s) = start {
                    segments.push(&nodes[s..i]);
                }
                start = Some(i + 1);
            }
            Some(false) => {
                // The footer rule: the last post ends here.
                if let Some(s) = start.take() {
                    segments.push(&nodes[s..i]);
                }
            }
            None => {}
        }
    }
    if let Some(s) = start {
        segments.push(&nodes[s..]);
    }
    // The thread title: `<b>标题: </b>SUBJECT <b>[打印本页]</b>` before the first rule.
    let head_end = nodes.iter().position(|n| is_rule(n).is_some()).unwrap_or(0);
    let title = title_after_label(&nodes[..head_end]);

    let mut posts = Vec::new();
    for seg in segments {
        let mut author = None;
        let mut time = None;
        let mut i = 0;
        let mut label: Option<String> = None;
        let mut acc = String::new();
        // Header: label/value pairs until the line break after 时间 (and 标题).
        while i < seg.len() {
            let n = &seg[i];
            if let Some(l) = bold_label(n) {
                if let Some(prev) = label.take() {
                    assign(&prev, &acc, &mut author, &mut time);
                }
                acc.clear();
                if super::lang::printable_field(&l).is_some() {
                    label = Some(l);
                    i += 1;
                    continue;
                }
                break;
            }
            if is_br(n) {
                if let Some(prev) = label.take() {
                    assign(&prev, &acc, &mut author, &mut time);
                    acc.clear();
                    i += 1;
                    // A 标题 line may follow the 作者/时间 line (after a source line break).
                    let mut k = i;
                    while seg
                        .get(k)
                        .is_some_and(|n| n.value().as_text().is_some_and(|t| t.trim().is_empty()))
                    {
                        k += 1;
                    }
                    if seg
                        .get(k)
                        .and_then(bold_label)
                        .and_then(|l| super::lang::printable_field(&l))
                        == Some(super::lang::Field::Subject)
                    {
                        i = k;
                        continue;
                    }
                    break;
                }
                break;
            }
            if label.is_none() && !node_text(n).trim().is_empty() {
                break;
            }
            acc.push_str(&node_text(n));
            i += 1;
        }
        if author.is_none() && time.is_none() {
            continue;
        }
        let mut post = post_from_body(text::nodes_to_text(&seg[i..], &doc.hidden, &doc.urls));
        post.author = author.filter(|a: &String| !a.is_empty());
        post.posted_at = time.as_deref().and_then(|t| {
            dates::parse_absolute(t).or_else(|| dates::resolve_relative(t, doc.today))
        });
        post.posted_at_text = time;
        post.floor = Some(posts.len() as u32 + 1);
        // The printable view is one page holding the whole thread.
        post.page = Some(1);
        posts.push(post);
    }
    Some(Page {
        kind: PageKind::Printable,
        charset: "",
        url: None,
        tid: super::desktop::tid(doc),
        title: title.or_else(|| super::title_from_head(doc.html)),
        forum: None,
        fid: None,
        pager: Pager {
            page: Some(1),
            pages: Some(1),
            next: None,
            links: Vec::new(),
        },
        posts,
        guard_removed: 0,
        charset_note: None,
    })
}

fn assign(label: &str, value: &str, author: &mut Option<String>, time: &mut Option<String>) {
    let v = value.replace('\u{a0}', " ").trim().to_owned();
    match super::lang::printable_field(label) {
        Some(super::lang::Field::Author) => *author = Some(v),
        Some(super::lang::Field::Time) => *time = Some(v),
        _ => {}
    }
}

/// The value after the subject label (标题, 標題, Subject).
fn title_after_label(nodes: &[NodeRef<'_, Node>]) -> Option<String> {
    let i = nodes.iter().position(|n| {
        bold_label(n).and_then(|l| super::lang::printable_field(&l))
            == Some(super::lang::Field::Subject)
    })?;
    let mut t = String::new();
    for n in &nodes[i + 1..] {
        if is_br(n) || bold_label(n).is_some() {
            break;
        }
        t.push_str(&node_text(n));
    }
    let t = t.trim().to_owned();
    (!t.is_empty()).then_some(t)
}
