//! Pages into threads: pages of one thread merged in page order, posts deduplicated by pid.

use crate::model::{Page, PageKind, Post, Thread};
use std::collections::BTreeMap;

/// Group pages by thread id and merge each group. Pages without a thread id stay threads of
/// their own. Threads come out in the order their first page came in.
pub fn assemble(pages: Vec<Page>) -> Vec<Thread> {
    let mut order: Vec<Option<u64>> = Vec::new();
    let mut groups: BTreeMap<u64, Vec<Page>> = BTreeMap::new();
    let mut loose: Vec<Page> = Vec::new();
    for page in pages {
        match page.tid {
            Some(t) => {
                if !groups.contains_key(&t) {
                    order.push(Some(t));
                }
                groups.entry(t).or_default().push(page);
            }
            None => {
                order.push(None);
                loose.push(page);
            }
        }
    }
    let mut loose = loose.into_iter();
    order
        .into_iter()
        .filter_map(|k| match k {
            Some(t) => groups.remove(&t).map(merge),
            None => loose.next().map(|p| merge(vec![p])),
        })
        .collect()
}

/// Merge the pages of one thread.
pub fn merge(mut pages: Vec<Page>) -> Thread {
    pages.sort_by_key(|p| p.pager.page.unwrap_or(u32::MAX));
    let first = &pages[0];
    let mut thread = Thread {
        tid: first.tid,
        title: pages.iter().find_map(|p| p.title.clone()),
        forum: pages.iter().find_map(|p| p.forum.clone()),
        fid: pages.iter().find_map(|p| p.fid),
        url: None,
        pages: pages.iter().filter_map(|p| p.pager.pages).max(),
        page_urls: Vec::new(),
        kind: first.kind,
        charset: first.charset,
        posts: Vec::new(),
    };
    thread.page_urls = page_urls(&pages, thread.pages);
    thread.url = thread
        .page_urls
        .first()
        .cloned()
        .flatten()
        .or_else(|| pages[0].url.clone());
    let mut seen_pids = std::collections::HashSet::new();
    let mut seen_pages = std::collections::HashSet::new();
    for page in pages {
        // The same page twice (a re-capture): its posts are already in.
        if let Some(n) = page.pager.page {
            if !seen_pages.insert(n) && page.posts.iter().all(|p| p.pid.is_none()) {
                continue;
            }
        }
        for post in page.posts {
            if let Some(pid) = post.pid {
                if !seen_pids.insert(pid) {
                    continue;
                }
            } else if thread
                .posts
                .iter()
                .any(|q: &Post| q.pid.is_none() && same_post(q, &post))
            {
                continue;
            }
            thread.posts.push(post);
        }
    }
    // Archiver pages show no floors: numbered by order when the pages run from 1 without gaps.
    if thread.kind == PageKind::Archiver && thread.posts.iter().all(|p| p.floor.is_none()) {
        let mut pages: Vec<u32> = thread.posts.iter().filter_map(|p| p.page).collect();
        pages.dedup();
        if pages.first() == Some(&1) && pages.windows(2).all(|w| w[1] == w[0] + 1) {
            for (i, p) in thread.posts.iter_mut().enumerate() {
                p.floor = Some(i as u32 + 1);
            }
        }
    }
    thread
}

/// Every page's URL: the pages' own addresses first, then the pagers' links, then the others
/// renumbered from any known one.
fn page_urls(pages: &[Page], count: Option<u32>) -> Vec<Option<String>> {
    let mut known: BTreeMap<u32, String> = BTreeMap::new();
    for p in pages {
        if let (Some(n), Some(u)) = (p.pager.page, &p.url) {
            known.entry(n).or_insert_with(|| u.clone());
        }
    }
    for p in pages {
        for (n, u) in &p.pager.links {
            known.entry(*n).or_insert_with(|| u.clone());
        }
    }
    let last = count
        .into_iter()
        .chain(known.keys().next_back().copied())
        .max()
        .unwrap_or(0)
        // A pager claiming millions of pages is not a reason to allocate millions of URLs.
        .min(100_000);
    let pattern = known.values().next().cloned();
    (1..=last)
        .map(|n| {
            known.get(&n).cloned().or_else(|| {
                pattern
                    .as_deref()
                    .and_then(|u| crate::extract::urls::with_page(u, n))
            })
        })
        .collect()
}

fn same_post(a: &Post, b: &Post) -> bool {
    a.author == b.author && a.posted_at_text == b.posted_at_text && a.text == b.text
}
