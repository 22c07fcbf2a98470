//! `unjam thread` against a real HTTP server on 127.0.0.1 (tests/common/server.rs): every page
//! fetched once and in order, faults retried or reported, gates and their exit codes, cookies
//! kept to their own host.

mod common;

use common::server::{Fault, Reply, Request, Server};
use common::{fixture, Env, OkStdout};
use predicates::str::contains;
use serde_json::Value;
use std::time::Duration;

fn page(name: &str) -> Vec<u8> {
    std::fs::read(fixture("extract").join(name)).unwrap()
}

/// The 2-page thread 42 of the fixtures, as Discuz serves it: past the last page, the last
/// page again.
fn thread42(req: &Request) -> Reply {
    if !req.target.starts_with("/forum.php?mod=viewthread&tid=42") {
        return Reply::status(404);
    }
    if req.target.contains("page=1") {
        Reply::html(page("desktop-p1.html"))
    } else {
        Reply::html(page("desktop-p2.html"))
    }
}

fn pids(stdout: &[u8]) -> Vec<u64> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["pid"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

fn thread_cmd(env: &Env, args: &[&str]) -> assert_cmd::Command {
    let mut c = env.cmd(&["thread", "--wait", "0", "-f", "jsonl"]);
    c.args(args);
    c
}

#[test]
fn every_page_once_in_order() {
    let srv = Server::start(|r, _| thread42(r));
    let env = Env::new();
    let out = thread_cmd(
        &env,
        &[&srv.url("/forum.php?mod=viewthread&tid=42&extra=page%3D1")],
    )
    .ok_stdout();
    assert_eq!(pids(&out), [101, 102, 103, 105, 106]);
    assert_eq!(srv.count("/forum.php?mod=viewthread&tid=42&page=1"), 1);
    assert_eq!(srv.count("/forum.php?mod=viewthread&tid=42&page=2"), 1);
    assert_eq!(srv.count("/forum.php?mod=viewthread&tid=42&page=3"), 0);
    // The same records as `unjam extract` on the saved pages (but for the page URLs).
    let saved = env
        .cmd(&["extract", "-f", "jsonl"])
        .arg(fixture("extract/desktop-p1.html"))
        .arg(fixture("extract/desktop-p2.html"))
        .assert()
        .get_output()
        .stdout
        .clone();
    let strip = |b: &[u8]| -> Vec<Value> {
        String::from_utf8_lossy(b)
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("url");
                v
            })
            .collect()
    };
    assert_eq!(strip(&out), strip(&saved));
}

