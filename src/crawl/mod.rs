//! Stage 1b: a whole board. Walk a board's listing pages, collect its threads (stickies once),
//! and decide, with the incremental [`state`], which threads need fetching and from which page.
//! Fetching the threads themselves is [`crate::fetch::thread`]'s job.

pub mod state;

use crate::extract::listing::extract_listing;
use crate::extract::{self, charset, ExtractError};
use crate::fetch::http::{Client, FetchError};
use crate::fetch::robots::Blocked;
use crate::fetch::target::{BoardTarget, ThreadTarget};
use crate::model::{Gate, ListedThread, SubForum};
use state::{State, ThreadState};
use std::collections::HashSet;

#[derive(Clone, Debug, Default)]
pub struct BoardOptions {
    /// Listing pages to read at most (`--max-pages`).
    pub max_pages: Option<u32>,
    pub respect_robots: bool,
    pub charset: Option<&'static encoding_rs::Encoding>,
}

/// A board as its listing pages show it.
#[derive(Clone, Debug, Default)]
pub struct Board {
    pub fid: u64,
    pub forum: Option<String>,
    /// Every thread once, in listing order (stickies where they first appear).
    pub threads: Vec<ListedThread>,
    pub subforums: Vec<SubForum>,
    /// Listing pages fetched.
    pub pages: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{url}: {gate}")]
    Gate { url: String, gate: Gate },
    #[error("{url}: {blocked}")]
    Robots { url: String, blocked: Box<Blocked> },
    #[error("{url}: {reason}")]
    Refused { url: String, reason: String },
}

/// A listing longer than this is a pager gone wrong.
const MAX_LISTING_PAGES: u32 = 100_000;

/// Read the listing pages of `board`, in order, once each.
pub fn list_board(
    client: &Client,
    board: &BoardTarget,
    opts: &BoardOptions,
) -> Result<Board, CrawlError> {
    let mut out = Board {
        fid: board.fid,
        ..Board::default()
    };
    let mut seen = HashSet::new();
    let mut n = 1u32;
    loop {
        let url = board.listing_url(n);
        if opts.respect_robots {
            client.robots_allow(&url).map_err(|b| CrawlError::Robots {
                url: url.to_string(),
                blocked: Box::new(b),
            })?;
        }
        let resp = client.get(&url)?;
        let eopts = extract::Options {
            charset: opts.charset,
            header_charset: resp
                .content_type
                .as_deref()
                .and_then(charset::from_content_type),
            url: Some(resp.url.to_string()),
            status: Some(resp.status),
            date: resp.date,
        };
        let listing = extract_listing(&resp.body, &eopts).map_err(|e| match e {
            ExtractError::Gate(gate) => CrawlError::Gate {
                url: resp.url.to_string(),
                gate,
            },
            e => CrawlError::Refused {
                url: resp.url.to_string(),
                reason: e.to_string(),
            },
        })?;
        // Past the end Discuz serves the last page again.
        if n > 1 && listing.pager.page.is_some_and(|p| p != n) {
            log::info!("fid {}: listing page {n} is another page: end", board.fid);
            break;
        }
        let before = out.threads.len();
        for t in listing.threads {
            if seen.insert(t.tid) {
                out.threads.push(t);
            }
        }
        if n > 1 && out.threads.len() == before {
            log::info!("fid {}: listing page {n} has no new thread: end", board.fid);
            break;
        }
        out.pages += 1;
        out.forum = out.forum.or(listing.forum);
        for s in listing.subforums {
            if !out.subforums.iter().any(|x| x.fid == s.fid) {
                out.subforums.push(s);
            }
        }
        let end = listing.pager.pages.unwrap_or(n);
        log::info!(
            "fid {}: listing page {n} of {end}: {} threads so far",
            board.fid,
            out.threads.len()
        );
        if n >= end || n >= MAX_LISTING_PAGES || opts.max_pages.is_some_and(|m| n >= m) {
            break;
        }
        n += 1;
    }
    Ok(out)
}

