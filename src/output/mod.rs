//! Output formats for threads and posts: text for people, JSON and JSON Lines for machines,
//! Markdown for notes. The same records serve `extract`, `thread` and `forum`.

use crate::model::{Attachment, Image, Post, Quote, Thread};
use serde::Serialize;
use std::io::{self, Write};

/// An output format (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable thread: the title, then each post headed `#FLOOR AUTHOR TIME`.
    Text,
    /// One JSON object per thread, with its posts.
    Json,
    /// One JSON object per post, thread fields repeated (for pipelines).
    Jsonl,
    /// Markdown: a heading per thread and per post, quotes as `> `.
    Markdown,
}

/// A post as JSON: every field always present (`null`, `false` or `[]` when empty), so that
/// tools reading the records see one schema. Field names are stable (README, "JSON schema").
#[derive(Serialize)]
pub struct PostJson<'a> {
    pub pid: Option<u64>,
    pub floor: Option<u32>,
    pub author: Option<&'a str>,
    pub author_uid: Option<u64>,
    pub anonymous: bool,
    pub posted_at: Option<&'a str>,
    pub posted_at_text: Option<&'a str>,
    pub page: Option<u32>,
    /// The URL of the page the post is on.
    pub url: Option<&'a str>,
    pub text: &'a str,
    /// The post this one replies to by quoting (`quotes[0]`), for the common case of one quote.
    pub quote: Option<&'a Quote>,
    pub quotes: &'a [Quote],
    pub images: &'a [Image],
    pub attachments: &'a [Attachment],
    pub edited_by: Option<&'a str>,
    pub edited_at: Option<&'a str>,
    pub hidden: bool,
    pub hidden_notice: Option<&'a str>,
    pub subject: Option<&'a str>,
    /// Only for posts read from a WARC file: its record and crawl time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warc_record_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warc_date: Option<&'a str>,
}

impl<'a> PostJson<'a> {
    pub fn new(thread: &'a Thread, post: &'a Post) -> Self {
        Self::with_url(post, post_url(thread, post))
    }

    /// `post`, on the page at `url`.
    pub fn with_url(post: &'a Post, url: Option<&'a str>) -> Self {
        PostJson {
            pid: post.pid,
            floor: post.floor,
            author: post.author.as_deref(),
            author_uid: post.author_uid,
            anonymous: post.anonymous,
            posted_at: post.posted_at.as_deref(),
            posted_at_text: post.posted_at_text.as_deref(),
            page: post.page,
            url,
            text: &post.text,
            quote: post.quotes.first(),
            quotes: &post.quotes,
            images: &post.images,
            attachments: &post.attachments,
            edited_by: post.edited_by.as_deref(),
            edited_at: post.edited_at.as_deref(),
            hidden: post.hidden,
            hidden_notice: post.hidden_notice.as_deref(),
            subject: post.subject.as_deref(),
            warc_record_id: post.capture.as_ref().and_then(|c| c.record_id.as_deref()),
            warc_date: post.capture.as_ref().and_then(|c| c.date.as_deref()),
        }
    }
}

/// A JSON Lines record: one post with the fields of its thread.
#[derive(Serialize)]
pub struct PostRecord<'a> {
    pub tid: Option<u64>,
    #[serde(flatten)]
    pub post: PostJson<'a>,
    pub title: Option<&'a str>,
    pub forum: Option<&'a str>,
    pub fid: Option<u64>,
    pub kind: &'static str,
}

impl<'a> PostRecord<'a> {
    pub fn new(thread: &'a Thread, post: &'a Post) -> Self {
        Self::with_url(thread, post, post_url(thread, post))
    }

    /// `post` of `thread`, on the page at `url`.
    pub fn with_url(thread: &'a Thread, post: &'a Post, url: Option<&'a str>) -> Self {
        PostRecord {
            tid: thread.tid,
            post: PostJson::with_url(post, url),
            title: thread.title.as_deref(),
            forum: thread.forum.as_deref(),
            fid: thread.fid,
            kind: thread.kind.name(),
        }
    }
}

