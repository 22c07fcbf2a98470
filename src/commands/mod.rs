//! Wiring of each subcommand to files, stdin and stdout. Errors are rendered here, once.

pub mod clean;
pub mod clean_wet;
pub mod docs;
pub mod extract;
pub mod extract_warc;
pub mod forum;
pub mod meter;
pub mod thread;

use std::io::{self, IsTerminal, Write};

/// Exit status of a command, as documented in README.md and `--help`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything went through (with `--check`: nothing found).
    Success,
    /// Some input failed (reported, the rest written), or `--check` found junk.
    Failure,
    /// The arguments do not make sense together.
    Usage,
    /// Every page failed on the same gate.
    Gate(unjam::model::Gate),
    /// Everything was disallowed by robots.txt.
    Robots,
    /// Another run holds the `--state` file.
    Locked,
}

impl Status {
    pub fn code(self) -> u8 {
        use unjam::model::Gate;
        match self {
            Status::Success => 0,
            Status::Failure => 1,
            Status::Usage => 2,
            Status::Gate(Gate::NotFound) => 3,
            Status::Gate(Gate::LoginRequired) => 4,
            Status::Gate(Gate::NoPermission) => 5,
            Status::Gate(Gate::AntiTheft) => 6,
            Status::Gate(Gate::Challenge) => 7,
            Status::Gate(Gate::NotDiscuz | Gate::Listing | Gate::Index) => 8,
            Status::Robots => 9,
            Status::Locked => 10,
        }
    }
}

/// The library's `log` records (`-v`: pages and decisions, `-vv`: every request) on stderr.
/// Only unjam's own: the HTTP stack's debug output is noise to a user.
pub struct Logger {
    pub level: log::LevelFilter,
}

impl Logger {
    pub fn install(verbose: u8, quiet: bool) {
        let level = match (quiet, verbose) {
            (true, _) => log::LevelFilter::Error,
            (false, 0) => log::LevelFilter::Warn,
            (false, 1) => log::LevelFilter::Info,
            (false, _) => log::LevelFilter::Debug,
        };
        // A second install (tests) is harmless: the first logger stays.
        if log::set_logger(Box::leak(Box::new(Logger { level }))).is_ok() {
            log::set_max_level(level);
        }
    }
}

impl log::Log for Logger {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= self.level && m.target().starts_with("unjam")
    }
    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            let _ = writeln!(io::stderr(), "unjam: {}", sanitize(&r.args().to_string()));
        }
    }
    fn flush(&self) {}
}

/// `std::io::Error` renders as "No such file or directory (os error 2)"; drop the errno.
pub fn io_message(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// How messages reach the user on stderr.
pub struct Ui {
    pub quiet: bool,
    pub verbose: u8,
    pub color: crate::cli::ColorWhen,
}

/// SGR sequences: bold red for error prefixes and `--mark`.
pub const RED: &str = "\x1b[1;31m";
pub const RESET: &str = "\x1b[0m";

impl Ui {
    /// Colour on this stream? `always` and `never` as said; `auto` on a terminal, unless
    /// `NO_COLOR` is set (no-color.org) or the terminal is dumb. An explicit flag beats
    /// `NO_COLOR`, as that convention asks.
    fn color_on(&self, is_terminal: bool) -> bool {
        use crate::cli::ColorWhen;
        match self.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                is_terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }

    /// Colour in what goes to stdout (never when it goes to a file: `to_file`).
    pub fn color_stdout(&self, to_file: bool) -> bool {
        !to_file && self.color_on(io::stdout().is_terminal())
    }

    pub fn color_stderr(&self) -> bool {
        self.color_on(io::stderr().is_terminal())
    }

    fn prefix(&self, what: &str) -> String {
        if self.color_stderr() {
            format!("unjam: {RED}{what}{RESET}:")
        } else {
            format!("unjam: {what}:")
        }
    }

    pub fn error(&self, msg: impl std::fmt::Display) {
        eprintln!("{} {}", self.prefix("error"), sanitize(&msg.to_string()));
    }

    /// Informational output (statistics, summaries): stderr, suppressed by `-q`.
    pub fn info(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(io::stderr(), "{}", sanitize(&msg.to_string()));
        }
    }

    pub fn usage(&self, msg: impl std::fmt::Display) -> Status {
        eprintln!(
            "{} {}",
            self.prefix("usage error"),
            sanitize(&msg.to_string())
        );
        eprintln!("Try 'unjam --help' for more information.");
        Status::Usage
    }
}

/// Escape control characters in messages when stderr is a terminal: file names and page text
/// end up in messages, and must not be able to drive the terminal.
fn sanitize(s: &str) -> String {
    if !io::stderr().is_terminal() {
        return s.to_owned();
    }
    s.chars()
        .flat_map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Does this error (or its cause) mean the reader of our output went away?
pub fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// A writer that remembers whether a write failed, to tell write errors from read errors when a
/// function returns a plain `io::Error` for both.
pub struct Watched<W> {
    pub inner: W,
    pub failed: bool,
}

impl<W: Write> Watched<W> {
    pub fn new(inner: W) -> Self {
        Watched {
            inner,
            failed: false,
        }
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).inspect_err(|_| self.failed = true)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner
            .write_all(buf)
            .inspect_err(|_| self.failed = true)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().inspect_err(|_| self.failed = true)
    }
}
