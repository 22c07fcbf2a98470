//! `unjam extract` through the binary: every page kind against its golden output, gates and
//! their exit codes, directories, formats, output files, mixed failures.
//!
//! Goldens live in `fixtures/extract/golden/`. They were written by hand-checked runs; after a
//! deliberate change, `UNJAM_BLESS=1 cargo test --test cli_extract` rewrites them, and the diff
//! is the review.

mod common;

use common::{fixture, Env, OkStdout};
use predicates::str::contains;
use serde_json::Value;

/// Run `unjam extract ARGS` and compare stdout with `golden/NAME`: JSON by value, text exactly.
fn golden(name: &str, args: &[&str]) {
    let env = Env::new();
    let out = env
        .cmd(&["extract"])
        .args(args)
        .assert()
        .get_output()
        .clone();
    assert!(
        out.status.success(),
        "unjam extract {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = fixture("extract/golden").join(name);
    let got = String::from_utf8(out.stdout).expect("UTF-8 output");
    if std::env::var_os("UNJAM_BLESS").is_some() {
        let pretty = if name.ends_with(".json") {
            let v: Value = serde_json::from_str(&got).expect("JSON output");
            serde_json::to_string_pretty(&v).expect("serialise") + "\n"
        } else {
            got.clone()
        };
        std::fs::write(&path, pretty).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UNJAM_BLESS=1 writes it)", path.display()));
    if name.ends_with(".json") {
        let got: Value = serde_json::from_str(&got).expect("JSON output");
        let want: Value = serde_json::from_str(&want).expect("JSON golden");
        assert_eq!(
            got,
            want,
            "{name}: output differs from the golden\n got: {}",
            serde_json::to_string_pretty(&got).unwrap()
        );
    } else if name.ends_with(".jsonl") {
        let parse = |s: &str| -> Vec<Value> {
            s.lines()
                .map(|l| serde_json::from_str(l).expect("JSON line"))
                .collect()
        };
        assert_eq!(parse(&got), parse(&want), "{name}: records differ");
    } else {
        assert_eq!(got, want, "{name}: output differs from the golden");
    }
}

fn page(name: &str) -> String {
    fixture("extract").join(name).display().to_string()
}

#[test]
fn golden_desktop() {
    golden("desktop-p1.json", &["-f", "json", &page("desktop-p1.html")]);
    golden("desktop-p1.txt", &[&page("desktop-p1.html")]);
    golden(
        "desktop-p1.md",
        &["-f", "markdown", &page("desktop-p1.html")],
    );
}

#[test]
fn golden_two_pages_of_one_thread() {
    golden(
        "desktop-p1p2.jsonl",
        &[
            "-f",
            "jsonl",
            &page("desktop-p2.html"),
            &page("desktop-p1.html"),
        ],
    );
}

#[test]
fn golden_gbk() {
    golden(
        "desktop-gbk.json",
        &["-f", "json", &page("desktop-gbk.html")],
    );
}

#[test]
fn golden_mobile() {
    golden("mobile.json", &["-f", "json", &page("mobile.html")]);
}

#[test]
fn golden_printable() {
    golden("printable.json", &["-f", "json", &page("printable.html")]);
}

#[test]
fn golden_archiver() {
    golden("archiver.json", &["-f", "json", &page("archiver.html")]);
}

#[test]
fn golden_discuz7() {
    golden("discuz7.json", &["-f", "json", &page("discuz7.html")]);
    golden("discuz7.md", &["-f", "markdown", &page("discuz7.html")]);
}

#[test]
fn golden_themed_x3() {
    // A theme wraps posts 2-4 in its own `div.viewbox`: every post, with its author, time and
    // floor from its own container, in page order (pids are not sorted: 9001 comes first).
    golden("themed-x3.json", &["-f", "json", &page("themed-x3.html")]);
    let env = Env::new();
    let out = env
        .cmd(&["extract", "-f", "jsonl", &page("themed-x3.html")])
        .ok_stdout();
    let posts: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(u64, u64, &str)> = posts
        .iter()
        .map(|p| {
            (
                p["pid"].as_u64().unwrap(),
                p["floor"].as_u64().unwrap(),
                p["author"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (9001, 1, "小林"),
            (310, 2, "theme_fan"),
            (311, 3, "老王"),
            (315, 4, "Ann Lee")
        ]
    );
    assert_eq!(posts[3]["posted_at"], "2026-10-02T21:40:00");
}

#[test]
fn golden_discuz_nt() {
    // Discuz!NT 3.x (`showtopic.aspx`, tools/dnt/make_pages.py from the 3.6 template): two
    // pages, the jammer on (a white `span.jammer` of Latin-1 characters around the host name,
    // the same string before every line break), floors `N#`, relative times with the exact
    // time in a title.
    golden("dnt-p1p2.jsonl", &["-f", "jsonl", &page("dnt")]);
    let out = Env::new()
        .cmd(&["extract", "-f", "jsonl", &page("dnt")])
        .ok_stdout();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("bbs.example.test"), "jammer leaked: {text}");
    let posts: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(u64, u64, &str, u64)> = posts
        .iter()
        .map(|p| {
            (
                p["pid"].as_u64().unwrap(),
                p["floor"].as_u64().unwrap(),
                p["author"].as_str().unwrap(),
                p["author_uid"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1001, 1, "林间", 51),
            (1002, 2, "ivy_k", 52),
            (1005, 3, "老王", 53),
            (1010, 4, "林间", 51)
        ]
    );
    assert!(posts
        .iter()
        .all(|p| p["kind"] == "discuznt" && p["tid"] == 77));
    // `3小时前` on the page; the title holds the time.
    assert_eq!(posts[3]["posted_at"], "2011-03-07T21:30:00");
    assert_eq!(posts[3]["posted_at_text"], "3小时前");
}

#[test]
fn golden_phpwind() {
    // PHPWind 6.x (UTF-8, two pages, jammer on: hidden spans with control characters and a
    // no-break space before each line break) and 8.x (GBK, floors 楼主/沙发/5楼, the exact time
    // in a title where the text says "1 小时前").
    golden("phpwind-p1p2.jsonl", &["-f", "jsonl", &page("phpwind")]);
    golden(
        "phpwind-gbk.json",
        &["-f", "json", &page("phpwind/read-gbk.html")],
    );
    let env = Env::new();
    let out = env
        .cmd(&["extract", "-f", "jsonl", &page("phpwind")])
        .ok_stdout();
    let text = String::from_utf8(out).unwrap();
    assert!(
        !text.contains("\\u00") && !text.contains('\u{a0}'),
        "no control characters or no-break spaces left: {text}"
    );
    let raw = std::fs::read_to_string(page("phpwind/read-p1.html")).unwrap();
    for span in raw.split("<span style=\"display:none\">").skip(1) {
        let junk = span.split("</span>").next().unwrap().trim();
        assert!(!text.contains(junk), "hidden span {junk:?} leaked");
    }
}

#[test]
fn golden_localised_uis() {
    // A Big5 printable view in the Taiwan translation (標題/時間 labels, 本文章最後由 … 於 …
    // 編輯, 複製程式碼) and an English UI (Post time, "This post was last edited by … at …",
    // Copy the Code, floor label Author): times, editors and floors read, labels out of the text.
    golden(
        "big5-printable.json",
        &["-f", "json", &page("big5-printable.html")],
    );
    golden("en-desktop.json", &["-f", "json", &page("en-desktop.html")]);
    let env = Env::new();
    for (file, edited_by) in [
        ("big5-printable.html", "阿德"),
        ("en-desktop.html", "jay_k"),
    ] {
        let out = env
            .cmd(&["extract", "-f", "jsonl", &page(file)])
            .ok_stdout();
        let posts: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(posts.iter().all(|p| p["posted_at"].is_string()), "{file}");
        assert_eq!(posts[0]["edited_by"], edited_by, "{file}");
        assert_eq!(posts[0]["floor"], 1, "{file}");
        for p in &posts {
            let t = p["text"].as_str().unwrap();
            for label in [
                "時間:",
                "標題:",
                "編輯",
                "last edited",
                "Copy the Code",
                "複製程式碼",
            ] {
                assert!(!t.contains(label), "{file}: {label} left in {t:?}");
            }
        }
    }
}

#[test]
fn golden_discuz6() {
    // Discuz 6.0, modelled on a real customised board (Big5): author in `td.postauthor cite a`,
    // floor in `strong#postnum_PID` ("1#"), time in the info line with AM/PM, an ad script
    // inside the body. Checked by hand: 12:23 AM is 00:23, 07:24 PM is 19:24.
    golden(
        "discuz6-big5.json",
        &["-f", "json", &page("discuz6-big5.html")],
    );
    let env = Env::new();
    let out = env
        .cmd(&["extract", "-f", "jsonl", &page("discuz6-big5.html")])
        .ok_stdout();
    let posts: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(u64, &str, u64, &str)> = posts
        .iter()
        .map(|p| {
            (
                p["floor"].as_u64().unwrap(),
                p["author"].as_str().unwrap(),
                p["author_uid"].as_u64().unwrap(),
                p["posted_at"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, "shing_t", 2600788, "2018-04-05T00:23:00"),
            (2, "c7886", 3298641, "2018-04-05T19:24:00")
        ]
    );
    assert!(!posts[0]["text"].as_str().unwrap().contains("showad"));
}

#[test]
fn golden_old_archivers() {
    // Archivers before `div#content` (GBK): 5.5/6.0 `div.archiver_post`, 4.x/5.0 one
    // `table.tableborder` per post; no pids, floors by order, the archiver jammer hidden.
    golden(
        "archiver-d55-gbk.json",
        &["-f", "json", &page("archiver-d55-gbk.html")],
    );
    golden(
        "archiver-d50-gbk.json",
        &["-f", "json", &page("archiver-d50-gbk.html")],
    );
}

#[test]
fn golden_directory() {
    golden("thread-dir.jsonl", &["-f", "jsonl", &page("thread")]);
}

/// No page kind lets a jammer string through: every fixture's records are free of the junk
/// the fixtures carry (structural removal, not the cleaner guard, must have done it).
#[test]
fn no_jammer_survives_in_any_fixture() {
    let env = Env::new();
    let junk = [
        "Q( h$",
        "{) Q",
        "O5 w4",
        "X) s6",
        "8 G, {*",
        "jammer",
        "display:none",
        "k9 C",
    ];
    for f in [
        "desktop-p1.html",
        "desktop-p2.html",
        "desktop-gbk.html",
        "mobile.html",
        "printable.html",
        "archiver.html",
        "discuz7.html",
        "thread",
    ] {
        let out = env
            .cmd(&["extract", "-f", "jsonl", "--stats", &page(f)])
            .assert()
            .success()
            .stderr(contains("junk left for the text cleaner: 0"))
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.is_empty(), "{f}: no output");
        for line in out.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let text = v["text"].as_str().unwrap();
            for j in junk {
                assert!(!text.contains(j), "{f}: {j:?} survived in {text:?}");
            }
        }
    }
}

#[test]
fn every_gate_has_its_message_and_exit_code() {
    let env = Env::new();
    let cases = [
        ("notfound.html", 3, "thread not found"),
        ("login.html", 4, "login required"),
        ("noperm.html", 5, "no permission"),
        ("antitheft.html", 6, "anti-theft"),
        ("cloudflare.html", 7, "browser challenge"),
        ("notdiscuz.html", 8, "not a Discuz thread page"),
        // A guest's view of a listing: a login form in the header and `您需要登录后才可以发帖`
        // in the quick-post box, yet a listing, never a login gate (exit 4 sent cron users
        // looking for cookies they do not need).
        (
            "listing-guest.html",
            8,
            "a board listing, not a thread: `unjam forum URL`",
        ),
    ];
    for (file, code, message) in cases {
        let path = page(&format!("gates/{file}"));
        env.cmd(&["extract", &path])
            .assert()
            .code(code)
            .stdout("")
            .stderr(contains(message))
            .stderr(contains(file));
    }
}

/// The sidecar's 404 makes a page "not found" even when its body is a normal-looking page.
#[test]
fn sidecar_status_404_wins() {
    let env = Env::new();
    let body = std::fs::read(page("desktop-p2.html")).unwrap();
    env.write("gone.html", &body);
    env.write("gone.headers", "HTTP/1.1 404 Not Found\r\n\r\n");
    env.cmd(&["extract", "gone.html"])
        .assert()
        .code(3)
        .stderr(contains("gone.html: thread not found"));
    // Without the sidecar the same bytes are a thread.
    env.write("kept.html", &body);
    env.cmd(&["extract", "kept.html"]).assert().success();
}

#[test]
fn mixed_failures_exit_1_and_keep_the_rest() {
    let env = Env::new();
    let out = env
        .cmd(&[
            "extract",
            "-f",
            "jsonl",
            &page("gates/notfound.html"),
            &page("desktop-p2.html"),
            "missing.html",
        ])
        .assert()
        .code(1)
        .stderr(contains("notfound.html: thread not found"))
        .stderr(contains("missing.html: cannot read"))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().count(), 1, "the good page's one post: {out}");
    assert!(out.contains("\"pid\":106"));
}

#[test]
fn two_different_gates_exit_1() {
    let env = Env::new();
    env.cmd(&[
        "extract",
        &page("gates/notfound.html"),
        &page("gates/login.html"),
    ])
    .assert()
    .code(1);
    // The same gate on every page keeps its own code.
    env.cmd(&[
        "extract",
        &page("gates/notfound.html"),
        &page("gates/notfound.html"),
    ])
    .assert()
    .code(3);
}

#[test]
fn stdin_and_url() {
    let env = Env::new();
    // Discuz 7 page without <base>: --url makes its links absolute.
    let body = std::fs::read(page("discuz7.html")).unwrap();
    let out = env
        .cmd(&[
            "extract",
            "-f",
            "json",
            "--url",
            "http://old.example.cn/bbs/viewthread.php?tid=314",
            "-",
        ])
        .write_stdin(body.clone())
        .ok_stdout();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["url"], "http://old.example.cn/bbs/viewthread.php?tid=314");
    assert_eq!(
        v["page_urls"][1],
        "http://old.example.cn/bbs/viewthread.php?tid=314&extra=page%3D1&page=2"
    );
    // <base href> wins over --url for links in the page.
    let p1 = std::fs::read(page("desktop-p1.html")).unwrap();
    let out = env
        .cmd(&[
            "extract",
            "-f",
            "json",
            "--url",
            "http://elsewhere.example/x",
            "-",
        ])
        .write_stdin(p1)
        .ok_stdout();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v["posts"][0]["images"][0]["url"],
        "https://bbs.example.test/data/attachment/forum/202609/02/ssd.jpg"
    );
}

