//! `unjam forum`: board URLs in; their threads listed, fetched, and with `--state` only what
//! is new written out.

use super::thread::{
    emit, exit_status, http_client, report, save_cookie_jar, state_error, Failure, Incremental,
    Progress, STATE_FAILED,
};
use super::{is_broken_pipe, Status, Ui};
use crate::cli::ForumArgs;
use serde::Serialize;
use std::collections::HashSet;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use unjam::atomic::write_atomically;
use unjam::crawl::state::State;
use unjam::crawl::{list_board, BoardOptions, CrawlError, Seen};
use unjam::extract::dates;
use unjam::fetch::target::{BoardTarget, Source};
use unjam::fetch::thread::{Failed, Options, ThreadError};
use unjam::model::ListedThread;
use unjam::output::Format;

/// A `--list` record: the thread as the listing shows it, and its board.
#[derive(Serialize)]
struct ListRecord<'a> {
    fid: Option<u64>,
    forum: Option<&'a str>,
    #[serde(flatten)]
    thread: &'a ListedThread,
}

/// A thread to fetch, and the board it was listed on.
struct Listed {
    board: BoardTarget,
    forum: Option<String>,
    thread: ListedThread,
}

pub fn run(args: ForumArgs, ui: &Ui) -> Status {
    let is_file = |u: &str| !u.contains("://") && Path::new(u).is_file();
    if args.urls.iter().any(|u| is_file(u)) {
        if !args.urls.iter().all(|u| is_file(u)) {
            return ui.usage("give either board URLs or saved listing pages, not both");
        }
        if !args.list {
            return ui.usage(
                "a saved listing page is read with --list (fetching its threads needs the board's URL)",
            );
        }
        return list_saved(&args, ui);
    }
    let mut boards = Vec::new();
    for u in &args.urls {
        match BoardTarget::parse(u) {
            Ok(b) => boards.push(b),
            Err(e) => return ui.usage(format!("{u}: {e}")),
        }
    }
    let since = match args.since.as_deref().map(parse_since) {
        Some(None) => {
            return ui.usage(format!(
                "--since {}: expected a date such as 2026-11-01 or 2026-11-01 08:00",
                args.since.as_deref().unwrap_or("")
            ))
        }
        Some(Some(d)) => Some(d),
        None => None,
    };
    let hosts: Vec<String> = boards
        .iter()
        .filter_map(|b| b.root.host_str().map(str::to_owned))
        .collect();
    let (client, charset) = match http_client(&args.http, &hosts) {
        Ok(c) => c,
        Err(msg) => return ui.usage(msg),
    };
    let mut incremental = match &args.state {
        Some(path) => match Incremental::open(path, args.wait_lock, &client) {
            Ok(i) => Some(i),
            Err(e) => return state_error(ui, e),
        },
        None => None,
    };
    let respect_robots = !args.ignore_robots;
    let bopts = BoardOptions {
        max_pages: args.max_pages,
        respect_robots,
        charset,
    };

    // 1. The listings, boards in the order given, sub-forums after them (--recurse).
    let mut failures: Vec<Failure> = Vec::new();
    let mut done = 0usize;
    let mut queue: std::collections::VecDeque<BoardTarget> = boards.into();
    let mut boards_seen = HashSet::new();
    let mut threads_seen = HashSet::new();
    let mut listed: Vec<Listed> = Vec::new();
    while let Some(board) = queue.pop_front() {
        if !boards_seen.insert((board.root.clone(), board.fid)) {
            continue;
        }
        match list_board(&client, &board, &bopts) {
            Ok(b) => {
                done += 1;
                if ui.verbose > 0 || !b.subforums.is_empty() {
                    let subs: Vec<String> = b
                        .subforums
                        .iter()
                        .map(|s| format!("{} (fid {})", s.name, s.fid))
                        .collect();
                    if !subs.is_empty() && !args.recurse {
                        ui.info(format!(
                            "fid {}: sub-forums {} (--recurse follows them)",
                            board.fid,
                            subs.join(", ")
                        ));
                    }
                }
                if args.recurse {
                    for s in &b.subforums {
                        queue.push_back(board.with_fid(s.fid));
                    }
                }
                for t in b.threads {
                    if threads_seen.insert((board.root.clone(), t.tid)) {
                        listed.push(Listed {
                            board: board.clone(),
                            forum: b.forum.clone(),
                            thread: t,
                        });
                    }
                }
            }
            Err(e) => {
                ui.error(format!("board fid {}: {e}", board.fid));
                failures.push(match e {
                    CrawlError::Gate { gate, .. } => Failure::Gate(gate),
                    CrawlError::Robots { .. } => Failure::Robots,
                    CrawlError::Fetch(_) | CrawlError::Refused { .. } => Failure::Other,
                });
            }
        }
    }
    if let Some(since) = &since {
        // A thread whose last post time the listing does not show is kept: better fetched
        // than lost.
        listed.retain(|l| {
            l.thread
                .last_post_at
                .as_ref()
                .is_none_or(|t| t.as_str() >= since.as_str())
        });
    }
    if let Some(max) = args.max_threads {
        listed.truncate(max);
    }

    let escape = unjam::output::Tty {
        escape_controls: args.output.is_none() && io::stdout().is_terminal(),
        color: ui.color_stdout(args.output.is_some()),
    };
    let progress = Progress::new(ui, listed.len());
    let opts = Options {
        source: Source::Desktop,
        save_html: args.save_html.clone(),
        charset,
        respect_robots,
        ..Options::default()
    };
    let mut skipped = 0usize;
    let list_only = args.list;
    let output_dir = args.output_dir.as_deref();
    let mut work = |w: &mut dyn Write| -> io::Result<()> {
        if list_only {
            for l in &listed {
                let rec = ListRecord {
                    fid: Some(l.board.fid),
                    forum: l.forum.as_deref(),
                    thread: &l.thread,
                };
                serde_json::to_writer(&mut *w, &rec)?;
                w.write_all(b"\n")?;
            }
            return Ok(());
        }
        if let Some(dir) = output_dir {
            std::fs::create_dir_all(dir)?;
        }
        // 2. The threads: unchanged ones skipped, the others from where the last run stopped.
        for (i, l) in listed.iter().enumerate() {
            let target = l.board.thread(l.thread.tid);
            let key = State::key(&target);
            let mut topts = opts.clone();
            let mut after = None;
            if let Some(inc) = &incremental {
                if inc.state.unchanged(&key, &l.thread) {
                    if let Some(g) = inc.state.threads.get(&key).and_then(|s| s.failed) {
                        log::info!(
                            "tid {}: unchanged since the last run found it gone or closed ({g}): not asked for",
                            l.thread.tid
                        );
                    }
                    skipped += 1;
                    continue;
                }
                let plan = inc.state.plan(&key);
                topts.first = plan.first_page;
                after = plan.after_pid;
            }
            progress.start(i, l.thread.tid);
            let mut seen = Seen::default();
            let mut buf = Vec::new();
            let result = match output_dir {
                Some(_) => emit(
                    &client,
                    &target,
                    &topts,
                    &mut buf,
                    Format::Jsonl,
                    unjam::output::Tty::default(),
                    &progress,
                    after,
                    &mut seen,
                ),
                None => emit(
                    &client,
                    &target,
                    &topts,
                    w,
                    args.format,
                    escape,
                    &progress,
                    after,
                    &mut seen,
                ),
            };
            progress.finish();
            if let Some(dir) = output_dir {
                if !buf.is_empty() {
                    append_atomically(&dir.join(format!("{}.jsonl", l.thread.tid)), &buf)?;
                }
            }
            let complete = match &result {
                Ok(_) => {
                    done += 1;
                    true
                }
                Err(f) => {
                    if let ThreadError::Output(e) = &f.error {
                        return Err(io::Error::new(e.kind(), e.to_string()));
                    }
                    failures.push(report(ui, target.page_url(Source::Desktop, 1).as_str(), f));
                    false
                }
            };
            if let Some(inc) = &mut incremental {
                let mut changed = complete || seen.output > 0;
                if complete || seen.output > 0 {
                    inc.state
                        .record(&key, l.thread.tid, &seen, Some(&l.thread), complete);
                } else if let Err(Failed {
                    error: ThreadError::Gate { gate, .. },
                    ..
                }) = &result
                {
                    inc.state.record_gone(&key, l.thread.tid, &l.thread, *gate);
                    changed = true;
                }
                if changed {
                    if let Err(e) = inc.save(&client) {
                        ui.error(e);
                        return Err(io::Error::other(STATE_FAILED));
                    }
                }
            }
        }
        Ok(())
    };
    let written = match &args.output {
        Some(path) => write_atomically(path, &mut work),
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            work(&mut out).and_then(|_| out.flush())
        }
    };
    if let Err(e) = written {
        if is_broken_pipe(&e) {
            return Status::Success;
        }
        if e.to_string() != STATE_FAILED {
            ui.error(format!("cannot write output: {}", super::io_message(&e)));
        }
        return Status::Failure;
    }
    if skipped > 0 {
        ui.info(format!(
            "{skipped} threads unchanged since the last run, not fetched"
        ));
    }
    if let Some(inc) = &mut incremental {
        // Robots answers and nothing else may have changed: keep them for the next run.
        if let Err(e) = inc.save(&client) {
            ui.error(e);
            return Status::Failure;
        }
    }
    if let Err(s) = save_cookie_jar(ui, &client, args.http.cookie_jar.as_deref()) {
        return s;
    }
    exit_status(&failures, done)
}

