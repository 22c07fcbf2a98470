//! `unjam extract --warc`: web archives in, posts out. Each file is read record by record;
//! the Discuz thread pages found in one file are grouped into threads and written when the
//! file is done (pages of one thread in two files are not merged: tid + pid are the keys to
//! merge downstream). Files run in parallel with `-j`, their output kept in input order.

use super::{io_message, is_broken_pipe, Status, Ui};
use crate::cli::ExtractArgs;
use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use unjam::atomic::write_atomically;
use unjam::extract::assemble;
use unjam::output;
use unjam::warc::pages::{read_pages, Counts, Event, PageOptions};

/// One WARC input: a file, or stdin (`None`).
pub struct WarcInput {
    pub name: String,
    pub path: Option<PathBuf>,
}

/// What one file gave.
struct Done {
    threads: Vec<unjam::model::Thread>,
    counts: Counts,
    /// Messages for stderr, in the order they happened: (is an error, text).
    messages: Vec<(bool, String)>,
    /// The file could not be read (to its end).
    failed: bool,
}

pub fn run(
    inputs: Vec<WarcInput>,
    args: &ExtractArgs,
    charset: Option<&'static encoding_rs::Encoding>,
    max_size: u64,
    ui: &Ui,
) -> Status {
    let opts = PageOptions { charset, max_size };
    let threads = match args.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, inputs.len().max(1));
    let tty = output::Tty {
        escape_controls: args.output.is_none() && io::stdout().is_terminal(),
        color: ui.color_stdout(args.output.is_some()),
    };
    let mut total = Counts::default();
    let mut failed_files = 0;
    let verbose = ui.verbose > 0;
    let mut write = |w: &mut dyn Write| -> io::Result<()> {
        let (tx, rx) = mpsc::sync_channel::<(usize, Done)>(threads);
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| -> io::Result<()> {
            for _ in 0..threads {
                let tx = tx.clone();
                let (inputs, next, opts) = (&inputs, &next, &opts);
                s.spawn(move || loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    if tx.send((i, read_one(input, opts, verbose))).is_err() {
                        break; // the writer stopped
                    }
                });
            }
            drop(tx);
            // Files finish out of order; write them in input order.
            let mut ready = BTreeMap::new();
            let mut want = 0;
            for (i, done) in rx {
                ready.insert(i, done);
                while let Some(done) = ready.remove(&want) {
                    want += 1;
                    for (error, m) in &done.messages {
                        if *error {
                            ui.error(m);
                        } else {
                            ui.info(m);
                        }
                    }
                    failed_files += usize::from(done.failed);
                    total.merge(&done.counts);
                    for t in &done.threads {
                        output::write_thread(w, t, args.format, tty)?;
                    }
                    w.flush()?;
                }
            }
            Ok(())
        })
    };
    let written = match &args.output {
        Some(path) => write_atomically(path, write),
        None => write(&mut io::BufWriter::new(io::stdout().lock())),
    };
    if let Err(e) = written {
        if is_broken_pipe(&e) {
            return Status::Success;
        }
        ui.error(format!("cannot write output: {}", io_message(&e)));
        return Status::Failure;
    }
    if args.stats {
        ui.info(summary(&total, inputs.len()));
    } else if total.pages == 0 && failed_files == 0 && total.corrupt == 0 {
        ui.info(format!(
            "no Discuz thread page among {} records ({} responses); --stats tells more",
            total.records, total.responses
        ));
    }
    if failed_files > 0 || total.corrupt > 0 || total.refused > 0 {
        Status::Failure
    } else {
        Status::Success
    }
}

fn read_one(input: &WarcInput, opts: &PageOptions, verbose: bool) -> Done {
    let mut pages = Vec::new();
    let mut messages = Vec::new();
    let name = &input.name;
    let mut on = |e: Event| match e {
        Event::Page(p) => {
            if verbose {
                messages.push((
                    false,
                    format!(
                        "{name}: {}: {} page, {} posts",
                        p.url.as_deref().unwrap_or("?"),
                        p.kind.name(),
                        p.posts.len()
                    ),
                ));
            }
            pages.push(*p);
        }
        Event::Corrupt(c) => messages.push((true, format!("{name}: {c}; skipped"))),
        Event::Refused { offset, uri, why } => messages.push((
            true,
            format!("{name}: record at byte {offset} ({uri}): {why}"),
        )),
    };
    let result = match &input.path {
        Some(p) => std::fs::File::open(p).and_then(|f| {
            if f.metadata()?.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "is a directory",
                ));
            }
            read_pages(f, opts, &mut on)
        }),
        None => read_pages(io::stdin(), opts, &mut on),
    };
    let (counts, failed) = match result {
        Ok(c) => (c, false),
        Err(e) => {
            messages.push((true, format!("{name}: cannot read: {}", io_message(&e))));
            (Counts::default(), true)
        }
    };
    let threads = group(pages);
    // Posts written: a page captured twice gives its posts once.
    let mut counts = counts;
    counts.posts = threads.iter().map(|t| t.posts.len() as u64).sum();
    Done {
        threads,
        counts,
        messages,
        failed,
    }
}

/// Threads out of the pages of one file. Pages merge only within one site and one view: every
/// forum in a crawl has a thread 1, and a thread's desktop, touch, printable and archiver
/// captures are different pages (their posts keep their own URL and kind).
fn group(pages: Vec<unjam::model::Page>) -> Vec<unjam::model::Thread> {
    let mut order: Vec<(Option<String>, &'static str)> = Vec::new();
    let mut groups: BTreeMap<(Option<String>, &'static str), Vec<unjam::model::Page>> =
        BTreeMap::new();
    for p in pages {
        // The site: scheme, host and port (two boards on one host differ by port).
        let host = p
            .url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization());
        let key = (host, p.kind.name());
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(p);
    }
    order
        .into_iter()
        .flat_map(|k| assemble::assemble(groups.remove(&k).unwrap_or_default()))
        .collect()
}

fn summary(c: &Counts, files: usize) -> String {
    let gates: Vec<String> = c.gates.iter().map(|(k, v)| format!("{v} {k}")).collect();
    format!(
        "files: {files}; records: {} ({} responses); Discuz thread pages: {}, posts: {}; \
         skipped: {} not HTML, {} not Discuz (sniffed), {} not a thread page (parsed){}; \
         refused: {}; corrupt records: {}",
        c.records,
        c.responses,
        c.pages,
        c.posts,
        c.not_html,
        c.not_discuz,
        c.parsed_not_thread,
        if gates.is_empty() {
            String::new()
        } else {
            format!(", gates: {}", gates.join(", "))
        },
        c.refused,
        c.corrupt
    )
}
