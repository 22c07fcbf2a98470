//! `unjam forum` and incremental runs against a scripted board on 127.0.0.1
//! (tests/common/forum.rs) that changes between runs.

mod common;

use common::forum::{Forum, FID};
use common::server::{Reply, Server};
use common::{Env, OkStdout};
use predicates::str::contains;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

fn board(forum: &Arc<Mutex<Forum>>) -> Server {
    let f = forum.clone();
    Server::start(move |r, _| f.lock().unwrap().handle(r))
}

fn forum_cmd(env: &Env, args: &[&str]) -> assert_cmd::Command {
    let mut c = env.cmd(&["forum", "--wait", "0", "--retries", "0", "-f", "jsonl"]);
    c.args(args);
    c
}

/// (tid, pid) of each JSON Lines record.
fn posts(stdout: &[u8]) -> Vec<(u64, u64)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["tid"].as_u64().unwrap(), v["pid"].as_u64().unwrap())
        })
        .collect()
}

fn sorted(mut v: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    v.sort();
    v
}

/// Six threads (one sticky, one of two pages), three per listing page.
fn scripted() -> Arc<Mutex<Forum>> {
    let mut f = Forum::new(10, 3);
    f.add_thread(1, true, 2);
    for (tid, n) in [(10, 3), (11, 12), (12, 1), (13, 5), (14, 2)] {
        f.add_thread(tid, false, n);
    }
    Arc::new(Mutex::new(f))
}

#[test]
fn three_runs_output_each_post_once_and_a_quiet_rerun_asks_only_for_listings() {
    let forum = scripted();
    let srv = board(&forum);
    let env = Env::new();
    let url = srv.url(&format!("/forum.php?mod=forumdisplay&fid={FID}"));
    let state = env.path("board.json");
    let state = state.to_str().unwrap();

    // Run 1: everything.
    let out = forum_cmd(&env, &["--state", state, &url]).ok_stdout();
    let all1 = forum.lock().unwrap().all_posts();
    assert_eq!(sorted(posts(&out)), sorted(all1.clone()));
    let saved: Value = serde_json::from_slice(&env.read("board.json")).unwrap();
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["threads"].as_object().unwrap().len(), 6);

    // The board moves on: replies to two threads (one spilling onto page 3), a new thread,
    // one deleted (still listed, with a new count), one behind a login wall.
    {
        let mut f = forum.lock().unwrap();
        f.reply(10, 2);
        f.reply(11, 9);
        f.add_thread(15, false, 2);
        f.deleted.insert(13);
        f.bump.insert(13, 1);
        f.gated.insert(14);
        f.bump.insert(14, 1);
    }
    srv.requests.lock().unwrap().clear();
    let a = forum_cmd(&env, &["--state", state, &url])
        .assert()
        .code(1)
        .stderr(contains("tid=13"))
        .stderr(contains("thread not found"))
        .stderr(contains("tid=14"))
        .stderr(contains("login required"));
    let all2 = forum.lock().unwrap().all_posts();
    let new: Vec<(u64, u64)> = all2.iter().filter(|p| !all1.contains(p)).copied().collect();
    assert_eq!(new.len(), 13);
    assert_eq!(sorted(posts(&a.get_output().stdout)), sorted(new));
    let log: Vec<String> = srv.targets();
    // Thread 11 restarts at page 2 (its last seen floor, 12, is there): page 1 is not asked for.
    assert!(!log.iter().any(|t| t.contains("tid=11&page=1")), "{log:?}");
    assert!(log.iter().any(|t| t.contains("tid=11&page=2")), "{log:?}");
    assert!(log.iter().any(|t| t.contains("tid=11&page=3")), "{log:?}");
    // Unchanged threads are not fetched at all; robots.txt comes from the state file.
    for tid in [1, 12] {
        assert!(
            !log.iter().any(|t| t.contains(&format!("tid={tid}&"))),
            "{tid}: {log:?}"
        );
    }
    assert!(!log.iter().any(|t| t == "/robots.txt"), "{log:?}");

    // Run 3: nothing changed. Listing pages only, nothing out, exit 0.
    srv.requests.lock().unwrap().clear();
    forum_cmd(&env, &["--state", state, &url])
        .assert()
        .success()
        .stdout("");
    let log: Vec<String> = srv.targets();
    let listings = forum.lock().unwrap().listing_pages();
    assert_eq!(log.len(), listings, "{log:?}");
    assert!(
        log.iter().all(|t| t.contains("mod=forumdisplay")),
        "{log:?}"
    );
}

