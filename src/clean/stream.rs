//! Streaming: cut input into blocks of whole lines, clean them in order, on one or more threads.
//!
//! Memory stays bounded whatever the input: a block is about [`BLOCK`] bytes of whole lines, and a
//! line longer than [`LONG_LINE`] is cut into pieces between two CJK characters (or anywhere in
//! pure ASCII), where no junk can straddle the cut. Block boundaries depend only on the input
//! bytes, never on how reads happen to return, so output is the same for any `-j`.

use super::block::{Cleaner, Edges, Options};
use super::stats::Stats;
use memchr::{memchr, memrchr};
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;

/// Target block size. SEO strings are confirmed within a block, so a block is one "document"
/// for that rule; 1 MiB holds any forum thread.
pub const BLOCK: usize = 1 << 20;
/// A line longer than this is cleaned in pieces.
pub const LONG_LINE: usize = 1 << 20;
const READ_SIZE: usize = 1 << 20;

/// Splits a byte stream into blocks.
pub struct Chunker<R> {
    reader: R,
    /// Storage; `buf[start..end]` is data not yet handed out. It is zeroed once when it grows,
    /// never per read.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes handed out by the last `next_block`, dropped on the next call.
    consumed: usize,
    eof: bool,
    starts_line: bool,
    /// No block handed out yet: the next one starts the input.
    at_start: bool,
    /// The last block ended a document (a record of `separator`).
    doc_ended: bool,
    /// Cut lines longer than [`LONG_LINE`] into pieces (else a block grows to hold the line).
    pub split_long_lines: bool,
    /// Records are separated by this byte (`-z`): blocks end after one where they can, so a
    /// record is one document unless it is longer than a block.
    pub separator: Option<u8>,
}

impl<R: Read> Chunker<R> {
    pub fn new(reader: R) -> Self {
        Chunker {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            consumed: 0,
            eof: false,
            starts_line: true,
            at_start: true,
            doc_ended: true,
            split_long_lines: true,
            separator: None,
        }
    }

