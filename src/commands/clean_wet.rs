//! `unjam clean --wet`: Common Crawl WET files in, each `conversion` record cleaned as its own
//! document; JSON Lines records or WET again out. Records with nothing to remove come out as
//! they went in.

use super::{io_message, is_broken_pipe, Status, Ui, Watched};
use crate::cli::WetFormat;
use serde::Serialize;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use unjam::atomic::write_atomically;
use unjam::clean::stream::clean_slice;
use unjam::clean::{Cleaner, Form, Options, Stats};
use unjam::warc::{wet, Reader, Record, WarcError};

pub struct WetPlan {
    /// Files; `None` is stdin.
    pub inputs: Vec<Option<PathBuf>>,
    pub opts: Options,
    pub format: WetFormat,
    pub only_jammed: bool,
    pub stats: bool,
    pub check: bool,
    /// Records cleaned in parallel (output order kept).
    pub threads: usize,
}

/// Record counts over all inputs.
#[derive(Default)]
struct Counts {
    records: u64,
    conversions: u64,
    jammed: u64,
    changed: u64,
    written: u64,
    corrupt: u64,
    not_utf8: u64,
    oversize: u64,
}

/// A JSON Lines record of one document.
#[derive(Serialize)]
struct Doc<'a> {
    url: Option<&'a str>,
    warc_date: Option<&'a str>,
    warc_record_id: Option<&'a str>,
    text: &'a str,
}

pub fn run(plan: &WetPlan, output: Option<&Path>, ui: &Ui) -> Status {
    let result = match output {
        Some(path) => {
            let mut status = Status::Success;
            let r = write_atomically(path, |w| -> io::Result<()> {
                status = run_to(plan, w, ui);
                Ok(())
            });
            match r {
                Ok(()) => return status,
                Err(e) => Err(e),
            }
        }
        None if plan.check => Ok(run_to(plan, &mut io::sink(), ui)),
        None => Ok(run_to(
            plan,
            &mut io::BufWriter::with_capacity(256 * 1024, io::stdout().lock()),
            ui,
        )),
    };
    result.unwrap_or_else(|e| {
        ui.error(format!("cannot write output: {}", io_message(&e)));
        Status::Failure
    })
}

fn run_to(plan: &WetPlan, out: &mut dyn Write, ui: &Ui) -> Status {
    let mut out = Watched::new(out);
    let mut counts = Counts::default();
    let mut total = Stats::default();
    let mut failed = false;
    for input in &plan.inputs {
        let name = input
            .as_ref()
            .map_or("<stdin>".into(), |p| p.display().to_string());
        let reader: io::Result<Box<dyn Read + Send>> = match input {
            Some(p) => std::fs::File::open(p).and_then(|f| {
                if f.metadata()?.is_dir() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "is a directory",
                    ));
                }
                Ok(Box::new(f) as Box<dyn Read + Send>)
            }),
            None => Ok(Box::new(io::stdin())),
        };
        let r = reader.and_then(|r| {
            clean_file(r, plan, &mut out, &mut counts, &mut total, &mut |c| {
                ui.error(format!("{name}: {c}; skipped"))
            })
        });
        if let Err(e) = r {
            if out.failed {
                if is_broken_pipe(&e) {
                    return Status::Success;
                }
                ui.error(format!("cannot write output: {}", io_message(&e)));
                return Status::Failure;
            }
            ui.error(format!("{name}: cannot read: {}", io_message(&e)));
            failed = true;
        }
    }
    if let Err(e) = out.flush() {
        if !is_broken_pipe(&e) {
            ui.error(format!("cannot write output: {}", io_message(&e)));
            return Status::Failure;
        }
        return Status::Success;
    }
    if plan.stats {
        ui.info(format!(
            "records: {} ({} conversion); jammed: {}; changed: {}; written: {}; corrupt: {}{}",
            counts.records,
            counts.conversions,
            counts.jammed,
            counts.changed,
            counts.written,
            counts.corrupt,
            if counts.not_utf8 > 0 {
                format!(
                    "; not UTF-8 (invalid bytes replaced in JSON): {}",
                    counts.not_utf8
                )
            } else {
                String::new()
            }
        ));
        ui.info(&total);
    }
    if counts.oversize > 0 {
        ui.error(format!(
            "{} records larger than {} MiB were skipped (not in the output)",
            counts.oversize,
            MAX_BLOCK >> 20
        ));
    }
    if failed || counts.corrupt > 0 || counts.oversize > 0 || (plan.check && counts.changed > 0) {
        Status::Failure
    } else {
        Status::Success
    }
}

/// What one record gave.
#[derive(Default)]
struct Outcome {
    conversion: bool,
    jammed: bool,
    changed: bool,
    written: bool,
    not_utf8: bool,
    /// Not read: larger than [`MAX_BLOCK`].
    oversize: bool,
    stats: Stats,
}

impl Counts {
    fn add(&mut self, o: &Outcome, total: &mut Stats) {
        self.records += 1;
        self.conversions += u64::from(o.conversion);
        self.jammed += u64::from(o.jammed);
        self.changed += u64::from(o.changed);
        self.written += u64::from(o.written);
        self.not_utf8 += u64::from(o.not_utf8);
        self.oversize += u64::from(o.oversize);
        total.merge(&o.stats);
    }
}

/// Largest record block read into memory; a bigger record is reported and skipped. Common
/// Crawl's WET documents are a few KB (their pages are cut at 1 MiB).
const MAX_BLOCK: u64 = 256 << 20;

