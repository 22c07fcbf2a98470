//! Every page of one thread: fetch page after page along the pager, extract each, stop at the
//! end (or where Discuz starts serving the last page again), merge.

use super::http::{Client, FetchError};
use super::target::{Source, ThreadTarget};
use crate::extract::{self, assemble, charset, ExtractError};
use crate::model::{Gate, Page, Thread};
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Options {
    pub source: Source,
    /// First and last page (`--pages 2-5`); `None` for the end.
    pub first: u32,
    pub last: Option<u32>,
    /// `--save-html DIR`: raw bytes of every page, named from tid and page only.
    pub save_html: Option<PathBuf>,
    pub charset: Option<&'static encoding_rs::Encoding>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            source: Source::Desktop,
            first: 1,
            last: None,
            save_html: None,
            charset: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ThreadError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{url}: {gate}")]
    Gate { url: String, gate: Gate },
    #[error("--save-html: {path}: {source}")]
    Save {
        path: String,
        source: std::io::Error,
    },
}

/// A thread longer than this is a pager gone wrong.
const MAX_PAGES: u32 = 100_000;

/// Fetch the thread `target` names. `progress(page, pages)` is called after each page.
pub fn fetch_thread(
    client: &Client,
    target: &ThreadTarget,
    opts: &Options,
    mut progress: impl FnMut(u32, Option<u32>),
) -> Result<Thread, ThreadError> {
    let mut pages: Vec<Page> = Vec::new();
    let mut seen_pids = std::collections::HashSet::new();
    let mut n = opts.first.max(1);
    let mut last = opts.last;
    loop {
        let url = target.page_url(opts.source, n);
        let resp = client.get(&url)?;
        if let Some(dir) = &opts.save_html {
            save(dir, target.tid, opts.source, n, &resp.body, &resp.head)?;
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
                return Err(ThreadError::Gate {
                    url: resp.url.to_string(),
                    gate,
                })
            }
        };
        // Past the end Discuz serves the last page again: a page that says it is another page,
        // or brings no post not seen before, ends the walk.
        let other_page =
            page.pager.page.is_some_and(|p| p != n) && opts.source != Source::Printable;
        let fresh = page
            .posts
            .iter()
            .filter(|p| p.pid.is_none_or(|pid| !seen_pids.contains(&pid)))
            .count();
        if (other_page || fresh == 0) && !pages.is_empty() {
            break;
        }
        seen_pids.extend(page.posts.iter().filter_map(|p| p.pid));
        let announced = page.pager.pages;
        pages.push(page);
        let end = match (last, announced) {
            (Some(l), Some(a)) => l.min(a),
            (Some(l), None) => l,
            (None, Some(a)) => a,
            (None, None) => n,
        };
        last = Some(last.unwrap_or(end));
        progress(n, Some(end));
        if opts.source == Source::Printable || n >= end || n >= MAX_PAGES {
            break;
        }
        n += 1;
    }
    Ok(assemble::merge(pages))
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
