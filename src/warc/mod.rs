//! WARC input: Common Crawl's WARC files (raw HTTP responses) and WET files (the text CC
//! extracted from each page), compressed one gzip member per record or plain.
//!
//! A reader of our own rather than a WARC crate. The `warc` crate (read 2026-12) decompresses
//! the whole file as one stream (libflate's multi-member decoder, slower than flate2 with
//! zlib-rs), so member offsets are lost and its iterator cannot resynchronise after a bad
//! member; it reads each block line by line into a fresh 1 MiB buffer, keeps headers in a hash
//! map (their order and bytes are gone, so a WET record cannot be written back as it was), and
//! its `from_path` opens files for writing, creating missing ones. unjam needs the opposite on
//! each point: a corrupt or truncated record (CC files do end mid-record when a copy is cut)
//! reported with its offset and reading going on at the next gzip member, records that are not
//! wanted costing no more than their decompression, and headers kept as read.
//! [`gz::Members`] gives the member boundaries and offsets; the record grammar itself (a
//! version line, `Name: value` headers, a block of `Content-Length` bytes, two CRLFs) is small.

pub mod gz;
pub mod http;
pub mod pages;
pub mod wet;

use std::io::{self, BufRead, BufReader, Read};

/// A record's header block: the version line and `Name: value` fields, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Head {
    /// `WARC/1.0`, `WARC/1.1`.
    pub version: String,
    pub fields: Vec<(String, String)>,
    /// The header's bytes as read, version line to blank line: written back as they were
    /// when a record passes through unchanged.
    pub raw: Vec<u8>,
}

impl Head {
    /// The first field named `name` (case-insensitive, as WARC field names are).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `WARC-Type`: `response`, `request`, `metadata`, `warcinfo`, `conversion`, ...
    pub fn kind(&self) -> &str {
        self.get("WARC-Type").unwrap_or("")
    }

    pub fn record_id(&self) -> Option<&str> {
        self.get("WARC-Record-ID")
    }

    pub fn date(&self) -> Option<&str> {
        self.get("WARC-Date")
    }

    /// `Content-Length`, the size of the block.
    pub fn content_length(&self) -> Option<u64> {
        self.get("Content-Length")?.trim().parse().ok()
    }

    pub fn target_uri(&self) -> Option<&str> {
        // WARC 1.0 examples wrap the URI in angle brackets; CC does not. Accept both.
        self.get("WARC-Target-URI")
            .map(|u| u.trim_start_matches('<').trim_end_matches('>'))
    }
}

/// One record. `block` is empty when the caller did not want it.
#[derive(Debug)]
pub struct Record {
    /// Where the record is: for a gzip file the offset of its member (what a CC index gives),
    /// for a plain file the offset of the record itself.
    pub offset: u64,
    pub head: Head,
    pub block: Vec<u8>,
    /// Whether `block` was read (see [`Reader::next_record`]).
    pub kept: bool,
}

/// A record that could not be read; reading goes on after it.
#[derive(Debug, thiserror::Error)]
#[error("{}: {what}", where_(*.offset, *.gzip))]
pub struct Corrupt {
    pub offset: u64,
    pub gzip: bool,
    pub what: String,
}

fn where_(offset: u64, gzip: bool) -> String {
    if gzip {
        format!("record in the gzip member at byte {offset}")
    } else {
        format!("record at byte {offset}")
    }
}

/// What went wrong reading a WARC file.
#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    /// One record is lost; the next may be fine.
    #[error(transparent)]
    Corrupt(#[from] Corrupt),
    /// The file itself cannot be read (a disk error, a closed pipe): stop.
    #[error("{0}")]
    Io(io::Error),
}

/// Header lines longer than this, or more of them, are not a WARC header (a plain file read from
/// the wrong offset, binary junk): the record is reported rather than read into memory.
const MAX_LINE: usize = 64 * 1024;
const MAX_FIELDS: usize = 1024;

