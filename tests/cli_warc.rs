//! `unjam extract --warc` and `unjam clean --wet` through the binary, on archives built here
//! record by record (one gzip member each, as Common Crawl writes them) from the project's
//! own fixture pages: the posts must equal those of `unjam extract` on the saved pages, WET
//! documents must equal `unjam clean` of the same text, and damaged files must lose only their
//! damaged records.

mod common;

use common::{fixture, Env, OkStdout};
use flate2::write::GzEncoder;
use serde_json::Value;
use std::io::Write;

/// One WARC record as bytes (not compressed).
fn record(kind: &str, id: usize, uri: &str, extra: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: 2024-02-2{}T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{id:012}>\r\nWARC-Target-URI: {uri}\r\n",
        id % 10
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    let mut r = head.into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// An HTTP response block as Common Crawl stores it: payload decoded, the original encoding
/// headers renamed.
fn response(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nX-Crawler-Content-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    b.extend_from_slice(body);
    b
}

/// The same response as a crawler that stores the wire bytes writes it: chunked, gzipped.
fn wire_response(content_type: &str, body: &[u8]) -> Vec<u8> {
    let z = gz(body);
    let mut b = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for part in z.chunks(700) {
        b.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        b.extend_from_slice(part);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(b"0\r\n\r\n");
    b
}

struct Page {
    file: &'static str,
    url: &'static str,
    content_type: &'static str,
}

const PAGES: [Page; 3] = [
    Page {
        file: "desktop-p1.html",
        url: "https://bbs.example.test/forum.php?mod=viewthread&tid=42&page=1",
        content_type: "text/html; charset=utf-8",
    },
    Page {
        file: "desktop-p2.html",
        url: "https://bbs.example.test/forum.php?mod=viewthread&tid=42&page=2",
        content_type: "text/html; charset=utf-8",
    },
    Page {
        file: "desktop-gbk.html",
        url: "https://bbs.example.test/forum.php?mod=viewthread&tid=19",
        content_type: "text/html; charset=gbk",
    },
];

/// A CC-like file: warcinfo, then request + response + metadata per capture, non-Discuz
/// captures in between (a news page that names Discuz and hides spans, a JPEG, a redirect).
/// Returns the gzip members, so that tests can damage one.
fn archive(wire: bool) -> Vec<Vec<u8>> {
    let mut recs = vec![record(
        "warcinfo",
        0,
        "",
        &[("Content-Type", "application/warc-fields")],
        b"software: unjam-test\r\nformat: WARC File Format 1.0\r\n",
    )];
    let mut id = 1;
    let mut capture = |uri: &str, block: Vec<u8>, recs: &mut Vec<Vec<u8>>| {
        recs.push(record(
            "request",
            id,
            uri,
            &[("Content-Type", "application/http; msgtype=request")],
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        ));
        recs.push(record(
            "response",
            id + 1,
            uri,
            &[("Content-Type", "application/http; msgtype=response")],
            &block,
        ));
        recs.push(record(
            "metadata",
            id + 2,
            uri,
            &[("Content-Type", "application/warc-fields")],
            b"fetchTimeMs: 120\r\n",
        ));
        id += 3;
    };
    let news = "<html><head><title>News</title></head><body><p>discuz 是一个论坛程序。</p>\
        <a href=\"https://other.test/thread-5-1-1.html\">a thread elsewhere</a>\
        <span style=\"display:none\">hidden</span></body></html>";
    capture(
        "https://news.test/2024/a.html",
        response("text/html; charset=utf-8", news.as_bytes()),
        &mut recs,
    );
    for (i, p) in PAGES.iter().enumerate() {
        let body = std::fs::read(fixture("extract").join(p.file)).unwrap();
        let block = if wire && i == 1 {
            wire_response(p.content_type, &body)
        } else {
            response(p.content_type, &body)
        };
        capture(p.url, block, &mut recs);
        capture(
            "https://img.test/x.jpg",
            response("image/jpeg", b"\xff\xd8\xff\xe0 not really a jpeg"),
            &mut recs,
        );
    }
    capture(
        "https://news.test/moved",
        b"HTTP/1.1 301 Moved Permanently\r\nLocation: /a.html\r\n\r\n".to_vec(),
        &mut recs,
    );
    recs.iter().map(|r| gz(r)).collect()
}

fn posts(jsonl: &[u8]) -> Vec<Value> {
    String::from_utf8(jsonl.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `unjam extract -f jsonl` on the saved pages, each with its URL.
fn direct_posts(env: &Env) -> Vec<Value> {
    let mut all = Vec::new();
    // Pages 1 and 2 of thread 7 are merged as one thread when given together: do the same.
    let dir = env.path("pages");
    std::fs::create_dir_all(&dir).unwrap();
    for p in &PAGES[..2] {
        std::fs::copy(fixture("extract").join(p.file), dir.join(p.file)).unwrap();
    }
    let mut by_url = std::collections::HashMap::new();
    for p in &PAGES {
        let out = env
            .cmd(&["extract", "-f", "jsonl", "--url", p.url])
            .arg(fixture("extract").join(p.file))
            .ok_stdout();
        for v in posts(&out) {
            by_url.insert(v["pid"].as_u64().unwrap(), v);
        }
    }
    let merged = env.cmd(&["extract", "-f", "jsonl", "pages"]).ok_stdout();
    for mut v in posts(&merged) {
        // The URL each post's page was given, as the WARC record gives it.
        v["url"] = by_url[&v["pid"].as_u64().unwrap()]["url"].clone();
        all.push(v);
    }
    let gbk = env
        .cmd(&["extract", "-f", "jsonl", "--url", PAGES[2].url])
        .arg(fixture("extract").join(PAGES[2].file))
        .ok_stdout();
    all.extend(posts(&gbk));
    all
}

fn without_capture(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    assert!(
        o.remove("warc_record_id").is_some_and(|r| r.is_string()),
        "no warc_record_id: {v:?}"
    );
    let o = v.as_object_mut().unwrap();
    assert!(o.remove("warc_date").is_some_and(|d| d.is_string()));
    v
}

#[test]
fn posts_from_a_warc_equal_those_from_the_saved_pages() {
    for wire in [false, true] {
        let env = Env::new();
        let file = env.write("crawl.warc.gz", archive(wire).concat());
        let out = env
            .cmd(&["extract", "-f", "jsonl", "--stats"])
            .arg(&file)
            .assert()
            .success()
            .get_output()
            .clone();
        let got: Vec<Value> = posts(&out.stdout)
            .into_iter()
            .map(without_capture)
            .collect();
        let want = direct_posts(&env);
        assert_eq!(got.len(), want.len());
        assert!(!got.is_empty());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "wire={wire}");
        }
        let stats = String::from_utf8_lossy(&out.stderr);
        // 1 warcinfo + 8 captures of 3 records; 8 responses: 3 thread pages, 3 JPEGs and a
        // redirect (not HTML), the news page (sniffed out).
        assert!(stats.contains("records: 25 (8 responses)"), "{stats}");
        assert!(stats.contains("Discuz thread pages: 3"), "{stats}");
        assert!(
            stats.contains("4 not HTML, 1 not Discuz (sniffed)"),
            "{stats}"
        );
        assert!(stats.contains("corrupt records: 0"), "{stats}");
    }
}

#[test]
fn capture_fields_name_the_record() {
    let env = Env::new();
    let file = env.write("crawl.warc.gz", archive(false).concat());
    let out = env.cmd(&["extract", "-f", "jsonl"]).arg(&file).ok_stdout();
    let v = posts(&out);
    let gbk = v.iter().find(|p| p["tid"] == 19).expect("the GBK thread");
    // Capture 1 is the news page (ids 1-3), then desktop-p1 (4-6), a JPEG (7-9),
    // desktop-p2 (10-12), a JPEG (13-15), desktop-gbk: its response is id 17.
    assert_eq!(
        gbk["warc_record_id"],
        "<urn:uuid:00000000-0000-0000-0000-000000000017>"
    );
    assert_eq!(gbk["warc_date"], "2024-02-27T10:00:00Z");
    assert_eq!(gbk["url"], PAGES[2].url);
    // The GBK page decoded from its Content-Type: Chinese text, no mojibake.
    assert!(gbk["text"]
        .as_str()
        .unwrap()
        .chars()
        .any(|c| c > '\u{4e00}'));
}

#[test]
fn a_truncated_file_keeps_the_records_before_the_cut() {
    let env = Env::new();
    let members = archive(false);
    // Cut inside the response of desktop-gbk (member 17 of 0-based 0..).
    let before: usize = members[..17].iter().map(Vec::len).sum();
    let mut bytes = members[..17].concat();
    bytes.extend_from_slice(&members[17][..members[17].len() / 2]);
    let file = env.write("cut.warc.gz", &bytes);
    let out = env
        .cmd(&["extract", "-f", "jsonl"])
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("gzip member at byte {before}")),
        "{err}"
    );
    assert!(err.contains("truncated"), "{err}");
    let got = posts(&out.stdout);
    let want = direct_posts(&env).iter().filter(|p| p["tid"] == 42).count();
    assert!(got.iter().all(|p| p["tid"] == 42));
    assert_eq!(got.len(), want, "thread 42's posts are all there");
}

