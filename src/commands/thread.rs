//! `unjam thread`: thread URLs in, every page fetched, posts out.

use super::{is_broken_pipe, Status, Ui};
use crate::cli::{HttpArgs, SourceArg, ThreadArgs};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, BufRead, IsTerminal, Write};
use std::time::Duration;
use unjam::atomic::write_atomically;
use unjam::crawl::Seen;
use unjam::extract::charset;
use unjam::fetch::cookies::{self, Jar};
use unjam::fetch::http::{Client, Config};
use unjam::fetch::target::{Source, ThreadTarget};
use unjam::fetch::thread::{fetch_thread, Failed, Options, Summary, ThreadError};
use unjam::model::Gate;
use unjam::output::{self, ThreadWriter};

/// Why a thread failed, for the exit status.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    Gate(Gate),
    Robots,
    Other,
}

pub fn run(args: ThreadArgs, ui: &Ui) -> Status {
    let setup = match setup(&args) {
        Ok(s) => s,
        Err(msg) => return ui.usage(msg),
    };
    let (mut targets, client, opts) = setup;
    // The same thread named twice (page 1 and page 3 of it, two URL forms) is fetched once.
    let mut seen = std::collections::HashSet::new();
    targets.retain(|(given, t)| {
        let fresh = seen.insert((t.root.clone(), t.tid));
        if !fresh {
            ui.info(format!(
                "{given}: thread {} is already in the list, skipped",
                t.tid
            ));
        }
        fresh
    });
    let mut incremental = match &args.state {
        Some(path) => match Incremental::open(path, args.wait_lock, &client) {
            Ok(i) => Some(i),
            Err(e) => return state_error(ui, e),
        },
        None => None,
    };
    let escape = unjam::output::Tty {
        escape_controls: args.output.is_none() && io::stdout().is_terminal(),
        color: ui.color_stdout(args.output.is_some()),
    };
    let progress = Progress::new(ui, targets.len());
    let mut failures: Vec<Failure> = Vec::new();
    let mut done = 0usize;
    let mut work = |w: &mut dyn Write| -> io::Result<()> {
        for (i, (given, target)) in targets.iter().enumerate() {
            progress.start(i, target.tid);
            let key = unjam::crawl::state::State::key(target);
            let mut opts = opts.clone();
            let plan = incremental.as_ref().map(|inc| inc.state.plan(&key));
            if let Some(p) = plan {
                opts.first = opts.first.max(p.first_page);
            }
            let mut seen = Seen::default();
            let after = plan.and_then(|p| p.after_pid);
            let result = emit(
                &client,
                target,
                &opts,
                w,
                args.format,
                escape,
                &progress,
                after,
                &mut seen,
            );
            progress.finish();
            match result {
                Ok(summary) => {
                    if summary.source == Some(Source::Archiver) && opts.source != Source::Archiver {
                        ui.info(format!("{given}: read from the archiver (no floors)"));
                    }
                    done += 1;
                    if let Some(inc) = &mut incremental {
                        inc.state.record(&key, target.tid, &seen, None, true);
                        if let Err(e) = inc.save(&client) {
                            ui.error(e);
                            return Err(io::Error::other(STATE_FAILED));
                        }
                    }
                }
                Err(f) => {
                    if let ThreadError::Output(e) = f.error {
                        return Err(e);
                    }
                    failures.push(report(ui, given, &f));
                    // What was written of it is remembered, so that it is not written again.
                    if let (Some(inc), true) = (&mut incremental, seen.output > 0) {
                        inc.state.record(&key, target.tid, &seen, None, false);
                        if let Err(e) = inc.save(&client) {
                            ui.error(e);
                            return Err(io::Error::other(STATE_FAILED));
                        }
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
            work(&mut out)
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
    if let Err(s) = save_cookie_jar(ui, &client, args.http.cookie_jar.as_deref()) {
        return s;
    }
    exit_status(&failures, done)
}

/// A state file that could not be saved stops the run (its message is already out).
pub(crate) const STATE_FAILED: &str = "unjam: the state file could not be saved";

/// A `--state` file, locked for the run, and the robots.txt answers it keeps between runs.
pub(crate) struct Incremental {
    pub state: unjam::crawl::state::State,
    path: std::path::PathBuf,
    _lock: unjam::crawl::state::Lock,
}

impl Incremental {
    pub fn open(
        path: &std::path::Path,
        wait: bool,
        client: &Client,
    ) -> Result<Incremental, unjam::crawl::state::StateError> {
        let lock = unjam::crawl::state::Lock::acquire(path, wait)?;
        let state = unjam::crawl::state::State::load(path)?;
        client.robots_restore(&state.robots, now_unix());
        Ok(Incremental {
            state,
            path: path.to_owned(),
            _lock: lock,
        })
    }

    pub fn save(&mut self, client: &Client) -> Result<(), unjam::crawl::state::StateError> {
        self.state.robots = client.robots_keep(now_unix());
        self.state.save(&self.path)
    }
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub(crate) fn state_error(ui: &Ui, e: unjam::crawl::state::StateError) -> Status {
    let locked = matches!(e, unjam::crawl::state::StateError::Locked { .. });
    // As everywhere else: the OS's words without its errno.
    let msg = e.to_string();
    let msg = match (msg.find(" (os error "), msg.ends_with(')')) {
        (Some(i), true) => msg[..i].to_owned(),
        _ => msg,
    };
    ui.error(msg);
    if locked {
        Status::Locked
    } else {
        Status::Failure
    }
}

/// Fetch one thread and write its posts (those after `after_pid` only, with --state) as the
/// pages come; `seen` learns every post the walk handed out.
#[allow(clippy::too_many_arguments)]
pub(crate) fn emit(
    client: &Client,
    target: &ThreadTarget,
    opts: &Options,
    w: &mut dyn Write,
    format: output::Format,
    escape: unjam::output::Tty,
    progress: &Progress,
    after_pid: Option<u64>,
    seen: &mut Seen,
) -> Result<Summary, Failed> {
    let mut writer: Option<ThreadWriter> = None;
    let result = fetch_thread(client, target, opts, |page| {
        let head = page.head();
        let mut n = 0;
        for post in &page.posts {
            seen.saw(post);
            if after_pid.is_some_and(|a| post.pid.is_some_and(|p| p <= a)) {
                continue;
            }
            let tw = match &mut writer {
                Some(tw) => tw,
                None => writer.insert(ThreadWriter::begin(w, head, format, escape)?),
            };
            tw.post(w, head, post, page.post_url(post).as_deref())?;
            n += 1;
        }
        seen.output += n;
        // A page's posts reach the reader before the next page is in.
        w.flush()?;
        progress.page(page.page, page.last, n as usize);
        Ok(())
    });
    // A thread cut short still closes its JSON object: what was written stays valid.
    if let Some(tw) = writer {
        let closed = tw.end(w).and_then(|_| w.flush());
        if let Err(e) = closed {
            return Err(Failed {
                error: ThreadError::Output(e),
                partial: result
                    .as_ref()
                    .map_or_else(|f| f.partial.clone(), Clone::clone),
            });
        }
    }
    result
}

/// Name a failed thread on stderr; what kind of failure it was, for the exit status.
pub(crate) fn report(ui: &Ui, given: &str, f: &Failed) -> Failure {
    // Errors that name the page they happened on say enough; the others get the URL given.
    let mut msg = match &f.error {
        ThreadError::Fetch(_)
        | ThreadError::Gate { .. }
        | ThreadError::Robots { .. }
        | ThreadError::Refused { .. } => f.error.to_string(),
        e => format!("{given}: {e}"),
    };
    if f.partial.posts > 0 {
        msg.push_str(&format!(
            " (thread incomplete: {} posts from {} pages before this were written)",
            f.partial.posts, f.partial.pages
        ));
    }
    ui.error(msg);
    match &f.error {
        ThreadError::Gate { gate, .. } => Failure::Gate(*gate),
        ThreadError::Robots { .. } => Failure::Robots,
        _ => Failure::Other,
    }
}

pub(crate) fn exit_status(failures: &[Failure], done: usize) -> Status {
    match failures {
        [] => Status::Success,
        [f, rest @ ..] if done == 0 && rest.iter().all(|r| r == f) => match f {
            Failure::Gate(g) => Status::Gate(*g),
            Failure::Robots => Status::Robots,
            Failure::Other => Status::Failure,
        },
        _ => Status::Failure,
    }
}

pub(crate) fn save_cookie_jar(
    ui: &Ui,
    client: &Client,
    path: Option<&std::path::Path>,
) -> Result<(), Status> {
    let Some(path) = path else { return Ok(()) };
    let text = client.jar().to_netscape();
    write_atomically(path, |w| w.write_all(text.as_bytes())).map_err(|e| {
        ui.error(format!(
            "{}: cannot write the cookie jar: {}",
            path.display(),
            super::io_message(&e)
        ));
        Status::Failure
    })
}

/// A progress bar on stderr while pages come in: only on a terminal, and not with `-q` or
/// `-v` (the log lines would tear it).
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    threads: usize,
    posts: std::cell::Cell<usize>,
}

impl Progress {
    pub fn new(ui: &Ui, threads: usize) -> Progress {
        let shown = !ui.quiet && ui.verbose == 0 && io::stderr().is_terminal();
        Progress {
            bar: shown.then(ProgressBar::hidden),
            threads,
            posts: std::cell::Cell::new(0),
        }
    }

    pub fn start(&self, i: usize, tid: u64) {
        if let Some(bar) = &self.bar {
            // Styled and sized before it is first drawn, so no default bar flashes up.
            bar.reset();
            bar.set_style(
                ProgressStyle::with_template("{prefix} [{bar:30}] page {pos}/{len} {msg}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.set_length(1);
            let of = if self.threads > 1 {
                format!("[{}/{}] ", i + 1, self.threads)
            } else {
                String::new()
            };
            bar.set_prefix(format!("{of}tid {tid}"));
            bar.set_message("");
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.posts.set(0);
    }

    pub fn page(&self, page: u32, last: Option<u32>, posts: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(u64::from(last.unwrap_or(page).max(page)));
            bar.set_position(u64::from(page));
            self.posts.set(self.posts.get() + posts);
            bar.set_message(format!("{} posts", self.posts.get()));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
    }
}

type Setup = (Vec<(String, ThreadTarget)>, Client, Options);

/// The HTTP client `--cookies`, `--header`, `--proxy`… describe; `hosts` are those `--cookie`
/// cookies belong to.
pub(crate) fn http_client(
    args: &HttpArgs,
    hosts: &[String],
) -> Result<(Client, Option<&'static encoding_rs::Encoding>), String> {
    let given_charset = match args.charset.as_deref() {
        Some(c) => Some(charset::by_label(c).ok_or_else(|| format!("unknown charset {c:?}"))?),
        None => None,
    };
    let mut jar = Jar::default();
    if let Some(path) = &args.cookies {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--cookies {}: {}", path.display(), super::io_message(&e)))?;
        jar =
            Jar::parse_netscape(&text).map_err(|e| format!("--cookies {}: {e}", path.display()))?;
    }
    if let Some(c) = &args.cookie {
        for cookie in cookies::from_header_value(c, hosts).map_err(|e| format!("--cookie: {e}"))? {
            jar.insert(cookie);
        }
    }
    let mut headers = Vec::new();
    for h in &args.headers {
        let (k, v) = h
            .split_once(':')
            .ok_or_else(|| format!("--header {h:?}: expected 'NAME: VALUE'"))?;
        let (k, v) = (k.trim(), v.trim());
        // Checked here, so a bad header is a usage error and not a failure of every request.
        if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err()
            || reqwest::header::HeaderValue::from_str(v).is_err()
        {
            return Err(format!("--header {h:?}: not a valid HTTP header"));
        }
        headers.push((k.to_owned(), v.to_owned()));
    }
    let secs = |name: &str, v: f64| {
        Duration::try_from_secs_f64(v)
            .ok()
            .filter(|d| *d <= Duration::from_secs(7 * 86_400))
            .ok_or_else(|| format!("{name} {v}: expected seconds, from 0 to a week"))
    };
    let mut config = Config {
        headers,
        timeout: secs("--timeout", args.timeout)?,
        wait: secs("--wait", args.wait)?,
        random_wait: args.random_wait,
        max_size: parse_size(&args.max_size)
            .ok_or_else(|| format!("--max-size {}: expected bytes, or K/M/G", args.max_size))?,
        proxy: args.proxy.clone(),
        ..Config::default()
    };
    config.connect_timeout = config.connect_timeout.min(config.timeout);
    config.retry.retries = args.retries;
    if let Some(ua) = &args.user_agent {
        config.user_agent = ua.clone();
    }
    let client = Client::new(config, jar).map_err(|e| e.to_string())?;
    Ok((client, given_charset))
}

fn setup(args: &ThreadArgs) -> Result<Setup, String> {
    let mut given: Vec<String> = args.urls.clone();
    if let Some(f) = &args.input_file {
        let text = if f.as_os_str() == "-" {
            let mut s = String::new();
            for line in io::stdin().lock().lines() {
                s.push_str(&line.map_err(|e| format!("stdin: {e}"))?);
                s.push('\n');
            }
            s
        } else {
            std::fs::read_to_string(f)
                .map_err(|e| format!("{}: {}", f.display(), super::io_message(&e)))?
        };
        given.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    if given.is_empty() {
        return Err("give thread URLs, or -i FILE".into());
    }
    let mut targets = Vec::new();
    for u in given {
        let t = ThreadTarget::parse(&u).map_err(|e| format!("{u}: {e}"))?;
        targets.push((u, t));
    }
    let (first, last) = match &args.pages {
        None => (1, None),
        Some(r) => parse_range(r).ok_or_else(|| format!("--pages {r}: expected N, N-M or N-"))?,
    };
    let hosts: Vec<String> = targets
        .iter()
        .filter_map(|(_, t)| t.root.host_str().map(str::to_owned))
        .collect();
    let (client, given_charset) = http_client(&args.http, &hosts)?;
    let opts = Options {
        source: match args.source {
            SourceArg::Auto | SourceArg::Desktop => Source::Desktop,
            SourceArg::Printable => Source::Printable,
            SourceArg::Archiver => Source::Archiver,
            SourceArg::Mobile => Source::Mobile,
        },
        fallback: args.source == SourceArg::Auto,
        respect_robots: args.respect_robots,
        first,
        last,
        save_html: args.save_html.clone(),
        charset: given_charset,
    };
    Ok((targets, client, opts))
}

/// `3`, `2-5`, `4-`.
fn parse_range(s: &str) -> Option<(u32, Option<u32>)> {
    let s = s.trim();
    match s.split_once('-') {
        None => {
            let n: u32 = s.parse().ok().filter(|&n| n > 0)?;
            Some((n, Some(n)))
        }
        Some((a, "")) => Some((a.trim().parse().ok().filter(|&n| n > 0)?, None)),
        Some((a, b)) => {
            let a: u32 = a.trim().parse().ok().filter(|&n| n > 0)?;
            let b: u32 = b.trim().parse().ok()?;
            (b >= a).then_some((a, Some(b)))
        }
    }
}

/// `20M`, `512K`, `1G`, `1000`.
pub(crate) fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1u64 << 10),
        'm' | 'M' => (&s[..s.len() - 1], 1 << 20),
        'g' | 'G' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.trim().parse::<u64>().ok()?.checked_mul(mult)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_sizes() {
        assert_eq!(parse_range("3"), Some((3, Some(3))));
        assert_eq!(parse_range("2-5"), Some((2, Some(5))));
        assert_eq!(parse_range("4-"), Some((4, None)));
        assert_eq!(parse_range("5-2"), None);
        assert_eq!(parse_range("0"), None);
        assert_eq!(parse_size("20M"), Some(20 << 20));
        assert_eq!(parse_size("512k"), Some(512 << 10));
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("lots"), None);
    }
}
