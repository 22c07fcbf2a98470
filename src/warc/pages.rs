//! Discuz pages out of a WARC file: each `response` record's HTTP response is unpacked, the
//! start of its body sniffed ([`crate::extract::sniff`]), and only candidates are parsed. Posts
//! are tagged with the record they came from.

use super::{http, Head, Reader, WarcError};
use crate::extract::{self, sniff, ExtractError};
use crate::model::{Capture, Gate, Page};
use std::collections::BTreeMap;
use std::io::{self, Read};

/// Settings for [`read_pages`].
#[derive(Clone, Debug)]
pub struct PageOptions {
    /// Decode every page with this charset, whatever it declares.
    pub charset: Option<&'static encoding_rs::Encoding>,
    /// Larger bodies are skipped (and counted), not parsed.
    pub max_size: u64,
}

/// What became of the records of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub records: u64,
    pub responses: u64,
    /// Responses that are not HTML (images, PDFs, ...), redirects and bodies without an HTTP head.
    pub not_html: u64,
    /// HTML responses the sniffer ruled out before parsing.
    pub not_discuz: u64,
    /// Parsed (the sniffer let them through) and found not to be a Discuz thread page.
    pub parsed_not_thread: u64,
    /// Discuz gate pages (not found, login required, ...), by kind.
    pub gates: BTreeMap<&'static str, u64>,
    /// Thread pages, and their posts (on every page; the caller may count them after
    /// dropping those of pages captured twice).
    pub pages: u64,
    pub posts: u64,
    /// Records that could not be read.
    pub corrupt: u64,
    /// Bodies over the size limit, or nested too deep to parse.
    pub refused: u64,
}

impl Counts {
    pub fn merge(&mut self, o: &Counts) {
        self.records += o.records;
        self.responses += o.responses;
        self.not_html += o.not_html;
        self.not_discuz += o.not_discuz;
        self.parsed_not_thread += o.parsed_not_thread;
        for (k, v) in &o.gates {
            *self.gates.entry(k).or_default() += v;
        }
        self.pages += o.pages;
        self.posts += o.posts;
        self.corrupt += o.corrupt;
        self.refused += o.refused;
    }

    /// Responses skipped as not Discuz thread pages, whichever way that was decided.
    pub fn skipped(&self) -> u64 {
        self.not_html + self.not_discuz + self.parsed_not_thread + self.gates.values().sum::<u64>()
    }
}

/// Something to tell the user about, as it happens.
#[derive(Debug)]
pub enum Event {
    Page(Box<Page>),
    /// A record that could not be read; the next one is read.
    Corrupt(super::Corrupt),
    /// A response skipped for a reason worth a line on stderr (too large, too deep).
    Refused {
        offset: u64,
        uri: String,
        why: String,
    },
}

