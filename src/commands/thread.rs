//! `unjam thread`: thread URLs in, every page fetched, posts out.

use super::{is_broken_pipe, Status, Ui};
use crate::cli::{SourceArg, ThreadArgs};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, BufRead, IsTerminal, Write};
use std::time::Duration;
use unjam::atomic::write_atomically;
use unjam::extract::charset;
use unjam::fetch::cookies::{self, Jar};
use unjam::fetch::http::{Client, Config};
use unjam::fetch::target::{Source, ThreadTarget};
use unjam::fetch::thread::{fetch_thread, Failed, Options, ThreadError};
use unjam::model::Gate;
use unjam::output::ThreadWriter;

/// Why a thread failed, for the exit status.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Failure {
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
    let escape = args.output.is_none() && io::stdout().is_terminal();
    let progress = Progress::new(ui, targets.len());
    let mut failures: Vec<Failure> = Vec::new();
    let mut done = 0usize;
    let mut work = |w: &mut dyn Write| -> io::Result<()> {
        for (i, (given, target)) in targets.iter().enumerate() {
            progress.start(i, target.tid);
            let mut writer: Option<ThreadWriter> = None;
            let result = fetch_thread(&client, target, &opts, |page| {
                let head = page.head();
                let tw = match &mut writer {
                    Some(tw) => tw,
                    None => writer.insert(ThreadWriter::begin(w, head, args.format, escape)?),
                };
                for post in &page.posts {
                    tw.post(w, head, post, page.post_url(post).as_deref())?;
                }
                // A page's posts reach the reader before the next page is fetched.
                w.flush()?;
                progress.page(page.page, page.last, page.posts.len());
                Ok(())
            });
            // A thread cut short still closes its JSON object: what was written stays valid.
            if let Some(tw) = writer {
                tw.end(w)?;
                w.flush()?;
            }
            progress.finish();
            match result {
                Ok(summary) => {
                    if summary.source == Some(Source::Archiver) && opts.source != Source::Archiver {
                        ui.info(format!("{given}: read from the archiver (no floors)"));
                    }
                    done += 1;
                }
                Err(Failed {
                    error: ThreadError::Output(e),
                    ..
                }) => return Err(e),
                Err(Failed { error: e, partial }) => {
                    let mut msg = format!("{given}: {}", describe(&e));
                    if partial.posts > 0 {
                        msg.push_str(&format!(
                            " (thread incomplete: {} posts from {} pages before this were written)",
                            partial.posts, partial.pages
                        ));
                    }
                    ui.error(msg);
                    failures.push(match e {
                        ThreadError::Gate { gate, .. } => Failure::Gate(gate),
                        ThreadError::Robots { .. } => Failure::Robots,
                        _ => Failure::Other,
                    });
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
        ui.error(format!("cannot write output: {}", super::io_message(&e)));
        return Status::Failure;
    }
    if let Some(path) = &args.cookie_jar {
        let text = client.jar().to_netscape();
        if let Err(e) = write_atomically(path, |w| w.write_all(text.as_bytes())) {
            ui.error(format!(
                "{}: cannot write the cookie jar: {}",
                path.display(),
                super::io_message(&e)
            ));
            return Status::Failure;
        }
    }
    match failures.as_slice() {
        [] => Status::Success,
        [f, rest @ ..] if done == 0 && rest.iter().all(|r| r == f) => match f {
            Failure::Gate(g) => Status::Gate(*g),
            Failure::Robots => Status::Robots,
            Failure::Other => Status::Failure,
        },
        _ => Status::Failure,
    }
}

/// The error as the user reads it: the URL that failed is already named by the caller.
fn describe(e: &ThreadError) -> String {
    match e {
        ThreadError::Gate { url, gate } => format!("{gate} (at {url})"),
        e => e.to_string(),
    }
}

/// A progress bar on stderr while pages come in: only on a terminal, and not with `-q` or
/// `-v` (the log lines would tear it).
struct Progress {
    bar: Option<ProgressBar>,
    threads: usize,
    posts: std::cell::Cell<usize>,
}

impl Progress {
    fn new(ui: &Ui, threads: usize) -> Progress {
        let shown = !ui.quiet && ui.verbose == 0 && io::stderr().is_terminal();
        Progress {
            bar: shown.then(ProgressBar::hidden),
            threads,
            posts: std::cell::Cell::new(0),
        }
    }

    fn start(&self, i: usize, tid: u64) {
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

    fn page(&self, page: u32, last: Option<u32>, posts: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(u64::from(last.unwrap_or(page).max(page)));
            bar.set_position(u64::from(page));
            self.posts.set(self.posts.get() + posts);
            bar.set_message(format!("{} posts", self.posts.get()));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
    }
}

type Setup = (Vec<(String, ThreadTarget)>, Client, Options);

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
        let hosts: Vec<String> = targets
            .iter()
            .filter_map(|(_, t)| t.root.host_str().map(str::to_owned))
            .collect();
        for cookie in cookies::from_header_value(c, &hosts).map_err(|e| format!("--cookie: {e}"))? {
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
fn parse_size(s: &str) -> Option<u64> {
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