/// Where the next fetch of a thread starts, and which posts it outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The page holding the last floor output before (1 for a thread not seen).
    pub first_page: u32,
    /// Output only posts with a higher pid (`None`: everything).
    pub after_pid: Option<u64>,
}

impl State {
    /// The key of a thread in the state file: its first page's desktop address.
    pub fn key(target: &ThreadTarget) -> String {
        let mut t = target.clone();
        t.rewritten = false;
        let mut u = t.page_url(crate::fetch::target::Source::Desktop, 1);
        // `&page=1` is noise in a key.
        let q: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        u.query_pairs_mut().clear().extend_pairs(q);
        u.to_string()
    }

    /// Does the listing show the thread as it was when last output? Then nothing to fetch.
    pub fn unchanged(&self, key: &str, listed: &ListedThread) -> bool {
        self.threads.get(key).is_some_and(|s| {
            s.replies.is_some()
                && s.replies == listed.replies
                && s.last_post_at == listed.last_post_at
        })
    }

    pub fn plan(&self, key: &str) -> Plan {
        match self.threads.get(key) {
            Some(s) => Plan {
                first_page: s.last_page.max(1),
                after_pid: s.max_pid,
            },
            None => Plan {
                first_page: 1,
                after_pid: None,
            },
        }
    }

    /// Record what a run output of a thread: the highest pid and floor, the last page, and,
    /// when the walk went to the end (`complete`), the listing's counts (or the thread's own)
    /// that tell the next run whether to fetch it at all. A thread cut short keeps its old
    /// counts, so that it looks changed and is fetched again from where it stopped.
    pub fn record(
        &mut self,
        key: &str,
        tid: u64,
        seen: &Seen,
        listed: Option<&ListedThread>,
        complete: bool,
    ) {
        let s = self
            .threads
            .entry(key.to_owned())
            .or_insert_with(|| ThreadState {
                tid,
                last_page: 1,
                ..ThreadState::default()
            });
        s.max_pid = s.max_pid.max(seen.max_pid);
        if seen.max_floor > s.max_floor {
            s.max_floor = seen.max_floor;
            s.last_page = seen.max_floor_page.unwrap_or(s.last_page);
        }
        s.posts += seen.output;
        if !complete {
            return;
        }
        s.failed = None;
        match listed {
            Some(l) => {
                s.replies = l.replies;
                s.last_post_at = l.last_post_at.clone();
            }
            None => {
                s.replies = s.max_floor.map(|f| f.saturating_sub(1));
                s.last_post_at = seen.last_post_at.clone().or(s.last_post_at.take());
            }
        }
    }
}

impl State {
    /// Record a thread that is gone or closed to this user (not found, login, no permission)
    /// at the counts the listing shows, so that it is not asked for on every run. Other
    /// failures (network, server errors, anti-theft, challenges) are not recorded: the next
    /// run tries again.
    pub fn record_gone(&mut self, key: &str, tid: u64, listed: &ListedThread, gate: Gate) {
        if !matches!(
            gate,
            Gate::NotFound | Gate::LoginRequired | Gate::NoPermission
        ) {
            return;
        }
        let s = self
            .threads
            .entry(key.to_owned())
            .or_insert_with(|| ThreadState {
                tid,
                last_page: 1,
                ..ThreadState::default()
            });
        s.replies = listed.replies;
        s.last_post_at = listed.last_post_at.clone();
        s.failed = Some(gate);
    }
}

/// What one run saw of a thread, for [`State::record`].
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub max_pid: Option<u64>,
    pub max_floor: Option<u32>,
    pub max_floor_page: Option<u32>,
    pub last_post_at: Option<String>,
    /// Posts output.
    pub output: u64,
}

impl Seen {
    /// Take a post the walk handed out (output or not: floors and pids move on either way).
    pub fn saw(&mut self, post: &crate::model::Post) {
        self.max_pid = self.max_pid.max(post.pid);
        if post.floor > self.max_floor {
            self.max_floor = post.floor;
            self.max_floor_page = post.page;
        }
        if post.posted_at.is_some() && post.posted_at > self.last_post_at {
            self.last_post_at = post.posted_at.clone();
        }
    }
}
