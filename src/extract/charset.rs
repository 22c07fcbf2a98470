//! Bytes to text: the charset comes from the user (`--charset`), then the HTTP header, then the
//! page's `<meta charset>` / `http-equiv`, then a detector on the first bytes. GBK and GB2312
//! are decoded as GB18030 and Big5 as Big5-HKSCS, their supersets (encoding_rs does both: the
//! WHATWG labels map there).

use encoding_rs::{Encoding, UTF_8};

/// How the charset was found, for reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Given,
    Header,
    Meta,
    Bom,
    Detected,
    /// The header or meta named a legacy charset, but the bytes are UTF-8 (see [`choose`]).
    Utf8OverDeclared(&'static Encoding),
}

impl Source {
    /// Why the charset was taken, when that is worth a word (`-v`).
    pub fn note(self) -> Option<String> {
        match self {
            Source::Utf8OverDeclared(e) => Some(format!(
                "the page declares {}, but its bytes are valid UTF-8 with multi-byte characters: decoded as UTF-8",
                e.name()
            )),
            _ => None,
        }
    }
}

/// Non-ASCII UTF-8 sequences needed before a declared legacy charset is overruled: text in
/// GBK or Big5 is valid UTF-8 by chance only for a character or two.
const UTF8_EVIDENCE: usize = 4;

/// Look up an encoding by label (`gbk`, `gb2312`, `big5`, `utf-8`, ...).
pub fn by_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().trim_matches(['"', '\'']).as_bytes())
}

/// The charset named in a `Content-Type` value (`text/html; charset=gbk`).
pub fn from_content_type(ct: &str) -> Option<&'static Encoding> {
    ct.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| by_label(v))
            .flatten()
    })
}

/// The charset declared by the page in its first 4 KiB: `<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…charset=…">`.
pub fn from_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + i;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(j) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[j + 7..];
            let rest = rest
                .iter()
                .skip_while(|&&b| b == b' ' || b == b'=')
                .copied()
                .collect::<Vec<u8>>();
            let value: Vec<u8> = rest
                .iter()
                .skip_while(|&&b| b == b'"' || b == b'\'')
                .take_while(|&&b| !matches!(b, b'"' | b'\'' | b' ' | b';' | b'/' | b'>'))
                .copied()
                .collect();
            if let Some(e) = std::str::from_utf8(&value).ok().and_then(by_label) {
                return Some(e);
            }
        }
        from = end;
    }
    None
}

/// Pick the encoding for `bytes`. GBK (and GB2312, which WHATWG maps to GBK) is reported as
/// GB18030, whose decoder it shares.
pub fn choose(
    bytes: &[u8],
    given: Option<&'static Encoding>,
    header: Option<&'static Encoding>,
) -> (&'static Encoding, Source) {
    let (e, src) = choose_raw(bytes, given, header);
    (
        if e == encoding_rs::GBK {
            encoding_rs::GB18030
        } else {
            e
        },
        src,
    )
}