#[test]
fn a_garbage_member_loses_only_itself() {
    let env = Env::new();
    let mut members = archive(false);
    let at: usize = members[..5].iter().map(Vec::len).sum();
    // Random-looking bytes where a member should start, and a member whose data is damaged.
    members.insert(5, (0..3000u32).map(|i| (i * 7919 % 251) as u8).collect());
    let mut damaged = members[9].clone();
    let n = damaged.len();
    for b in &mut damaged[20..n - 10] {
        *b ^= 0xa5;
    }
    members[9] = damaged;
    let file = env.write("bad.warc.gz", members.concat());
    let out = env
        .cmd(&["extract", "-f", "jsonl", "--stats"])
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("gzip member at byte {at}")), "{err}");
    assert!(err.contains("not gzip data"), "{err}");
    assert!(err.contains("corrupt gzip data"), "{err}");
    assert!(err.contains("corrupt records: 2"), "{err}");
    // Every thread page survived: the damage hit no thread page (garbage, a JPEG response).
    let want = direct_posts(&env).len();
    assert_eq!(posts(&out.stdout).len(), want, "{err}");
}

#[test]
fn stdin_needs_the_flag_and_mixed_inputs_are_refused() {
    let env = Env::new();
    let bytes = archive(false).concat();
    let out = env
        .cmd(&["extract", "--warc", "-f", "jsonl"])
        .write_stdin(bytes.clone())
        .ok_stdout();
    assert_eq!(posts(&out).len(), direct_posts(&env).len());
    env.cmd(&["extract"])
        .write_stdin(bytes.clone())
        .assert()
        .failure()
        .stderr(predicates::str::contains("add --warc"));
    let file = env.write("a.warc.gz", &bytes);
    env.cmd(&["extract"])
        .arg(&file)
        .arg(fixture("extract/desktop-p1.html"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("separate runs"));
    // Detected by its first bytes, whatever its name.
    let renamed = env.write("crawl.bin", &bytes);
    let out = env
        .cmd(&["extract", "-f", "jsonl"])
        .arg(&renamed)
        .ok_stdout();
    assert_eq!(posts(&out).len(), direct_posts(&env).len());
}

#[test]
fn an_archive_without_discuz_pages_says_so() {
    let env = Env::new();
    let members = archive(false);
    let no_forum = [&members[..4], &members[members.len() - 3..]].concat();
    let file = env.write("news.warc.gz", no_forum.concat());
    env.cmd(&["extract"])
        .arg(&file)
        .assert()
        .success()
        .stdout("")
        .stderr(predicates::str::contains(
            "no Discuz thread page among 7 records",
        ));
}

// ---------------------------------------------------------------- WET

/// A WET file: warcinfo, then a conversion record per text.
fn wet(texts: &[&[u8]]) -> Vec<u8> {
    let mut members = vec![gz(&record(
        "warcinfo",
        0,
        "",
        &[("Content-Type", "application/warc-fields")],
        b"software: unjam-test\r\n",
    ))];
    for (i, t) in texts.iter().enumerate() {
        members.push(gz(&record(
            "conversion",
            i + 1,
            &format!("https://site{i}.test/p"),
            &[
                ("WARC-Refers-To", "<urn:uuid:x>"),
                ("WARC-Block-Digest", "sha1:AAAA"),
                ("Content-Type", "text/plain"),
            ],
            t,
        )));
    }
    members.concat()
}

const JAMMED: &str = "第一行文字\r\nF8s`/ ]E; d*P-x?E'2 vsJ\n第二行文字继续写下去\r\n\u{3000}\u{3000}$ T& p' @8 W( X1 f0 M\n第三行。\n";
const PLAIN: &str = "A page with nothing to remove.\n第二行 also plain; x) y( z* are fine here?\n";

#[test]
fn wet_documents_clean_as_files_do_and_plain_ones_pass_through() {
    let env = Env::new();
    let jammed2 = std::fs::read(fixture("clean/noisy.txt")).unwrap_or_else(|_| JAMMED.into());
    let file = env.write(
        "x.warc.wet.gz",
        wet(&[JAMMED.as_bytes(), PLAIN.as_bytes(), &jammed2]),
    );
    let alone = |text: &[u8]| -> String {
        String::from_utf8(env.cmd(&["clean"]).write_stdin(text.to_vec()).ok_stdout()).unwrap()
    };
    let out = env.cmd(&["clean"]).arg(&file).ok_stdout();
    let docs = posts(&out);
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0]["text"], alone(JAMMED.as_bytes()).as_str());
    assert_ne!(docs[0]["text"], JAMMED, "junk was removed");
    assert_eq!(docs[1]["text"], PLAIN);
    assert_eq!(docs[2]["text"], alone(&jammed2).as_str());
    assert_eq!(docs[1]["url"], "https://site1.test/p");
    assert_eq!(
        docs[1]["warc_record_id"],
        "<urn:uuid:00000000-0000-0000-0000-000000000002>"
    );
    assert_eq!(docs[1]["warc_date"], "2024-02-22T10:00:00Z");

    // WET out: the plain record byte for byte, the jammed ones with a fixed Content-Length.
    let out = env
        .cmd(&["clean", "--format", "wet"])
        .arg(&file)
        .ok_stdout();
    let plain_rec = record(
        "conversion",
        2,
        "https://site1.test/p",
        &[
            ("WARC-Refers-To", "<urn:uuid:x>"),
            ("WARC-Block-Digest", "sha1:AAAA"),
            ("Content-Type", "text/plain"),
        ],
        PLAIN.as_bytes(),
    );
    assert!(
        out.windows(plain_rec.len()).any(|w| w == plain_rec),
        "the unchanged record is not byte-identical"
    );
    let cleaned = alone(JAMMED.as_bytes());
    let s = String::from_utf8_lossy(&out);
    assert!(s.contains(&format!("Content-Length: {}\r\n", cleaned.len())));
    assert!(s.starts_with("WARC/1.0\r\nWARC-Type: warcinfo"));
    // Read back as records: three conversions, blocks as cleaned.
    let back = env.write("back.wet", &out);
    let again = env.cmd(&["clean"]).arg(&back).arg("--wet").ok_stdout();
    assert_eq!(posts(&again)[0]["text"], cleaned.as_str());

    // --only-jammed drops the plain record; --check says junk was found.
    let only = env.cmd(&["clean", "--only-jammed"]).arg(&file).ok_stdout();
    let urls: Vec<Value> = posts(&only).iter().map(|d| d["url"].clone()).collect();
    assert_eq!(urls, ["https://site0.test/p", "https://site2.test/p"]);
    env.cmd(&["clean", "--check"]).arg(&file).assert().code(1);
    let clean_only = env.write("plain.wet.gz", wet(&[PLAIN.as_bytes()]));
    env.cmd(&["clean", "--check"])
        .arg(&clean_only)
        .assert()
        .success();
}