#[test]
fn page_range_and_a_pager_past_the_end() {
    let srv = Server::start(|r, _| thread42(r));
    let env = Env::new();
    let out = thread_cmd(
        &env,
        &[
            "--pages",
            "2-",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .ok_stdout();
    assert_eq!(pids(&out), [106]);
    assert_eq!(srv.count("/forum.php?mod=viewthread&tid=42&page=1"), 0);
}

#[test]
fn a_page_that_repeats_itself_ends_the_walk() {
    // Every page number gets page 1, whose pager claims 2 pages: no loop, no duplicates.
    let srv = Server::start(|_, _| Reply::html(page("desktop-p1.html")));
    let env = Env::new();
    let out = thread_cmd(&env, &[&srv.url("/forum.php?mod=viewthread&tid=42")]).ok_stdout();
    assert_eq!(pids(&out), [101, 102, 103, 105]);
}

#[test]
fn retry_after_503_then_success() {
    let srv = Server::start(|r, n| {
        if r.target.contains("page=2") && n == 0 {
            Reply::status(503).header("Retry-After", "0")
        } else if r.target.contains("page=1") && n == 0 {
            Reply::status(429)
        } else {
            thread42(r)
        }
    });
    let env = Env::new();
    let out = thread_cmd(
        &env,
        &[
            "--retries",
            "2",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .ok_stdout();
    assert_eq!(pids(&out), [101, 102, 103, 105, 106]);
    assert_eq!(srv.count("/forum.php?mod=viewthread&tid=42&page=2"), 2);
}

#[test]
fn reset_mid_body_is_retried_then_reported() {
    let srv = Server::start(|r, n| {
        let mut reply = thread42(r);
        if r.target.contains("page=2") && n < 10 {
            reply.fault = Fault::ResetMidBody;
        }
        reply
    });
    let env = Env::new();
    let a = thread_cmd(
        &env,
        &[
            "--retries",
            "1",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .assert()
    .code(1)
    .stderr(contains("page=2"))
    .stderr(contains("thread incomplete: 4 posts from 1 pages"));
    // Page 1 was written as soon as it was in; nothing of page 2 was invented.
    assert_eq!(pids(&a.get_output().stdout), [101, 102, 103, 105]);
    assert_eq!(srv.count("/forum.php?mod=viewthread&tid=42&page=2"), 2);
}

#[test]
fn slow_answer_times_out() {
    let srv = Server::start(|r, _| {
        let mut reply = thread42(r);
        reply.fault = Fault::Delay(Duration::from_secs(3));
        reply
    });
    let env = Env::new();
    thread_cmd(
        &env,
        &[
            "--timeout",
            "0.5",
            "--retries",
            "0",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .assert()
    .code(1)
    .stderr(contains("timed out"));
}

#[test]
fn redirect_loop_is_reported() {
    let srv = Server::start(|r, _| {
        let to = if r.target.starts_with("/a") {
            "/b"
        } else {
            "/a"
        };
        Reply::status(302).header("Location", to)
    });
    let env = Env::new();
    thread_cmd(
        &env,
        &[
            "--retries",
            "0",
            &srv.url("/a/forum.php?mod=viewthread&tid=1"),
        ],
    )
    .assert()
    .code(1)
    .stderr(contains("redirect loop"));
}

#[test]
fn gzip_bomb_stops_at_max_size() {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    let srv =
        Server::start(move |_, _| Reply::html(bomb.clone()).header("Content-Encoding", "gzip"));
    let env = Env::new();
    thread_cmd(
        &env,
        &[
            "--max-size",
            "2M",
            "--retries",
            "0",
            &srv.url("/forum.php?mod=viewthread&tid=9"),
        ],
    )
    .assert()
    .code(1)
    .stderr(contains("larger than 2097152 bytes"));
}

#[test]
fn gbk_page_gzipped_with_header_charset() {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&page("desktop-gbk.html")).unwrap();
    let body = gz.finish().unwrap();
    let srv = Server::start(move |_, _| Reply {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/html; charset=gbk".into()),
            ("Content-Encoding".into(), "gzip".into()),
        ],
        body: body.clone(),
        fault: Fault::None,
    });
    let env = Env::new();
    let out = thread_cmd(&env, &[&srv.url("/thread-19-1-1.html")]).ok_stdout();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("镕、堃、喆"), "{text}");
    assert_eq!(srv.count("/thread-19-1-1.html"), 1);
}

#[test]
fn gates_stop_with_their_codes() {
    let srv = Server::start(|r, _| {
        let (file, status) = if r.target.contains("tid=1&") {
            ("gates/login.html", 200)
        } else if r.target.contains("tid=2&") {
            ("gates/antitheft.html", 200)
        } else if r.target.contains("tid=3&") {
            ("gates/cloudflare.html", 403)
        } else {
            ("gates/notfound.html", 404)
        };
        let mut reply = Reply::html(page(file));
        reply.status = status;
        reply
    });
    let env = Env::new();
    for (tid, code, msg) in [
        (1, 4, "login required"),
        (2, 6, "anti-theft"),
        (3, 7, "browser challenge"),
        (4, 3, "thread not found"),
    ] {
        thread_cmd(
            &env,
            &[
                "--retries",
                "0",
                &srv.url(&format!("/forum.php?mod=viewthread&tid={tid}")),
            ],
        )
        .assert()
        .code(code)
        .stdout("")
        .stderr(contains(msg));
    }
    // One thread fine, one gated: exit 1, the good one written.
    let srv2 = Server::start(|r, _| {
        if r.target.contains("tid=42") {
            thread42(r)
        } else {
            Reply::html(page("gates/login.html"))
        }
    });
    let out = thread_cmd(
        &env,
        &[
            &srv2.url("/forum.php?mod=viewthread&tid=42"),
            &srv2.url("/forum.php?mod=viewthread&tid=7"),
        ],
    )
    .assert()
    .code(1)
    .get_output()
    .stdout
    .clone();
    assert_eq!(pids(&out).len(), 5);
}

#[test]
fn cookies_go_to_their_own_host_only() {
    let srv = Server::start(|r, _| {
        let mut reply = thread42(r);
        reply
            .headers
            .push(("Set-Cookie".into(), "fresh=1; Path=/; Max-Age=3600".into()));
        reply
    });
    let env = Env::new();
    env.write(
        "cookies.txt",
        "# Netscape HTTP Cookie File\n\
         127.0.0.1\tFALSE\t/\tFALSE\t0\tauth\tmine\n\
         .other.example\tTRUE\t/\tFALSE\t0\tauth_b\tnot-for-you\n",
    );
    thread_cmd(
        &env,
        &[
            "--cookies",
            "cookies.txt",
            "--cookie-jar",
            "jar.txt",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .assert()
    .success();
    let reqs = srv.requests.lock().unwrap().clone();
    assert_eq!(reqs[0].header("Cookie"), Some("auth=mine"));
    // The cookie the server set comes back on the next page.
    assert!(reqs[1].header("Cookie").unwrap().contains("fresh=1"));
    assert!(reqs
        .iter()
        .all(|r| !r.header("Cookie").unwrap_or("").contains("not-for-you")));
    let jar = String::from_utf8(env.read("jar.txt")).unwrap();
    assert!(jar.contains("\tfresh\t1"), "{jar}");
    assert!(
        jar.contains("not-for-you"),
        "the jar keeps cookies of other hosts: {jar}"
    );
}

#[test]
fn save_html_then_extract_gives_the_same_posts() {
    let srv = Server::start(|r, _| thread42(r));
    let env = Env::new();
    let out = thread_cmd(
        &env,
        &[
            "--save-html",
            "pages",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .ok_stdout();
    assert!(env.path("pages/thread-42-p1.html").exists());
    assert!(env.path("pages/thread-42-p2.headers").exists());
    let again = env.cmd(&["extract", "-f", "jsonl", "pages"]).ok_stdout();
    assert_eq!(pids(&again), pids(&out));
}

#[test]
fn urls_from_a_file_and_usage_errors() {
    let srv = Server::start(|r, _| thread42(r));
    let env = Env::new();
    env.write(
        "urls.txt",
        format!(
            "# threads to fetch\n\n{}  # the SSD one\n",
            srv.url("/forum.php?mod=viewthread&tid=42")
        ),
    );
    let out = thread_cmd(&env, &["-i", "urls.txt"]).ok_stdout();
    assert_eq!(pids(&out).len(), 5);
    thread_cmd(&env, &[])
        .assert()
        .code(2)
        .stderr(contains("give thread URLs"));
    thread_cmd(
        &env,
        &["https://bbs.example.org/forum.php?mod=forumdisplay&fid=2"],
    )
    .assert()
    .code(2)
    .stderr(contains("no thread id"));
    thread_cmd(
        &env,
        &["--pages", "5-2", "https://b.example/thread-1-1-1.html"],
    )
    .assert()
    .code(2);
    thread_cmd(
        &env,
        &["--max-size", "huge", "https://b.example/thread-1-1-1.html"],
    )
    .assert()
    .code(2);
    for bad in [
        ["--wait", "1e30"],
        ["--timeout", "1e9"],
        ["--timeout", "NaN"],
        ["--header", "bad name: v"],
        ["--header", "nocolon"],
    ] {
        thread_cmd(
            &env,
            &[bad[0], bad[1], "https://b.example/thread-1-1-1.html"],
        )
        .assert()
        .code(2)
        .stderr(contains(bad[0]));
    }
}

/// Discuz! X3.5's stock robots.txt, as the install writes it.
const STOCK_ROBOTS: &str =
    "#\n# robots.txt for Discuz! X3\n#\n\nUser-agent: *\nAllow: /data/avatar/\nDisallow: *\n";

fn with_robots(robots: Reply) -> impl Fn(&Request, usize) -> Reply + Send + Sync + 'static {
    let robots = std::sync::Mutex::new(Some(robots));
    move |r: &Request, _| {
        if r.target == "/robots.txt" {
            robots
                .lock()
                .unwrap()
                .take()
                .expect("robots.txt is fetched once")
        } else {
            thread42(r)
        }
    }
}

#[test]
fn robots_txt_is_only_read_with_respect_robots() {
    let srv = Server::start(with_robots(Reply::html(STOCK_ROBOTS)));
    let env = Env::new();
    let out = thread_cmd(&env, &[&srv.url("/forum.php?mod=viewthread&tid=42")]).ok_stdout();
    assert_eq!(pids(&out), [101, 102, 103, 105, 106]);
    assert_eq!(srv.count("/robots.txt"), 0);
}

#[test]
fn stock_discuz_robots_blocks_with_the_rule_and_how_to_override() {
    let srv = Server::start(with_robots(
        Reply::html(STOCK_ROBOTS).header("Content-Type", "text/plain"),
    ));
    let env = Env::new();
    thread_cmd(
        &env,
        &[
            "--respect-robots",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
            &srv.url("/thread-42-1-1.html"),
        ],
    )
    .assert()
    .code(9)
    .stdout("")
    .stderr(contains("robots.txt line 7 `Disallow: *`"))
    .stderr(contains("User-agent: *"))
    .stderr(contains("Discuz! X3.5 ships"))
    .stderr(contains("without --respect-robots"));
    // One robots.txt for the host, and not one thread page.
    assert_eq!(srv.count("/robots.txt"), 1);
    assert_eq!(srv.requests.lock().unwrap().len(), 1);
}

#[test]
fn robots_rule_for_one_thread_leaves_the_others() {
    let robots = "User-agent: *\nDisallow: /forum.php?mod=viewthread&tid=43\n\nUser-agent: otherbot\nDisallow: /\n";
    let srv = Server::start(with_robots(Reply::html(robots)));
    let env = Env::new();
    let a = thread_cmd(
        &env,
        &[
            "--respect-robots",
            &srv.url("/forum.php?mod=viewthread&tid=43"),
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .assert()
    .code(1)
    .stderr(contains("tid=43"))
    .stderr(contains(
        "line 2 `Disallow: /forum.php?mod=viewthread&tid=43`",
    ));
    assert_eq!(pids(&a.get_output().stdout), [101, 102, 103, 105, 106]);
    assert_eq!(srv.count("/forum.php?mod=viewthread&tid=43&page=1"), 0);
}

#[test]
fn robots_txt_missing_allows_and_unreachable_blocks() {
    let srv = Server::start(with_robots(Reply::status(404)));
    let env = Env::new();
    let out = thread_cmd(
        &env,
        &[
            "--respect-robots",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .ok_stdout();
    assert_eq!(pids(&out), [101, 102, 103, 105, 106]);

    let srv = Server::start(|r, _| {
        if r.target == "/robots.txt" {
            Reply::status(503)
        } else {
            thread42(r)
        }
    });
    thread_cmd(
        &env,
        &[
            "--respect-robots",
            "--retries",
            "0",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .assert()
    .code(9)
    .stdout("")
    .stderr(contains(
        "robots.txt could not be read (HTTP 503, 1 attempt)",
    ))
    .stderr(contains("RFC 9309"));
    assert_eq!(srv.count("/forum.php?mod=viewthread&tid=42&page=1"), 0);
}

#[test]
fn auto_falls_back_to_the_archiver_on_an_anti_theft_page() {
    let srv = Server::start(|r, _| {
        if r.target.starts_with("/archiver/?tid-42.html") {
            Reply::html(page("archiver.html"))
        } else {
            Reply::html(page("gates/antitheft.html"))
        }
    });
    let env = Env::new();
    let url = srv.url("/forum.php?mod=viewthread&tid=42");
    // Asked for desktop: the gate, exit 6.
    thread_cmd(&env, &["--source", "desktop", &url])
        .assert()
        .code(6)
        .stdout("");
    let a = thread_cmd(&env, &["--source", "auto", &url])
        .assert()
        .success()
        .stderr(contains("read from the archiver"));
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    let kinds: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["kind"].clone())
        .collect();
    assert!(!kinds.is_empty());
    assert!(kinds.iter().all(|k| k == "archiver"), "{kinds:?}");
    assert_eq!(srv.count("/archiver/?tid-42.html"), 1);
}

#[test]
fn posts_of_a_page_are_out_before_the_next_page_arrives() {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let rx = std::sync::Mutex::new(rx);
    let srv = Server::start(move |r, _| {
        if r.target.contains("page=2") {
            // Held until the test has read page 1's posts from the pipe.
            rx.lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(20))
                .expect("page 1 reached stdout while page 2 was pending");
        }
        thread42(r)
    });
    let env = Env::new();
    let mut child = std::process::Command::new(env.bin())
        .args(["thread", "--wait", "0", "-f", "jsonl"])
        .arg(srv.url("/forum.php?mod=viewthread&tid=42"))
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut got = Vec::new();
    for _ in 0..4 {
        let l = lines.next().unwrap().unwrap();
        got.push(
            serde_json::from_str::<Value>(&l).unwrap()["pid"]
                .as_u64()
                .unwrap(),
        );
    }
    assert_eq!(got, [101, 102, 103, 105]);
    tx.send(()).unwrap();
    let rest: Vec<u64> = lines
        .map(|l| {
            serde_json::from_str::<Value>(&l.unwrap()).unwrap()["pid"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(rest, [106]);
    assert!(child.wait().unwrap().success());
}

#[test]
fn json_streams_one_valid_object_per_thread() {
    let srv = Server::start(|r, _| thread42(r));
    let env = Env::new();
    let mut c = env.cmd(&["thread", "--wait", "0", "-f", "json"]);
    c.arg(srv.url("/forum.php?mod=viewthread&tid=42"));
    let out = c.ok_stdout();
    let v: Value = serde_json::from_slice(&out).expect("one JSON document");
    assert_eq!(v["tid"], 42);
    assert_eq!(v["pages"], 2);
    let posts: Vec<u64> = v["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(posts, [101, 102, 103, 105, 106]);
    assert!(v["posts"][4]["url"].as_str().unwrap().ends_with("page=2"));
}

#[test]
fn verbose_logs_pages_and_requests_on_stderr_only() {
    let srv = Server::start(|r, _| thread42(r));
    let env = Env::new();
    let url = srv.url("/forum.php?mod=viewthread&tid=42");
    let a = thread_cmd(&env, &["-v", &url]).assert().success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("tid 42: page 1 of 2: 4 posts, 4 new"), "{err}");
    assert!(err.contains("tid 42: page 2 of 2: 1 post, 1 new"), "{err}");
    assert!(!err.contains("GET "), "{err}");
    assert_eq!(pids(&a.get_output().stdout), [101, 102, 103, 105, 106]);
    let a = thread_cmd(&env, &["-vv", &url]).assert().success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains(&format!("GET {url}&page=1 -> 200")), "{err}");
    // Not a TTY: no progress bar, and nothing at all without -v.
    thread_cmd(&env, &[&url]).assert().success().stderr("");
}

#[test]
fn fetching_ahead_keeps_the_wait_between_requests() {
    let srv = Server::start(|r, _| thread42(r));
    let env = Env::new();
    let mut c = env.cmd(&["thread", "--wait", "0.4", "-f", "jsonl"]);
    c.arg(srv.url("/forum.php?mod=viewthread&tid=42"));
    assert_eq!(pids(&c.ok_stdout()), [101, 102, 103, 105, 106]);
    let log = srv.requests.lock().unwrap();
    let targets: Vec<&str> = log.iter().map(|r| r.target.as_str()).collect();
    // Page 2 of 2 is the end: nothing fetched ahead past it.
    assert_eq!(
        targets,
        [
            "/forum.php?mod=viewthread&tid=42&page=1",
            "/forum.php?mod=viewthread&tid=42&page=2"
        ]
    );
    let gap = log[1].at - log[0].at;
    assert!(gap >= Duration::from_millis(390), "{gap:?}");
}

#[test]
fn one_thread_named_twice_is_fetched_once() {
    let srv = Server::start(|r, _| thread42(r));
    let env = Env::new();
    let a = thread_cmd(
        &env,
        &[
            &srv.url("/forum.php?mod=viewthread&tid=42&page=2"),
            &srv.url("/forum.php?mod=viewthread&tid=42&extra=page%3D1"),
        ],
    )
    .assert()
    .success()
    .stderr(contains("thread 42 is already in the list, skipped"));
    assert_eq!(pids(&a.get_output().stdout), [101, 102, 103, 105, 106]);
    assert_eq!(srv.count("/forum.php?mod=viewthread&tid=42&page=1"), 1);
}

/// A forward HTTP proxy on the test server: requests arrive in absolute form
/// (`GET http://bbs.example.test/forum.php?… HTTP/1.1`) and are answered as thread 42.
fn as_proxy(r: &Request) -> Reply {
    match r.target.strip_prefix("http://bbs.example.test") {
        Some(path) => thread42(&Request {
            target: path.to_owned(),
            headers: r.headers.clone(),
            at: r.at,
        }),
        None => Reply::status(502),
    }
}

#[test]
fn http_proxy_from_the_option_and_from_the_environment() {
    let proxy = Server::start(|r, _| as_proxy(r));
    let env = Env::new();
    let url = "http://bbs.example.test/forum.php?mod=viewthread&tid=42";
    let out = thread_cmd(
        &env,
        &["--proxy", &proxy.url(""), "--cookie", "auth=abc", url],
    )
    .ok_stdout();
    assert_eq!(pids(&out), [101, 102, 103, 105, 106]);
    let log = proxy.requests.lock().unwrap().clone();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|r| r.target.starts_with(url)), "{log:?}");
    // The cookie belongs to the thread's host, not to the proxy: it travels through it.
    assert!(log.iter().all(|r| r.header("Cookie") == Some("auth=abc")));

    let proxy = Server::start(|r, _| as_proxy(r));
    let out = thread_cmd(&env, &[url])
        .env("http_proxy", proxy.url(""))
        .ok_stdout();
    assert_eq!(pids(&out), [101, 102, 103, 105, 106]);
    assert_eq!(proxy.requests.lock().unwrap().len(), 2);

    // NO_PROXY names the host: straight to it (here: nowhere, so the request fails).
    let proxy = Server::start(|r, _| as_proxy(r));
    thread_cmd(&env, &["--retries", "0", "--timeout", "5", url])
        .env("http_proxy", proxy.url(""))
        .env("no_proxy", "bbs.example.test")
        .assert()
        .code(1)
        .stdout("");
    assert_eq!(proxy.requests.lock().unwrap().len(), 0);
}

#[test]
fn socks5_proxy() {
    let srv = Server::start(|r, _| thread42(r));
    let socks = common::socks::Socks::start();
    let env = Env::new();
    let out = thread_cmd(
        &env,
        &[
            "--proxy",
            &format!("socks5h://127.0.0.1:{}", socks.port),
            &format!(
                "http://localhost:{}/forum.php?mod=viewthread&tid=42",
                srv.port
            ),
        ],
    )
    .ok_stdout();
    assert_eq!(pids(&out), [101, 102, 103, 105, 106]);
    let connects = socks.connects.lock().unwrap().clone();
    // socks5h: the proxy resolves the name; one connection, kept alive for both pages.
    assert!(!connects.is_empty());
    assert!(
        connects
            .iter()
            .all(|c| c == &format!("localhost:{}", srv.port)),
        "{connects:?}"
    );
    assert_eq!(srv.requests.lock().unwrap().len(), 2);
}

#[test]
fn a_server_trickling_bytes_meets_the_timeout_as_a_deadline() {
    let srv = Server::start(|r, _| {
        let mut reply = thread42(r);
        reply.fault = Fault::Trickle(Duration::from_millis(100));
        reply
    });
    let env = Env::new();
    let start = std::time::Instant::now();
    thread_cmd(
        &env,
        &[
            "--timeout",
            "1",
            "--retries",
            "0",
            &srv.url("/forum.php?mod=viewthread&tid=42"),
        ],
    )
    .assert()
    .code(1)
    .stdout("")
    .stderr(contains("timed out (--timeout) reading the body"));
    // Each byte came within reqwest's per-read timeout; the deadline stopped it.
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

/// A PHPWind thread (`read.php`), fetched page by page in the URL form it was given.
#[test]
fn a_phpwind_thread_page_by_page() {
    let pw = |name: &str| std::fs::read(fixture("extract/phpwind").join(name)).unwrap();
    let (p1, p2) = (pw("read-p1.html"), pw("read-p2.html"));
    let srv = Server::start(move |r, _| match r.target.as_str() {
        "/read.php?tid-88-page-1.html"
        | "/read.php?tid=88&page=1"
        | "/read-htm-tid-88-page-1.html" => Reply::html(p1.clone()),
        "/read.php?tid-88-page-2.html"
        | "/read.php?tid=88&page=2"
        | "/read-htm-tid-88-page-2.html" => Reply::html(p2.clone()),
        _ => Reply::status(404),
    });
    for (given, page_form) in [
        ("/read.php?tid-88.html", "/read.php?tid-88-page-{}.html"),
        ("/read.php?tid=88", "/read.php?tid=88&page={}"),
        ("/read-htm-tid-88.html", "/read-htm-tid-88-page-{}.html"),
    ] {
        let env = Env::new();
        let out = thread_cmd(&env, &[&srv.url(given)]).ok_stdout();
        let posts: Vec<Value> = String::from_utf8_lossy(&out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let got: Vec<(Option<u64>, u64)> = posts
            .iter()
            .map(|p| (p["pid"].as_u64(), p["floor"].as_u64().unwrap()))
            .collect();
        assert_eq!(
            got,
            [(None, 1), (Some(1001), 2), (Some(1002), 3), (Some(1010), 4)],
            "{given}"
        );
        assert!(posts
            .iter()
            .all(|p| p["kind"] == "phpwind" && p["tid"] == 88));
        for n in 1..=2 {
            let target = page_form.replace("{}", &n.to_string());
            assert_eq!(srv.count(&target), 1, "{target} fetched once ({given})");
        }
    }
}

/// A Discuz!NT thread, given in its rewritten form, fetched as `showtopic.aspx?topicid=T&page=P`.
#[test]
fn a_discuz_nt_thread_page_by_page() {
    let nt = |name: &str| std::fs::read(fixture("extract/dnt").join(name)).unwrap();
    let (p1, p2) = (nt("showtopic-p1.html"), nt("showtopic-p2.html"));
    let srv = Server::start(move |r, _| match r.target.as_str() {
        "/bbs/showtopic.aspx?topicid=77&page=1" => Reply::html(p1.clone()),
        "/bbs/showtopic.aspx?topicid=77&page=2" => Reply::html(p2.clone()),
        _ => Reply::status(404),
    });
    for given in ["/bbs/showtopic-77.aspx", "/bbs/showtopic.aspx?topicid=77"] {
        let env = Env::new();
        let out = thread_cmd(&env, &[&srv.url(given)]).ok_stdout();
        let posts: Vec<Value> = String::from_utf8_lossy(&out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let got: Vec<(u64, u64)> = posts
            .iter()
            .map(|p| (p["pid"].as_u64().unwrap(), p["floor"].as_u64().unwrap()))
            .collect();
        assert_eq!(got, [(1001, 1), (1002, 2), (1005, 3), (1010, 4)], "{given}");
        assert!(posts
            .iter()
            .all(|p| p["kind"] == "discuznt" && p["tid"] == 77));
        assert!(!String::from_utf8_lossy(&out).contains("bbs.example.test"));
    }
    assert_eq!(srv.count("/bbs/showtopic.aspx?topicid=77&page=1"), 2);
    assert_eq!(srv.count("/bbs/showtopic.aspx?topicid=77&page=2"), 2);
}
