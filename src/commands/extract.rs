//! `unjam extract`: saved pages (files, directories, stdin) in, threads out.

use super::{is_broken_pipe, Status, Ui};
use crate::cli::ExtractArgs;
use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use unjam::atomic::write_atomically;
use unjam::extract::{self, assemble, charset, ExtractError, Options};
use unjam::model::{Gate, Page};
use unjam::output;

/// One page to read.
struct Input {
    name: String,
    path: Option<PathBuf>,
}

/// What became of one page.
enum Outcome {
    Page(Box<Page>),
    Gate(Gate),
    Io(io::Error),
    /// Read, but refused: too large (`--max-size`) or nested too deep.
    Refused(String),
}

pub fn run(args: ExtractArgs, ui: &Ui) -> Status {
    let given = match args.charset.as_deref().map(|c| (c, charset::by_label(c))) {
        Some((c, None)) => {
            return ui.usage(format!(
                "unknown charset {c:?} (try gbk, gb18030, big5, utf-8)"
            ))
        }
        Some((_, e)) => e,
        None => None,
    };
    let mut inputs = Vec::new();
    let mut empty_dirs = 0;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let warc = args.warc
        || (!paths.iter().any(|p| p.as_os_str() == "-")
            && paths.iter().all(|p| !p.is_dir() && is_warc_file(p)));
    if !warc {
        if let Some(p) = paths.iter().find(|p| !p.is_dir() && is_warc_file(p)) {
            return ui.usage(format!(
                "{} is a WARC file: give WARC files and HTML pages in separate runs (or add --warc)",
                p.display()
            ));
        }
    }
    for p in &paths {
        if p.as_os_str() == "-" {
            inputs.push(Input {
                name: "<stdin>".into(),
                path: None,
            });
        } else if p.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = walk(p, warc, &mut found) {
                ui.error(format!("{}: cannot read directory: {e}", p.display()));
                return Status::Failure;
            }
            if found.is_empty() {
                let what = if warc {
                    ".warc or .warc.gz"
                } else {
                    ".html or .htm"
                };
                ui.error(format!("{}: no {what} files inside", p.display()));
                empty_dirs += 1;
                continue;
            }
            found.sort();
            inputs.extend(found.into_iter().map(|f| Input {
                name: f.display().to_string(),
                path: Some(f),
            }));
        } else {
            inputs.push(Input {
                name: p.display().to_string(),
                path: Some(p.clone()),
            });
        }
    }
    if args.url.is_some() && inputs.len() > 1 {
        return ui.usage("--url names one page; give one input with it");
    }
    if inputs.iter().filter(|i| i.path.is_none()).count() > 1 {
        return ui.usage("stdin (`-`) can be named only once");
    }
    let threads = match args.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(inputs.len().max(1));

    if inputs.is_empty() {
        return Status::Failure;
    }
    let Some(max_size) = super::thread::parse_size(&args.max_size) else {
        return ui.usage(format!(
            "--max-size {}: expected bytes, or K/M/G",
            args.max_size
        ));
    };
    if warc {
        if args.url.is_some() {
            return ui.usage("--url names one page; a WARC record gives its own (WARC-Target-URI)");
        }
        let inputs = inputs
            .into_iter()
            .map(|i| super::extract_warc::WarcInput {
                name: i.name,
                path: i.path,
            })
            .collect();
        let status = super::extract_warc::run(inputs, &args, given, max_size, ui);
        return if empty_dirs > 0 && status == Status::Success {
            Status::Failure
        } else {
            status
        };
    }
    // Output comes after every page is read, so a bar does not tear it.
    let meter = if inputs.len() > 1 {
        super::meter::Meter::items(ui, inputs.len() as u64, "pages")
    } else {
        super::meter::Meter::off()
    };
    let outcomes = read_all(&inputs, &args, given, threads, max_size, &meter);
    meter.finish();
    let mut pages = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();
    for (input, outcome) in inputs.iter().zip(outcomes) {
        match outcome {
            Outcome::Page(p) => {
                if ui.verbose > 0 {
                    ui.info(format!(
                        "{}: {} page, {} posts, charset {}, tid {}",
                        input.name,
                        p.kind.name(),
                        p.posts.len(),
                        p.charset,
                        p.tid.map_or("?".into(), |t| t.to_string())
                    ));
                }
                if let Some(note) = p.charset_note.as_deref().filter(|_| ui.verbose > 0) {
                    ui.info(format!("{}: {note}", input.name));
                }
                if p.guard_removed > 0 {
                    ui.info(format!(
                        "{}: the text cleaner still found {} junk strings after structural removal",
                        input.name, p.guard_removed
                    ));
                }
                pages.push(*p);
            }
            Outcome::Gate(g) => {
                ui.error(format!("{}: {g}", input.name));
                failures.push(Failure::Gate(g));
            }
            Outcome::Io(e) => {
                ui.error(format!(
                    "{}: cannot read: {}",
                    input.name,
                    super::io_message(&e)
                ));
                failures.push(Failure::Io);
            }
            Outcome::Refused(why) => {
                ui.error(format!("{}: {why}", input.name));
                failures.push(Failure::Io);
            }
        }
    }
    let n_pages = pages.len();
    let guard: u64 = pages.iter().map(|p| p.guard_removed).sum();
    let threads_out = assemble::assemble(pages);
    let n_posts: usize = threads_out.iter().map(|t| t.posts.len()).sum();
    for t in &threads_out {
        if let Some(missing) = missing_pages(t) {
            ui.info(format!(
                "thread {}: {missing} not among the inputs",
                t.tid.map_or("?".into(), |n| n.to_string())
            ));
        }
    }

    if n_pages == 0 {
        // Nothing extracted: an existing output file keeps its contents.
        failures.extend((0..empty_dirs).map(|_| Failure::Io));
        return exit_status(&failures, 0);
    }
    let escape = unjam::output::Tty {
        escape_controls: args.output.is_none() && io::stdout().is_terminal(),
        color: ui.color_stdout(args.output.is_some()),
    };
    let write = |w: &mut dyn Write| -> io::Result<()> {
        for t in &threads_out {
            output::write_thread(w, t, args.format, escape)?;
        }
        w.flush()
    };
    let written = match &args.output {
        Some(path) => write_atomically(path, write),
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            write(&mut out)
        }
    };
    if let Err(e) = written {
        if is_broken_pipe(&e) {
            return Status::Success;
        }
        ui.error(format!("cannot write output: {}", super::io_message(&e)));
        return Status::Failure;
    }
    if args.stats {
        ui.info(format!(
            "pages: {n_pages} read, {} failed; threads: {}; posts: {n_posts}; junk left for the text cleaner: {guard}",
            failures.len(),
            threads_out.len()
        ));
    }
    failures.extend((0..empty_dirs).map(|_| Failure::Io));
    exit_status(&failures, n_pages)
}

