//! The config file: where it is, its errors, and its place in the precedence
//! default < file < environment < flag, checked through `unjam config` and through real runs
//! (the user agent a loopback server sees, the format extract writes).

mod common;

use common::server::{Reply, Server};
use common::{fixture, Env, OkStdout};
use predicates::str::contains;

fn write_config(env: &Env, text: &str) {
    std::fs::create_dir_all(env.path(".config/unjam")).unwrap();
    env.write(".config/unjam/config.toml", text);
}

fn config_out(cmd: &mut assert_cmd::Command) -> String {
    String::from_utf8(cmd.ok_stdout()).unwrap()
}

fn line_of<'a>(out: &'a str, key: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in\n{out}"))
}

#[test]
fn settings_show_where_they_come_from() {
    let env = Env::new();
    let out = config_out(&mut env.cmd(&["config"]));
    assert!(
        out.starts_with("# config file: ") && out.contains("(none there)"),
        "{out}"
    );
    assert_eq!(line_of(&out, "wait"), "wait = 1  # default");
    assert!(out.contains("# cookies = (not set)"));

    write_config(
        &env,
        "# polite\nwait = 2.5\nretries = 5\nformat = \"jsonl\"\n",
    );
    let out = config_out(env.cmd(&["config"]).env("UNJAM_RETRIES", "7"));
    assert_eq!(line_of(&out, "wait"), "wait = 2.5  # config file, line 2");
    assert_eq!(
        line_of(&out, "retries"),
        "retries = 7  # environment, UNJAM_RETRIES"
    );
    assert_eq!(
        line_of(&out, "format"),
        "format = \"jsonl\"  # config file, line 4"
    );
    assert_eq!(line_of(&out, "timeout"), "timeout = 30  # default");

    // Its output is a config file in turn.
    env.write("copy.toml", &out);
    let again = config_out(
        env.cmd(&["config"])
            .env("UNJAM_CONFIG", env.path("copy.toml")),
    );
    assert_eq!(
        line_of(&again, "retries"),
        "retries = 7  # config file, line 7"
    );

    let out = config_out(&mut env.cmd(&["--no-config", "config"]));
    assert_eq!(line_of(&out, "wait"), "wait = 1  # default");
}

#[test]
fn xdg_config_home_and_unjam_config_are_followed() {
    let env = Env::new();
    std::fs::create_dir_all(env.path("xdg/unjam")).unwrap();
    env.write("xdg/unjam/config.toml", "wait = 4\n");
    let out = config_out(env.cmd(&["config"]).env("XDG_CONFIG_HOME", env.path("xdg")));
    assert_eq!(line_of(&out, "wait"), "wait = 4  # config file, line 1");
    // A file the user names must exist.
    env.cmd(&["config"])
        .env("UNJAM_CONFIG", env.path("missing.toml"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("missing.toml"));
}

#[test]
fn errors_name_the_file_and_the_line() {
    let env = Env::new();
    for (text, line, what) in [
        ("wait = 2\nwiat = 3\n", "line 2", "unknown field `wiat`"),
        ("retries = \"many\"\n", "line 1", "invalid type"),
        (
            "\n\nwait = -1\n",
            "line 3",
            "wait: expected a number of seconds",
        ),
        (
            "format = \"yaml\"\n",
            "line 1",
            "expected one of text, json, jsonl, markdown",
        ),
        ("wait = \n", "line 1", "TOML parse error"),
    ] {
        write_config(&env, text);
        env.cmd(&["clean"])
            .write_stdin("text\n")
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains("config.toml"))
            .stderr(contains(line))
            .stderr(contains(what));
        // --no-config runs anyway.
        env.cmd(&["--no-config", "clean"])
            .write_stdin("text\n")
            .assert()
            .success()
            .stdout("text\n");
    }
}

#[test]
fn file_then_environment_then_flag_in_a_real_run() {
    let srv = Server::start(|_, _| {
        Reply::html(std::fs::read(fixture("extract").join("desktop-p1.html")).unwrap())
    });
    let url = srv.url("/forum.php?mod=viewthread&tid=42");
    let env = Env::new();
    write_config(
        &env,
        "user_agent = \"from-file\"\nwait = 0\nformat = \"jsonl\"\n",
    );
    let seen = |srv: &Server| {
        let reqs = srv.requests.lock().unwrap();
        let ua = reqs
            .last()
            .unwrap()
            .header("user-agent")
            .unwrap()
            .to_string();
        ua
    };
    // The file's format (jsonl) and user agent.
    let out = env.cmd(&["thread", &url]).ok_stdout();
    assert!(
        out.starts_with(b"{\"") && out.ends_with(b"}\n"),
        "jsonl from the file"
    );
    assert_eq!(seen(&srv), "from-file");
    // The environment beats the file.
    env.cmd(&["thread", &url])
        .env("UNJAM_USER_AGENT", "from-env")
        .ok_stdout();
    assert_eq!(seen(&srv), "from-env");
    // A flag beats both, and a flag's format beats the file's.
    let out = env
        .cmd(&["thread", "--user-agent", "from-flag", "-f", "text", &url])
        .env("UNJAM_USER_AGENT", "from-env")
        .ok_stdout();
    assert_eq!(seen(&srv), "from-flag");
    assert!(!out.starts_with(b"{"), "text from the flag");
    // --no-config: the built-in user agent.
    env.cmd(&["--no-config", "thread", "--wait", "0", &url])
        .ok_stdout();
    assert!(seen(&srv).starts_with("unjam/"), "{}", seen(&srv));
}

#[test]
fn extract_takes_its_format_from_the_file() {
    let env = Env::new();
    write_config(&env, "format = \"jsonl\"\n");
    let page = fixture("extract/desktop-p1.html");
    let out = env.cmd(&["extract", page.to_str().unwrap()]).ok_stdout();
    let first = String::from_utf8_lossy(&out)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        serde_json::from_str::<serde_json::Value>(&first).is_ok(),
        "{first}"
    );
    let out = env
        .cmd(&["extract", "-f", "text", page.to_str().unwrap()])
        .ok_stdout();
    assert!(serde_json::from_slice::<serde_json::Value>(&out).is_err());
}