#[test]
fn charset_override_and_report() {
    let env = Env::new();
    // Decoding the GBK page as UTF-8 on purpose gives replacement characters, not a crash.
    let out = env
        .cmd(&[
            "extract",
            "-f",
            "json",
            "--charset",
            "utf-8",
            &page("desktop-gbk.html"),
        ])
        .assert()
        .get_output()
        .clone();
    if out.status.success() {
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["charset"], "UTF-8");
    }
    env.cmd(&["extract", "--charset", "klingon", &page("desktop-gbk.html")])
        .assert()
        .code(2)
        .stderr(contains("unknown charset"));
    let out = env
        .cmd(&[
            "extract",
            "-f",
            "json",
            "--charset",
            "gbk",
            &page("desktop-gbk.html"),
        ])
        .ok_stdout();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["charset"], "gb18030");
    assert!(v["posts"][0]["text"]
        .as_str()
        .unwrap()
        .contains("镕、堃、喆"));
}

#[test]
fn output_file_is_written_whole() {
    let env = Env::new();
    env.cmd(&[
        "extract",
        "-f",
        "jsonl",
        "-o",
        "out.jsonl",
        &page("desktop-p1.html"),
    ])
    .assert()
    .success()
    .stdout("");
    let got = String::from_utf8(env.read("out.jsonl")).unwrap();
    assert_eq!(got.lines().count(), 4);
    // A failed run leaves an existing output untouched.
    env.cmd(&["extract", "-o", "out.jsonl", &page("gates/notdiscuz.html")])
        .assert()
        .code(8);
    assert_eq!(String::from_utf8(env.read("out.jsonl")).unwrap(), got);
}

