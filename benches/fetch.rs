//! `cargo bench --bench fetch`: `unjam thread` against raw HTTP GETs of the same pages.
//!
//! A loopback server (the tests' server, tests/common/server.rs) serves an N-page thread made
//! from a real page: the desktop thread page t5-p2-jon of ../shared/discuz-pages when present,
//! else fixtures/extract/desktop-p1.html, with post ids and the pager rewritten per page so
//! that every page is new to the walk. Interleaved round by round, in one run:
//!   ceiling: a reqwest blocking client GETting pages 1..N in turn, bodies read, nothing else;
//!   unjam:   `fetch_thread` with `--wait 0`, every post serialised as JSON Lines.
//! Both against the server with no delay (what unjam costs on top of the transfer), and with a
//! fixed delay per page (`BENCH_DELAY_MS`, default 20: a board rendering a page), where
//! fetching the next page while extracting this one is what counts.
//! Then peak RSS of the binary over 100 and 1,000 pages (`/usr/bin/time`), to show it does
//! not grow with the thread.
//!
//! Env: BENCH_PAGES (100), BENCH_ROUNDS (7), BENCH_DELAY_MS (20).

#[path = "../tests/common/server.rs"]
#[allow(dead_code)]
mod server;

use server::{Fault, Reply, Request, Server};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use unjam::fetch::http::{Client, Config};
use unjam::fetch::target::ThreadTarget;
use unjam::fetch::thread::{fetch_thread, Options};

const TID: u64 = 5;

/// The template page and its post ids.
struct Template {
    html: String,
    pids: Vec<u64>,
    source: String,
}

fn template() -> Template {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/discuz-pages/x35-utf8/t5-p2-jon.html");
    let (path, source) = if shared.exists() {
        (
            shared,
            "../shared t5-p2-jon.html (real X3.5 page, jammer on)",
        )
    } else {
        (
            root.join("fixtures/extract/desktop-p1.html"),
            "fixtures/extract/desktop-p1.html (../shared not found)",
        )
    };
    let bytes = std::fs::read(&path).expect("template page");
    let page = unjam::extract::extract_page(&bytes, &unjam::extract::Options::default())
        .expect("template extracts");
    let html = String::from_utf8(bytes).expect("UTF-8 template");
    // Normalise the template to tid TID.
    let tid = page.tid.expect("template has a tid");
    let html = html
        .replace(&format!("tid={tid}&"), &format!("tid={TID}&"))
        .replace(&format!("tid={tid}\""), &format!("tid={TID}\""))
        .replace(&format!("thread-{tid}-"), &format!("thread-{TID}-"));
    Template {
        html,
        pids: page.posts.iter().filter_map(|p| p.pid).collect(),
        source: source.into(),
    }
}

