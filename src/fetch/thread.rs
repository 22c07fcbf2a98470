//! Every page of one thread: fetch page after page along the pager, extract each, stop at the
//! end (or where Discuz starts serving the last page again), and hand each page's new posts to
//! the caller as soon as the page is in. Nothing but post ids is kept from page to page, so a
//! 1,000-page thread needs no more memory than a 10-page one.

use super::http::{Client, FetchError, Response};
use super::robots::Blocked;
use super::target::{Source, ThreadTarget};
use crate::extract::assemble::Assembler;
use crate::extract::{self, charset, ExtractError};
use crate::model::{Gate, Post, Thread};
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Options {
    pub source: Source,
    /// `--source auto`: when the first desktop page is an anti-theft page or no thread page
    /// at all, fetch the thread from the archiver instead.
    pub fallback: bool,
    /// First and last page (`--pages 2-5`); `None` for the end.
    pub first: u32,
    pub last: Option<u32>,
    /// `--save-html DIR`: raw bytes of every page, named from tid and page only.
    pub save_html: Option<PathBuf>,
    pub charset: Option<&'static encoding_rs::Encoding>,
    /// Check each URL against its host's robots.txt before fetching it.
    pub respect_robots: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            source: Source::Desktop,
            fallback: false,
            first: 1,
            last: None,
            save_html: None,
            charset: None,
            respect_robots: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ThreadError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{url}: {gate}")]
    Gate { url: String, gate: Gate },
    #[error("{url}: {blocked}")]
    Robots { url: String, blocked: Box<Blocked> },
    /// A page unjam will not parse (nested absurdly deep).
    #[error("{url}: {reason}")]
    Refused { url: String, reason: String },
    #[error("--save-html: {path}: {source}")]
    Save {
        path: String,
        source: std::io::Error,
    },
    /// The caller's sink failed (its output went away): not the thread's fault.
    #[error("writing the output: {0}")]
    Output(std::io::Error),
}

/// One page's worth of a thread, handed to the caller.
pub struct PageDone<'a> {
    asm: &'a Assembler,
    /// The page's posts not seen on an earlier page, in page order.
    pub posts: Vec<Post>,
    /// This page's number, and the last page the walk will fetch as far as it knows.
    pub page: u32,
    pub last: Option<u32>,
}

impl PageDone<'_> {
    /// The thread's fields (title, forum, pages…) as known so far; `posts` is empty.
    pub fn head(&self) -> &Thread {
        self.asm.head().expect("a page is in")
    }

    /// The address of the page `post` is on.
    pub fn post_url(&self, post: &Post) -> Option<String> {
        match post.page {
            Some(n) => self.asm.page_url(n),
            None => self.head().url.clone(),
        }
    }
}

/// A thread that failed, and what of it was handed out before.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct Failed {
    pub error: ThreadError,
    /// Pages and posts handed to the sink before the failure (posts are not taken back).
    pub partial: Summary,
}

/// What a finished walk saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub pages: u32,
    pub posts: usize,
    /// The source actually used (differs from the one asked for after an `auto` fallback).
    pub source: Option<Source>,
}

/// A thread longer than this is a pager gone wrong.
const MAX_PAGES: u32 = 100_000;

