//! `unjam clean --wet`: Common Crawl WET files in, each `conversion` record cleaned as its own
//! document; JSON Lines records or WET again out. Records with nothing to remove come out as
//! they went in.

use super::{io_message, is_broken_pipe, Status, Ui, Watched};
use crate::cli::WetFormat;
use serde::Serialize;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use unjam::atomic::write_atomically;
use unjam::clean::stream::clean_slice;
use unjam::clean::{Cleaner, Form, Options, Stats};
use unjam::warc::{wet, Reader, WarcError};

pub struct WetPlan {
    /// Files; `None` is stdin.
    pub inputs: Vec<Option<PathBuf>>,
    pub opts: Options,
    pub format: WetFormat,
    pub only_jammed: bool,
    pub stats: bool,
    pub check: bool,
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
    let mut cleaner = Cleaner::new(plan.opts.clone());
    for input in &plan.inputs {
        let name = input
            .as_ref()
            .map_or("<stdin>".into(), |p| p.display().to_string());
        let reader: io::Result<Box<dyn Read>> = match input {
            Some(p) => std::fs::File::open(p).and_then(|f| {
                if f.metadata()?.is_dir() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "is a directory",
                    ));
                }
                Ok(Box::new(f) as Box<dyn Read>)
            }),
            None => Ok(Box::new(io::stdin())),
        };
        let r = reader.and_then(|r| {
            clean_file(
                r,
                plan,
                &mut cleaner,
                &mut out,
                &mut counts,
                &mut total,
                &mut |c| ui.error(format!("{name}: {c}; skipped")),
            )
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
    if failed || counts.corrupt > 0 || (plan.check && counts.changed > 0) {
        Status::Failure
    } else {
        Status::Success
    }
}

fn clean_file(
    input: Box<dyn Read>,
    plan: &WetPlan,
    cleaner: &mut Cleaner,
    out: &mut dyn Write,
    counts: &mut Counts,
    total: &mut Stats,
    on_corrupt: &mut dyn FnMut(unjam::warc::Corrupt),
) -> io::Result<()> {
    let mut reader = Reader::new(input)?;
    let mut cleaned = Vec::new();
    while let Some(r) = reader.next_record(&mut |_| true) {
        let rec = match r {
            Ok(rec) => rec,
            Err(WarcError::Corrupt(c)) => {
                counts.corrupt += 1;
                on_corrupt(c);
                continue;
            }
            Err(WarcError::Io(e)) => return Err(e),
        };
        counts.records += 1;
        if rec.head.kind() != "conversion" {
            // warcinfo (and anything else) keeps a WET output a valid WET file.
            if plan.format == WetFormat::Wet && !plan.check {
                wet::write_record(out, &rec.head, &rec.block, false)?;
            }
            continue;
        }
        counts.conversions += 1;
        cleaned.clear();
        let mut stats = Stats::default();
        clean_slice(&rec.block, cleaner, &mut cleaned, &mut stats);
        let jammed = [Form::Triple, Form::Pair, Form::Seo]
            .iter()
            .any(|&f| stats.strings(f) > 0);
        let changed = cleaned != rec.block;
        counts.jammed += u64::from(jammed);
        counts.changed += u64::from(changed);
        total.merge(&stats);
        if plan.check || (plan.only_jammed && !jammed) {
            continue;
        }
        counts.written += 1;
        match plan.format {
            WetFormat::Wet => wet::write_record(out, &rec.head, &cleaned, changed)?,
            WetFormat::Jsonl => {
                let text = String::from_utf8_lossy(&cleaned);
                if matches!(text, std::borrow::Cow::Owned(_)) {
                    counts.not_utf8 += 1;
                }
                let doc = Doc {
                    url: rec.head.target_uri(),
                    warc_date: rec.head.date(),
                    warc_record_id: rec.head.record_id(),
                    text: &text,
                };
                serde_json::to_writer(&mut *out, &doc)?;
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(())
}