/// `2026-11-01`, `2026-11-01 08:00`, `2026-11-01T08:00:00` as the ISO local time dates compare
/// with.
fn parse_since(s: &str) -> Option<String> {
    dates::parse_absolute(&s.replace('T', " "))
}

/// Append `bytes` (whole records) to `path`: the old content and the new are written to a
/// temp file that replaces `path`, so that a reader sees the file before or after, never a
/// half-written record.
fn append_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A symlink planted in the output directory must not make unjam read (and copy) a file
    // from elsewhere: thread files are plain files, or nothing.
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_file() {
            return Err(io::Error::other(format!(
                "{}: not a plain file (a symlink or a directory): refused",
                path.display()
            )));
        }
    }
    let old = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    write_atomically(path, |w| {
        w.write_all(&old)?;
        if !old.is_empty() && !old.ends_with(b"\n") {
            w.write_all(b"\n")?;
        }
        w.write_all(bytes)
    })
}

/// `unjam forum --list FILE.html...`: the threads of saved listing pages, offline (a
/// `FILE.headers` beside a page gives its charset, as for `unjam extract`).
fn list_saved(args: &ForumArgs, ui: &Ui) -> Status {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut failed = None;
    for name in &args.urls {
        let path = Path::new(name);
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                ui.error(format!("{name}: cannot read: {}", super::io_message(&e)));
                failed = Some(Status::Failure);
                continue;
            }
        };
        let mut opts = std::fs::read_to_string(path.with_extension("headers"))
            .map(|h| unjam::extract::Options::from_response_head(&h))
            .unwrap_or_default();
        opts.charset = args
            .http
            .charset
            .as_deref()
            .and_then(unjam::extract::charset::by_label);
        let listing = match unjam::extract::listing::extract_listing(&bytes, &opts) {
            Ok(l) if !l.threads.is_empty() => l,
            Ok(_) => {
                ui.error(format!("{name}: no threads listed on this page"));
                failed.get_or_insert(Status::Gate(unjam::model::Gate::NotDiscuz));
                continue;
            }
            Err(unjam::extract::ExtractError::Gate(g)) => {
                ui.error(format!("{name}: {g}"));
                failed.get_or_insert(Status::Gate(g));
                continue;
            }
            Err(e) => {
                ui.error(format!("{name}: {e}"));
                failed = Some(Status::Failure);
                continue;
            }
        };
        for t in &listing.threads {
            let rec = ListRecord {
                fid: listing.fid,
                forum: listing.forum.as_deref(),
                thread: t,
            };
            let r = serde_json::to_writer(&mut out, &rec)
                .map_err(io::Error::from)
                .and_then(|_| out.write_all(b"\n"));
            if let Err(e) = r {
                if is_broken_pipe(&e) {
                    return Status::Success;
                }
                ui.error(format!("cannot write output: {}", super::io_message(&e)));
                return Status::Failure;
            }
        }
    }
    if let Err(e) = out.flush() {
        if !is_broken_pipe(&e) {
            ui.error(format!("cannot write output: {}", super::io_message(&e)));
            return Status::Failure;
        }
    }
    failed.unwrap_or(Status::Success)
}