#[test]
fn killed_mid_run_then_rerun_loses_nothing_and_repeats_at_most_one_thread() {
    use std::io::BufRead;
    let mut f = Forum::new(10, 50);
    for tid in 20..32 {
        f.add_thread(tid, false, 3 + (tid as usize % 4));
    }
    let all = f.all_posts();
    let forum = Arc::new(Mutex::new(f));
    let fo = forum.clone();
    // Every thread page takes a while, so that the kill lands mid-run.
    let srv = Server::start(move |r, _| {
        let mut reply = fo.lock().unwrap().handle(r);
        if r.target.contains("viewthread") {
            reply.fault = common::server::Fault::Delay(std::time::Duration::from_millis(60));
        }
        reply
    });
    let env = Env::new();
    let url = srv.url(&format!("/forum.php?mod=forumdisplay&fid={FID}"));
    let state = env.path("s.json");
    let mut child = std::process::Command::new(env.bin())
        .args(["forum", "--wait", "0", "-f", "jsonl", "--state"])
        .arg(&state)
        .arg(&url)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = Vec::new();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    while first.len() < 20 {
        let l = lines.next().unwrap().unwrap();
        first.extend(posts(l.as_bytes()));
    }
    child.kill().unwrap();
    // What the killed run had flushed before dying is also output.
    for l in lines.map_while(Result::ok) {
        first.extend(posts(l.as_bytes()));
    }
    child.wait().unwrap();
    assert!(
        first.len() < all.len(),
        "the kill came too late to test anything"
    );

    let second = posts(&forum_cmd(&env, &["--state", state.to_str().unwrap(), &url]).ok_stdout());
    let mut count: HashMap<(u64, u64), usize> = HashMap::new();
    for p in first.iter().chain(&second) {
        *count.entry(*p).or_default() += 1;
    }
    for p in &all {
        assert!(count.contains_key(p), "post {p:?} lost");
    }
    assert_eq!(count.len(), all.len(), "posts that do not exist");
    let repeated: std::collections::BTreeSet<u64> = count
        .iter()
        .filter(|(_, &n)| n > 1)
        .map(|((tid, _), _)| *tid)
        .collect();
    assert!(
        repeated.len() <= 1,
        "posts of several threads repeated: {repeated:?}"
    );
    assert!(count.values().all(|&n| n <= 2));
}

#[test]
fn a_second_run_on_a_locked_state_exits_10_or_waits() {
    let forum = scripted();
    let srv = board(&forum);
    let env = Env::new();
    let url = srv.url(&format!("/forum.php?mod=forumdisplay&fid={FID}"));
    let state = env.path("s.json");
    let lock = std::fs::File::create(env.path("s.json.lock")).unwrap();
    lock.lock().unwrap();
    forum_cmd(&env, &["--state", state.to_str().unwrap(), &url])
        .assert()
        .code(10)
        .stdout("")
        .stderr(contains("another unjam run holds this state file"));
    assert_eq!(srv.requests.lock().unwrap().len(), 0);
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        drop(lock);
    });
    let out = forum_cmd(
        &env,
        &["--state", state.to_str().unwrap(), "--wait-lock", &url],
    )
    .ok_stdout();
    releaser.join().unwrap();
    assert_eq!(posts(&out).len(), forum.lock().unwrap().all_posts().len());
}

#[test]
fn unreadable_or_newer_state_is_an_error_never_a_reset() {
    let forum = scripted();
    let srv = board(&forum);
    let env = Env::new();
    let url = srv.url(&format!("/forum.php?mod=forumdisplay&fid={FID}"));
    env.write("bad.json", "{ not json");
    forum_cmd(&env, &["--state", "bad.json", &url])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("bad.json: not a state file unjam can read"));
    env.write("new.json", r#"{"version": 7, "threads": {}}"#);
    forum_cmd(&env, &["--state", "new.json", &url])
        .assert()
        .code(1)
        .stderr(contains("written by a newer unjam (state version 7"));
    assert_eq!(env.read("bad.json"), b"{ not json");
    assert_eq!(srv.requests.lock().unwrap().len(), 0);
}