#[test]
fn directory_groups_pages_and_names_missing_ones() {
    let env = Env::new();
    let out = env
        .cmd(&["extract", "-f", "json", &page("thread")])
        .assert()
        .success()
        .stderr(contains("thread 77: page 3 of 3 not among the inputs"))
        .get_output()
        .stdout
        .clone();
    let threads: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(threads.len(), 2);
    let t77 = threads.iter().find(|t| t["tid"] == 77).unwrap();
    let pids: Vec<u64> = t77["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pid"].as_u64().unwrap())
        .collect();
    // Page 2 was saved twice (the later copy has one more reply): each post once, in order.
    assert_eq!(pids, [701, 702, 703, 704, 705]);
    assert_eq!(
        t77["page_urls"],
        serde_json::json!([
            "https://bbs.example.test/thread-77-1-1.html",
            "https://bbs.example.test/thread-77-2-1.html",
            "https://bbs.example.test/thread-77-3-1.html"
        ])
    );
    // -q silences the note, not the data.
    env.cmd(&["-q", "extract", &page("thread")])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.cmd(&["extract", "--format", "yaml"]).assert().code(2);
    env.cmd(&["extract", "--url", "http://x.example/", "a.html", "b.html"])
        .assert()
        .code(2)
        .stderr(contains("--url names one page"));
    env.cmd(&["extract", "-", "-"])
        .assert()
        .code(2)
        .stderr(contains("stdin"));
}