/// Fetch the thread `target` names, calling `sink` with each page's new posts.
pub fn fetch_thread(
    client: &Client,
    target: &ThreadTarget,
    opts: &Options,
    mut sink: impl FnMut(PageDone<'_>) -> std::io::Result<()>,
) -> Result<Summary, Failed> {
    match walk(client, target, opts, opts.source, &mut sink) {
        Err(Failed { error: e, partial })
            if partial.posts == 0 && opts.fallback && falls_back(&e) =>
        {
            log::info!(
                "tid {}: {e}; trying the archiver (no jammer, no floors)",
                target.tid
            );
            // The archiver failing too is reported as the first error: it is the one the user
            // asked about.
            walk(client, target, opts, Source::Archiver, &mut sink).map_err(|w| {
                log::info!("tid {}: archiver: {}", target.tid, w.error);
                Failed {
                    error: e,
                    partial: w.partial,
                }
            })
        }
        r => r,
    }
}

fn falls_back(e: &ThreadError) -> bool {
    matches!(
        e,
        ThreadError::Gate {
            gate: Gate::AntiTheft | Gate::NotDiscuz,
            ..
        }
    )
}

fn walk(
    client: &Client,
    target: &ThreadTarget,
    opts: &Options,
    source: Source,
    sink: &mut dyn FnMut(PageDone<'_>) -> std::io::Result<()>,
) -> Result<Summary, Failed> {
    let mut asm = Assembler::default();
    let mut summary = Summary {
        source: Some(source),
        ..Summary::default()
    };
    let fail = |summary: &Summary, error: ThreadError| Failed {
        error,
        partial: summary.clone(),
    };
    let mut n = opts.first.max(1);
    let mut last = opts.last;
    // While a page is extracted, the next one (when the pager says there is one) is already
    // being fetched: still one request at a time to the host, but the board's time to render
    // a page and ours to extract one overlap instead of adding up.
    std::thread::scope(|scope| {
        // One fetcher thread per walk, woken by a channel: a thread spawned per page tends to
        // be scheduled only when the extracting thread's time slice ends, which loses the
        // overlap.
        let (ask, asked) = std::sync::mpsc::channel::<url::Url>();
        let (give, given) = std::sync::mpsc::channel();
        scope.spawn(move || {
            for url in asked {
                if give.send(fetch_page(client, &url, opts)).is_err() {
                    break;
                }
            }
        });
        let fetched = |ahead: &mut bool, url: url::Url| -> Result<Response, ThreadError> {
            if !std::mem::take(ahead) {
                ask.send(url).expect("fetcher alive");
            }
            given.recv().expect("fetcher answers")
        };
        let mut ahead = false;
        loop {
            let resp =
                fetched(&mut ahead, target.page_url(source, n)).map_err(|e| fail(&summary, e))?;
            if last.is_some_and(|l| n < l) && source != Source::Printable {
                ahead = ask.send(target.page_url(source, n + 1)).is_ok();
            }
            if let Some(dir) = &opts.save_html {
                save(dir, target.tid, source, n, &resp.body, &resp.head)
                    .map_err(|e| fail(&summary, e))?;
            }
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
            let page = match extract::extract_page(&resp.body, &eopts) {
                Ok(p) => p,
                Err(ExtractError::Gate(gate)) => {
                    let e = ThreadError::Gate {
                        url: resp.url.to_string(),
                        gate,
                    };
                    return Err(fail(&summary, e));
                }
                Err(e) => {
                    let e = ThreadError::Refused {
                        url: resp.url.to_string(),
                        reason: e.to_string(),
                    };
                    return Err(fail(&summary, e));
                }
            };
            drop(resp);
            // Past the end Discuz serves the last page again: a page that says it is another page,
            // or brings no post not seen before, ends the walk.
            let other_page = page.pager.page.is_some_and(|p| p != n) && source != Source::Printable;
            let announced = page.pager.pages;
            let on_page = page.posts.len();
            let first = asm.head().is_none();
            if other_page && !first {
                log::info!(
                    "tid {}: page {n} is page {:?} again: end of thread",
                    target.tid,
                    page.pager.page
                );
                break;
            }
            let fresh = asm.push(page);
            if fresh.is_empty() && !first {
                log::info!(
                    "tid {}: page {n} has no new post: end of thread",
                    target.tid
                );
                break;
            }
            let end = match (last, announced) {
                (Some(l), Some(a)) => l.min(a),
                (Some(l), None) => l,
                (None, Some(a)) => a,
                (None, None) => n,
            };
            last = Some(last.unwrap_or(end));
            log::info!(
                "tid {}: page {n} of {end}: {on_page} post{}, {} new",
                target.tid,
                if on_page == 1 { "" } else { "s" },
                fresh.len()
            );
            summary.pages += 1;
            summary.posts += fresh.len();
            sink(PageDone {
                asm: &asm,
                posts: fresh,
                page: n,
                last: Some(end),
            })
            .map_err(|e| fail(&summary, ThreadError::Output(e)))?;
            if source == Source::Printable || n >= end || n >= MAX_PAGES {
                break;
            }
            n += 1;
        }
        Ok(summary)
    })
}

/// One page's response, robots.txt permitting.
fn fetch_page(client: &Client, url: &url::Url, opts: &Options) -> Result<Response, ThreadError> {
    if opts.respect_robots {
        client
            .robots_allow(url)
            .map_err(|blocked| ThreadError::Robots {
                url: url.to_string(),
                blocked: Box::new(blocked),
            })?;
    }
    Ok(client.get(url)?)
}

fn save(
    dir: &std::path::Path,
    tid: u64,
    source: Source,
    page: u32,
    body: &[u8],
    head: &str,
) -> Result<(), ThreadError> {
    let view = match source {
        Source::Desktop => "",
        Source::Printable => "-print",
        Source::Archiver => "-arch",
        Source::Mobile => "-m",
    };
    let path = dir.join(format!("thread-{tid}{view}-p{page}.html"));
    let err = |e| ThreadError::Save {
        path: path.display().to_string(),
        source: e,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    crate::atomic::write_atomically(&path, |w| w.write_all(body)).map_err(err)?;
    crate::atomic::write_atomically(&path.with_extension("headers"), |w| {
        w.write_all(head.as_bytes())
    })
    .map_err(err)
}