#[test]
fn wet_flags_need_wet_input() {
    let env = Env::new();
    let t = env.write("a.txt", "text\n");
    env.cmd(&["clean", "--only-jammed"])
        .arg(&t)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("need WET input"));
    let w = env.write("a.wet.gz", wet(&[b"x"]));
    env.cmd(&["clean", "-i"])
        .arg(&w)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--in-place"));
}

#[test]
fn a_corrupt_wet_record_is_reported_and_the_rest_cleaned() {
    let env = Env::new();
    let mut bytes = wet(&[JAMMED.as_bytes()]);
    bytes.extend_from_slice(&gz(
        b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 99999\r\n\r\nshort",
    ));
    bytes.extend_from_slice(&wet(&[PLAIN.as_bytes()])[..]);
    let file = env.write("c.wet.gz", &bytes);
    let out = env
        .cmd(&["clean"])
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(posts(&out.stdout).len(), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("truncated: 5 of the 99999 bytes"), "{err}");
    // In parallel: the same records, the same report.
    let par = env
        .cmd(&["clean", "-j", "3"])
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(par.stdout, out.stdout);
    assert_eq!(par.stderr, out.stderr);
}

#[test]
fn wet_in_parallel_is_wet_in_series() {
    let env = Env::new();
    let texts: Vec<String> = (0..40)
        .map(|i| {
            if i % 3 == 0 {
                format!("{i}: {PLAIN}")
            } else {
                format!("{i}: {JAMMED}")
            }
        })
        .collect();
    let refs: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
    let file = env.write("many.wet.gz", wet(&refs));
    for format in ["jsonl", "wet"] {
        let one = env
            .cmd(&["clean", "-j", "1", "--format", format])
            .arg(&file)
            .ok_stdout();
        let four = env
            .cmd(&["clean", "-j", "4", "--format", format])
            .arg(&file)
            .ok_stdout();
        assert_eq!(one, four, "{format}");
    }
}