/// Records of one WARC or WET file.
pub struct Reader<R> {
    src: BufReader<gz::Members<R>>,
    /// Bytes of the current member (or plain file) consumed by the parser so far.
    used: u64,
    started: bool,
    done: bool,
    /// Where the next record is looked for, after an error.
    resume: Resume,
    /// Garbage between members, to report on the next call.
    pending: Option<Corrupt>,
    line: Vec<u8>,
}

impl<R: Read> Reader<R> {
    pub fn new(inner: R) -> io::Result<Self> {
        Ok(Reader {
            src: BufReader::with_capacity(64 * 1024, gz::Members::new(inner)?),
            used: 0,
            started: false,
            done: false,
            resume: Resume::Normal,
            pending: None,
            line: Vec::new(),
        })
    }

    pub fn is_gzip(&self) -> bool {
        self.src.get_ref().is_gzip()
    }

    /// Compressed bytes consumed so far (for progress and throughput).
    pub fn pos(&self) -> u64 {
        self.src.get_ref().pos()
    }

    /// The next record, its block read only when `want(head)` says so (others are skipped, at
    /// the cost of decompressing them). `None` at the end of the file.
    pub fn next_record(
        &mut self,
        want: &mut dyn FnMut(&Head) -> bool,
    ) -> Option<Result<Record, WarcError>> {
        loop {
            if let Some(c) = self.pending.take() {
                return Some(Err(c.into()));
            }
            if self.done {
                return None;
            }
            match self.step(want) {
                Ok(Some(r)) => return Some(Ok(r)),
                Ok(None) => continue,
                Err(Fail::Io(e)) => {
                    self.done = true;
                    return Some(Err(WarcError::Io(e)));
                }
                Err(Fail::Corrupt(offset, what)) => {
                    let c = Corrupt {
                        offset,
                        gzip: self.is_gzip(),
                        what,
                    };
                    if let Err(e) = self.recover() {
                        self.done = true;
                        self.pending = Some(c);
                        return Some(Err(WarcError::Io(e)));
                    }
                    return Some(Err(c.into()));
                }
            }
        }
    }

    /// Move to the next member when the current one is used up (or abandoned); `Ok(false)` at
    /// the end of the file.
    fn advance(&mut self) -> Result<bool, Fail> {
        // Whatever the buffer still holds belongs to the member being left.
        let n = self.src.buffer().len();
        self.src.consume(n);
        self.used = 0;
        match self.src.get_mut().next_member().map_err(Fail::Io)? {
            gz::Next::Member(_) => Ok(true),
            gz::Next::End => Ok(false),
            gz::Next::Garbage { at, resumed } => {
                let what = match resumed {
                    Some(r) => format!("{} bytes that are not gzip data", r - at),
                    None => "bytes that are not gzip data up to the end of the file".into(),
                };
                self.pending = Some(Corrupt {
                    offset: at,
                    gzip: true,
                    what,
                });
                Ok(resumed.is_some())
            }
        }
    }

    /// After a corrupt record: on to the next member (gzip), or the next version line (plain,
    /// done by `step` skipping lines until one starts a record).
    fn recover(&mut self) -> io::Result<()> {
        if self.is_gzip() {
            let n = self.src.buffer().len();
            self.src.consume(n);
            self.used = 0;
            self.resume = Resume::Normal;
            if self.src.get_mut().resync()?.is_none() {
                self.done = true;
            }
        }
        Ok(())
    }

    fn record_offset(&self) -> u64 {
        if self.is_gzip() {
            self.src.get_ref().member_start()
        } else {
            self.used
        }
    }

