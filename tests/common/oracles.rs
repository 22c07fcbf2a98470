//! The properties the fuzz targets check (fuzz/fuzz_targets/*.rs), shared with
//! tests/fuzz_regressions.rs, which runs them over the seed corpora and every input the fuzzer
//! ever found failing (fuzz/regressions/TARGET/), on the stable toolchain.

#![allow(dead_code)]

use unjam::clean::seo::KnownSeo;
use unjam::clean::stream::clean_stream;
use unjam::clean::Options as CleanOptions;
use unjam::crawl::state::State;
use unjam::extract::urls::{page_of, tid_of, with_page};
use unjam::extract::{extract_page, listing::extract_listing, Options};
use unjam::fetch::cookies::{Cookie, Jar};
use unjam::fetch::robots::Robots;
use unjam::fetch::target::{BoardTarget, Source, ThreadTarget};

fn clean(data: &[u8]) -> Vec<u8> {
    clean_with(data, &CleanOptions::default())
}

fn clean_with(data: &[u8], opts: &CleanOptions) -> Vec<u8> {
    let mut out = Vec::new();
    clean_stream(data, &mut out, opts, 1).expect("in-memory streams do not fail");
    out
}

fn check_clean_with(data: &[u8], opts: &CleanOptions) {
    let once = clean_with(data, opts);
    assert!(
        subsequence(&once, data),
        "output bytes not taken from the input in order"
    );
    let twice = clean_with(&once, opts);
    assert!(
        twice == once,
        "not idempotent:\n  input  {:?}\n  once   {:?}\n  twice  {:?}",
        String::from_utf8_lossy(data),
        String::from_utf8_lossy(&once),
        String::from_utf8_lossy(&twice)
    );
}

/// Is `small` a subsequence of `big`?
fn subsequence(small: &[u8], big: &[u8]) -> bool {
    let mut it = big.iter();
    small.iter().all(|b| it.any(|c| c == b))
}

/// The cleaner never panics, its output is its input with spans removed (every output byte
/// comes from the input, in order), and cleaning twice changes nothing.
///
/// The same holds with an SEO list (`--seo-list`): the input's first line, when it is one, is
/// taken as the list and the rest as the text.
pub fn check_clean(data: &[u8]) {
    check_clean_with(data, &CleanOptions::default());
    let Some(nl) = data.iter().position(|&b| b == b'\n') else {
        return;
    };
    let Ok(list) = std::str::from_utf8(&data[..nl]) else {
        return;
    };
    if let Ok(known) = KnownSeo::parse(list) {
        let opts = CleanOptions {
            known_seo: std::sync::Arc::new(known),
            ..CleanOptions::default()
        };
        check_clean_with(&data[nl + 1..], &opts);
    }
}

/// Texts of the jammer elements as the parsed page has them (`<font class="jammer">`, an
/// element hidden by `display:none`), each with how often it occurs in the page's whole text.
/// Taken from the DOM, not the bytes: in a malformed page a `<span style=display:none>` in the
/// bytes may be no element at all, and its text visible (found by fuzzing the oracle itself).
/// A `style` hides its element only through a well-formed `display: none` declaration: in
/// `$display:none` the property name is no identifier, a browser drops the declaration and
/// shows the text (found by fuzzing: a substring test called that visible text a payload).
fn hides(style: &str) -> bool {
    style.split(';').any(|d| {
        let mut kv = d.splitn(2, ':');
        let (k, v) = (
            kv.next().unwrap_or("").trim(),
            kv.next().unwrap_or("").trim(),
        );
        k.eq_ignore_ascii_case("display") && v.eq_ignore_ascii_case("none")
    })
}

fn payloads(html: &scraper::Html) -> Vec<(String, usize)> {
    let sel = scraper::Selector::parse("font.jammer, span[style]").unwrap();
    let all: String = html.root_element().text().collect();
    html.select(&sel)
        .filter(|e| e.value().name() == "font" || e.value().attr("style").is_some_and(hides))
        .map(|e| {
            let t: String = e.text().collect();
            let t = t.replace('\u{a0}', " ").trim().to_owned();
            let n = all.replace('\u{a0}', " ").matches(t.as_str()).count();
            (t, n)
        })
        .collect()
}

/// Extraction never panics, and no jammer payload reaches a post's text unless the same string
/// also stands in the page outside the jammer.
pub fn check_extract(data: &[u8]) {
    let opts = Options::default();
    let _ = extract_listing(data, &opts);
    let Ok(page) = extract_page(data, &opts) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let html = scraper::Html::parse_document(text);
    for (payload, occurrences) in payloads(&html) {
        // Short payloads are common substrings of real text; repeated ones are not proof.
        if payload.chars().count() < 12 || occurrences > 1 {
            continue;
        }
        for post in &page.posts {
            assert!(
                !post.text.replace('\u{a0}', " ").contains(payload.as_str()),
                "jammer payload {payload:?} in post {:?}: {:?}",
                post.pid,
                post.text
            );
        }
    }
}

