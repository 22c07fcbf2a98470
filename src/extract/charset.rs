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
}

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
    if let Some(e) = header {
        return (e, Source::Header);
    }
    if let Some(e) = from_meta(bytes) {
        // A page served as UTF-16 cannot carry an ASCII meta tag; the meta claim is wrong.
        if e != encoding_rs::UTF_16LE && e != encoding_rs::UTF_16BE {
            return (e, Source::Meta);
        }
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
