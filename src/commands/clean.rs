//! `unjam clean`: files or stdin in, stdout (or `-o`, or the files themselves) out.

use super::meter::Meter;
use super::{io_message, is_broken_pipe, Status, Ui, Watched};
use crate::cli::CleanArgs;
use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unjam::atomic::write_atomically;
use unjam::clean::block::{MARK_CLOSE, MARK_OPEN};
use unjam::clean::jsonl::{FieldPath, JsonlCleaner, JsonlError, JsonlStats};
use unjam::clean::seo::KnownSeo;
use unjam::clean::stream::{self, clean_stream};
use unjam::clean::{Options, Stats};

/// One input: a file, or stdin.
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(p) => p.display().to_string(),
        }
    }

    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Input::Stdin => Box::new(io::stdin()),
            Input::File(p) => {
                let f = File::open(p)?;
                if f.metadata()?.is_dir() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "is a directory",
                    ));
                }
                Box::new(f)
            }
        })
    }
}

/// What the command was asked to do, settled once from the arguments.
struct Plan {
    inputs: Vec<Input>,
    opts: Options,
    threads: usize,
    jsonl: Option<(Vec<FieldPath>, bool)>,
    stats: bool,
    check: bool,
    find_seo: bool,
    meter: Meter,
}

/// Counts of one input, whichever the mode.
enum Counts {
    Text(Stats),
    Jsonl(JsonlStats),
}

impl Counts {
    fn clean(&self) -> &Stats {
        match self {
            Counts::Text(s) => s,
            Counts::Jsonl(j) => &j.clean,
        }
    }
}

/// Why one input failed.
enum Failure {
    Read(io::Error),
    Write(io::Error),
    Jsonl(JsonlError),
}

pub fn run(args: CleanArgs, ui: &Ui) -> Status {
    let inputs: Vec<Input> = if args.files.is_empty() {
        vec![Input::Stdin]
    } else {
        args.files
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::File(p.clone())
                }
            })
            .collect()
    };
    if args.in_place && inputs.iter().any(|i| matches!(i, Input::Stdin)) {
        return ui.usage("--in-place needs FILE arguments (it cannot rewrite stdin)");
    }
    if inputs.iter().filter(|i| matches!(i, Input::Stdin)).count() > 1 {
        return ui.usage("stdin (`-`) can be named only once");
    }
    if args.jsonl && args.mark {
        return ui.usage("--mark works on text, not with --jsonl (it would change JSON strings)");
    }
    let wet = args.wet
        || (!args.files.is_empty()
            && args.files.iter().all(|p| is_wet_name(p))
            && !args.jsonl
            && !args.null_data);
    if !wet && (args.format.is_some() || args.only_jammed) {
        return ui.usage("--format and --only-jammed need WET input (--wet)");
    }
    if !wet && !args.in_place {
        if let Some(p) = args.files.iter().find(|p| is_wet_name(p)) {
            return ui.usage(format!(
                "{} is a WET file: clean WET files and text in separate runs (or add --wet)",
                p.display()
            ));
        }
    }
    if wet && args.in_place {
        return ui.usage(
            "--in-place does not rewrite WET files: write a new one (--format wet -o FILE)",
        );
    }
    let threads = match args.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n.min(256),
    };
    let known_seo = match read_seo_lists(&args.seo_list) {
        Ok(k) => Arc::new(k),
        Err((msg, status)) => {
            ui.error(msg);
            return status;
        }
    };
    let opts = Options {
        boilerplate: !args.keep_boilerplate,
        seo: !args.keep_seo,
        mark: args.mark.then(|| {
            if ui.color_stdout(args.output.is_some() || args.in_place) {
                (
                    format!("{}{MARK_OPEN}", super::RED),
                    format!("{MARK_CLOSE}{}", super::RESET),
                )
            } else {
                (MARK_OPEN.to_owned(), MARK_CLOSE.to_owned())
            }
        }),
        separator: args.null_data.then_some(0),
        known_seo,
    };
    if wet {
        let plan = super::clean_wet::WetPlan {
            inputs: inputs
                .into_iter()
                .map(|i| match i {
                    Input::Stdin => None,
                    Input::File(p) => Some(p),
                })
                .collect(),
            opts,
            format: args.format.unwrap_or(crate::cli::WetFormat::Jsonl),
            only_jammed: args.only_jammed,
            stats: args.stats,
            check: args.check,
            threads,
        };
        return super::clean_wet::run(&plan, args.output.as_deref(), ui);
    }
    let plan = Plan {
        inputs,
        opts,
        threads,
        jsonl: args.jsonl.then(|| {
            let fields = if args.fields.is_empty() {
                vec!["text".parse().expect("valid path")]
            } else {
                args.fields
            };
            (fields, args.skip_invalid)
        }),
        stats: args.stats,
        check: args.check,
        find_seo: args.find_seo,
        meter: Meter::off(),
    };
    // Bytes of the inputs, when all are files and each is read once.
    let once = !args.in_place && !args.find_seo;
    let total = once
        .then(|| {
            plan.inputs
                .iter()
                .map(|i| match i {
                    Input::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
                    Input::Stdin => None,
                })
                .sum::<Option<u64>>()
        })
        .flatten();
    let stdout_shared =
        args.output.is_none() && !args.in_place && !args.check && io::stdout().is_terminal();
    let plan = Plan {
        meter: Meter::bytes(ui, total, stdout_shared),
        ..plan
    };
    let status = run_plan(&plan, args.in_place, args.output.as_deref(), ui);
    plan.meter.finish();
    status
}

