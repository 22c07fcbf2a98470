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
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        if p.as_os_str() == "-" {
            inputs.push(Input {
                name: "<stdin>".into(),
                path: None,
            });
        } else if p.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = walk(p, &mut found) {
                ui.error(format!("{}: cannot read directory: {e}", p.display()));
                return Status::Failure;
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

    let outcomes = read_all(&inputs, &args, given, threads);
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
        }
    }
    let n_pages = pages.len();
    let guard: u64 = pages.iter().map(|p| p.guard_removed).sum();
    let threads_out = assemble::assemble(pages);
    let n_posts: usize = threads_out.iter().map(|t| t.posts.len()).sum();

    let escape = args.output.is_none() && io::stdout().is_terminal();
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
    exit_status(&failures, n_pages)
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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ft = entry.file_type()?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if ft.is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
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
) -> Vec<Outcome> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Outcome>>> =
        inputs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(input) = inputs.get(i) else { break };
                let outcome = read_one(input, args, given);
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
) -> Outcome {
    let bytes = match &input.path {
        Some(p) => fs::read(p),
        None => {
            let mut v = Vec::new();
            io::stdin().lock().read_to_end(&mut v).map(|_| v)
        }
    };
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
    let (status, header_charset, date) = sidecar
        .as_deref()
        .map(parse_headers)
        .unwrap_or((None, None, None));
    let opts = Options {
        charset: given,
        header_charset,
        url: args.url.clone(),
        status,
        date,
    };
    match extract::extract_page(&bytes, &opts) {
        Ok(p) => Outcome::Page(Box::new(p)),
        Err(ExtractError::Gate(g)) => Outcome::Gate(g),
    }
}

/// Status code, charset and date from a saved response head (`HTTP/1.1 404 Not Found`, headers).
fn parse_headers(
    text: &str,
) -> (
    Option<u16>,
    Option<&'static encoding_rs::Encoding>,
    Option<i64>,
) {
    let mut status = None;
    let mut cs = None;
    let mut date = None;
    for line in text.lines() {
        if line.starts_with("HTTP/") {
            status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok());
        } else if let Some((k, v)) = line.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-type") {
                cs = charset::from_content_type(v);
            } else if k.trim().eq_ignore_ascii_case("date") {
                date = unjam::extract::dates::parse_http_date(v.trim());
            }
        }
    }
    (status, cs, date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_sidecar() {
        let (s, c, d) =
            parse_headers("HTTP/1.1 404 Not Found\r\nDate: Sun, 29 Nov 2026 03:23:16 GMT\r\nContent-Type: text/html; charset=gbk\r\n\r\n");
        assert_eq!(s, Some(404));
        assert_eq!(c.unwrap().name(), "GBK");
        assert!(d.is_some());
    }

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