/// Thread and board URLs parse without panicking, and page URLs built from a parsed target
/// parse back to the same thread and page.
pub fn check_urls(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let n = 1 + (data.len() % 7) as u32;
    if let Ok(t) = ThreadTarget::parse(s) {
        for source in [Source::Desktop, Source::Mobile, Source::Archiver] {
            let u = t.page_url(source, n);
            let back = ThreadTarget::parse(u.as_str()).expect("a page URL we built parses");
            assert_eq!(back.tid, t.tid, "{s:?} -> {u}");
            assert_eq!(tid_of(u.as_str()), Some(t.tid), "{u}");
            if source != Source::Archiver {
                assert_eq!(page_of(u.as_str()), Some(n), "{u}");
            }
        }
    }
    if let Ok(b) = BoardTarget::parse(s) {
        let u = b.listing_url(n);
        assert_eq!(
            BoardTarget::parse(u.as_str()).map(|x| x.fid),
            Ok(b.fid),
            "{u}"
        );
    }
    let _ = tid_of(s);
    if let Some(u) = with_page(s, n) {
        // A thread URL without a page part is page 1.
        assert_eq!(page_of(&u).unwrap_or(1), n, "{s:?} -> {u:?}");
    }
}

/// cookies.txt, Set-Cookie, the state file and robots.txt: no panic; what parses writes back
/// to what parses the same.
pub fn check_parsers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(jar) = Jar::parse_netscape(&text) {
        let again = Jar::parse_netscape(&jar.to_netscape()).expect("our own cookies.txt parses");
        assert_eq!(again.to_netscape(), jar.to_netscape());
    }
    let url = url::Url::parse("https://bbs.example.test/forum.php?mod=viewthread&tid=1").unwrap();
    let _ = Cookie::from_set_cookie(&text, &url, 1_795_850_000);
    if let Ok(state) = State::parse(&text) {
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(State::parse(&json).expect("our own state parses"), state);
    }
    let robots = Robots::from_body(data);
    let _ = robots.check(url.as_str(), "https://bbs.example.test/robots.txt");
    let _ = robots.check("https://bbs.example.test/a/b?c=%E4%B8%AD", "r");
}

/// WARC and WET input: arbitrary bytes, as they are and wrapped in a gzip member, never panic,
/// always end, and every record read writes back to itself: unchanged as its own header bytes,
/// rewritten (as `clean --wet` does) to a record that reads back with the same block.
pub fn check_warc(data: &[u8]) {
    use std::io::Write;
    use unjam::warc::{http, pages, wet, Reader};
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    for input in [data.to_vec(), gz.finish().unwrap()] {
        let mut r = Reader::new(&input[..]).expect("in-memory reads do not fail");
        let mut n = 0;
        while let Some(x) = r.next_record(&mut |_| true) {
            n += 1;
            assert!(n <= input.len() + 2, "the reader does not advance");
            let Ok(rec) = x else { continue };
            assert!(rec.offset <= input.len() as u64);
            let _ = http::parse(&rec.block, 1 << 20);
            let mut out = Vec::new();
            wet::write_record(&mut out, &rec.head, &rec.block, false).unwrap();
            assert!(out.starts_with(&rec.head.raw));
            out.clear();
            wet::write_record(&mut out, &rec.head, &rec.block, true).unwrap();
            let mut back = Reader::new(&out[..]).unwrap();
            let again = back
                .next_record(&mut |_| true)
                .expect("a record")
                .expect("a record we wrote reads back");
            assert_eq!(again.block, rec.block);
            assert_eq!(
                again.head.fields,
                rec.head
                    .fields
                    .iter()
                    .map(|(k, v)| {
                        let v = if k.eq_ignore_ascii_case("Content-Length") {
                            rec.block.len().to_string()
                        } else if k.eq_ignore_ascii_case("WARC-Block-Digest")
                            || (k.eq_ignore_ascii_case("WARC-Payload-Digest")
                                && rec.head.kind() == "conversion")
                        {
                            wet::block_digest(&rec.block)
                        } else {
                            v.clone()
                        };
                        (k.clone(), v)
                    })
                    .collect::<Vec<_>>()
            );
        }
        let opts = pages::PageOptions {
            charset: None,
            max_size: 1 << 20,
        };
        let _ = pages::read_pages(&input[..], &opts, &mut |_| {});
    }
}