/// `.wet`, `.wet.gz` (Common Crawl names them `.warc.wet.gz`).
fn is_wet_name(p: &Path) -> bool {
    let n = p.to_string_lossy().to_ascii_lowercase();
    n.ends_with(".wet") || n.ends_with(".wet.gz")
}

fn run_plan(plan: &Plan, in_place: bool, output: Option<&Path>, ui: &Ui) -> Status {
    if in_place {
        return run_in_place(plan, ui);
    }
    match output {
        Some(path) => {
            let mut status = Status::Success;
            let r = write_atomically(path, |w| -> io::Result<()> {
                status = run_to(plan, w, ui);
                Ok(())
            });
            if let Err(e) = r {
                ui.error(format!("{}: cannot write: {e}", path.display()));
                return Status::Failure;
            }
            status
        }
        None if plan.check => run_to(plan, &mut io::sink(), ui),
        None => run_to(plan, &mut io::stdout().lock(), ui),
    }
}

/// The `--seo-list` files, merged; `Err` carries the message and status of the first bad one.
fn read_seo_lists(paths: &[PathBuf]) -> Result<KnownSeo, (String, Status)> {
    let mut known = KnownSeo::default();
    for path in paths {
        let text = std::fs::read(path).map_err(|e| {
            (
                format!("{}: cannot read: {}", path.display(), io_message(&e)),
                Status::Failure,
            )
        })?;
        let text = String::from_utf8(text).map_err(|_| {
            (
                format!("{}: an SEO list must be UTF-8 text", path.display()),
                Status::Usage,
            )
        })?;
        let list = KnownSeo::parse(&text)
            .map_err(|e| (format!("{}: {e}", path.display()), Status::Usage))?;
        known = known.with(list.strings().map(<[u8]>::to_vec));
    }
    Ok(known)
}

/// Clean every input into `out`, in order (or only count, with `--check` and `--find-seo`).
fn run_to(plan: &Plan, out: &mut dyn Write, ui: &Ui) -> Status {
    if plan.find_seo {
        let (status, total) = find_seo(plan, ui);
        if let Err(e) = write_seo_list(&total, out) {
            if !is_broken_pipe(&e) {
                ui.error(format!("cannot write output: {}", io_message(&e)));
                return Status::Failure;
            }
        }
        return status;
    }
    clean_all(plan, &plan.opts, out, ui).0
}

/// Most rounds of `--find-seo` over its inputs.
const FIND_SEO_ROUNDS: usize = 4;

/// `--find-seo`: clean every input without output, collecting the SEO strings removed. A
/// string proven in one document is known in the others, where it proves that they carry SEO
/// strings too (their recurring ones are then taken), so the inputs are read again with what
/// was found until nothing new turns up. Stdin cannot be read twice: one round.
fn find_seo(plan: &Plan, ui: &Ui) -> (Status, Stats) {
    let mut opts = plan.opts.clone();
    let once = plan.inputs.iter().any(|i| matches!(i, Input::Stdin));
    let mut round = 0;
    loop {
        round += 1;
        let (status, total) = clean_all(plan, &opts, &mut io::sink(), ui);
        if status != Status::Success || once || round == FIND_SEO_ROUNDS {
            return (status, total);
        }
        let found = total.seo_strings.keys().cloned();
        let known = Arc::new(opts.known_seo.with(found));
        if known == opts.known_seo {
            return (status, total);
        }
        opts.known_seo = known;
    }
}

/// `--find-seo` output: one string per line, most frequent first.
fn write_seo_list(total: &Stats, out: &mut dyn Write) -> io::Result<()> {
    let mut found: Vec<(&str, u64)> = total
        .seo_strings
        .iter()
        .filter_map(|(k, &n)| Some((std::str::from_utf8(k).ok()?, n)))
        // Only what --seo-list reads back as itself: one line, no control characters, long
        // enough to be looked up (a three-letter `BBS` is removed where proven, never listed).
        .filter(|(k, _)| KnownSeo::accepts(k))
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (k, _) in found {
        writeln!(out, "{k}")?;
    }
    out.flush()
}