fn choose_raw(
    bytes: &[u8],
    given: Option<&'static Encoding>,
    header: Option<&'static Encoding>,
) -> (&'static Encoding, Source) {
    if let Some(e) = given {
        return (e, Source::Given);
    }
    if let Some((e, _)) = Encoding::for_bom(bytes) {
        return (e, Source::Bom);
    }
    // A declared charset is believed unless the bytes prove it wrong: a page whose bytes are
    // all valid UTF-8, with several multi-byte characters, is UTF-8 whatever its header or
    // meta says (sites converted to UTF-8 keep their old `charset=gbk` template).
    let declared = header.map(|e| (e, Source::Header)).or_else(|| {
        // A page served as UTF-16 cannot carry an ASCII meta tag; the meta claim is wrong.
        from_meta(bytes)
            .filter(|&e| e != encoding_rs::UTF_16LE && e != encoding_rs::UTF_16BE)
            .map(|e| (e, Source::Meta))
    });
    if let Some((e, src)) = declared {
        if e != UTF_8 && proves_utf8(bytes) {
            return (UTF_8, Source::Utf8OverDeclared(e));
        }
        return (e, src);
    }
    // The detector is costly on a whole page, and a few KiB are enough for it.
    let prefix = &bytes[..bytes.len().min(16 << 10)];
    if std::str::from_utf8(prefix).is_ok() || prefix_is_utf8_cut(prefix) {
        return (UTF_8, Source::Detected);
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(prefix, prefix.len() == bytes.len());
    (
        det.guess(None, chardetng::Utf8Detection::Allow),
        Source::Detected,
    )
}

/// Whether `bytes` are valid UTF-8 holding at least [`UTF8_EVIDENCE`] multi-byte characters.
fn proves_utf8(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
        && bytes
            .iter()
            .filter(|&&b| (0xC2..=0xF4).contains(&b))
            .count()
            >= UTF8_EVIDENCE
}

/// Valid UTF-8 but for a character cut at the end of the prefix.
fn prefix_is_utf8_cut(prefix: &[u8]) -> bool {
    match std::str::from_utf8(prefix) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// Decode with the chosen encoding; malformed sequences become U+FFFD (as browsers do).
pub fn decode(bytes: &[u8], enc: &'static Encoding) -> String {
    let (text, _, _) = enc.decode(bytes);
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bytes_overrule_a_legacy_declaration() {
        let page = "<html><head><meta charset=\"gbk\"></head><body>帖子内容，编码其实是 UTF-8。</body></html>";
        let (e, src) = choose(page.as_bytes(), None, None);
        assert_eq!(e, UTF_8);
        assert_eq!(src, Source::Utf8OverDeclared(encoding_rs::GBK));
        assert!(src.note().unwrap().contains("declares GBK"));
        // The header is overruled the same way; --charset is not.
        let (e, _) = choose(page.as_bytes(), None, Some(encoding_rs::BIG5));
        assert_eq!(e, UTF_8);
        let (e, _) = choose(page.as_bytes(), Some(encoding_rs::GBK), None);
        assert_eq!(e, encoding_rs::GB18030);
    }

    #[test]
    fn real_gbk_and_big5_pages_keep_their_declaration() {
        // What else satisfies "valid UTF-8": real GBK/Big5 text (it is not: its byte pairs break
        // UTF-8 at once), and a page that is ASCII but for a character or two.
        let body = "<html><head><meta charset=\"gbk\"></head><body>中文论坛的帖子，换行以后还是中文。</body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(body);
        assert_eq!(choose(&gbk, None, None).0, encoding_rs::GB18030);
        let big5_page = body.replace("gbk", "big5");
        let (big5, _, _) = encoding_rs::BIG5.encode(&big5_page);
        assert_eq!(choose(&big5, None, None).0, encoding_rs::BIG5);
        // Two GBK characters that happen to be valid UTF-8 (the pair C3 A9 C3 A9): too little
        // evidence to overrule the page.
        let mut few = b"<meta charset=gbk><p>x ".to_vec();
        few.extend_from_slice(&[0xC3, 0xA9, 0xC3, 0xA9]);
        assert_eq!(choose(&few, None, None).0, encoding_rs::GB18030);
        // An ASCII-only page: nothing to prove, the declaration stands.
        assert_eq!(
            choose(b"<meta charset=gbk><p>plain</p>", None, None).0,
            encoding_rs::GB18030
        );
    }

    #[test]
    fn gbk_is_gb18030_and_big5_is_hkscs() {
        assert_eq!(by_label("GBK").unwrap().name(), "GBK");
        // encoding_rs decodes its GBK with the GB18030 decoder; both names are accepted.
        assert_eq!(by_label("gb2312").unwrap().name(), "GBK");
        assert_eq!(by_label("big5").unwrap().name(), "Big5");
        let (s, _, bad) = by_label("gbk").unwrap().decode(&[0x81, 0x30, 0x81, 0x30]);
        assert!(
            !bad,
            "four-byte GB18030 sequences decode through the GBK label: {s}"
        );
    }

    #[test]
    fn meta_and_header() {
        assert_eq!(
            from_meta(b"<html><head><meta charset=\"gbk\" />")
                .unwrap()
                .name(),
            "GBK"
        );
        assert_eq!(
            from_meta(b"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=big5\">")
                .unwrap()
                .name(),
            "Big5"
        );
        assert_eq!(
            from_content_type("text/html; charset=GB2312")
                .unwrap()
                .name(),
            "GBK"
        );
        assert!(from_content_type("text/html").is_none());
    }

    #[test]
    fn detector_on_undeclared_gbk() {
        let page = "这是一个没有声明字符集的简体中文页面，内容足够长以便检测。".repeat(5);
        let (gbk, _, _) = encoding_rs::GBK.encode(&page);
        let (e, src) = choose(&gbk, None, None);
        assert_eq!((e.name(), src), ("gb18030", Source::Detected));
        assert_eq!(choose("纯 UTF-8".as_bytes(), None, None).0, UTF_8);
    }
}
