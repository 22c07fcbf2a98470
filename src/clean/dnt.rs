//! Discuz!NT's jammer, as scraped text.
//!
//! Discuz!NT 2.x–3.x (`Caches.GetJammer`, `ForumUtils.AddJammer`) puts one string before every
//! line break of a post and at its end: ten characters of U+0001..U+00FF, the site's host, ten
//! more, in a `span.jammer` styled white (not hidden), so every scraper keeps it. The string is
//! cached for twelve minutes: a page carries the same one everywhere.
//!
//! Where it stands at a line end, where the random characters stop and the host starts cannot
//! be told when they are host characters themselves, and a wrong split would take the
//! character before the string off every line. So the string is learned only from a line that
//! is nothing else (a blank line of the post: `<br />` + J + `<br />`), where its extent is the
//! line's; it must also read as random around its host (the twenty characters cost more under
//! the model of real text than the generator's 8 bits each, by [`MARGIN`]), and stand once
//! more elsewhere in the document. Then every occurrence of it is junk: 20 random characters
//! and a host twice in real text do not happen. A post without a blank line, or a string with
//! a line break among its random characters, is left alone.

use super::textmodel::{self, Cost, EDGE};

/// Random characters on each side of the host.
const SIDE: usize = 10;
/// `log2(255)` bits in eighths, per random character.
const PER_CHAR: Cost = 64;
/// How much costlier than the generator the random characters must read as text.
const MARGIN: Cost = 35;

/// Is `line` (a whole line's content) one Discuz!NT string: at most ten characters of
/// U+0001..U+00FF, a host (with a dot or a port) whose first characters may belong to them,
/// ten more such characters, and random-looking around the host?
pub fn is_string(line: &str) -> bool {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let n = chars.len();
    if n < 2 * SIDE + 4
        || chars
            .iter()
            .any(|&(_, c)| c as u32 > 0xFF || c == '\0' || c == '\n' || c == '\r')
    {
        return false;
    }
    let host_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':');
    let tail = n - SIDE;
    let mut h = tail;
    while h > 0 && host_char(chars[h - 1].1) {
        h -= 1;
    }
    // `h` characters stand before the host run; the rest of the first ten are in it.
    let host_len = tail - h;
    if h > SIDE || host_len < SIDE - h + 3 {
        return false;
    }
    let host = &line[chars[SIDE].0..chars[tail].0];
    if !host.contains(['.', ':']) || host.starts_with(['.', '-', ':']) {
        return false;
    }
    let b = line.as_bytes();
    let at = |i: usize| chars.get(i).map_or(b.len(), |c| c.0);
    let front = textmodel::text_cost(b, 0, at(h), (EDGE, EDGE), false);
    let back = textmodel::text_cost(b, at(tail), b.len(), (EDGE, EDGE), true);
    front + back >= (h + SIDE) as Cost * PER_CHAR + MARGIN
}

/// The byte test before [`is_string`], allocation-free (it runs on every line of a document
/// that has a candidate): Latin-1 only (a character above U+00FF has a lead byte from 0xC4 on),
/// and at most ten characters before a run of host bytes that ends ten characters from the end.
pub fn could_be(line: &[u8]) -> bool {
    if line.len() < 2 * SIDE + 4 || line.len() > 4 * SIDE + 260 {
        return false;
    }
    let is_char_start = |b: u8| b & 0xC0 != 0x80;
    // Ten characters back from the end, each Latin-1.
    let mut i = line.len();
    let mut n = 0;
    while n < SIDE {
        if i == 0 || line[i - 1] >= 0xC4 {
            return false;
        }
        i -= 1;
        n += usize::from(is_char_start(line[i]));
    }
    let host = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':');
    let run_end = i;
    while i > 0 && host(line[i - 1]) {
        i -= 1;
    }
    // At most ten Latin-1 characters before the run, which holds the rest of the ten and a
    // host of three or more.
    let mut before = 0;
    for &b in line[..i].iter().rev() {
        if b >= 0xC4 {
            return false;
        }
        before += usize::from(is_char_start(b));
        if before > SIDE {
            return false;
        }
    }
    before + (run_end - i) >= SIDE + 3
}

/// Where the document's Discuz!NT string stands, given its lines' contents; empty unless one is
/// learned as the module says.
pub fn find(s: &[u8], lines: impl Iterator<Item = (usize, usize)>, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut tried: Vec<&[u8]> = Vec::new();
    for (start, end) in lines {
        let line = &s[start..end];
        if !could_be(line) || tried.contains(&line) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(line) else {
            continue;
        };
        if !is_string(text) {
            continue;
        }
        tried.push(line);
        let finder = memchr::memmem::Finder::new(line);
        let found: Vec<usize> = finder.find_iter(s).collect();
        if found.len() >= 2 {
            out.extend(found.into_iter().map(|i| (i, i + line.len())));
        }
    }
    out.sort_unstable();
    out.dedup();
    // Two strings learned from lines that overlap: keep the first of overlapping spans.
    let mut last_end = 0;
    out.retain(|&(a, e)| {
        let keep = a >= last_end;
        if keep {
            last_end = e;
        }
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const J: &str = "\u{9e}}e³m[;oÔ@bbs.example.test9ûF|¤U÷'\u{19}©";

    #[test]
    fn the_string_of_the_generator() {
        assert!(is_string(J));
        // The random characters end in host characters: the host run is longer.
        assert!(is_string("\u{9e}}e³m[;oÔabbs.example.test9ûF|¤U÷'\u{19}©"));
        // Real text around a host: it reads as text, not as random characters.
        assert!(!is_string("Mirror at ftp.example.org, see docs"));
        // No host, non-Latin-1 characters, too short.
        assert!(!is_string("\u{9e}}e³m[;oÔ@bbsexampletest9ûF|¤U÷'\u{19}©"));
        assert!(!is_string("\u{9e}}e³m[;oÔ@bbs.例子.test9ûF|¤U÷'\u{19}©"));
        assert!(!is_string("³m[;@a.b9ûF|¤U÷'"));
    }

    fn found(s: &str) -> Vec<String> {
        let mut lines = Vec::new();
        let mut at = 0;
        for l in s.split('\n') {
            lines.push((at, at + l.len()));
            at += l.len() + 1;
        }
        let mut out = Vec::new();
        find(s.as_bytes(), lines.into_iter(), &mut out);
        out.iter().map(|&(a, e)| s[a..e].to_string()).collect()
    }

    #[test]
    fn learned_from_a_blank_line_and_taken_everywhere() {
        let s = format!("第一段{J}\n{J}\n第二段，最后一行{J}");
        assert_eq!(found(&s), [J, J, J]);
    }

    #[test]
    fn without_a_blank_line_or_a_second_place_nothing() {
        assert!(found(&format!("第一段{J}\n第二段{J}")).is_empty());
        assert!(found(&format!("第一段\n{J}\n第二段")).is_empty());
    }
}
