//! Writing WARC records back: a WET `conversion` record whose text changed gets a new
//! `Content-Length` and new digests; one that did not is written byte for byte as it was read.

use super::Head;
use std::io::{self, Write};

/// Write a record with `block` as its content. `changed` says whether `block` differs from the
/// block `head` was read with: if not, the header is written as read.
pub fn write_record(
    out: &mut dyn Write,
    head: &Head,
    block: &[u8],
    changed: bool,
) -> io::Result<()> {
    if changed {
        out.write_all(head.version.as_bytes())?;
        out.write_all(b"\r\n")?;
        let digest = block_digest(block);
        for (k, v) in &head.fields {
            let v = if k.eq_ignore_ascii_case("Content-Length") {
                std::borrow::Cow::Owned(block.len().to_string())
            } else if k.eq_ignore_ascii_case("WARC-Block-Digest")
                // A conversion record's payload is its block.
                || (k.eq_ignore_ascii_case("WARC-Payload-Digest") && head.kind() == "conversion")
            {
                std::borrow::Cow::Borrowed(digest.as_str())
            } else {
                std::borrow::Cow::Borrowed(v.as_str())
            };
            write!(out, "{k}: {v}\r\n")?;
        }
        out.write_all(b"\r\n")?;
    } else {
        out.write_all(&head.raw)?;
    }
    out.write_all(block)?;
    out.write_all(b"\r\n\r\n")
}

/// `sha1:` and the SHA-1 of `block` in base32, as WARC writers (and warcio's checks) use.
pub fn block_digest(block: &[u8]) -> String {
    let hash = sha1_smol::Sha1::from(block).digest().bytes();
    format!("sha1:{}", base32(&hash))
}

/// RFC 4648 base32 (upper case, no padding needed for 20 bytes).
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let v = buf.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64);
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(ALPHABET[((v >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_as_warc_writers_make_them() {
        // sha1("") = da39a3ee5e6b4b0d3255bfef95601890afd80709
        assert_eq!(block_digest(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
    }

    #[test]
    fn unchanged_records_are_written_as_read_and_changed_ones_fixed() {
        let raw = b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 5\r\nWARC-Block-Digest: sha1:X\r\n\r\n";
        let head = Head {
            version: "WARC/1.0".into(),
            fields: vec![
                ("WARC-Type".into(), "conversion".into()),
                ("Content-Length".into(), "5".into()),
                ("WARC-Block-Digest".into(), "sha1:X".into()),
            ],
            raw: raw.to_vec(),
        };
        let mut out = Vec::new();
        write_record(&mut out, &head, b"hello", false).unwrap();
        assert_eq!(out, [&raw[..], b"hello\r\n\r\n"].concat());
        out.clear();
        write_record(&mut out, &head, b"hi", true).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("Content-Length: 2\r\n"), "{s}");
        assert!(s.contains(&format!("WARC-Block-Digest: {}\r\n", block_digest(b"hi"))));
        assert!(s.ends_with("\r\n\r\nhi\r\n\r\n"));
    }
}
