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

/// A JSON Lines record: one post with the fields of its thread. Field names are stable (see
/// README, "JSON schema").
#[derive(Serialize)]
pub struct PostRecord<'a> {
    pub tid: Option<u64>,
    pub pid: Option<u64>,
    pub floor: Option<u32>,
    pub author: Option<&'a str>,
    pub author_uid: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub anonymous: bool,
    pub posted_at: Option<&'a str>,
    pub posted_at_text: Option<&'a str>,
    pub title: Option<&'a str>,
    pub forum: Option<&'a str>,
    pub fid: Option<u64>,
    pub url: Option<&'a str>,
    pub page: Option<u32>,
    pub text: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub quotes: &'a [Quote],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub images: &'a [Image],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub attachments: &'a [Attachment],
    pub edited_by: Option<&'a str>,
    pub edited_at: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_notice: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<&'a str>,
    pub kind: &'static str,
}

impl<'a> PostRecord<'a> {
    pub fn new(thread: &'a Thread, post: &'a Post) -> Self {
        let url = post
            .page
            .and_then(|p| thread.page_urls.get(p.saturating_sub(1) as usize))
            .or(thread.page_urls.first())
            .map(String::as_str)
            .or(thread.url.as_deref());
        PostRecord {
            tid: thread.tid,
            pid: post.pid,
            floor: post.floor,
            author: post.author.as_deref(),
            author_uid: post.author_uid,
            anonymous: post.anonymous,
            posted_at: post.posted_at.as_deref(),
            posted_at_text: post.posted_at_text.as_deref(),
            title: thread.title.as_deref(),
            forum: thread.forum.as_deref(),
            fid: thread.fid,
            url,
            page: post.page,
            text: &post.text,
            quotes: &post.quotes,
            images: &post.images,
            attachments: &post.attachments,
            edited_by: post.edited_by.as_deref(),
            edited_at: post.edited_at.as_deref(),
            hidden: post.hidden,
            hidden_notice: post.hidden_notice.as_deref(),
            subject: post.subject.as_deref(),
            kind: thread.kind.name(),
        }
    }
}

/// Write one thread in `format`. JSON Lines writes post by post.
pub fn write_thread(
    w: &mut dyn Write,
    thread: &Thread,
    format: Format,
    escape_controls: bool,
) -> io::Result<()> {
    match format {
        Format::Jsonl => {
            for post in &thread.posts {
                serde_json::to_writer(&mut *w, &PostRecord::new(thread, post))?;
                w.write_all(b"\n")?;
            }
        }
        Format::Json => {
            serde_json::to_writer(&mut *w, thread)?;
            w.write_all(b"\n")?;
        }
        Format::Text => text(w, thread, escape_controls)?,
        Format::Markdown => markdown(w, thread, escape_controls)?,
    }
    Ok(())
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

fn text(w: &mut dyn Write, thread: &Thread, esc: bool) -> io::Result<()> {
    if let Some(t) = &thread.title {
        writeln!(w, "{}", safe(t, esc))?;
        writeln!(w, "{}", "=".repeat(t.chars().count().clamp(3, 80)))?;
    }
    for post in &thread.posts {
        writeln!(w)?;
        writeln!(w, "{}", safe(&header(post), esc))?;
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
    }
    Ok(())
}

fn markdown(w: &mut dyn Write, thread: &Thread, esc: bool) -> io::Result<()> {
    writeln!(
        w,
        "# {}",
        safe(thread.title.as_deref().unwrap_or("(untitled thread)"), esc)
    )?;
    if let Some(u) = thread
        .url
        .as_deref()
        .or(thread.page_urls.first().map(String::as_str))
    {
        writeln!(w, "\n<{u}>")?;
    }
    for post in &thread.posts {
        writeln!(w, "\n## {}\n", safe(&header(post), esc))?;
        for line in post.text.lines() {
            // Markdown would read a leading `#`, `-`, `*` or `1.` as structure.
            let needs_escape = line.starts_with(['#', '-', '*', '+'])
                || line
                    .split_once(". ")
                    .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty());
            if needs_escape && !line.starts_with("> ") {
                writeln!(w, "\\{}  ", safe(line, esc))?;
            } else {
                writeln!(w, "{}  ", safe(line, esc))?;
            }
        }
        for img in post.images.iter().filter(|i| !i.smiley) {
            writeln!(w, "\n![]({})", img.url)?;
        }
        for a in &post.attachments {
            match &a.url {
                Some(u) => writeln!(w, "\n[{}]({})", safe(&a.name, esc), u)?,
                None => writeln!(w, "\n{}", safe(&a.name, esc))?,
            }
        }
    }
    Ok(())
}