fn clean_all(plan: &Plan, opts: &Options, out: &mut dyn Write, ui: &Ui) -> (Status, Stats) {
    let mut out = Watched::new(out);
    let mut failed = false;
    let mut found = false;
    let mut total = Stats::default();
    let mut jsonl_total = JsonlStats::default();
    for input in &plan.inputs {
        let name = input.name();
        let counts = match clean_one(plan, opts, input, &mut out) {
            Ok(c) => c,
            Err(Failure::Write(e)) if is_broken_pipe(&e) => return (Status::Success, total),
            Err(f) => {
                report(ui, &name, &f);
                if matches!(f, Failure::Write(_)) {
                    return (Status::Failure, total);
                }
                failed = true;
                continue;
            }
        };
        if plan.check && counts.clean().found_any() {
            found = true;
            ui.info(format!("{name}: {}", summary(counts.clean())));
        }
        total.merge(counts.clean());
        if let Counts::Jsonl(j) = &counts {
            jsonl_total.records += j.records;
            jsonl_total.records_changed += j.records_changed;
            jsonl_total.invalid_skipped += j.invalid_skipped;
            jsonl_total.fields_cleaned += j.fields_cleaned;
        }
    }
    if let Err(e) = out.flush() {
        if is_broken_pipe(&e) {
            return (Status::Success, total);
        }
        ui.error(format!("cannot write output: {e}"));
        return (Status::Failure, total);
    }
    if plan.stats {
        if plan.jsonl.is_some() {
            ui.info(format!(
                "records:       {:>12}\nrecords changed:{:>11}\ninvalid skipped:{:>11}\nfields cleaned:{:>12}",
                jsonl_total.records, jsonl_total.records_changed, jsonl_total.invalid_skipped, jsonl_total.fields_cleaned
            ));
        }
        ui.info(&total);
    }
    let status = if failed || found {
        Status::Failure
    } else {
        Status::Success
    };
    (status, total)
}

fn clean_one(
    plan: &Plan,
    opts: &Options,
    input: &Input,
    out: &mut Watched<&mut dyn Write>,
) -> Result<Counts, Failure> {
    let reader = plan.meter.reader(input.open().map_err(Failure::Read)?);
    plan.meter.message(input.name());
    match &plan.jsonl {
        None => clean_stream(reader, out, opts, plan.threads)
            .map(Counts::Text)
            .map_err(|e| {
                if out.failed {
                    Failure::Write(e)
                } else {
                    Failure::Read(e)
                }
            }),
        Some((fields, skip)) => {
            let make = || JsonlCleaner::new(opts.clone(), fields.clone(), *skip);
            stream::run(reader, out, plan.threads, None, make)
                .map(Counts::Jsonl)
                .map_err(|e| match e {
                    JsonlError::Io(e) if out.failed => Failure::Write(e),
                    JsonlError::Io(e) => Failure::Read(e),
                    e => Failure::Jsonl(e),
                })
        }
    }
}

fn report(ui: &Ui, name: &str, f: &Failure) {
    match f {
        Failure::Read(e) => ui.error(format!("{name}: cannot read: {}", io_message(e))),
        Failure::Write(e) => ui.error(format!("cannot write output: {}", io_message(e))),
        Failure::Jsonl(e) => ui.error(format!("{name}: {e}")),
    }
}

fn summary(s: &Stats) -> String {
    use unjam::clean::Form;
    let junk = s.strings(Form::Triple) + s.strings(Form::Pair) + s.strings(Form::Seo);
    format!(
        "{junk} junk strings ({} bytes), {} boilerplate lines",
        s.bytes(Form::Triple) + s.bytes(Form::Pair) + s.bytes(Form::Seo),
        s.strings(Form::Boilerplate)
    )
}

/// `--in-place`: each file is rewritten through a temp file; a file with nothing to remove is
/// left untouched (same bytes, same mtime).
fn run_in_place(plan: &Plan, ui: &Ui) -> Status {
    let mut failed = false;
    let mut total = Stats::default();
    for input in &plan.inputs {
        let Input::File(path) = input else {
            unreachable!("checked in run")
        };
        match rewrite(plan, path) {
            Ok(stats) => total.merge(&stats),
            Err(f) => {
                report(ui, &input.name(), &f);
                failed = true;
            }
        }
    }
    if plan.stats {
        ui.info(&total);
    }
    if failed {
        Status::Failure
    } else {
        Status::Success
    }
}

fn rewrite(plan: &Plan, path: &Path) -> Result<Stats, Failure> {
    // A first pass decides whether the file changes at all, without writing; the second writes.
    // Cleaning is deterministic, so both passes agree; reading twice is cheaper than a rename of
    // every untouched file in a large tree.
    let mut null = io::sink();
    let mut sink = Watched::new(&mut null as &mut dyn Write);
    let counts = clean_one(plan, &plan.opts, &Input::File(path.to_owned()), &mut sink)?;
    let changed = match &counts {
        Counts::Text(s) => s.found_any(),
        Counts::Jsonl(j) => j.records_changed > 0,
    };
    if !changed {
        return Ok(counts.clean().clone());
    }
    let r = write_atomically(path, |w| -> Result<Counts, FailureIo> {
        let mut w = Watched::new(w);
        clean_one(plan, &plan.opts, &Input::File(path.to_owned()), &mut w).map_err(FailureIo)
    });
    match r {
        Ok(c) => Ok(c.clean().clone()),
        Err(FailureIo(f)) => Err(f),
    }
}

/// Adapter so `write_atomically` can carry a [`Failure`] or its own I/O error.
struct FailureIo(Failure);

impl From<io::Error> for FailureIo {
    fn from(e: io::Error) -> Self {
        FailureIo(Failure::Write(e))
    }
}
