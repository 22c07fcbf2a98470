//! The HTTP response inside a WARC `response` record.
//!
//! Common Crawl stores payloads de-chunked and decompressed, and renames the headers that no
//! longer hold (`X-Crawler-Content-Encoding`, `X-Crawler-Transfer-Encoding`,
//! `X-Crawler-Content-Length`). Other crawlers (wget, Heritrix, warcio's capture) store the
//! bytes as they came: chunked framing and a gzip or brotli body. Both are read here: the
//! framing and encoding a header still announces are undone, and where undoing fails (the
//! header lies, as in CC's files rewritten by other tools) the bytes are kept as they are.

use std::borrow::Cow;
use std::io::Read;

/// A parsed response: the head as text (status line and headers) and the body.
#[derive(Debug)]
pub struct Response<'a> {
    pub status: Option<u16>,
    /// Status line and header lines, for [`crate::extract::Options::from_response_head`].
    pub head: Cow<'a, str>,
    pub body: Cow<'a, [u8]>,
    /// What was undone (`chunked`, `gzip`, ...) and what could not be.
    pub notes: Vec<String>,
}

impl Response<'_> {
    /// A header's value (the first one named `name`).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Split `block` into head and body; `None` when it is not an HTTP response.
pub fn parse(block: &[u8], max_body: u64) -> Option<Response<'_>> {
    if !block.starts_with(b"HTTP/") {
        return None;
    }
    let (head_end, body_start) = match memchr::memmem::find(block, b"\r\n\r\n") {
        Some(i) => (i, i + 4),
        None => {
            let i = memchr::memmem::find(block, b"\n\n")?;
            (i, i + 2)
        }
    };
    let head = String::from_utf8_lossy(&block[..head_end]);
    let status = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok());
    let mut r = Response {
        status,
        head,
        body: Cow::Borrowed(&block[body_start..]),
        notes: Vec::new(),
    };
    if r.header("Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        match dechunk(&r.body) {
            Some(b) => {
                r.body = Cow::Owned(b);
                r.notes.push("chunked framing removed".into());
            }
            None => r
                .notes
                .push("Transfer-Encoding says chunked, but the body is not: kept".into()),
        }
    }
    if let Some(enc) = r.header("Content-Encoding").map(str::to_ascii_lowercase) {
        let enc = enc.trim();
        if !matches!(enc, "" | "identity") {
            match decode(&r.body, enc, max_body) {
                Ok(b) => {
                    r.body = Cow::Owned(b);
                    r.notes.push(format!("{enc} body decoded"));
                }
                Err(why) => r.notes.push(format!("Content-Encoding {enc}: {why}; kept")),
            }
        }
    }
    Some(r)
}

/// Undo chunked framing; `None` when the body is not validly chunked.
fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    loop {
        let eol = memchr::memchr(b'\n', b)?;
        let line = std::str::from_utf8(&b[..eol]).ok()?.trim();
        // Chunk extensions (`;name=value`) are allowed and ignored.
        let size = line.split(';').next()?.trim();
        let n = usize::from_str_radix(size, 16).ok()?;
        b = &b[eol + 1..];
        if n == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..n)?);
        b = &b[n..];
        b = b
            .strip_prefix(b"\r\n")
            .or_else(|| b.strip_prefix(b"\n"))
            .unwrap_or(b);
    }
}

fn decode(body: &[u8], enc: &str, max: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let r = match enc {
        "gzip" | "x-gzip" => {
            if !super::gz::is_gzip(body) {
                return Err("the body is not gzip data".into());
            }
            flate2::read::MultiGzDecoder::new(body)
                .take(max + 1)
                .read_to_end(&mut out)
        }
        "deflate" => {
            // Servers send zlib-wrapped or raw deflate under this name: try both.
            let zlib = flate2::read::ZlibDecoder::new(body)
                .take(max + 1)
                .read_to_end(&mut out);
            if zlib.is_err() {
                out.clear();
                flate2::read::DeflateDecoder::new(body)
                    .take(max + 1)
                    .read_to_end(&mut out)
            } else {
                zlib
            }
        }
        "br" => brotli_decompressor::Decompressor::new(body, 64 * 1024)
            .take(max + 1)
            .read_to_end(&mut out),
        other => return Err(format!("unknown encoding {other:?}")),
    };
    match r {
        Ok(_) if out.len() as u64 > max => Err(format!("larger than {max} bytes decoded")),
        Ok(_) => Ok(out),
        Err(e) => Err(format!("cannot decode ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn common_crawl_payloads_are_taken_as_stored() {
        let block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gbk\r\nX-Crawler-Content-Encoding: gzip\r\nX-Crawler-Transfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n<html>";
        let r = parse(block, 1 << 20).unwrap();
        assert_eq!(r.status, Some(200));
        assert_eq!(&*r.body, b"<html>");
        assert!(r.notes.is_empty());
        assert_eq!(r.header("content-type"), Some("text/html; charset=gbk"));
    }

    #[test]
    fn raw_chunked_gzip_bodies_are_undone() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all("<html>帖子</html>".as_bytes()).unwrap();
        let gz = e.finish().unwrap();
        let (a, b) = gz.split_at(10);
        let mut block =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
        for part in [a, b] {
            block.extend_from_slice(format!("{:x};ext=1\r\n", part.len()).as_bytes());
            block.extend_from_slice(part);
            block.extend_from_slice(b"\r\n");
        }
        block.extend_from_slice(b"0\r\n\r\n");
        let r = parse(&block, 1 << 20).unwrap();
        assert_eq!(std::str::from_utf8(&r.body).unwrap(), "<html>帖子</html>");
        assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
    }

    #[test]
    fn a_header_that_lies_leaves_the_body_alone() {
        let block =
            b"HTTP/1.1 200 OK\nContent-Encoding: gzip\nTransfer-Encoding: chunked\n\n<html>x</html>";
        let r = parse(block, 1 << 20).unwrap();
        assert_eq!(&*r.body, b"<html>x</html>");
        assert_eq!(r.notes.len(), 2);
    }

    #[test]
    fn not_http_is_none() {
        assert!(parse(b"<html>", 100).is_none());
        assert!(parse(b"HTTP/1.1 200 OK\r\nno end of head", 100).is_none());
    }

    #[test]
    fn decoding_is_capped() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![b'a'; 100_000]).unwrap();
        let gz = e.finish().unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend_from_slice(&gz);
        let r = parse(&block, 1000).unwrap();
        assert_eq!(r.body.len(), gz.len());
        assert!(r.notes[0].contains("larger than 1000"), "{:?}", r.notes);
    }
}
