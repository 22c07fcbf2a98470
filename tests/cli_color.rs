//! Colour: where it appears (`--mark` highlights, text headers, error prefixes), and the rules
//! that keep it out of data: `--color never`, NO_COLOR, a pipe, a file. The terminal cases run
//! under a real pseudo-terminal (`script`); where `script` is missing they say "skipped".

mod common;

use common::{fixture, Env, OkStdout};
use std::process::Command;

const NOISY: &str = "正文第一行8 G, {* O5 w4 X) s6 w\n第二行\n";
const ESC: u8 = 0x1b;

fn has_esc(b: &[u8]) -> bool {
    b.contains(&ESC)
}

#[test]
fn mark_is_highlighted_only_when_asked_or_on_a_terminal() {
    let env = Env::new();
    let out = env
        .cmd(&["clean", "--mark", "--color", "always"])
        .write_stdin(NOISY)
        .ok_stdout();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "正文第一行\x1b[1;31m⟦8 G, {* O5 w4 X) s6 w⟧\x1b[0m\n第二行\n"
    );
    // A pipe (auto), never, and NO_COLOR under auto: the plain markers.
    for (args, no_color) in [
        (vec!["clean", "--mark"], None),
        (vec!["clean", "--mark", "--color", "never"], None),
        (vec!["clean", "--mark", "--color", "auto"], Some("1")),
    ] {
        let mut c = env.cmd(&args);
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        let out = c.write_stdin(NOISY).ok_stdout();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "正文第一行⟦8 G, {* O5 w4 X) s6 w⟧\n第二行\n",
            "{args:?}"
        );
    }
    // An explicit flag beats NO_COLOR (no-color.org).
    let out = env
        .cmd(&["clean", "--mark", "--color", "always"])
        .env("NO_COLOR", "1")
        .write_stdin(NOISY)
        .ok_stdout();
    assert!(has_esc(&out));
    // A file is data: no colour even when asked.
    let input = env.write("in.txt", NOISY);
    env.cmd(&[
        "clean",
        "--mark",
        "--color",
        "always",
        "-o",
        "out.txt",
        input.to_str().unwrap(),
    ])
    .assert()
    .success();
    assert!(!has_esc(&env.read("out.txt")));
}

#[test]
fn text_headers_are_bold_and_data_formats_never_coloured() {
    let env = Env::new();
    let page = fixture("extract/desktop-p1.html");
    let page = page.to_str().unwrap();
    let out = env.cmd(&["extract", "--color", "always", page]).ok_stdout();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("\x1b[1m#1 ") && l.ends_with("\x1b[0m")),
        "{text}"
    );
    let plain = env.cmd(&["extract", page]).ok_stdout();
    assert!(!has_esc(&plain));
    // Stripping the colour gives the plain output back exactly.
    assert_eq!(
        text.replace("\x1b[1m", "").replace("\x1b[0m", ""),
        String::from_utf8(plain).unwrap()
    );
    for f in ["json", "jsonl", "markdown"] {
        let out = env
            .cmd(&["extract", "--color", "always", "-f", f, page])
            .ok_stdout();
        assert!(!has_esc(&out), "{f}");
    }
}

#[test]
fn error_prefix_is_red_when_colour_is_on() {
    let env = Env::new();
    let out = env
        .cmd(&["clean", "--color", "always", "missing.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("unjam: \x1b[1;31merror\x1b[0m: "),
        "{err:?}"
    );
    let out = env.cmd(&["clean", "missing.txt"]).output().unwrap();
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("unjam: error: "));
}

/// Run `unjam ARGS` on a pseudo-terminal (stdout and stderr both on it); None without `script`.
fn on_a_terminal(env: &Env, args: &str, vars: &[(&str, &str)]) -> Option<Vec<u8>> {
    let bin = env.bin();
    let mut c = Command::new("script");
    c.args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
        .current_dir(env.path("."))
        .env("HOME", env.path("."))
        .env("TERM", "xterm")
        .env_remove("NO_COLOR");
    for (k, v) in vars {
        c.env(k, v);
    }
    match c.output() {
        Ok(out) if out.status.success() => Some(out.stdout),
        Ok(out) => panic!("script: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            eprintln!("skipped: `script` not found, no pseudo-terminal test");
            None
        }
    }
}

#[test]
fn auto_colours_a_terminal_unless_no_color() {
    let env = Env::new();
    let input = env.write("in.txt", NOISY);
    let args = format!("clean --mark {}", input.display());
    let Some(tty) = on_a_terminal(&env, &args, &[]) else {
        return;
    };
    let tty = String::from_utf8(tty).unwrap();
    assert!(
        tty.contains("\x1b[1;31m⟦8 G, {* O5 w4 X) s6 w⟧\x1b[0m"),
        "{tty:?}"
    );
    let plain = on_a_terminal(&env, &args, &[("NO_COLOR", "1")]).unwrap();
    assert!(!has_esc(&plain), "{:?}", String::from_utf8_lossy(&plain));
    let dumb = on_a_terminal(&env, &args, &[("TERM", "dumb")]).unwrap();
    assert!(!has_esc(&dumb));
}