/// Read every record of `input`, handing thread pages and problems to `on` as they come.
/// `Err` only when the file itself cannot be read (the counts so far are lost with it).
pub fn read_pages<R: Read>(
    input: R,
    opts: &PageOptions,
    on: &mut dyn FnMut(Event),
) -> io::Result<Counts> {
    let mut reader = Reader::new(input)?;
    let mut counts = Counts::default();
    let is_page = |h: &Head| matches!(h.kind(), "response" | "resource");
    // A block is read into memory only up to the size limit (plus room for an HTTP head); a
    // record claiming more is skipped unread and reported.
    let cap = opts.max_size.saturating_add(64 * 1024);
    let mut want = |h: &Head| is_page(h) && h.content_length().is_some_and(|n| n <= cap);
    while let Some(r) = reader.next_record(&mut want) {
        let rec = match r {
            Ok(rec) => rec,
            Err(WarcError::Corrupt(c)) => {
                counts.corrupt += 1;
                on(Event::Corrupt(c));
                continue;
            }
            Err(WarcError::Io(e)) => return Err(e),
        };
        counts.records += 1;
        if !rec.kept {
            if is_page(&rec.head) {
                counts.responses += 1;
                counts.refused += 1;
                on(Event::Refused {
                    offset: rec.offset,
                    uri: rec.head.target_uri().unwrap_or_default().to_owned(),
                    why: format!(
                        "record of {} bytes, larger than --max-size {}: skipped",
                        rec.head.content_length().unwrap_or(0),
                        opts.max_size
                    ),
                });
            }
            continue;
        }
        counts.responses += 1;
        let uri = rec.head.target_uri().map(str::to_owned);
        let (body, head_text, status) = if rec.head.kind() == "resource" {
            (std::borrow::Cow::Borrowed(&rec.block[..]), None, None)
        } else {
            match http::parse(&rec.block, opts.max_size) {
                Some(r) => (r.body, Some(r.head.into_owned()), r.status),
                None => {
                    counts.not_html += 1;
                    continue;
                }
            }
        };
        if status.is_some_and(|s| (300..400).contains(&s))
            || !is_html(head_text.as_deref(), rec.head.get("Content-Type"))
        {
            counts.not_html += 1;
            continue;
        }
        if !sniff::may_be_discuz(&body, uri.as_deref()) {
            counts.not_discuz += 1;
            continue;
        }
        if body.len() as u64 > opts.max_size {
            counts.refused += 1;
            on(Event::Refused {
                offset: rec.offset,
                uri: uri.unwrap_or_default(),
                why: format!(
                    "body larger than {} bytes (--max-size): skipped",
                    opts.max_size
                ),
            });
            continue;
        }
        let mut eopts = head_text
            .as_deref()
            .map(extract::Options::from_response_head)
            .unwrap_or_default();
        eopts.charset = opts.charset;
        eopts.url = uri.clone();
        match extract::extract_page(&body, &eopts) {
            Ok(mut page) => {
                let capture = Capture {
                    record_id: rec.head.record_id().map(str::to_owned),
                    date: rec.head.date().map(str::to_owned),
                    url: uri.clone(),
                };
                for p in &mut page.posts {
                    p.capture = Some(capture.clone());
                }
                counts.pages += 1;
                counts.posts += page.posts.len() as u64;
                on(Event::Page(Box::new(page)));
            }
            Err(ExtractError::Gate(Gate::NotDiscuz | Gate::Listing | Gate::Index)) => {
                counts.parsed_not_thread += 1
            }
            Err(ExtractError::Gate(g)) => *counts.gates.entry(gate_name(g)).or_default() += 1,
            Err(e) => {
                counts.refused += 1;
                on(Event::Refused {
                    offset: rec.offset,
                    uri: uri.unwrap_or_default(),
                    why: e.to_string(),
                });
            }
        }
    }
    Ok(counts)
}

fn gate_name(g: Gate) -> &'static str {
    match g {
        Gate::NotFound => "not found",
        Gate::LoginRequired => "login required",
        Gate::NoPermission => "no permission",
        Gate::AntiTheft => "anti-theft",
        Gate::Challenge => "browser challenge",
        Gate::NotDiscuz => "not Discuz",
        Gate::Listing => "board listing",
        Gate::Index => "forum index",
    }
}

/// Whether a response may hold an HTML page: its HTTP Content-Type (or, for a `resource`
/// record, the record's) names HTML or XHTML, or is missing (then the sniffer decides).
fn is_html(http_head: Option<&str>, record_type: Option<&str>) -> bool {
    let ct = match http_head {
        Some(h) => h.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-type")
                .then(|| v.trim().to_ascii_lowercase())
        }),
        None => record_type.map(str::to_ascii_lowercase),
    };
    match ct {
        None => true,
        Some(ct) => {
            let mime = ct.split(';').next().unwrap_or("").trim();
            mime.is_empty()
                || mime == "text/html"
                || mime == "application/xhtml+xml"
                // Misconfigured servers send pages as text/plain or octet-stream.
                || mime == "text/plain"
                || mime == "application/octet-stream"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_types() {
        assert!(is_html(
            Some("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gbk"),
            None
        ));
        assert!(is_html(Some("HTTP/1.1 200 OK\r\nServer: x"), None));
        assert!(!is_html(
            Some("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg"),
            None
        ));
        assert!(is_html(None, Some("text/html")));
        assert!(!is_html(None, Some("application/pdf")));
    }
}
