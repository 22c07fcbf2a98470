//! `unjam clean` through the binary: inputs, outputs, modes, errors and exit codes.

mod common;

use common::{fixture, Env};
use predicates::prelude::*;
use predicates::str::contains;

const NOISY: &str = "正文第一行8 G, {* O5 w4 X) s6 w\n1 N z! Q9 C. S6 U+ F3 v第二行\n";
const CLEAN: &str = "正文第一行\n第二行\n";

#[test]
fn stdin_to_stdout() {
    let env = Env::new();
    env.cmd(&["clean"])
        .write_stdin(NOISY)
        .assert()
        .success()
        .stdout(CLEAN)
        .stderr("");
    env.cmd(&["clean", "-"])
        .write_stdin(NOISY)
        .assert()
        .success()
        .stdout(CLEAN);
}

#[test]
fn files_in_order_and_stdin_among_them() {
    let env = Env::new();
    env.write("a.txt", NOISY);
    env.write("b.txt", "乙8 G, {* O5 w4 X) s6 w\n");
    env.cmd(&["clean", "a.txt", "-", "b.txt"])
        .write_stdin("丙\n")
        .assert()
        .success()
        .stdout(format!("{CLEAN}丙\n乙\n"));
}

#[test]
fn output_file_is_written_whole() {
    let env = Env::new();
    env.write("in.txt", NOISY);
    env.cmd(&["clean", "in.txt", "-o", "out.txt"])
        .assert()
        .success()
        .stdout("");
    assert_eq!(env.read("out.txt"), CLEAN.as_bytes());
    // Only the output file is left: no temp files.
    let names: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn in_place_rewrites_changed_files_only() {
    let env = Env::new();
    let dirty = env.write("dirty.txt", NOISY);
    let tidy = env.write("tidy.txt", CLEAN);
    let before = std::fs::metadata(&tidy).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    env.cmd(&["clean", "--in-place", "dirty.txt", "tidy.txt"])
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read_to_string(&dirty).unwrap(), CLEAN);
    assert_eq!(std::fs::read_to_string(&tidy).unwrap(), CLEAN);
    assert_eq!(
        std::fs::metadata(&tidy).unwrap().modified().unwrap(),
        before,
        "untouched file rewritten"
    );
}