#[test]
fn empty_and_binary_input_are_errors_not_panics() {
    let env = Env::new();
    env.cmd(&["extract", "-"]).write_stdin("").assert().code(8);
    let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    env.cmd(&["extract", "-"])
        .write_stdin(junk)
        .assert()
        .code(8)
        .stderr(contains("not a Discuz thread page"));
}

#[test]
fn a_directory_without_pages_is_an_error() {
    let env = Env::new();
    std::fs::create_dir(env.path("empty")).unwrap();
    env.cmd(&["extract", "empty"])
        .assert()
        .code(1)
        .stderr(contains("no .html"));
}

#[test]
fn oversized_and_absurdly_nested_pages_are_refused_with_a_reason() {
    let env = Env::new();
    let page = fixture("extract/desktop-p1.html");
    env.cmd(&["extract", "--max-size", "1K"])
        .arg(&page)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicates::str::contains(
            "page larger than 1024 bytes (--max-size): refused",
        ));
    let deep = std::fs::read_to_string(fixture("extract/desktop-p2.html"))
        .unwrap()
        .replace(
            "换完了",
            &format!("{}深{}", "<div>".repeat(20_000), "</div>".repeat(20_000)),
        );
    let f = env.write("deep.html", deep);
    env.cmd(&["extract"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "page nested more than 10000 elements deep: refused",
        ));
    env.cmd(&["extract", "--max-size", "lots"])
        .arg(&page)
        .assert()
        .code(2);
}

/// A page converted to UTF-8 that still says `charset=gbk`: decoded as UTF-8, and `-v` says why.
#[test]
fn utf8_bytes_under_a_gbk_meta_are_read_as_utf8() {
    let env = Env::new();
    let page_text = std::fs::read_to_string(page("desktop-p2.html"))
        .unwrap()
        .replace("<meta charset=\"utf-8\" />", "<meta charset=\"gbk\" />");
    env.write("mislabelled.html", &page_text);
    let out = env
        .cmd(&["extract", "-v", "-f", "jsonl", "mislabelled.html"])
        .assert()
        .success()
        .get_output()
        .clone();
    let post: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        post["text"].as_str().unwrap().starts_with("换完了"),
        "{post}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("declares GBK, but its bytes are valid UTF-8"),
        "{err}"
    );
    assert!(err.contains("charset UTF-8"), "{err}");
}
