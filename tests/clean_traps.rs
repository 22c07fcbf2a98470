//! Traps: real text that looks like junk where junk meets it, each asserted exactly.
//!
//! Junk sits at line edges, so the author's text that starts or ends a line is where a filter is
//! most tempted to take real characters: shell prompts, comments, list markers, brackets, code
//! that ends in `) {` or `];`. Each case below glues junk to both edges of such lines, in a
//! document that shows the jammer, and asserts that exactly the junk goes. Then the recurring
//! text an SEO rule could take (headings repeated in the next sentence, quotes and signatures,
//! whole posts repeated in a stream), truncated junk at document edges, and Discuz 4.x/5.x
//! junk with line breaks inside it.

use unjam::clean::{clean_str, Options};

fn clean(s: &str) -> String {
    clean_str(s, &Options::default()).0
}

fn clean_z(s: &str) -> String {
    let opts = Options {
        separator: Some(0),
        ..Options::default()
    };
    clean_str(s, &opts).0
}

/// Junk strings as Discuz X draws them (5..15 triples), fixed so the tests are exact.
const J: [&str; 12] = [
    "8 G, {* O5 w4 X) s6 w",
    "1 N z! Q9 C. S6 U+ F3 v",
    "0 K( N$ i1 h& P# I' b6 ~",
    "3 K8 ~1 S7 Q M* F% z% B: c",
    "4 }: U) n% j8 w# m",
    "5 s( m) j) |4 U/ R3 g; }",
    "7 l) @2 Q; ?2 |: w- b- E, A7 r",
    "' Z4 C( K0 [: `* M* p5 L",
    ": ^\" ^3 H5 k& A# N, E",
    "9 }\" r* @4 [/ F: K% o",
    "/ R6 N2 I$ V' r2 W! c5 t",
    "% I! b- y1 z* ?",
];

/// Each line gets span junk at its start and font junk at its end (both forms), one junk
/// string per line break, as the jammer writes them.
fn jam(lines: &[&str]) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(J[(2 * i) % J.len()]);
        }
        out.push_str(l);
        if i + 1 < lines.len() {
            out.push_str(J[(2 * i + 1) % J.len()]);
        }
        out.push('\n');
    }
    out
}

