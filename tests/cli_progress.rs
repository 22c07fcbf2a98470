//! Progress bars on long work: on a terminal's stderr only (a real pseudo-terminal, through
//! `script`), never in a pipe, never with -q, never while data goes to the same terminal.
//! Where `script` is missing, the terminal cases say "skipped".

mod common;

use common::{fixture, Env};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Run `sh -c SCRIPT` on a pseudo-terminal; what the terminal showed. None without `script`.
fn on_a_terminal(env: &Env, script: &str) -> Option<String> {
    let out = match Command::new("script")
        .args(["-qec", script, "/dev/null"])
        .current_dir(env.path("."))
        .env("HOME", env.path("."))
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            eprintln!("skipped: `script` not found, no pseudo-terminal test");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Input that takes a second to arrive, so the bar's delay passes.
const SLOW: &str = "(printf '第一行\\n'; sleep 1; printf '第二行\\n')";

#[test]
fn clean_shows_bytes_and_rate_on_a_terminal() {
    let env = Env::new();
    let bin = env.bin().display().to_string();
    let Some(shown) = on_a_terminal(&env, &format!("{SLOW} | {bin} clean > out.txt")) else {
        return;
    };
    assert!(
        shown.contains("<stdin>") && shown.contains("B/s"),
        "{shown:?}"
    );
    // The data is untouched by it.
    assert_eq!(env.read("out.txt"), "第一行\n第二行\n".as_bytes());
    // -q: nothing.
    let quiet = on_a_terminal(&env, &format!("{SLOW} | {bin} -q clean > out.txt")).unwrap();
    assert!(!quiet.contains("B/s"), "{quiet:?}");
    // Data to the same terminal: no bar to tear it.
    let shared = on_a_terminal(&env, &format!("{SLOW} | {bin} clean")).unwrap();
    assert!(!shared.contains("B/s"), "{shared:?}");
    assert!(shared.contains("第二行"));
}

#[test]
fn clean_in_a_pipe_shows_nothing() {
    let env = Env::new();
    let mut child = Command::new(env.bin())
        .arg("clean")
        .env("HOME", env.path("."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all("第一行\n".as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    stdin.write_all("第二行\n".as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, "第一行\n第二行\n".as_bytes());
    assert!(
        out.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn extract_counts_pages_on_a_terminal() {
    let env = Env::new();
    let bin = env.bin().display().to_string();
    let page = fixture("extract/desktop-p1.html").display().to_string();
    // The middle page arrives through a FIFO a second late.
    let script = format!(
        "mkfifo slow.html; (sleep 1; cat {page} > slow.html) & {bin} extract -j 1 {page} slow.html {page} > out.txt"
    );
    let Some(shown) = on_a_terminal(&env, &script) else {
        return;
    };
    assert!(shown.contains("/3 pages"), "{shown:?}");
    let out = String::from_utf8(env.read("out.txt")).unwrap();
    assert!(
        !out.contains("pages") && out.contains("#1 "),
        "the output is the posts only"
    );
}
