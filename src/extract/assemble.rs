//! Pages into threads: pages of one thread merged in page order, posts deduplicated by pid.
//!
//! [`Assembler`] takes one page at a time and hands back the posts not seen before, so that
//! `unjam thread` can write a page's posts as soon as it has it and keep nothing but ids; the
//! batch [`merge`] used by `unjam extract` is the same assembler fed in page order.

use crate::model::{Page, PageKind, Post, Thread};
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};

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
    // Every page's URL is known before any post is placed, so that posts of page 1 can point at
    // page 1's own address even when a later capture of it comes second.
    let mut urls = PageUrls::default();
    for p in &pages {
        urls.add(p);
    }
    let mut asm = Assembler::default();
    let mut posts = Vec::new();
    for page in pages {
        posts.extend(asm.push(page));
    }
    let mut thread = asm.finish().expect("merge is given at least one page");
    thread.page_urls = urls.list(thread.pages);
    thread.url = thread.page_urls.first().cloned().flatten().or(thread.url);
    thread.posts = posts;
    thread
}

/// One thread's pages, fed in page order; see the module docs.
#[derive(Default)]
pub struct Assembler {
    /// The thread's fields, without posts.
    head: Option<Thread>,
    urls: PageUrls,
    seen_pids: HashSet<u64>,
    /// Posts without a pid (printable, archiver) are told apart by author, time and text.
    seen_unnumbered: HashSet<u64>,
    seen_pages: HashSet<u32>,
    /// Archiver pages show no floors: numbered by order while the pages run 1, 2, 3, …
    next_floor: Option<u32>,
    last_page: Option<u32>,
}

impl Assembler {
    /// Take the next page; return its posts not seen on an earlier page.
    pub fn push(&mut self, page: Page) -> Vec<Post> {
        self.urls.add(&page);
        let n = page.pager.page;
        match &mut self.head {
            None => {
                self.next_floor = (page.kind == PageKind::Archiver && n == Some(1)).then_some(1);
                self.head = Some(Thread {
                    tid: page.tid,
                    title: page.title.clone(),
                    forum: page.forum.clone(),
                    fid: page.fid,
                    url: page.url.clone(),
                    pages: page.pager.pages,
                    page_urls: Vec::new(),
                    kind: page.kind,
                    charset: page.charset,
                    posts: Vec::new(),
                });
            }
            Some(h) => {
                h.title = h.title.take().or_else(|| page.title.clone());
                h.forum = h.forum.take().or_else(|| page.forum.clone());
                h.fid = h.fid.or(page.fid);
                h.pages = h.pages.max(page.pager.pages);
                if self.last_page.is_none_or(|l| n != Some(l + 1)) {
                    self.next_floor = None;
                }
            }
        }
        self.last_page = n;
        // The same page twice (a re-capture) adds nothing when its posts cannot be told apart.
        let repeat = n.is_some_and(|n| !self.seen_pages.insert(n));
        if repeat && page.posts.iter().all(|p| p.pid.is_none()) {
            self.next_floor = None;
            return Vec::new();
        }
        let mut fresh = Vec::with_capacity(page.posts.len());
        for mut post in page.posts {
            let new = match post.pid {
                Some(pid) => self.seen_pids.insert(pid),
                None => self.seen_unnumbered.insert(fingerprint(&post)),
            };
            if !new {
                continue;
            }
            if post.floor.is_some() {
                self.next_floor = None;
            } else if let Some(f) = &mut self.next_floor {
                post.floor = Some(*f);
                *f += 1;
            }
            fresh.push(post);
        }
        fresh
    }

    /// The thread's fields so far (no posts), once a page is in.
    pub fn head(&self) -> Option<&Thread> {
        self.head.as_ref()
    }

    /// The URL of page `n`, as far as the pages so far tell.
    pub fn page_url(&self, n: u32) -> Option<String> {
        self.urls.get(n)
    }

    /// The thread's fields with every page URL known so far; `None` if no page came in.
    pub fn finish(self) -> Option<Thread> {
        let mut head = self.head?;
        head.page_urls = self.urls.list(head.pages);
        Some(head)
    }
}

fn fingerprint(p: &Post) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&p.author, &p.posted_at_text, &p.text).hash(&mut h);
    h.finish()
}

/// Page URLs: the pages' own addresses first, then the pagers' links, then the others
/// renumbered from any known one.
#[derive(Default)]
struct PageUrls {
    own: BTreeMap<u32, String>,
    linked: BTreeMap<u32, String>,
}

impl PageUrls {
    fn add(&mut self, p: &Page) {
        if let (Some(n), Some(u)) = (p.pager.page, &p.url) {
            self.own.entry(n).or_insert_with(|| u.clone());
        }
        for (n, u) in &p.pager.links {
            self.linked.entry(*n).or_insert_with(|| u.clone());
        }
    }

    fn known(&self, n: u32) -> Option<&String> {
        self.own.get(&n).or_else(|| self.linked.get(&n))
    }

    fn get(&self, n: u32) -> Option<String> {
        self.known(n).cloned().or_else(|| {
            // The lowest-numbered page known serves as the pattern.
            let own = self.own.first_key_value();
            let linked = self.linked.first_key_value();
            let (_, pattern) = match (own, linked) {
                (Some(o), Some(l)) => {
                    if l.0 < o.0 {
                        l
                    } else {
                        o
                    }
                }
                (o, l) => o.or(l)?,
            };
            crate::extract::urls::with_page(pattern, n)
        })
    }

    fn list(&self, count: Option<u32>) -> Vec<Option<String>> {
        let last = count
            .into_iter()
            .chain(self.own.keys().next_back().copied())
            .chain(self.linked.keys().next_back().copied())
            .max()
            .unwrap_or(0)
            // A pager claiming millions of pages is not a reason to allocate millions of URLs.
            .min(100_000);
        (1..=last).map(|n| self.get(n)).collect()
    }
}