/// "page 3 of 3", "pages 2, 5 of 7": pages the pager announces that no input gave.
fn missing_pages(t: &unjam::model::Thread) -> Option<String> {
    let total = t.pages?;
    let seen: std::collections::BTreeSet<u32> = t.posts.iter().filter_map(|p| p.page).collect();
    let missing: Vec<u32> = (1..=total).filter(|n| !seen.contains(n)).collect();
    let mut list: Vec<String> = missing.iter().take(10).map(u32::to_string).collect();
    if missing.len() > 10 {
        list.push(format!("… ({} in all)", missing.len()));
    }
    match missing.len() {
        0 => None,
        1 => Some(format!("page {} of {total}", list[0])),
        _ => Some(format!("pages {} of {total}", list.join(", "))),
    }
}

enum Failure {
    Gate(Gate),
    Io,
}

/// 0 when every page gave posts; the gate's own code when every page failed on the same gate;
/// 1 otherwise.
fn exit_status(failures: &[Failure], ok: usize) -> Status {
    match failures {
        [] => Status::Success,
        [Failure::Gate(g), rest @ ..]
            if ok == 0 && rest.iter().all(|f| matches!(f, Failure::Gate(h) if h == g)) =>
        {
            Status::Gate(*g)
        }
        _ => Status::Failure,
    }
}