    /// Read one line (with its `\n`) into `self.line`; its length, 0 at the end of the member.
    fn read_line(&mut self) -> Result<usize, Fail> {
        self.line.clear();
        let n = (&mut self.src)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut self.line)
            .map_err(|e| self.read_fail(e))?;
        self.used += n as u64;
        Ok(n)
    }

    fn read_fail(&self, e: io::Error) -> Fail {
        match e.kind() {
            io::ErrorKind::UnexpectedEof => Fail::Corrupt(
                self.record_offset(),
                "the file ends inside this gzip member (truncated copy?)".into(),
            ),
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => {
                Fail::Corrupt(self.record_offset(), format!("corrupt gzip data: {e}"))
            }
            _ => Fail::Io(e),
        }
    }

    /// Parse the next record; `Ok(None)` when a member ended without one.
    fn step(&mut self, want: &mut dyn FnMut(&Head) -> bool) -> Result<Option<Record>, Fail> {
        if !self.started {
            self.started = true;
            if self.is_gzip() && !self.advance()? {
                self.done = true;
                return Ok(None);
            }
        }
        match std::mem::replace(&mut self.resume, Resume::Normal) {
            Resume::Normal => {}
            Resume::AbandonMember => {
                if !self.advance()? {
                    self.done = true;
                }
                return Ok(None);
            }
            Resume::SkipToVersion => loop {
                if self.read_line()? == 0 {
                    self.done = true;
                    return Ok(None);
                }
                if self.line.starts_with(b"WARC/") {
                    let offset = self.used - self.line.len() as u64;
                    return self.parse_after_version(offset, want);
                }
            },
        }
        // Skip the blank lines between records; find the version line.
        loop {
            let start = self.used;
            if self.read_line()? == 0 {
                if !self.is_gzip() || !self.advance()? {
                    self.done = true;
                }
                return Ok(None);
            }
            let line = trim_eol(&self.line);
            if line.is_empty() {
                continue;
            }
            if line.starts_with(b"WARC/") {
                let offset = if self.is_gzip() {
                    self.src.get_ref().member_start()
                } else {
                    start
                };
                return self.parse_after_version(offset, want);
            }
            let what = format!(
                "expected a WARC version line, found {:?}",
                String::from_utf8_lossy(&line[..line.len().min(40)])
            );
            if self.is_gzip() {
                self.resume = Resume::AbandonMember;
                return Err(Fail::Corrupt(self.record_offset(), what));
            }
            self.resume = Resume::SkipToVersion;
            return Err(Fail::Corrupt(start, what));
        }
    }

    /// `self.line` holds a version line: read the fields and the block.
    fn parse_after_version(
        &mut self,
        offset: u64,
        want: &mut dyn FnMut(&Head) -> bool,
    ) -> Result<Option<Record>, Fail> {
        let mut head = Head {
            version: String::from_utf8_lossy(trim_eol(&self.line)).into_owned(),
            fields: Vec::new(),
            raw: self.line.clone(),
        };
        let corrupt = |me: &mut Self, what: String| {
            me.resume = if me.is_gzip() {
                Resume::AbandonMember
            } else {
                Resume::SkipToVersion
            };
            Err(Fail::Corrupt(offset, what))
        };
        loop {
            if self.read_line()? == 0 {
                return corrupt(self, "the header ends before its blank line".into());
            }
            head.raw.extend_from_slice(&self.line);
            let line = trim_eol(&self.line);
            if line.is_empty() {
                break;
            }
            if head.fields.len() >= MAX_FIELDS || self.line.len() >= MAX_LINE {
                return corrupt(self, "header too large: not a WARC header".into());
            }
            let line = String::from_utf8_lossy(line);
            if line.starts_with([' ', '\t']) {
                // A folded continuation line (WARC 1.0 allows them).
                if let Some((_, v)) = head.fields.last_mut() {
                    v.push(' ');
                    v.push_str(line.trim());
                    continue;
                }
            }
            match line.split_once(':') {
                Some((k, v)) if !k.is_empty() && !k.contains(' ') => {
                    head.fields.push((k.to_string(), v.trim().to_string()))
                }
                _ => return corrupt(self, format!("bad header line {:?}", truncate(&line, 60))),
            }
        }
        let Some(len) = head.get("Content-Length") else {
            return corrupt(self, "no Content-Length".into());
        };
        let Ok(len) = len.trim().parse::<u64>() else {
            return corrupt(self, format!("bad Content-Length {len:?}"));
        };
        let keep = want(&head);
        let mut block = Vec::new();
        let got = if keep {
            block.reserve(len.min(64 << 20) as usize);
            (&mut self.src)
                .take(len)
                .read_to_end(&mut block)
                .map_err(|e| self.read_fail(e))? as u64
        } else {
            io::copy(&mut (&mut self.src).take(len), &mut io::sink())
                .map_err(|e| self.read_fail(e))?
        };
        self.used += got;
        if got < len {
            return corrupt(
                self,
                format!("block truncated: {got} of the {len} bytes Content-Length gives"),
            );
        }
        // In a gzip file a record ends with CRLF CRLF, then its member ends or the next record
        // starts. Anything else means Content-Length is shorter than the record: its block is
        // cut, not whole. (In a plain file the bytes after it are reported on their own.)
        if self.is_gzip() && !self.at_record_end().map_err(|e| self.read_fail(e))? {
            return corrupt(
                self,
                format!(
                    "Content-Length {len} ends inside the record (more bytes follow its block)"
                ),
            );
        }
        Ok(Some(Record {
            offset,
            head,
            block,
            kept: keep,
        }))
    }
}