/// Page `n` of a `total`-page thread: the template with its pids moved to a range of their
/// own and a pager saying `n` of `total`.
fn make_page(t: &Template, n: u32, total: u32) -> Vec<u8> {
    let re = regex::Regex::new(r"([A-Za-z_=])(\d+)").unwrap();
    let shift = u64::from(n) * 1_000_000;
    let mut html = re
        .replace_all(&t.html, |c: &regex::Captures| {
            let v: u64 = c[2].parse().unwrap_or(u64::MAX);
            if t.pids.contains(&v) {
                format!("{}{}", &c[1], v + shift)
            } else {
                c[0].to_owned()
            }
        })
        .into_owned();
    let pager = {
        let link = |p: u32| format!("forum.php?mod=viewthread&amp;tid={TID}&amp;page={p}");
        let mut s = String::from("<div class=\"pg\">");
        for p in n.saturating_sub(2).max(1)..=(n + 2).min(total) {
            if p == n {
                s.push_str(&format!("<strong>{p}</strong>"));
            } else {
                s.push_str(&format!("<a href=\"{}\">{p}</a>", link(p)));
            }
        }
        s.push_str(&format!(
            "<label><input type=\"text\" name=\"custompage\" class=\"px\" size=\"2\" value=\"{n}\" />\
             <span title=\"共 {total} 页\"> / {total} 页</span></label>"
        ));
        if n < total {
            s.push_str(&format!(
                "<a href=\"{}\" class=\"nxt\">下一页</a>",
                link(n + 1)
            ));
        }
        s.push_str("</div>");
        s
    };
    let pg = regex::Regex::new(r#"(?s)<div class="pg">.*?</div>"#).unwrap();
    html = pg.replace_all(&html, pager.as_str()).into_owned();
    html.into_bytes()
}

fn serve(pages: Arc<Vec<Vec<u8>>>, delay: Duration) -> Server {
    Server::start(move |r: &Request, _| {
        let n: usize = r
            .target
            .split("page=")
            .nth(1)
            .and_then(|s| s.split('&').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        match pages.get(n.wrapping_sub(1)) {
            Some(body) => {
                let mut reply = Reply::html(body.clone());
                if !delay.is_zero() {
                    reply.fault = Fault::Delay(delay);
                }
                reply
            }
            None => Reply::status(404),
        }
    })
}

fn thread_url(srv: &Server) -> String {
    srv.url(&format!("/forum.php?mod=viewthread&tid={TID}"))
}

/// Raw GETs of every page, bodies read: the ceiling. With `parse`, each body is also parsed
/// into a DOM by html5ever (what any extractor built on it pays at least), one after the other.
fn ceiling(srv: &Server, pages: u32, parse: bool) -> (Duration, usize) {
    let http = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap();
    let start = Instant::now();
    let mut bytes = 0;
    for n in 1..=pages {
        let url = format!("{}&page={n}", thread_url(srv));
        let body = http.get(url).send().unwrap().bytes().unwrap();
        bytes += body.len();
        if parse {
            let html = scraper::Html::parse_document(&String::from_utf8_lossy(&body));
            bytes += html.tree.values().count() & 1;
        }
    }
    (start.elapsed(), bytes)
}

/// unjam's walk: fetch, extract, write JSON Lines (to a sink).
fn unjam(srv: &Server, want_posts: usize) -> Duration {
    let config = Config {
        wait: Duration::ZERO,
        proxy: None,
        ..Config::default()
    };
    let client = Client::new(config, Default::default()).unwrap();
    let target = ThreadTarget::parse(&thread_url(srv)).unwrap();
    let mut out = std::io::sink();
    let start = Instant::now();
    let mut posts = 0;
    let summary = fetch_thread(&client, &target, &Options::default(), |page| {
        let head = page.head();
        let mut tw = unjam::output::ThreadWriter::begin(
            &mut out,
            head,
            unjam::output::Format::Jsonl,
            unjam::output::Tty::default(),
        )?;
        for p in &page.posts {
            tw.post(&mut out, head, p, page.post_url(p).as_deref())?;
        }
        posts += page.posts.len();
        Ok(())
    })
    .expect("walk succeeds");
    let t = start.elapsed();
    assert_eq!(posts, want_posts, "every post of every page, once");
    assert_eq!(summary.posts, want_posts);
    t
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak RSS (KiB) of `unjam thread` over the server's thread, by /usr/bin/time.
fn peak_rss(srv: &Server, pages: u32) -> Option<(u64, usize)> {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/unjam");
    if !bin.exists() || !Path::new("/usr/bin/time").exists() {
        return None;
    }
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(&bin)
        .args(["thread", "--wait", "0", "-f", "jsonl", "-q"])
        .arg(thread_url(srv))
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "unjam thread over {pages} pages failed"
    );
    let lines = out.stdout.iter().filter(|&&b| b == b'\n').count();
    let err = String::from_utf8_lossy(&out.stderr);
    Some((err.lines().last()?.trim().parse().ok()?, lines))
}

fn main() {
    // Loopback only: a proxy from the environment would measure the proxy.
    for k in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        // SAFETY: single-threaded here, before any server or client thread starts.
        unsafe { std::env::remove_var(k) };
    }
    let pages = env_num("BENCH_PAGES", 100) as u32;
    let rounds = env_num("BENCH_ROUNDS", 7);
    let delay = Duration::from_millis(env_num("BENCH_DELAY_MS", 20));
    let t = template();
    let per_page = t.pids.len();
    let bodies: Arc<Vec<Vec<u8>>> =
        Arc::new((1..=pages).map(|n| make_page(&t, n, pages)).collect());
    let avg = bodies.iter().map(Vec::len).sum::<usize>() / bodies.len();
    println!(
        "thread of {pages} pages x {per_page} posts, {avg} bytes/page, from {}",
        t.source
    );
    {
        // Extraction alone, for reading the figures below.
        let start = Instant::now();
        for b in bodies.iter() {
            let _ = unjam::extract::extract_page(b, &unjam::extract::Options::default());
        }
        let e = start.elapsed();
        println!(
            "extraction alone: {:.0} pages/s ({:.2} ms/page)",
            f64::from(pages) / e.as_secs_f64(),
            e.as_secs_f64() * 1000.0 / f64::from(pages)
        );
    }
    for (label, d) in [("no server delay", Duration::ZERO), ("server delay", delay)] {
        let srv = serve(bodies.clone(), d);
        let rounds = if d.is_zero() { rounds } else { rounds.min(3) };
        let (mut ratios, mut c_rate, mut u_rate) = (Vec::new(), Vec::new(), Vec::new());
        let (mut p_rate, mut p_ratios) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let (ct, _) = ceiling(&srv, pages, false);
            let (pt, _) = ceiling(&srv, pages, true);
            let ut = unjam(&srv, pages as usize * per_page);
            let c = f64::from(pages) / ct.as_secs_f64();
            let p = f64::from(pages) / pt.as_secs_f64();
            let u = f64::from(pages) / ut.as_secs_f64();
            c_rate.push(c);
            p_rate.push(p);
            u_rate.push(u);
            ratios.push(u / c);
            p_ratios.push(u / p);
        }
        println!(
            "{label} ({} ms/page): ceiling {:.0} pages/s, unjam {:.0} pages/s: {:.1} % of the ceiling \
             (median of {rounds} interleaved rounds; per-round ratios {:.1}..{:.1} %)",
            d.as_millis(),
            median(&mut c_rate),
            median(&mut u_rate),
            median(&mut ratios.clone()) * 100.0,
            ratios.iter().cloned().fold(f64::MAX, f64::min) * 100.0,
            ratios.iter().cloned().fold(0.0, f64::max) * 100.0,
        );
        println!(
            "    raw GET + html5ever parse, one after the other: {:.0} pages/s; unjam is {:.1} % of that",
            median(&mut p_rate),
            median(&mut p_ratios) * 100.0
        );
    }
    for n in [pages, 10 * pages] {
        let bodies: Arc<Vec<Vec<u8>>> = Arc::new((1..=n).map(|i| make_page(&t, i, n)).collect());
        let srv = serve(bodies, Duration::ZERO);
        match peak_rss(&srv, n) {
            Some((kib, lines)) => {
                assert_eq!(lines, n as usize * per_page, "every post written");
                println!(
                    "peak RSS over {n} pages ({lines} posts): {:.1} MB",
                    kib as f64 / 1024.0
                )
            }
            None => println!(
                "peak RSS over {n} pages: skipped (needs target/release/unjam and /usr/bin/time)"
            ),
        }
    }
}
