//! The shell around unjam: completion scripts and man pages, generated from the clap
//! definitions, checked by the shells and the formatter that will read them. A check whose
//! program is missing on this machine says "skipped" on stderr rather than passing silently.

mod common;

use common::Env;
use std::io::Write;
use std::process::{Command, Stdio};

fn stdout_of(env: &Env, args: &[&str]) -> String {
    let out = env.cmd(args).output().unwrap();
    assert!(
        out.status.success(),
        "unjam {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "unjam {args:?} wrote to stderr");
    String::from_utf8(out.stdout).unwrap()
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Run `program args` with `input` on stdin; (success, stdout, stderr).
fn run_with_stdin(program: &str, args: &[&str], input: &str) -> (bool, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bash_completion_parses_and_registers() {
    let env = Env::new();
    let script = env.write("unjam.bash", stdout_of(&env, &["completions", "bash"]));
    let (ok, _, err) = run_with_stdin("bash", &["-n"], &std::fs::read_to_string(&script).unwrap());
    assert!(ok, "bash -n: {err}");
    let out = Command::new("bash")
        .args([
            "-c",
            &format!("source {}; complete -p unjam", script.display()),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let registered = String::from_utf8_lossy(&out.stdout);
    assert!(
        registered.contains("-F _unjam") && registered.trim_end().ends_with("unjam"),
        "{registered}"
    );
}

#[test]
fn bash_completion_offers_closed_sets_of_values() {
    let env = Env::new();
    let script = env.write("unjam.bash", stdout_of(&env, &["completions", "bash"]));
    // Ask the completion function itself what follows `unjam extract --format `.
    let probe = format!(
        "source {}; COMP_WORDS=(unjam extract --format ''); COMP_CWORD=3; COMP_LINE='unjam extract --format '; \
         COMP_POINT=${{#COMP_LINE}}; _unjam unjam '' --format; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = Command::new("bash").args(["-c", &probe]).output().unwrap();
    let got = String::from_utf8_lossy(&out.stdout);
    let mut values: Vec<&str> = got.lines().collect();
    values.sort_unstable();
    assert_eq!(
        values,
        ["json", "jsonl", "markdown", "text"],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("gbk gb18030"), "charset labels are offered");
    assert!(
        text.contains("bash elvish fish powershell zsh"),
        "shells are offered"
    );
}

#[test]
fn every_shell_gets_a_script() {
    let env = Env::new();
    for (shell, checker) in [
        ("zsh", Some(("zsh", "-n"))),
        ("fish", Some(("fish", "--no-execute"))),
        ("powershell", None),
        ("elvish", None),
    ] {
        let script = stdout_of(&env, &["completions", shell]);
        assert!(
            script.contains("unjam") && script.contains("clean") && script.contains("null-data"),
            "{shell}"
        );
        match checker {
            Some((program, flag)) if have(program) => {
                let (ok, _, err) = run_with_stdin(program, &[flag], &script);
                assert!(ok, "{program} {flag}: {err}");
            }
            Some((program, _)) => {
                eprintln!("skipped: {program} not installed, its script not parsed")
            }
            None => {}
        }
    }
    env.cmd(&["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_pages_render_without_warnings() {
    let env = Env::new();
    let main = stdout_of(&env, &["man"]);
    assert!(
        main.starts_with(".ie") || main.starts_with(".TH"),
        "roff: {}",
        &main[..40.min(main.len())]
    );
    assert!(
        main.contains("10 another unjam run holds the \\-\\-state file")
            || main.contains("another unjam run holds")
    );
    for page in [
        "",
        "clean",
        "extract",
        "thread",
        "forum",
        "completions",
        "man",
    ] {
        let roff = if page.is_empty() {
            main.clone()
        } else {
            stdout_of(&env, &["man", page])
        };
        if !page.is_empty() {
            assert!(
                roff.contains(&format!("unjam\\-{page}")),
                "page name of {page}"
            );
            assert!(
                roff.contains("Examples:"),
                "{page}: the recipes are in the page"
            );
        }
        if !have("groff") {
            eprintln!("skipped: groff not installed, man pages not rendered");
            return;
        }
        // -k: UTF-8 input through preconv, as man(1) does; -ww: every warning; -P-cbou:
        // plain text out (no overstrike, bold or underline), to read it back.
        let (ok, text, err) =
            run_with_stdin("groff", &["-k", "-man", "-Tutf8", "-ww", "-P-cbou"], &roff);
        assert!(ok && err.is_empty(), "groff on {page:?}: {err}");
        assert!(
            text.contains("SYNOPSIS") && text.contains("OPTIONS"),
            "{page:?}"
        );
    }
}

#[test]
fn man_dir_writes_a_page_per_subcommand() {
    let env = Env::new();
    let dir = env.path("man1");
    env.cmd(&["man", "--dir", dir.to_str().unwrap()])
        .assert()
        .success()
        .stdout("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "unjam-clean.1",
            "unjam-completions.1",
            "unjam-config.1",
            "unjam-extract.1",
            "unjam-forum.1",
            "unjam-man.1",
            "unjam-thread.1",
            "unjam.1"
        ]
    );
    env.cmd(&["man", "nope"]).assert().code(2).stdout("");
}