fn keep_block(h: &unjam::warc::Head) -> bool {
    h.content_length().is_some_and(|n| n <= MAX_BLOCK)
}

/// Clean one record into `out` (what is to be written of it).
fn process(rec: &Record, plan: &WetPlan, cleaner: &mut Cleaner, out: &mut Vec<u8>) -> Outcome {
    let mut o = Outcome::default();
    if !rec.kept {
        o.oversize = true;
        return o;
    }
    if rec.head.kind() != "conversion" {
        // warcinfo (and anything else) keeps a WET output a valid WET file.
        if plan.format == WetFormat::Wet && !plan.check {
            wet::write_record(out, &rec.head, &rec.block, false).expect("writing to memory");
        }
        return o;
    }
    o.conversion = true;
    let mut cleaned = Vec::with_capacity(rec.block.len());
    clean_slice(&rec.block, cleaner, &mut cleaned, &mut o.stats);
    o.jammed = [Form::Triple, Form::Pair, Form::Seo]
        .iter()
        .any(|&f| o.stats.strings(f) > 0);
    o.changed = cleaned != rec.block;
    if plan.check || (plan.only_jammed && !o.jammed) {
        return o;
    }
    o.written = true;
    match plan.format {
        WetFormat::Wet => {
            wet::write_record(out, &rec.head, &cleaned, o.changed).expect("writing to memory")
        }
        WetFormat::Jsonl => {
            let text = String::from_utf8_lossy(&cleaned);
            o.not_utf8 = matches!(text, std::borrow::Cow::Owned(_));
            let doc = Doc {
                url: rec.head.target_uri(),
                warc_date: rec.head.date(),
                warc_record_id: rec.head.record_id(),
                text: &text,
            };
            serde_json::to_writer(&mut *out, &doc).expect("writing to memory");
            out.push(b'\n');
        }
    }
    o
}

/// Clean every record of `input` into `out`, in order, on `plan.threads` threads.
fn clean_file(
    input: Box<dyn Read + Send>,
    plan: &WetPlan,
    out: &mut dyn Write,
    counts: &mut Counts,
    total: &mut Stats,
    on_corrupt: &mut dyn FnMut(unjam::warc::Corrupt),
) -> io::Result<()> {
    let mut reader = Reader::new(input)?;
    if plan.threads <= 1 {
        let mut cleaner = Cleaner::new(plan.opts.clone());
        let mut buf = Vec::new();
        while let Some(r) = reader.next_record(&mut keep_block) {
            let rec = match r {
                Ok(rec) => rec,
                Err(WarcError::Corrupt(c)) => {
                    counts.corrupt += 1;
                    on_corrupt(c);
                    continue;
                }
                Err(WarcError::Io(e)) => return Err(e),
            };
            buf.clear();
            let o = process(&rec, plan, &mut cleaner, &mut buf);
            counts.add(&o, total);
            out.write_all(&buf)?;
        }
        return Ok(());
    }
    // A reader thread, `threads` cleaners, and this thread writing in record order. Bounded
    // queues keep a few records per thread in memory.
    // A corrupt record is a job without a record: it keeps its place in the order.
    type Job = (u64, Option<Record>);
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(plan.threads * 4);
    let (done_tx, done_rx) = mpsc::sync_channel::<(u64, Vec<u8>, Outcome)>(plan.threads * 4);
    let (bad_tx, bad_rx) = mpsc::channel::<(u64, unjam::warc::Corrupt)>();
    let job_rx = Arc::new(Mutex::new(job_rx));
    std::thread::scope(|s| -> io::Result<()> {
        let reading = s.spawn(move || -> io::Result<()> {
            let mut seq = 0;
            while let Some(r) = reader.next_record(&mut keep_block) {
                match r {
                    Ok(rec) => {
                        if job_tx.send((seq, Some(rec))).is_err() {
                            break;
                        }
                    }
                    // Reported in turn, when the writer reaches its place.
                    Err(WarcError::Corrupt(c)) => {
                        let _ = bad_tx.send((seq, c));
                        let _ = job_tx.send((seq, None));
                    }
                    Err(WarcError::Io(e)) => return Err(e),
                }
                seq += 1;
            }
            Ok(())
        });
        for _ in 0..plan.threads {
            let job_rx = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            s.spawn(move || {
                let mut cleaner = Cleaner::new(plan.opts.clone());
                loop {
                    let job = job_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((seq, rec))) = job else { return };
                    let mut buf = Vec::new();
                    let o = match rec {
                        Some(rec) => process(&rec, plan, &mut cleaner, &mut buf),
                        None => Outcome::default(),
                    };
                    if done_tx.send((seq, buf, o)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut ready = std::collections::BTreeMap::new();
        let mut want = 0;
        let mut bad = std::collections::BTreeMap::new();
        let mut written = Ok(());
        for (seq, buf, o) in done_rx {
            ready.insert(seq, (buf, o));
            while let Some((buf, o)) = ready.remove(&want) {
                bad.extend(bad_rx.try_iter());
                if let Some(c) = bad.remove(&want) {
                    counts.corrupt += 1;
                    on_corrupt(c);
                } else {
                    counts.add(&o, total);
                }
                want += 1;
                if written.is_ok() {
                    written = out.write_all(&buf);
                }
                if written.is_err() {
                    // Stop the workers and the reader: drop what is queued.
                    ready.clear();
                    break;
                }
            }
            if written.is_err() {
                break;
            }
        }
        written?;
        reading.join().expect("the reader does not panic")
    })
}
