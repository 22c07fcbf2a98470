//! `cargo bench --bench extract [DIR...]`: extraction speed against the html5ever floor.
//!
//! For the same pages, in one run and interleaved round by round (so machine noise hits both
//! alike), it times
//!   floor:   decode + `scraper::Html::parse_document` (html5ever building the DOM), nothing else;
//!   extract: `unjam::extract::extract_page` (charset, parse, page kind, posts, text, guard).
//! and reports pages/s, MB/s and the overhead of extraction over the floor. Pages: the desktop
//! thread pages of `../shared/discuz-pages` when present, else `fixtures/extract`; or the
//! directories given after `--`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use unjam::extract::{charset, extract_page, Options};

fn pages_in(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            pages_in(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

/// Desktop thread pages: `tN-pM[-rw]-jon|joff.html` in the shared captures.
fn is_desktop_capture(p: &Path) -> bool {
    let name = p.file_name().unwrap().to_string_lossy();
    let parts: Vec<&str> = name.trim_end_matches(".html").split('-').collect();
    parts.len() >= 3
        && parts[0].starts_with('t')
        && parts[1].starts_with('p')
        && parts[1][1..].chars().all(|c| c.is_ascii_digit())
        && matches!(*parts.last().unwrap(), "jon" | "joff")
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let source;
    if !args.is_empty() {
        for a in &args {
            pages_in(Path::new(a), &mut files);
        }
        source = args.join(" ");
    } else {
        let shared = root.join("../shared/discuz-pages");
        pages_in(&shared, &mut files);
        files.retain(|p| is_desktop_capture(p));
        if files.is_empty() {
            pages_in(&root.join("fixtures/extract"), &mut files);
            files.retain(|p| !p.to_string_lossy().contains("gates"));
            source = "fixtures/extract (../shared not found)".into();
        } else {
            source = "../shared/discuz-pages desktop thread pages".into();
        }
    }
    files.sort();
    let pages: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let opts = Options::default();

    // `BENCH_ONLY=floor|extract`: one pass of one side and nothing else, for an instruction
    // count under `valgrind --tool=callgrind` (stable where wall time is not).
    match std::env::var("BENCH_ONLY").as_deref() {
        Ok("floor") => {
            for p in &pages {
                let (enc, _) = charset::choose(p, None, None);
                let text = charset::decode(p, enc);
                std::hint::black_box(scraper::Html::parse_document(&text));
            }
            return;
        }
        Ok("extract") => {
            let t = Instant::now();
            for p in &pages {
                std::hint::black_box(extract_page(p, &opts).ok());
            }
            println!("extract_seconds {:.6}", t.elapsed().as_secs_f64());
            return;
        }
        _ => {}
    }
    // Warm up both paths, and check every page extracts.
    let mut posts = 0;
    for (f, p) in files.iter().zip(&pages) {
        match extract_page(p, &opts) {
            Ok(page) => posts += page.posts.len(),
            Err(e) => eprintln!("{}: {e}", f.display()),
        }
    }

    let rounds = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(21);
    let mut floor = Vec::with_capacity(rounds);
    let mut extract = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    let time_floor = || {
        let t = Instant::now();
        for p in &pages {
            let (enc, _) = charset::choose(p, None, None);
            let text = charset::decode(p, enc);
            let html = scraper::Html::parse_document(&text);
            std::hint::black_box(&html);
        }
        t.elapsed()
    };
    let time_extract = || {
        let t = Instant::now();
        for p in &pages {
            std::hint::black_box(extract_page(p, &opts).ok());
        }
        t.elapsed()
    };
    for round in 0..rounds {
        // Alternate which goes first, so neither always inherits the other's heap and caches.
        let (f, e) = if round % 2 == 0 {
            let f = time_floor();
            (f, time_extract())
        } else {
            let e = time_extract();
            (time_floor(), e)
        };
        ratios.push(e.as_secs_f64() / f.as_secs_f64());
        floor.push(f);
        extract.push(e);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (f, e) = (median(&mut floor), median(&mut extract));
    let rate = |d: Duration| {
        (
            pages.len() as f64 / d.as_secs_f64(),
            bytes as f64 / 1e6 / d.as_secs_f64(),
        )
    };
    let (fp, fm) = rate(f);
    let (ep, em) = rate(e);
    println!(
        "pages: {} ({:.1} MB, {posts} posts) from {source}",
        pages.len(),
        bytes as f64 / 1e6
    );
    println!("rounds: {rounds}, median per round");
    println!(
        "floor   (decode + html5ever parse) {:>9.2?}  {fp:>8.0} pages/s  {fm:>6.1} MB/s",
        f
    );
    println!(
        "extract (unjam extract_page)       {:>9.2?}  {ep:>8.0} pages/s  {em:>6.1} MB/s",
        e
    );
    ratios.sort_by(f64::total_cmp);
    let q = |x: f64| ratios[((ratios.len() - 1) as f64 * x).round() as usize];
    println!(
        "extraction adds {:+.1} % to the parse-only floor (median of per-round ratios; \
         quartiles {:+.1} % .. {:+.1} %; target: at most +25 %)",
        (q(0.5) - 1.0) * 100.0,
        (q(0.25) - 1.0) * 100.0,
        (q(0.75) - 1.0) * 100.0
    );
}