/// The helper files of tools/warc/make_warc.py: what was packed, read from the pages' HTML.
fn expected(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixture("warc").join(name)).unwrap()).unwrap()
}

#[test]
fn one_thread_on_two_sites_stays_two_threads() {
    // Every forum in a crawl has a thread 1: pages merge per site (and view), never across.
    let env = Env::new();
    let out = env
        .cmd(&["extract", "-f", "jsonl"])
        .arg(fixture("warc/cc-two-hosts.warc.gz"))
        .ok_stdout();
    let got: Vec<(String, u64)> = posts(&out)
        .iter()
        .map(|p| {
            (
                p["url"].as_str().unwrap().to_string(),
                p["pid"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut want = Vec::new();
    for d in expected("expected-cc-two-hosts.json")["discuz"]
        .as_array()
        .unwrap()
    {
        for pid in d["pids"].as_array().unwrap() {
            want.push((
                d["url"].as_str().unwrap().to_string(),
                pid.as_u64().unwrap(),
            ));
        }
    }
    let (mut got, mut want) = (got, want);
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn each_post_keeps_its_own_record_url_and_view() {
    let env = Env::new();
    let out = env
        .cmd(&["extract", "-f", "jsonl"])
        .arg(fixture("warc/cc-small.warc.gz"))
        .ok_stdout();
    let packed = expected("expected-cc-small.json");
    let records: std::collections::HashMap<&str, &Value> = packed["discuz"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["warc_record_id"].as_str().unwrap(), d))
        .collect();
    let all = posts(&out);
    assert!(!all.is_empty());
    for p in &all {
        let rec = records[p["warc_record_id"].as_str().unwrap()];
        assert_eq!(p["url"], rec["url"]);
        assert_eq!(p["warc_date"], rec["warc_date"]);
        // The view the post was read from matches the page's URL form.
        let url = p["url"].as_str().unwrap();
        let kind = p["kind"].as_str().unwrap();
        assert_eq!(url.contains("archiver"), kind == "archiver", "{url} {kind}");
        assert_eq!(
            url.contains("printable"),
            kind == "printable",
            "{url} {kind}"
        );
        assert_eq!(url.contains("mobile=2"), kind == "mobile", "{url} {kind}");
        if let Some(pid) = p["pid"].as_u64() {
            assert!(rec["pids"].as_array().unwrap().contains(&Value::from(pid)));
        }
    }
}

#[test]
fn records_over_the_size_limit_are_reported_not_read() {
    let env = Env::new();
    let file = env.write("crawl.warc.gz", archive(false).concat());
    let out = env
        .cmd(&["extract", "-f", "jsonl", "--max-size", "3K", "--stats"])
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    // desktop-p1 (7.8 KB) is over the limit; the smaller pages still give their posts.
    assert!(
        err.contains("larger than 3072 bytes (--max-size): skipped"),
        "{err}"
    );
    assert!(err.contains("refused: 1;"), "{err}");
    let got = posts(&out.stdout);
    assert!(!got.is_empty());
    assert!(
        got.iter().all(|p| p["pid"] != 101),
        "desktop-p1's posts are not there"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_read_as_a_page_not_sniffed_away() {
    // Sniffing for a WARC header would take the first bytes of a FIFO from the page itself.
    let env = Env::new();
    let fifo = env.path("page.html");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let page = std::fs::read(fixture("extract/desktop-p2.html")).unwrap();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, page).unwrap())
    };
    let out = env.cmd(&["extract", "-f", "jsonl"]).arg(&fifo).ok_stdout();
    writer.join().unwrap();
    assert_eq!(posts(&out).len(), 1);
}