#[cfg(unix)]
#[test]
fn in_place_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let p = env.write("f.txt", NOISY);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    env.cmd(&["clean", "-i", "f.txt"]).assert().success();
    assert_eq!(
        std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn check_reports_and_exits_1_without_output() {
    let env = Env::new();
    env.write("dirty.txt", NOISY);
    env.write("tidy.txt", CLEAN);
    env.cmd(&["clean", "--check", "dirty.txt", "tidy.txt"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("dirty.txt: 2 junk strings").and(contains("tidy.txt").not()));
    env.cmd(&["clean", "--check", "tidy.txt"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn stats_go_to_stderr() {
    let env = Env::new();
    env.cmd(&["clean", "--stats"])
        .write_stdin(NOISY)
        .assert()
        .success()
        .stdout(CLEAN)
        .stderr(
            contains("lines read:").and(
                predicates::str::is_match(r"triple junk \(Discuz! X, 6, 7\) +2 +44\n").unwrap(),
            ),
        );
}

#[test]
fn mark_shows_what_would_go() {
    let env = Env::new();
    env.cmd(&["clean", "--mark"])
        .write_stdin(NOISY)
        .assert()
        .success()
        .stdout("正文第一行⟦8 G, {* O5 w4 X) s6 w⟧\n⟦1 N z! Q9 C. S6 U+ F3 v⟧第二行\n");
}

#[test]
fn keep_boilerplate() {
    let env = Env::new();
    let text = "正文\n本帖子中包含更多资源\n×\n";
    env.cmd(&["clean"])
        .write_stdin(text)
        .assert()
        .success()
        .stdout("正文\n");
    env.cmd(&["clean", "--keep-boilerplate"])
        .write_stdin(text)
        .assert()
        .success()
        .stdout(text);
}

#[test]
fn jsonl_cleans_named_fields_and_keeps_the_rest() {
    let env = Env::new();
    let input = concat!(
        "{\"id\":1,\"text\":\"正文8 G, {* O5 w4 X) s6 w\",\"meta\":{\"title\":\"标题8 G, {* O5 w4 X) s6 w\"},\"n\":1.50}\n",
        "{\"id\":2,\"text\":\"clean\"}\n"
    );
    env.cmd(&["clean", "--jsonl"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(concat!(
            "{\"id\":1,\"text\":\"正文\",\"meta\":{\"title\":\"标题8 G, {* O5 w4 X) s6 w\"},\"n\":1.50}\n",
            "{\"id\":2,\"text\":\"clean\"}\n"
        ));
    env.cmd(&[
        "clean",
        "--jsonl",
        "--field",
        "text",
        "--field",
        "meta.title",
    ])
    .write_stdin(input)
    .assert()
    .success()
    .stdout(contains("\"title\":\"标题\""));
}

#[test]
fn jsonl_invalid_line_is_an_error_naming_the_line() {
    let env = Env::new();
    env.write("c.jsonl", "{\"text\":\"a\"}\n{broken\n{\"text\":\"b\"}\n");
    env.cmd(&["clean", "--jsonl", "c.jsonl"])
        .assert()
        .code(1)
        .stderr(contains("c.jsonl: line 2: not a JSON value"));
    env.cmd(&["clean", "--jsonl", "--skip-invalid", "--stats", "c.jsonl"])
        .assert()
        .success()
        .stdout("{\"text\":\"a\"}\n{broken\n{\"text\":\"b\"}\n")
        .stderr(contains("invalid skipped:").and(contains("1")));
}

#[test]
fn parallel_output_is_identical() {
    let env = Env::new();
    let mut big = String::new();
    for i in 0..40_000 {
        big.push_str(&format!(
            "第{i}行。8 G, {{* O5 w4 X) s6 w\n普通的一行，没有干扰码。\n"
        ));
    }
    env.write("big.txt", &big);
    let one = env.cmd(&["clean", "big.txt"]).output().unwrap();
    let two = env.cmd(&["clean", "-j", "2", "big.txt"]).output().unwrap();
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);
    assert!(!String::from_utf8_lossy(&one.stdout).contains("O5 w4"));
}

#[test]
fn missing_file_is_named_and_the_rest_still_output() {
    let env = Env::new();
    env.write("ok.txt", NOISY);
    env.cmd(&["clean", "nope.txt", "ok.txt"])
        .assert()
        .code(1)
        .stdout(CLEAN)
        .stderr(contains(
            "unjam: error: nope.txt: cannot read: No such file or directory",
        ));
}

#[test]
fn directory_argument_is_an_error() {
    let env = Env::new();
    std::fs::create_dir(env.path("d")).unwrap();
    env.cmd(&["clean", "d"])
        .assert()
        .code(1)
        .stderr(contains("d: cannot read: is a directory"));
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.cmd(&["clean", "--no-such-flag"])
        .assert()
        .code(2)
        .stderr(contains("--no-such-flag"));
    env.cmd(&["clean", "--in-place"])
        .assert()
        .code(2)
        .stderr(contains("--in-place needs FILE"));
    env.cmd(&["clean", "--field", "text"])
        .assert()
        .code(2)
        .stderr(contains("--jsonl"));
    env.cmd(&["clean", "--jsonl", "--field", "a..b"])
        .assert()
        .code(2)
        .stderr(contains("empty segment"));
    env.cmd(&["clean", "-o", "x", "--in-place", "f"])
        .assert()
        .code(2);
    env.cmd(&["nonsense"]).assert().code(2);
}

#[test]
fn help_and_version_exit_0() {
    let env = Env::new();
    env.cmd(&["--help"])
        .assert()
        .success()
        .stdout(contains("clean"));
    env.cmd(&["clean", "--help"])
        .assert()
        .success()
        .stdout(contains("Exit status"));
    env.cmd(&["--version"])
        .assert()
        .success()
        .stdout(contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn broken_pipe_is_a_quiet_success() {
    // `unjam clean big | head -c 1`: the reader goes away early.
    use std::io::Read;
    let env = Env::new();
    let line = "第一行的内容，足够长的一行文字。8 G, {* O5 w4 X) s6 w\n".repeat(200_000);
    env.write("big.txt", &line);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_unjam"))
        .args(["clean", "big.txt"])
        .current_dir(env.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, with most of the output unread.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn seed_fixture_end_to_end() {
    let env = Env::new();
    let want = std::fs::read(fixture("seed/seed.clean.txt")).unwrap();
    env.cmd(&["clean", fixture("seed/seed.noisy.txt").to_str().unwrap()])
        .assert()
        .success()
        .stdout(want);
}

#[test]
fn in_place_killed_mid_write_leaves_the_old_file_or_the_new_one() {
    let env = Env::new();
    // Big enough that cleaning takes a while: junk on every line.
    let line = "这是一行正文，后面跟着干扰码8 G, {* O5 w4 X) s6 w\n";
    let text = line.repeat(2_000_000);
    let path = env.write("big.txt", &text);
    let clean_line = "这是一行正文，后面跟着干扰码\n";
    let mut child = std::process::Command::new(env.bin())
        .args(["clean", "--in-place"])
        .arg(&path)
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let status = child.wait().unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    if status.success() {
        assert_eq!(
            after,
            clean_line.repeat(2_000_000),
            "finished: fully cleaned"
        );
    } else {
        // Killed: the original, byte for byte, never a mix.
        assert!(
            after == text,
            "killed mid-write: the file is neither old nor new"
        );
    }
}

// A Discuz 6/7 post whose SEO string `玩家俱乐部` recurs on both sides of junk (proven), and
// posts of the same site where SEO strings occur once, or recur on one side only.
const PROVEN: &str = "\
第一段落的文字。玩家俱乐部8 G, {* O5 w4 X) s6 w
# I/ ~' J) z2 x4 J\" e) d) d玩家俱乐部第二段落的文字
第三段落的文字玩家俱乐部( c% K+ {# f% s9 A
最后一段。
";
const ONCE: &str = "别的帖子。玩家俱乐部8 G, {* O5 w4 X) s6 w\n下一行\n";
// `club.gamers.example.com` recurs, but only before junk: proven only once the document is
// known to carry SEO strings (by `玩家俱乐部`, learned from PROVEN).
const ONE_SIDE: &str = "\
开头的文字club.gamers.example.com8 G, {* O5 w4 X) s6 w
又是一段话club.gamers.example.com( c% K+ {# f% s9 A
# I/ ~' J) z2 x4 J\" e) d) d玩家俱乐部结尾一行
";

#[test]
fn find_seo_learns_a_corpus_and_seo_list_applies_it() {
    let env = Env::new();
    env.write("proven.txt", PROVEN);
    env.write("once.txt", ONCE);
    env.write("one-side.txt", ONE_SIDE);
    // Alone, neither the single string nor the one-sided one is provably Discuz's.
    env.cmd(&["clean", "once.txt", "one-side.txt"])
        .assert()
        .success()
        .stdout(
            contains("别的帖子。玩家俱乐部\n").and(contains("开头的文字club.gamers.example.com\n")),
        );
    // --stats names the SEO strings that went.
    env.cmd(&["clean", "--stats", "proven.txt"])
        .assert()
        .success()
        .stderr(contains(
            "SEO strings removed (1 distinct):\n       3  玩家俱乐部",
        ));
    // Over the corpus: the proven string, then (second round) the one it proves in another file.
    let out = env
        .cmd(&[
            "clean",
            "--find-seo",
            "proven.txt",
            "once.txt",
            "one-side.txt",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out.clone()).unwrap(),
        "玩家俱乐部\nclub.gamers.example.com\n"
    );
    env.write("seo.txt", &out);
    env.cmd(&["clean", "--seo-list", "seo.txt", "once.txt", "one-side.txt"])
        .assert()
        .success()
        .stdout("别的帖子。\n下一行\n开头的文字\n又是一段话\n结尾一行\n");
    // From stdin (read once): the text is one document, where `玩家俱乐部` proves the rest.
    env.cmd(&["clean", "--find-seo"])
        .write_stdin(format!("{PROVEN}{ONE_SIDE}"))
        .assert()
        .success()
        .stdout("玩家俱乐部\nclub.gamers.example.com\n");
    // With one round only, the one-sided string is not learned from separate files.
    env.cmd(&["clean", "--find-seo", "-", "one-side.txt"])
        .write_stdin(PROVEN)
        .assert()
        .success()
        .stdout("玩家俱乐部\n");
    // Nothing found: empty output, success.
    env.cmd(&["clean", "--find-seo"])
        .write_stdin("没有垃圾的文字\n")
        .assert()
        .success()
        .stdout("");
}

#[test]
fn bad_seo_lists_are_refused_with_file_and_line() {
    let env = Env::new();
    env.write("in.txt", ONCE);
    env.write("short.txt", "玩家俱乐部\nBBS\n");
    env.cmd(&["clean", "--seo-list", "short.txt", "in.txt"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("short.txt: line 2: \"BBS\" is too short"));
    env.write("binary.txt", b"\xff\xfe\x00junk\n");
    env.cmd(&["clean", "--seo-list", "binary.txt", "in.txt"])
        .assert()
        .code(2)
        .stderr(contains("binary.txt: an SEO list must be UTF-8 text"));
    env.cmd(&["clean", "--seo-list", "missing.txt", "in.txt"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("missing.txt: cannot read"));
    for conflict in [
        ["--find-seo", "--mark"],
        ["--find-seo", "--check"],
        ["--keep-seo", "--find-seo"],
    ] {
        env.cmd(&["clean", conflict[0], conflict[1], "in.txt"])
            .assert()
            .code(2);
    }
}

/// PHPWind's own jammer (` R \u{a0}` at line ends, R ten characters of `chr(0..126)`): the
/// fixture holds a string with CR LF inside, one a character short, one without a control
/// character, and a typed no-break space after a ten-character word, which stays.
#[test]
fn phpwind_junk_goes_and_a_typed_nbsp_stays() {
    let env = Env::new();
    let noisy = fixture("clean/phpwind.noisy.txt");
    let clean = std::fs::read(fixture("clean/phpwind.clean.txt")).unwrap();
    let out = env
        .cmd(&["clean", "--stats", noisy.to_str().unwrap()])
        .assert()
        .success()
        .stderr(contains("PHPWind junk                            6"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&clean)
    );
    // Clean text is left as it is.
    env.cmd(&["clean"])
        .write_stdin(clean.clone())
        .assert()
        .success()
        .stdout(predicate::eq(clean.as_slice()));
}

#[test]
fn phpwind_shape_without_a_certain_string_stays() {
    // Ten printable characters before a typed no-break space, and no string in the document
    // with a control character: nothing proves the jammer.
    let text = "make && make install *Bsmn!_cB{ \u{a0}\nsee config.yml \u{a0}\n";
    Env::new()
        .cmd(&["clean"])
        .write_stdin(text)
        .assert()
        .success()
        .stdout(text);
}

/// Discuz!NT's jammer (ten Latin-1 characters, the host, ten more, the same string at every
/// line end): learned from the blank line that is nothing else, then taken everywhere.
#[test]
fn discuz_nt_string_learned_from_its_own_line() {
    let env = Env::new();
    let noisy = fixture("clean/dnt.noisy.txt");
    let clean = std::fs::read(fixture("clean/dnt.clean.txt")).unwrap();
    let out = env
        .cmd(&["clean", "--stats", noisy.to_str().unwrap()])
        .assert()
        .success()
        .stderr(contains("Discuz!NT junk                          9"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&clean)
    );
    // Without the blank line nothing proves where the string starts: left alone.
    let text = std::fs::read_to_string(&noisy).unwrap();
    let j = text.lines().nth(2).unwrap().to_owned();
    let without: String = text
        .lines()
        .filter(|l| *l != j)
        .map(|l| format!("{l}\n"))
        .collect();
    env.cmd(&["clean"])
        .write_stdin(without.clone())
        .assert()
        .success()
        .stdout(without);
}