/// A thread as JSON: its fields, then its posts.
#[derive(Serialize)]
pub struct ThreadJson<'a> {
    pub tid: Option<u64>,
    pub title: Option<&'a str>,
    pub forum: Option<&'a str>,
    pub fid: Option<u64>,
    pub url: Option<&'a str>,
    pub pages: Option<u32>,
    pub page_urls: &'a [Option<String>],
    pub kind: &'static str,
    pub charset: &'static str,
    pub posts: Vec<PostJson<'a>>,
}

impl<'a> ThreadJson<'a> {
    pub fn new(thread: &'a Thread) -> Self {
        ThreadJson {
            tid: thread.tid,
            title: thread.title.as_deref(),
            forum: thread.forum.as_deref(),
            fid: thread.fid,
            url: thread.url.as_deref(),
            pages: thread.pages,
            page_urls: &thread.page_urls,
            kind: thread.kind.name(),
            charset: thread.charset,
            posts: thread
                .posts
                .iter()
                .map(|p| PostJson::new(thread, p))
                .collect(),
        }
    }
}

/// What the reader of the output is: a terminal gets control characters of page text escaped
/// (they could drive it), and headers in bold when colour is on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tty {
    pub escape_controls: bool,
    pub color: bool,
}

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Write one thread in `format`.
pub fn write_thread(
    w: &mut dyn Write,
    thread: &Thread,
    format: Format,
    tty: Tty,
) -> io::Result<()> {
    let mut tw = ThreadWriter::begin(w, thread, format, tty)?;
    for post in &thread.posts {
        tw.post(w, thread, post, post_url(thread, post))?;
    }
    tw.end(w)
}

/// The URL of the page `post` is on: the WARC record's address when it came from one, else
/// from the thread's page list.
pub fn post_url<'a>(thread: &'a Thread, post: &'a Post) -> Option<&'a str> {
    if let Some(u) = post.capture.as_ref().and_then(|c| c.url.as_deref()) {
        return Some(u);
    }
    match post.page {
        Some(p) => thread
            .page_urls
            .get(p.saturating_sub(1) as usize)
            .and_then(|u| u.as_deref()),
        None => thread.url.as_deref(),
    }
}

/// One thread written post by post, for callers that have its posts a page at a time and do
/// not keep them: `begin` with the thread's fields, `post` for each post, `end`. JSON writes
/// the thread object's fields first and its `posts` array as the posts come.
pub struct ThreadWriter {
    format: Format,
    tty: Tty,
    posts: usize,
}

impl ThreadWriter {
    pub fn begin(w: &mut dyn Write, head: &Thread, format: Format, tty: Tty) -> io::Result<Self> {
        let escape = tty.escape_controls;
        match format {
            Format::Jsonl => {}
            Format::Json => {
                let mut obj = ThreadJson::new(head);
                obj.posts.clear();
                let bytes = serde_json::to_vec(&obj)?;
                // `posts` is the last field: write up to its opening bracket.
                let open = bytes
                    .strip_suffix(b"]}")
                    .expect("ThreadJson ends with its posts array");
                w.write_all(open)?;
            }
            Format::Text => {
                if let Some(t) = &head.title {
                    if tty.color {
                        writeln!(w, "{BOLD}{}{RESET}", safe(t, escape))?;
                    } else {
                        writeln!(w, "{}", safe(t, escape))?;
                    }
                    writeln!(w, "{}", "=".repeat(columns(t).clamp(3, 80)))?;
                }
            }
            Format::Markdown => {
                let title = head.title.as_deref().unwrap_or("(untitled thread)");
                writeln!(w, "# {}", md_escape(&safe(title, escape)))?;
                if let Some(u) = head.url.as_deref() {
                    writeln!(w, "\n<{u}>")?;
                }
            }
        }
        Ok(ThreadWriter {
            format,
            tty,
            posts: 0,
        })
    }