impl<R: Read> Reader<R> {
    /// Skip the CRLFs after a block; whether the member (or file) ends there or a version line
    /// follows.
    fn at_record_end(&mut self) -> io::Result<bool> {
        loop {
            let buf = self.src.fill_buf()?;
            if buf.is_empty() {
                return Ok(true);
            }
            let n = buf
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            if n == 0 {
                // Enough bytes to tell a version line: the buffer holds at least 5 unless the
                // member ends first, and a member ending in a partial `WARC/` is not one.
                return Ok(buf.starts_with(b"WARC/"));
            }
            self.src.consume(n);
            self.used += n as u64;
        }
    }
}

enum Resume {
    Normal,
    /// Skip what is left of the current gzip member.
    AbandonMember,
    /// Plain file: skip lines up to the next version line.
    SkipToVersion,
}

enum Fail {
    Io(io::Error),
    Corrupt(u64, String),
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn truncate(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Whether a file name says WARC or WET (`.warc`, `.warc.gz`, `.wet`, `.wet.gz`, CC's
/// `.warc.wet.gz`).
pub fn is_warc_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.strip_suffix(".gz").unwrap_or(&n);
    n.ends_with(".warc") || n.ends_with(".wet") || n.ends_with(".arc.warc")
}

/// Whether `head` (the first bytes of a file) starts a WARC file: `WARC/1.` in plain text or in
/// the first gzip member.
pub fn sniff(head: &[u8]) -> bool {
    if head.starts_with(b"WARC/1.") {
        return true;
    }
    if gz::is_gzip(head) {
        let mut d = flate2::bufread::GzDecoder::new(head);
        let mut start = [0u8; 7];
        return d.read_exact(&mut start).is_ok() && &start == b"WARC/1.";
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn record(kind: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{kind}>\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// A record as the tests see it: type, offset, block; or the error's message.
    type Seen = Result<(String, u64, Vec<u8>), String>;

    fn all(data: &[u8]) -> Vec<Seen> {
        let mut r = Reader::new(data).unwrap();
        let mut out = Vec::new();
        while let Some(x) = r.next_record(&mut |h| h.kind() != "request") {
            out.push(match x {
                Ok(rec) => Ok((rec.head.kind().to_string(), rec.offset, rec.block)),
                Err(e) => Err(e.to_string()),
            });
        }
        out
    }

    #[test]
    fn plain_and_gzip_files_give_the_same_records() {
        let recs = [
            record("warcinfo", b"software: test"),
            record("request", b"GET / HTTP/1.1\r\n\r\n"),
            record("response", b"HTTP/1.1 200 OK\r\n\r\nhello"),
        ];
        let plain = recs.concat();
        let members: Vec<Vec<u8>> = recs.iter().map(|r| gz(r)).collect();
        let gzip = members.concat();
        let p = all(&plain);
        let g = all(&gzip);
        assert_eq!(p.len(), 3);
        let kinds = |v: &[Seen]| -> Vec<String> {
            v.iter().map(|r| r.as_ref().unwrap().0.clone()).collect()
        };
        assert_eq!(kinds(&p), ["warcinfo", "request", "response"]);
        assert_eq!(kinds(&g), kinds(&p));
        // Offsets: of the record in a plain file, of its member in a gzip file.
        assert_eq!(
            p[2].as_ref().unwrap().1,
            (recs[0].len() + recs[1].len()) as u64
        );
        assert_eq!(
            g[2].as_ref().unwrap().1,
            (members[0].len() + members[1].len()) as u64
        );
        assert_eq!(g[2].as_ref().unwrap().2, b"HTTP/1.1 200 OK\r\n\r\nhello");
        // Unwanted blocks are skipped, not read.
        assert!(g[1].as_ref().unwrap().2.is_empty());
    }

    #[test]
    fn one_member_holding_every_record_reads_too() {
        let recs = [record("warcinfo", b"x"), record("response", b"y")].concat();
        let g = all(&gz(&recs));
        assert_eq!(g.len(), 2);
        assert!(g.iter().all(|r| r.is_ok()));
    }

    #[test]
    fn a_bad_record_is_reported_and_the_next_one_read() {
        let good = gz(&record("response", b"one"));
        let bad = gz(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: nope\r\n\r\nzzz");
        let lying = gz(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\nshort");
        let last = gz(&record("response", b"two"));
        let file = [good.clone(), bad.clone(), lying, last].concat();
        let out = all(&file);
        assert_eq!(out.len(), 4, "{out:?}");
        assert!(out[0].is_ok());
        let e = out[1].as_ref().unwrap_err();
        assert!(e.contains(&format!("at byte {}", good.len())), "{e}");
        assert!(e.contains("bad Content-Length"), "{e}");
        assert!(out[2]
            .as_ref()
            .unwrap_err()
            .contains("truncated: 5 of the 500"));
        assert_eq!(out[3].as_ref().unwrap().2, b"two");
    }

    #[test]
    fn a_content_length_too_short_is_caught_at_the_member_end() {
        let mut short = record("response", b"the whole block");
        let s = String::from_utf8(short.clone()).unwrap();
        short = s
            .replace("Content-Length: 15", "Content-Length: 8")
            .into_bytes();
        let file = [gz(&short), gz(&record("response", b"next"))].concat();
        let out = all(&file);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[0]
            .as_ref()
            .unwrap_err()
            .contains("ends inside the record"));
        assert_eq!(out[1].as_ref().unwrap().2, b"next");
    }

    #[test]
    fn a_file_cut_mid_member_reports_the_cut_record() {
        let a = gz(&record("response", b"one"));
        let b = gz(&record("response", &b"two ".repeat(400)));
        let file = [a.clone(), b[..b.len() / 2].to_vec()].concat();
        let out = all(&file);
        assert_eq!(out.len(), 2, "{out:?}");
        let e = out[1].as_ref().unwrap_err();
        assert!(e.contains(&format!("at byte {}", a.len())), "{e}");
        assert!(e.contains("truncated"), "{e}");
    }

    #[test]
    fn garbage_in_a_plain_file_is_skipped_to_the_next_record() {
        let file = [
            record("response", b"one"),
            b"garbage line\r\nmore garbage\r\n".to_vec(),
            record("response", b"two"),
        ]
        .concat();
        let out = all(&file);
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(out[1]
            .as_ref()
            .unwrap_err()
            .contains("expected a WARC version line"));
        assert_eq!(out[2].as_ref().unwrap().2, b"two");
    }

    #[test]
    fn names_and_magic() {
        assert!(is_warc_name("CC-MAIN-2024-10-00001.warc.gz"));
        assert!(is_warc_name("x.warc.wet.gz"));
        assert!(is_warc_name("X.WARC"));
        assert!(!is_warc_name("page.html"));
        assert!(!is_warc_name("notes.gz"));
        assert!(sniff(b"WARC/1.1\r\n"));
        assert!(sniff(&gz(b"WARC/1.0\r\nWARC-Type: warcinfo")));
        assert!(!sniff(&gz(b"<html>")));
        assert!(!sniff(b"<html>"));
    }
}