fn text(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[track_caller]
fn survives(lines: &[&str]) {
    let noisy = jam(lines);
    assert_eq!(clean(&noisy), text(lines), "noisy input:\n{noisy}");
}

// ---------------------------------------------------------------- code and shell lines

#[test]
fn shell_prompts_and_comments() {
    survives(&[
        "Run these as root:",
        "# Comment lines start with a hash",
        "$ debuild -us -uc",
        "# mke2fs -j /dev/sda6",
        "$ lsb_release -a",
        "# sync",
        "Then reboot.",
    ]);
}

#[test]
fn list_markers_and_quotes() {
    survives(&[
        "Changes:",
        "- make install",
        "- it('works', () => {",
        "* Fix the build on arm64",
        "> quoted reply text",
        "1. First step",
        "2. Second step",
        "o Floyd and Jacobson, Random Early Detection gateways.",
        "End of list.",
    ]);
}

#[test]
fn code_line_ends() {
    survives(&[
        "fn main() {",
        "    let v = vec![1, 2, 3];",
        "    if v.len() > 2 {",
        "        println!(\"{}%\", v[0]);",
        "    }",
        "}",
        "width: 100%",
        "items = [a, b, c];",
        "[ OPTIONS ( [ ADD | SET | DROP ] option ['value'] [, ... ]) ]",
    ]);
}

#[test]
fn bracketed_names_and_numbers() {
    survives(&[
        "  [ Julien Cristau ]",
        "  * New upstream release.",
        "subnet 192.168.1.0 netmask 255.255.255.0 {",
        "-- Dave Olson <dave@example.org>  Mon, 11 Jan 2021 12:32:39 +0000",
        "V:2, I:32",
        "end.",
    ]);
}

#[test]
fn chinese_lines_with_ascii_edges() {
    survives(&[
        "使用 ls -l 命令查看文件：",
        "$ ls -l /etc",
        "# 注释：以 root 运行",
        "A 股市场今天收盘。",
        "版本 2.6 的更新说明",
        "完。",
    ]);
}

#[test]
#[ignore = "known limit: the run goes on from span junk into `- y` of a list item, and to the \
            character models `arn add` after a line start costs less than `- y` glued before it \
            (18 bits, against 11 for a junk unit): they cannot know that `yarn` is a word"]
fn list_item_after_junk_whose_last_unit_is_a_dash() {
    let noisy = "Changes:1 N z! Q9 C. S6 U+ F3 v\n0 K( N$ i1 h& P# I' b- O- yarn add left-pad3 K8 ~1 S7 Q M* F% z% B: c\nend\n";
    assert_eq!(clean(noisy), "Changes:\n- yarn add left-pad\nend\n");
}

// ---------------------------------------------------------------- recurring text is not SEO

#[test]
fn heading_repeated_in_the_next_sentence() {
    // Junk on both sides of a heading whose words start the next sentence: in the old rule a
    // string seen before one junk string and after another was an SEO string.
    let lines = [
        "1.2.10. Device files",
        "Device files refer to physical or virtual devices on your system.",
        "1.2.11. Device files again",
        "Device files refer to more devices here.",
        "That is all.",
    ];
    survives(&lines);
}

#[test]
fn quotes_and_signatures_repeated_in_a_thread() {
    let lines = [
        "-- 作者",
        "这是第一段回复的正文。",
        "-- 作者",
        "这是第二段回复的正文。",
        "-- 作者",
        "> 引用的一句话",
        "回复正文。",
        "> 引用的一句话",
        "最后一行。",
    ];
    survives(&lines);
}

#[test]
fn the_same_post_twice_and_five_times_in_a_stream() {
    let post = [
        "$ sudo apt-get install vim",
        "Problem: the build fails on arm64.",
        "$ sudo apt-get install vim",
        "Solution: add the missing header.",
        "Files: src/main.c",
    ];
    let one = jam(&post);
    let want = text(&post);
    for times in [2, 5] {
        // Without separators: one stream, one document.
        let stream: String = std::iter::repeat_n(one.as_str(), times).collect();
        assert_eq!(
            clean(&stream),
            want.repeat(times),
            "{times} times in a stream"
        );
        // NUL-separated: each record alone.
        let records: Vec<&str> = std::iter::repeat_n(one.as_str(), times).collect();
        let got = clean_z(&records.join("\0"));
        let wants: Vec<&str> = std::iter::repeat_n(want.as_str(), times).collect();
        assert_eq!(got, wants.join("\0"), "{times} records");
    }
}

#[test]
fn a_record_without_junk_after_one_with_seo_strings() {
    // What one record proved (its SEO strings) must not carry over to the next one: a record
    // with no junk at all once crashed on the previous record's string offsets.
    let seo = "\
第一段落的文字。玩家俱乐部8 G, {* O5 w4 X) s6 w
# I/ ~' J) z2 x4 J\" e) d) d玩家俱乐部第二段落的文字
第三段落的文字玩家俱乐部( c% K+ {# f% s9 A
最后一段。
";
    let got = clean_z(&format!("{seo}\0ok\0{seo}"));
    let want = "第一段落的文字。\n第二段落的文字\n第三段落的文字\n最后一段。\n";
    assert_eq!(got, format!("{want}\0ok\0{want}"));
}

// ---------------------------------------------------------------- truncated junk

#[test]
fn junk_cut_off_at_the_edges_of_a_jammed_document() {
    // The record was cut inside junk at both ends: three units at the start, two and a half at
    // the end; the rest of the document shows the jammer.
    let noisy = format!(
        "C. S6 U+ F3 v第一行的文字。{}\n{}第二行的文字。{}\n第三行结尾5 h( T7",
        J[0], J[1], J[2]
    );
    assert_eq!(clean(&noisy), "第一行的文字。\n第二行的文字。\n第三行结尾");
}

#[test]
fn short_runs_at_document_edges_stay_without_the_jammer() {
    // Nothing else in the document is junk: the same characters are the author's.
    for s in [
        "U+ F3 v第一行的文字。\n第二行\n",
        "第一行\n第三行结尾5 h( T7",
    ] {
        assert_eq!(clean(s), s);
    }
}

// ---------------------------------------------------------------- Discuz 4.x/5.x

#[test]
fn d45_junk_with_line_breaks_inside() {
    // `\x0eN` LF `Q.Y\x19v\x1aQ\x13h\x18u` LF `G`: one junk string whose c1 were line feeds
    // twice, after a real line break; the line breaks inside it go, the real ones stay.
    let noisy = "念头淡者自待薄，待人亦薄，事事皆薄。\n\u{e}N\nQ.Y\u{19}v\u{1a}Q\u{13}h\u{18}u\nG故君子居常嗜好，不可太浓艳。\u{1a}w/R\u{3}r\u{7}p3|\u{c}e&u\n下一行。\n";
    assert_eq!(
        clean(noisy),
        "念头淡者自待薄，待人亦薄，事事皆薄。\n故君子居常嗜好，不可太浓艳。\n下一行。\n"
    );
}

#[test]
fn d45_pairs_before_a_real_line_start_keep_it() {
    // Two complete strings around a real line break: the break stays, and `im-config` keeps
    // its first letter although `i` could be the c2 of a line-feed pair.
    let noisy = "表现会有所不同。\n)c0Q0y\u{a0} \u{a0} \u{a0} \u{a0} l(t\u{c}p\u{15}c\nim-config(8) 让最佳的输入法\u{13}h4]4@H\u{f}H9u\n下一行\n";
    assert_eq!(
        clean(noisy),
        "表现会有所不同。\n\nim-config(8) 让最佳的输入法\n下一行\n"
    );
}