    /// The next block and its edges, or `None` at the end of input.
    pub fn next_block(&mut self) -> io::Result<Option<(&[u8], Edges)>> {
        self.start += self.consumed;
        self.consumed = 0;
        loop {
            let data = &self.buf[self.start..self.end];
            if let Some((len, ends_line)) =
                cut(data, self.eof, self.split_long_lines, self.separator)
            {
                if len == 0 {
                    return Ok(None);
                }
                let at_end = self.eof && len == data.len();
                let ends_record = self.separator.is_some_and(|sep| data[len - 1] == sep);
                let edges = Edges {
                    starts_line: self.starts_line,
                    ends_line,
                    starts_doc: self.at_start || (self.separator.is_some() && self.doc_ended),
                    ends_doc: at_end || ends_record,
                };
                self.at_start = false;
                self.doc_ended = ends_record;
                self.starts_line = ends_line;
                self.consumed = len;
                return Ok(Some((&self.buf[self.start..self.start + len], edges)));
            }
            self.fill()?;
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.end + READ_SIZE > self.buf.len() {
            // Move the unread data to the front, and grow only if that is not room enough.
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if self.end + READ_SIZE > self.buf.len() {
                let want = (self.end + READ_SIZE).max(BLOCK + LONG_LINE + READ_SIZE);
                self.buf.resize(want, 0);
            }
        }
        loop {
            match self
                .reader
                .read(&mut self.buf[self.end..self.end + READ_SIZE])
            {
                Ok(n) => {
                    self.end += n;
                    self.eof = n == 0;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// Where to end the next block of `buf`: `(length, ends_at_line_end)`, or `None` to read more.
/// With a record separator, a block ends after one when one follows [`BLOCK`] closely enough,
/// else it is cut as lines are.
fn cut(buf: &[u8], eof: bool, split_long: bool, sep: Option<u8>) -> Option<(usize, bool)> {
    if let Some(sep) = sep {
        if buf.len() >= BLOCK {
            if let Some(i) = memchr(sep, &buf[BLOCK - 1..(BLOCK + LONG_LINE).min(buf.len())]) {
                return Some((BLOCK + i, true));
            }
        }
    }
    if buf.len() >= BLOCK {
        if let Some(i) = memchr(b'\n', &buf[BLOCK - 1..]) {
            if BLOCK - 1 + i < BLOCK + LONG_LINE || !split_long {
                return Some((BLOCK + i, true));
            }
        }
    }
    if eof {
        return Some((buf.len(), true));
    }
    if buf.len() < BLOCK + LONG_LINE || !split_long {
        return None;
    }
    // A line longer than LONG_LINE runs through BLOCK. End the block before it if it started in
    // this block, otherwise cut the line itself.
    if let Some(i) = memrchr(b'\n', &buf[..BLOCK]) {
        return Some((i + 1, true));
    }
    Some((piece_cut(buf, BLOCK), false))
}

/// A position near `at` to cut a long line: between two characters of three or more bytes (CJK
/// text), where no junk or SEO string can be cut in two; else any character boundary.
fn piece_cut(buf: &[u8], at: usize) -> usize {
    let floor = at.saturating_sub(64 << 10).max(4);
    let mut i = at;
    while i > floor {
        if buf[i] >= 0xE0 && buf[i - 3] >= 0xE0 && is_cont(buf[i - 1]) && is_cont(buf[i - 2]) {
            return i;
        }
        i -= 1;
    }
    let mut i = at;
    while i > 0 && is_cont(buf[i]) {
        i -= 1;
    }
    if i == 0 {
        at
    } else {
        i
    }
}

#[inline]
fn is_cont(b: u8) -> bool {
    (0x80..0xC0).contains(&b)
}

/// Clean an in-memory slice with `cleaner`, block by block, appending to `out`.
pub fn clean_slice(data: &[u8], cleaner: &mut Cleaner, out: &mut Vec<u8>, stats: &mut Stats) {
    // The same blocks the stream chunker would cut, taken from the slice in place: no copy
    // into (and no zeroing of) a read buffer, which for the many small texts of `extract` cost
    // more than the cleaning.
    let mut rest = data;
    let mut starts_line = true;
    while !rest.is_empty() {
        let (len, ends_line) = cut(rest, false, true, cleaner.options().separator)
            .or_else(|| cut(rest, true, true, cleaner.options().separator))
            .expect("cut at end of input always cuts");
        let edges = Edges {
            starts_line,
            ends_line,
            starts_doc: rest.len() == data.len(),
            ends_doc: len == rest.len(),
        };
        cleaner.clean_block(&rest[..len], edges, out, stats);
        starts_line = ends_line;
        rest = &rest[len..];
    }
}

/// Something that turns one block of input into output: the text cleaner, the JSON Lines
/// cleaner. The driver below runs it over a stream, in order, on one or more threads.
pub trait Processor: Send {
    type Stats: Default + Send;
    type Error: Send + From<io::Error>;
    /// Whether a line longer than [`LONG_LINE`] may be cut into pieces (text yes, JSON no).
    const SPLIT_LONG_LINES: bool;
    /// Whether `process` needs `first_line` (counting lines costs a pass over the input).
    const LINE_NUMBERS: bool;
    /// Process `block`, whose first line is line `first_line` (1-based) of the input.
    fn process(
        &mut self,
        block: &[u8],
        edges: Edges,
        first_line: u64,
        out: &mut Vec<u8>,
        stats: &mut Self::Stats,
    ) -> Result<(), Self::Error>;
    fn merge(into: &mut Self::Stats, from: Self::Stats);
}

impl Processor for Cleaner {
    type Stats = Stats;
    type Error = io::Error;
    const SPLIT_LONG_LINES: bool = true;
    const LINE_NUMBERS: bool = false;
    fn process(
        &mut self,
        block: &[u8],
        edges: Edges,
        _: u64,
        out: &mut Vec<u8>,
        stats: &mut Stats,
    ) -> io::Result<()> {
        self.clean_block(block, edges, out, stats);
        Ok(())
    }
    fn merge(into: &mut Stats, from: Stats) {
        into.merge(&from);
    }
}

/// Clean `reader` into `writer` on `threads` threads (1: in the calling thread).
pub fn clean_stream<R: Read + Send, W: Write>(
    reader: R,
    writer: &mut W,
    opts: &Options,
    threads: usize,
) -> io::Result<Stats> {
    run(reader, writer, threads, opts.separator, || {
        Cleaner::new(opts.clone())
    })
}

/// Run processors made by `make` over `reader`, writing their output to `writer` in input order.
///
/// Read errors are returned as they are, and so are write errors (the caller treats a broken pipe
/// as the reader of the output going away). On the first error, work stops.
pub fn run<R, W, P, F>(
    reader: R,
    writer: &mut W,
    threads: usize,
    separator: Option<u8>,
    make: F,
) -> Result<P::Stats, P::Error>
where
    R: Read + Send,
    W: Write,
    P: Processor,
    F: Fn() -> P + Sync,
{
    let mut stats = P::Stats::default();
    let mut chunker = Chunker::new(reader);
    chunker.split_long_lines = P::SPLIT_LONG_LINES;
    chunker.separator = separator;
    if threads <= 1 {
        let mut p = make();
        let mut out = Vec::with_capacity(BLOCK + LONG_LINE);
        let mut line = 1;
        while let Some((block, edges)) = chunker.next_block()? {
            out.clear();
            p.process(block, edges, line, &mut out, &mut stats)?;
            if P::LINE_NUMBERS {
                line += count_lines(block);
            }
            writer.write_all(&out)?;
        }
        return Ok(stats);
    }

    type Job = (u64, Vec<u8>, Edges, u64);
    // Bounded queues keep memory at a few blocks per thread.
    let (job_tx, job_rx) = sync_channel::<Job>(threads);
    let (done_tx, done_rx) = sync_channel(threads * 2);
    let job_rx = Arc::new(Mutex::new(job_rx));
    thread::scope(|scope| {
        let reader_handle = scope.spawn(move || -> io::Result<()> {
            let mut seq = 0;
            let mut line = 1;
            while let Some((block, edges)) = chunker.next_block()? {
                let lines = if P::LINE_NUMBERS {
                    count_lines(block)
                } else {
                    0
                };
                if job_tx.send((seq, block.to_vec(), edges, line)).is_err() {
                    break; // the writer stopped on an error: stop reading
                }
                line += lines;
                seq += 1;
            }
            Ok(())
        });
        for _ in 0..threads {
            let job_rx: Arc<Mutex<Receiver<Job>>> = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            let make = &make;
            scope.spawn(move || {
                let mut p = make();
                loop {
                    let job = job_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((seq, block, edges, line))) = job else {
                        return;
                    };
                    let mut out = Vec::with_capacity(block.len());
                    let mut stats = P::Stats::default();
                    let r = p
                        .process(&block, edges, line, &mut out, &mut stats)
                        .map(|()| (out, stats));
                    if done_tx.send((seq, r)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        // Write results in input order. Returning early drops the receiver, which stops the
        // workers and then the reader.
        let written = (|| -> Result<(), P::Error> {
            let mut next = 0;
            let mut pending = std::collections::BTreeMap::new();
            for (seq, r) in done_rx {
                pending.insert(seq, r);
                while let Some(r) = pending.remove(&next) {
                    let (out, s) = r?;
                    writer.write_all(&out)?;
                    P::merge(&mut stats, s);
                    next += 1;
                }
            }
            Ok(())
        })();
        let read = reader_handle.join().expect("reader thread does not panic");
        written?;
        read?;
        Ok(stats)
    })
}

fn count_lines(block: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', block).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_are_at_newlines_after_block_size() {
        let mut data = vec![b'a'; BLOCK + 10];
        data[BLOCK + 3] = b'\n';
        assert_eq!(cut(&data, false, true, None), Some((BLOCK + 4, true)));
        assert_eq!(cut(&data[..100], false, true, None), None);
        assert_eq!(cut(&data[..100], true, true, None), Some((100, true)));
    }

    #[test]
    fn long_line_is_cut_between_cjk_characters() {
        let mut data = "中".repeat((BLOCK + LONG_LINE) / 3 + 10).into_bytes();
        data.insert(0, b'x');
        let (len, ends) = cut(&data, false, true, None).unwrap();
        assert!(!ends);
        assert!(std::str::from_utf8(&data[1..len]).is_ok());
        assert_eq!(cut(&data, false, false, None), None);
    }

    #[test]
    fn parallel_output_equals_serial() {
        let mut text = String::new();
        for i in 0..60_000 {
            text.push_str(&format!(
                "第{i}行内容。8 G, {{* O5 w4 X) s6 w\n普通的一行\n"
            ));
        }
        let opts = Options::default();
        let mut serial = Vec::new();
        let s1 = clean_stream(text.as_bytes(), &mut serial, &opts, 1).unwrap();
        let mut par = Vec::new();
        let s2 = clean_stream(text.as_bytes(), &mut par, &opts, 3).unwrap();
        assert_eq!(serial, par);
        assert_eq!(s1, s2);
        assert!(text.len() > 2 * BLOCK);
        assert_eq!(s1.lines, 120_000);
    }
}