#[test]
fn output_dir_appends_new_posts_per_thread() {
    let forum = scripted();
    let srv = board(&forum);
    let env = Env::new();
    let url = srv.url(&format!("/forum.php?mod=forumdisplay&fid={FID}"));
    let args = ["--state", "s.json", "--output-dir", "out", &url];
    forum_cmd(&env, &args).assert().success().stdout("");
    forum.lock().unwrap().reply(10, 4);
    forum_cmd(&env, &args).assert().success().stdout("");
    let f = forum.lock().unwrap();
    for (tid, t) in &f.threads {
        let file = env.read(&format!("out/{tid}.jsonl"));
        let got: Vec<u64> = posts(&file).into_iter().map(|(_, pid)| pid).collect();
        let want: Vec<u64> = t.posts.iter().map(|p| p.pid).collect();
        assert_eq!(got, want, "thread {tid}");
    }
    // Only the thread files (the temp files of the atomic appends are gone).
    let names: Vec<String> = std::fs::read_dir(env.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), f.threads.len(), "{names:?}");
}

#[test]
fn list_takes_stickies_once_and_filters() {
    let forum = scripted();
    let srv = board(&forum);
    let env = Env::new();
    let url = srv.url(&format!("/forum.php?mod=forumdisplay&fid={FID}"));
    let out = forum_cmd(&env, &["--list", &url]).ok_stdout();
    let rows: Vec<Value> = String::from_utf8_lossy(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let tids: Vec<u64> = rows.iter().map(|r| r["tid"].as_u64().unwrap()).collect();
    // The sticky is on both listing pages and listed once; the others newest first.
    assert_eq!(tids, [1, 14, 13, 12, 11, 10]);
    assert_eq!(rows[0]["sticky"], true);
    assert_eq!(rows[4]["replies"], 11);
    assert_eq!(rows[4]["fid"], FID);
    assert!(rows[4]["url"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    // Nothing but the listings was fetched.
    assert!(srv
        .requests
        .lock()
        .unwrap()
        .iter()
        .all(|r| r.target.contains("forumdisplay") || r.target == "/robots.txt"));
    let since = forum.lock().unwrap().threads[&13]
        .posts
        .last()
        .unwrap()
        .time
        .clone();
    let out = forum_cmd(&env, &["--list", "--since", &since, &url]).ok_stdout();
    let tids: Vec<u64> = posts_field(&out, "tid");
    assert_eq!(tids, [14, 13]);
    let out = forum_cmd(&env, &["--list", "--max-threads", "2", &url]).ok_stdout();
    assert_eq!(posts_field(&out, "tid"), [1, 14]);
    forum_cmd(&env, &["--list", "--since", "last tuesday", &url])
        .assert()
        .code(2)
        .stderr(contains("--since last tuesday"));
}

fn posts_field(out: &[u8], k: &str) -> Vec<u64> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()[k]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[test]
fn robots_is_obeyed_by_default_and_a_closed_board_is_a_gate() {
    let forum = scripted();
    let f = forum.clone();
    let srv = Server::start(move |r, _| {
        if r.target == "/robots.txt" {
            return Reply::html("User-agent: *\nAllow: /data/avatar/\nDisallow: *\n");
        }
        f.lock().unwrap().handle(r)
    });
    let env = Env::new();
    let url = srv.url(&format!("/forum.php?mod=forumdisplay&fid={FID}"));
    forum_cmd(&env, &[&url])
        .assert()
        .code(9)
        .stdout("")
        .stderr(contains("line 3 `Disallow: *`"))
        .stderr(contains("--ignore-robots"));
    let log: Vec<String> = srv.targets();
    assert_eq!(log, ["/robots.txt"]);
    let out = forum_cmd(&env, &["--ignore-robots", &url]).ok_stdout();
    assert_eq!(posts(&out).len(), forum.lock().unwrap().all_posts().len());

    let closed = std::fs::read(common::fixture("forum/f37-noperm.html")).unwrap();
    let srv = Server::start(move |_, _| Reply::html(closed.clone()));
    forum_cmd(&env, &[&srv.url("/forum.php?mod=forumdisplay&fid=37")])
        .assert()
        .code(4)
        .stdout("")
        .stderr(contains("board fid 37"))
        .stderr(contains("login required"));
}

#[test]
fn thread_with_state_outputs_only_new_posts() {
    let forum = scripted();
    let srv = board(&forum);
    let env = Env::new();
    let url = srv.url("/forum.php?mod=viewthread&tid=11");
    let mut c = env.cmd(&[
        "thread", "--wait", "0", "-f", "jsonl", "--state", "t.json", &url,
    ]);
    assert_eq!(posts(&c.ok_stdout()).len(), 12);
    forum.lock().unwrap().reply(11, 3);
    srv.requests.lock().unwrap().clear();
    let mut c = env.cmd(&[
        "thread", "--wait", "0", "-f", "jsonl", "--state", "t.json", &url,
    ]);
    let new = posts(&c.ok_stdout());
    let f = forum.lock().unwrap();
    let want: Vec<(u64, u64)> = f.threads[&11].posts[12..]
        .iter()
        .map(|p| (11, p.pid))
        .collect();
    assert_eq!(new, want);
    let log: Vec<String> = srv.targets();
    assert_eq!(log, ["/forum.php?mod=viewthread&tid=11&page=2"]);
}

#[test]
fn sub_forums_are_named_and_followed_with_recurse() {
    let page = |name: &str| std::fs::read(common::fixture(&format!("forum/{name}"))).unwrap();
    let (p1, p2, sub) = (page("f2-p1.html"), page("f2-p2.html"), page("f38-p1.html"));
    let srv = Server::start(move |r, _| {
        let t = r.target.as_str();
        if t.contains("fid=2&page=1") {
            Reply::html(p1.clone())
        } else if t.contains("fid=2&page=2") {
            Reply::html(p2.clone())
        } else if t.contains("fid=38&") {
            Reply::html(sub.clone())
        } else {
            Reply::status(404)
        }
    });
    let env = Env::new();
    let url = srv.url("/forum.php?mod=forumdisplay&fid=2");
    let a = forum_cmd(&env, &["--list", &url])
        .assert()
        .success()
        .stderr(contains(
            "sub-forums 二手交易 (fid 38) (--recurse follows them)",
        ));
    assert_eq!(
        posts_field(&a.get_output().stdout, "tid"),
        [1, 5, 33, 29, 4, 3]
    );
    assert_eq!(srv.count("/forum.php?mod=forumdisplay&fid=38&page=1"), 0);
    let out = forum_cmd(&env, &["--list", "--recurse", &url]).ok_stdout();
    // The site-wide sticky shows on the sub-forum too: listed once.
    assert_eq!(posts_field(&out, "tid"), [1, 5, 33, 29, 4, 3, 40]);
    let fids = posts_field(&out, "fid");
    assert_eq!(fids.last(), Some(&38));
}

#[test]
fn output_dir_refuses_a_planted_symlink() {
    let forum = scripted();
    let srv = board(&forum);
    let env = Env::new();
    std::fs::create_dir(env.path("out")).unwrap();
    env.write("secret.txt", "not for the output\n");
    std::os::unix::fs::symlink(env.path("secret.txt"), env.path("out/12.jsonl")).unwrap();
    let url = srv.url(&format!("/forum.php?mod=forumdisplay&fid={FID}"));
    forum_cmd(&env, &["--output-dir", "out", &url])
        .assert()
        .code(1)
        .stderr(contains(
            "12.jsonl: not a plain file (a symlink or a directory): refused",
        ));
    // The link and its target are as they were.
    assert_eq!(env.read("secret.txt"), b"not for the output\n");
    assert!(std::fs::symlink_metadata(env.path("out/12.jsonl"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// `unjam forum --list FILE.html`: a saved listing page read offline, as the online --list
/// reads it (tids, titles, sticky flags), with no request made.
#[test]
fn saved_listing_pages_are_listed_offline() {
    let env = Env::new();
    let page = common::fixture("extract/gates/listing-guest.html");
    let out = env
        .cmd(&["forum", "--list"])
        .arg(&page)
        .env("HTTP_PROXY", "http://127.0.0.1:9") // would fail if anything were fetched
        .ok_stdout();
    let rows: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let tids: Vec<u64> = rows.iter().map(|r| r["tid"].as_u64().unwrap()).collect();
    assert!(!tids.is_empty());
    assert!(rows.iter().all(|r| r["fid"] == 2));
    assert!(rows.iter().any(|r| r["sticky"] == true));
    // The same rows as the fixture's own listing rows, in page order.
    let html = std::fs::read_to_string(&page).unwrap();
    let mut want = Vec::new();
    for part in html.split("id=\"normalthread_").skip(1) {
        want.push(part.split('"').next().unwrap().parse::<u64>().unwrap());
    }
    for part in html.split("id=\"stickthread_").skip(1) {
        want.push(part.split('"').next().unwrap().parse::<u64>().unwrap());
    }
    let (mut got_sorted, mut want_sorted) = (tids.clone(), want);
    got_sorted.sort();
    want_sorted.sort();
    got_sorted.dedup();
    want_sorted.dedup();
    assert_eq!(got_sorted, want_sorted);
    // Without --list a file is refused: fetching its threads needs the board URL.
    env.cmd(&["forum"])
        .arg(&page)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--list"));
    // Files and URLs are not mixed.
    env.cmd(&["forum", "--list", "https://bbs.example.test/forum-2-1.html"])
        .arg(&page)
        .assert()
        .code(2);
}