    /// Write `post` of thread `head`; `url` is the address of the page it is on.
    pub fn post(
        &mut self,
        w: &mut dyn Write,
        head: &Thread,
        post: &Post,
        url: Option<&str>,
    ) -> io::Result<()> {
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut *w, &PostRecord::with_url(head, post, url))?;
                w.write_all(b"\n")?;
            }
            Format::Json => {
                if self.posts > 0 {
                    w.write_all(b",")?;
                }
                serde_json::to_writer(&mut *w, &PostJson::with_url(post, url))?;
            }
            Format::Text => text_post(w, post, self.tty)?,
            Format::Markdown => markdown_post(w, post, self.tty.escape_controls)?,
        }
        self.posts += 1;
        Ok(())
    }

    pub fn end(self, w: &mut dyn Write) -> io::Result<()> {
        if self.format == Format::Json {
            w.write_all(b"]}\n")?;
        }
        Ok(())
    }
}

/// Control characters in page text could drive a terminal: escaped when writing to one.
fn safe(s: &str, escape: bool) -> std::borrow::Cow<'_, str> {
    if !escape || !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .flat_map(|c| {
                if c.is_control() && c != '\n' && c != '\t' {
                    c.escape_unicode().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect(),
    )
}

/// Terminal columns of `s`: CJK and other East Asian wide characters take two.
fn columns(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

fn header(post: &Post) -> String {
    let mut h = String::new();
    match post.floor {
        Some(f) => h.push_str(&format!("#{f}")),
        None => h.push('#'),
    }
    h.push(' ');
    h.push_str(post.author.as_deref().unwrap_or("(unknown)"));
    if let Some(t) = post.posted_at.as_deref().or(post.posted_at_text.as_deref()) {
        h.push(' ');
        h.push_str(&t.replace('T', " "));
    }
    if let Some(pid) = post.pid {
        h.push_str(&format!("  [pid {pid}]"));
    }
    h
}

fn text_post(w: &mut dyn Write, post: &Post, tty: Tty) -> io::Result<()> {
    let esc = tty.escape_controls;
    writeln!(w)?;
    if tty.color {
        writeln!(w, "{BOLD}{}{RESET}", safe(&header(post), esc))?;
    } else {
        writeln!(w, "{}", safe(&header(post), esc))?;
    }
    if let Some(by) = &post.edited_by {
        writeln!(
            w,
            "(edited by {} {})",
            safe(by, esc),
            post.edited_at.as_deref().unwrap_or("").replace('T', " ")
        )?;
    }
    writeln!(w)?;
    if !post.text.is_empty() {
        writeln!(w, "{}", safe(&post.text, esc))?;
    }
    if post.hidden {
        writeln!(
            w,
            "[hidden: {}]",
            safe(
                post.hidden_notice
                    .as_deref()
                    .unwrap_or("content hidden from this viewer"),
                esc
            )
        )?;
    }
    Ok(())
}

fn markdown_post(w: &mut dyn Write, post: &Post, esc: bool) -> io::Result<()> {
    writeln!(w, "\n## {}\n", md_escape(&safe(&header(post), esc)))?;
    if let Some(by) = &post.edited_by {
        let at = post.edited_at.as_deref().unwrap_or("").replace('T', " ");
        writeln!(w, "*edited by {} {at}*\n", md_escape(&safe(by, esc)))?;
    }
    let mut in_quote = false;
    for line in post.text.lines() {
        // Our own quote marks stay markup; everything else is literal text.
        let quoted = line.strip_prefix("> ").or((line == ">").then_some(""));
        if in_quote && quoted.is_none() && !line.trim().is_empty() {
            // Without a blank line Markdown would pull this line into the quote.
            writeln!(w)?;
        }
        in_quote = quoted.is_some();
        match quoted {
            Some(q) => writeln!(w, "> {}  ", md_line(&safe(q, esc)))?,
            None => writeln!(w, "{}  ", md_line(&safe(line, esc)))?,
        }
    }
    if post.hidden {
        let notice = post
            .hidden_notice
            .as_deref()
            .unwrap_or("content hidden from this viewer");
        writeln!(w, "\n*hidden: {}*", md_escape(&safe(notice, esc)))?;
    }
    for img in post.images.iter().filter(|i| !i.smiley) {
        writeln!(w, "\n![](<{}>)", img.url)?;
    }
    for a in &post.attachments {
        match &a.url {
            Some(u) => writeln!(w, "\n[{}](<{u}>)", md_escape(&safe(&a.name, esc)))?,
            None => writeln!(w, "\n{}", md_escape(&safe(&a.name, esc)))?,
        }
    }
    Ok(())
}

/// A line of post text as literal Markdown: inline markup escaped, and a start that would read
/// as a heading, list, rule or quote escaped too.
fn md_line(line: &str) -> String {
    let body = md_escape(line);
    let trimmed = body.trim_start();
    let indent = &body[..body.len() - trimmed.len()];
    let ordered = trimmed
        .find(['.', ')'])
        .filter(|&i| i > 0 && trimmed[..i].bytes().all(|b| b.is_ascii_digit()))
        .filter(|&i| trimmed[i + 1..].is_empty() || trimmed[i + 1..].starts_with(' '));
    if let Some(i) = ordered {
        format!("{indent}{}\\{}", &trimmed[..i], &trimmed[i..])
    } else if trimmed.starts_with(['#', '-', '+', '=', '>', '|']) {
        format!("{indent}\\{trimmed}")
    } else {
        body
    }
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread_with(text: &str) -> Thread {
        Thread {
            tid: Some(1),
            title: Some("标题\u{1b}]0;owned\u{7}".into()),
            forum: None,
            fid: None,
            url: None,
            pages: Some(1),
            page_urls: Vec::new(),
            kind: crate::model::PageKind::Desktop,
            charset: "UTF-8",
            posts: vec![Post {
                pid: Some(7),
                text: text.into(),
                ..Post::default()
            }],
        }
    }

    #[test]
    fn control_characters_are_escaped_for_a_terminal_only() {
        let t = thread_with("正文\u{1b}[2J清屏\n第二行");
        for format in [Format::Text, Format::Markdown] {
            let mut tty = Vec::new();
            write_thread(
                &mut tty,
                &t,
                format,
                Tty {
                    escape_controls: true,
                    color: false,
                },
            )
            .unwrap();
            let tty = String::from_utf8(tty).unwrap();
            assert!(!tty.contains('\u{1b}') && !tty.contains('\u{7}'), "{tty:?}");
            assert!(tty.contains("u{1b}"), "{tty:?}");
            assert!(tty.contains("第二行"));
            let mut pipe = Vec::new();
            write_thread(&mut pipe, &t, format, Tty::default()).unwrap();
            // Not a terminal: the bytes as they are.
            assert!(String::from_utf8(pipe).unwrap().contains('\u{1b}'));
        }
        // JSON keeps the data exact (escaped as JSON, decoded back the same).
        let mut json = Vec::new();
        write_thread(
            &mut json,
            &t,
            Format::Jsonl,
            Tty {
                escape_controls: true,
                color: true,
            },
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["text"], "正文\u{1b}[2J清屏\n第二行");
    }

    #[test]
    fn markdown_lines_stay_literal() {
        assert_eq!(md_line("# 不是标题"), "\\# 不是标题");
        assert_eq!(md_line("1. 第一"), "1\\. 第一");
        assert_eq!(md_line("2026. 年"), "2026\\. 年");
        assert_eq!(md_line("3.14 圆周率"), "3.14 圆周率");
        assert_eq!(md_line("a*b*c_d"), "a\\*b\\*c\\_d");
        assert_eq!(md_line("  - item"), "  \\- item");
        assert_eq!(md_line("普通文字"), "普通文字");
    }

    #[test]
    fn east_asian_width() {
        assert_eq!(columns("abc"), 3);
        assert_eq!(columns("茶馆"), 4);
        assert_eq!(columns("ＡＢ"), 4);
    }
}