/// Whether a file is a WARC file: by its name, else by its first bytes. Only a regular file is
/// sniffed: reading the start of a FIFO or a process substitution (`<(zcat …)`) would take
/// those bytes from the page read after (such inputs need `--warc`).
fn is_warc_file(p: &Path) -> bool {
    if unjam::warc::is_warc_name(&p.to_string_lossy()) {
        return true;
    }
    if !fs::metadata(p).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::with_capacity(4096);
    fs::File::open(p)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .is_ok()
        && unjam::warc::sniff(&head)
}

fn walk(dir: &Path, warc: bool, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let mut ft = entry.file_type()?;
        // Linked files count; linked directories are not followed (no cycles, no surprises).
        if ft.is_symlink() {
            match fs::metadata(&path) {
                Ok(m) if m.is_file() => ft = m.file_type(),
                _ => continue,
            }
        }
        if ft.is_dir() {
            walk(&path, warc, out)?;
        } else if ft.is_file()
            && if warc {
                unjam::warc::is_warc_name(&path.to_string_lossy())
            } else {
                path.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm")
                })
            }
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Read and extract every input, on `threads` threads, results in input order.
fn read_all(
    inputs: &[Input],
    args: &ExtractArgs,
    given: Option<&'static encoding_rs::Encoding>,
    threads: usize,
    max_size: u64,
    meter: &super::meter::Meter,
) -> Vec<Outcome> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Outcome>>> =
        inputs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(input) = inputs.get(i) else { break };
                let outcome = read_one(input, args, given, max_size);
                meter.inc(1);
                *results[i].lock().expect("no panics while holding the lock") = Some(outcome);
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .expect("no poison")
                .expect("every input done")
        })
        .collect()
}

fn read_one(
    input: &Input,
    args: &ExtractArgs,
    given: Option<&'static encoding_rs::Encoding>,
    max_size: u64,
) -> Outcome {
    // Read one byte past the cap, to tell a page at the cap from a bigger one.
    let mut bytes = Vec::new();
    let read = match &input.path {
        Some(p) => fs::File::open(p).and_then(|f| f.take(max_size + 1).read_to_end(&mut bytes)),
        None => io::stdin()
            .lock()
            .take(max_size + 1)
            .read_to_end(&mut bytes),
    };
    if read.is_ok() && bytes.len() as u64 > max_size {
        return Outcome::Refused(format!(
            "page larger than {max_size} bytes (--max-size): refused"
        ));
    }
    if input.path.is_none() && read.is_ok() && unjam::warc::sniff(&bytes) {
        return Outcome::Refused("stdin holds a WARC file: add --warc to read it as one".into());
    }
    let bytes = read.map(|_| bytes);
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return Outcome::Io(e),
    };
    // A sidecar `NAME.headers` (as `--save-html` writes, and as curl -D saves) gives the HTTP
    // status and Content-Type.
    let sidecar = input
        .path
        .as_ref()
        .and_then(|p| fs::read_to_string(p.with_extension("headers")).ok());
    let mut opts = sidecar
        .as_deref()
        .map(Options::from_response_head)
        .unwrap_or_default();
    opts.charset = given;
    opts.url = args.url.clone();
    match extract::extract_page(&bytes, &opts) {
        Ok(p) => Outcome::Page(Box::new(p)),
        Err(ExtractError::Gate(g)) => Outcome::Gate(g),
        Err(e) => Outcome::Refused(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(exit_status(&[], 3), Status::Success);
        assert_eq!(
            exit_status(&[Failure::Gate(Gate::NotFound)], 0),
            Status::Gate(Gate::NotFound)
        );
        assert_eq!(
            exit_status(&[Failure::Gate(Gate::NotFound)], 1),
            Status::Failure
        );
        assert_eq!(
            exit_status(
                &[
                    Failure::Gate(Gate::NotFound),
                    Failure::Gate(Gate::AntiTheft)
                ],
                0
            ),
            Status::Failure
        );
        assert_eq!(exit_status(&[Failure::Io], 0), Status::Failure);
    }
}
