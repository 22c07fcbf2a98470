//! Finding jammer junk on one line of text.
//!
//! Discuz inserts one junk string per line break of a post: at the end of the line before the
//! break (`<font class="jammer">`) or at the start of the line after it (`<span
//! style="display:none">`). So on a line of scraped text junk can only sit at the two edges; a line
//! that was empty in the post holds one or two junk strings and nothing else. A scraper that
//! dropped the line breaks leaves the junk mid-line, between two stretches of text; there it is
//! only taken when non-ASCII text (or a line edge) bounds it on both sides, since ASCII text
//! such as code or prose is too easily mistaken for junk.

use super::evidence;
use super::grammar::{self, looks_random, Grammar, Unit, C1};

/// What Discuz makes of a tab: `&nbsp; &nbsp; &nbsp; &nbsp; `.
const TAB_NBSP: &str = "\u{a0} \u{a0} \u{a0} \u{a0} ";

/// A junk string has 5..15 units (`for($i = 0; $i < mt_rand(5, 15); $i++)`).
pub const MIN_UNITS: usize = 5;
pub const MAX_UNITS: usize = 15;
/// A line that was empty in the post carries at most two junk strings.
pub const MAX_UNITS_LINE: usize = 2 * MAX_UNITS;

/// Where on its line a junk string was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// At the line start (the `span` form, after a break).
    Start,
    /// At the line end (the `font` form, before a break).
    End,
    /// The whole line is junk.
    Whole,
    /// Mid-line, between non-ASCII text (lines joined by a scraper).
    Mid,
}

/// One junk string on a line: bytes `[start, end)` of the haystack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Junk {
    pub start: usize,
    pub end: usize,
    pub grammar: Grammar,
    pub side: Side,
}

/// Reusable scratch space for [`scan_line`].
#[derive(Default)]
pub struct Scratch {
    fwd: Vec<Unit>,
    bwd: Vec<Unit>,
    ev: evidence::Scratch,
}

/// Is `b` the first byte of a character that is not ASCII and not U+00A0?
#[inline]
fn non_ascii_text_at(s: &[u8], i: usize) -> bool {
    match s.get(i) {
        Some(&b) if b >= 0x80 => !(b == 0xC2 && s.get(i + 1) == Some(&0xA0)),
        _ => false,
    }
}

/// Is the character that ends at `end` non-ASCII text (not U+00A0)?
#[inline]
fn non_ascii_text_before(s: &[u8], end: usize) -> bool {
    if end == 0 || s[end - 1] < 0x80 {
        return false;
    }
    !(end >= 2 && s[end - 1] == 0xA0 && s[end - 2] == 0xC2)
}

/// Whitespace that may pad a line around junk (trailing spaces, CR of CRLF, U+00A0).
#[inline]
fn trailing_pad_len(s: &[u8], end: usize, floor: usize) -> usize {
    let mut e = end;
    while e > floor {
        if matches!(s[e - 1], b' ' | b'\t' | b'\r') {
            e -= 1;
        } else if e - floor >= 2 && s[e - 1] == 0xA0 && s[e - 2] == 0xC2 {
            e -= 2;
        } else {
            break;
        }
    }
    end - e
}

/// Find the junk on the line `s[start..end]` (no line terminator) and append it to `out`, in
/// order. `at_line_start`/`at_line_end` say whether the slice edges are true line edges (a very
/// long line is scanned in pieces whose inner edges are not).
///
/// Where a run of units at an edge could end in more than one place, or be text altogether,
/// [`evidence`] weighs the readings.
pub fn scan_line(
    s: &[u8],
    start: usize,
    end: usize,
    at_line_start: bool,
    at_line_end: bool,
    scratch: &mut Scratch,
    out: &mut Vec<Junk>,
) {
    // Shortest junk: a bare c2 plus four ws units, 9 bytes.
    if end - start < 9 {
        return;
    }
    let mut p = start;
    if at_line_start {
        while p < end && matches!(s[p], b' ' | b'\t') {
            p += 1;
        }
    }
    let q = if at_line_end {
        end - trailing_pad_len(s, end, p)
    } else {
        end
    };
    if q <= p {
        return;
    }
    let first = out.len();
    let mut lo = p; // text before `lo` is taken
    let mut hi = q; // text from `hi` on is taken

    // Junk starts with an ASCII byte or U+00A0 and ends with a c2: most lines of text fail
    // these one-byte tests and skip the parsers.
    //
    // Both edges are scanned again after junk is taken there: what follows the junk is the
    // line's new edge, and a second junk string standing there would be taken by a second
    // cleaning (found by fuzzing: the cleaner must be idempotent). The strings taken at one
    // edge are merged into one.
    let mut from = p;
    let mut floor = start;
    let mut end_taken: Option<(usize, Grammar)> = None;
    while at_line_start && from < q && (s[from] < 0x80 || s[from] == 0xC2) {
        let mut taken = None;
        for g in [Grammar::Triple, Grammar::Pair] {
            grammar::run_fwd(s, from, g, true, &mut scratch.fwd);
            let units = &scratch.fwd;
            let n = units.len();
            let veto = |k: usize| edge_reading_ok(s, g, &units[..k], true);
            if n >= MIN_UNITS && n <= MAX_UNITS_LINE && units[n - 1].end == q && at_line_end {
                // The rest of the line parses as units: junk at one or both edges, or text.
                let (a, b) = evidence::split_whole(s, q, g, units, &mut scratch.ev, |a, b| {
                    (a == 0 || veto(a)) && (b == 0 || edge_reading_ok(s, g, &units[n - b..], false))
                });
                if a + b == n {
                    out.truncate(first);
                    out.push(Junk {
                        start: p,
                        end: q,
                        grammar: g,
                        side: Side::Whole,
                    });
                    return;
                }
                if b > 0 {
                    end_taken = Some((units[n - b].start, g));
                }
                if a > 0 {
                    taken = Some((from, units[a - 1].end, g, units[0].c1 == C1::Bare));
                    break;
                }
                if b > 0 {
                    break;
                }
                continue;
            }
            let k = evidence::split_start(s, q, g, units, MIN_UNITS, &mut scratch.ev, veto);
            if k > 0 {
                taken = Some((from, units[k - 1].end, g, units[0].c1 == C1::Bare));
                break;
            }
        }
        let Some((mut at, end, g, bare)) = taken else {
            break;
        };
        // A bare first unit right after skipped spaces lost nothing: the spaces were its c1
        // and separator.
        if bare {
            let f = at;
            while at > floor && f - at < 2 && s[at - 1] == b' ' {
                at -= 1;
            }
        }
        match out[first..].last_mut() {
            Some(prev) => prev.end = end,
            None => out.push(Junk {
                start: at,
                end,
                grammar: g,
                side: Side::Start,
            }),
        }
        lo = end;
        floor = end;
        from = end;
        while from < q && matches!(s[from], b' ' | b'\t') {
            from += 1;
        }
        if end_taken.is_some() {
            break;
        }
    }

    let mut to = q;
    let mut end_junk: Option<Junk> = end_taken.map(|(at, g)| Junk {
        start: at,
        end: q,
        grammar: g,
        side: Side::End,
    });
    if let Some(j) = &end_junk {
        hi = j.start;
        to = j.start - trailing_pad_len(s, j.start, lo);
    }
    while at_line_end && to > lo && grammar::is_c2(s[to - 1]) {
        let bare_at = (at_line_start && lo == p).then_some(p);
        let mut taken = None;
        for g in [Grammar::Triple, Grammar::Pair] {
            grammar::run_bwd(s, to, lo, g, bare_at, &mut scratch.bwd);
            let units = &scratch.bwd;
            let veto = |k: usize| {
                // Parsed backward: the reading's units are the first k, nearest the end first.
                let mut r: Vec<Unit> = units[..k].to_vec();
                r.reverse();
                // A bare unit at the line start is no inner boundary.
                edge_reading_ok(s, g, &r, false) || (r[0].start == lo && plausible(s, g, &r))
            };
            let k = evidence::split_end(s, lo, g, units, MIN_UNITS, &mut scratch.ev, veto);
            if k > 0 {
                taken = Some((units[k - 1].start, g));
                break;
            }
        }
        let Some((at, g)) = taken else { break };
        match &mut end_junk {
            Some(j) => j.start = at,
            None => {
                end_junk = Some(Junk {
                    start: at,
                    end: q,
                    grammar: g,
                    side: Side::End,
                })
            }
        }
        hi = at;
        to = at - trailing_pad_len(s, at, lo);
    }
    if let Some(j) = end_junk {
        out.push(j);
    }

    scan_mid(s, start, end, lo, hi, scratch, out);
    // Keep `out` ordered by position: the end junk was pushed before the mid-line junk.
    out[first..].sort_unstable_by_key(|j| j.start);
}

/// May these units (in text order) be one junk string at a line edge? The generator's own
/// tests: random enough, and for pairs the checks of [`plausible`]. A bare `c2` stands for a
/// `c1` that was lost: a space trimmed at the line start, or a NUL a browser dropped; so it may
/// open a string at a line start, or close one at a line end, but never stand where the junk
/// meets the text (`inner`: the unit at index 0 for end junk, the last one for start junk).
fn edge_reading_ok(s: &[u8], g: Grammar, units: &[Unit], inner_at_end: bool) -> bool {
    let n = units.len();
    let inner = if inner_at_end { n - 1 } else { 0 };
    if n > 1 && units[inner].c1 == C1::Bare {
        return false;
    }
    plausible(s, g, units)
}

/// Pair junk (`c1 c2`, no separator) is easily matched by text with spaces between single
/// letters (`C-h k C-f`). A space `c1` is 1 in 28 (2.x/3.x), so more than one whitespace-led pair,
/// plus one per ten pairs, is taken for text (random junk has that many about once in a hundred
/// runs). A control character `c1` (4.x/5.x) never occurs in text and settles it: scrapers turn
/// tab, VT, FF and CR into spaces, so such runs may have up to half of their pairs space-led.
pub fn plausible(s: &[u8], g: Grammar, units: &[Unit]) -> bool {
    if !looks_random(units) {
        return false;
    }
    // Five units are at least ten ASCII characters (five pairs); shorter runs are left alone,
    // so that text without a 10-character ASCII run at a line edge or between non-ASCII text
    // is never touched.
    let bytes: usize = units.iter().map(|u| u.end - u.start).sum();
    if bytes < 10 {
        return false;
    }
    // Only short runs can have fewer than ten ASCII bytes (U+00A0 takes two).
    if bytes < 30 {
        let ascii: usize = units
            .iter()
            .map(|u| s[u.start..u.end].iter().filter(|&&b| b < 0x80).count())
            .sum();
        if ascii < 10 {
            return false;
        }
    }
    if g == Grammar::Triple {
        return true;
    }
    // Letters and digits alternating (`0A0a0A0A1a`, hex digests, identifiers) are text: five
    // pairs of junk are all alphanumeric once in 500 (2.x/3.x), less often when longer.
    if units
        .iter()
        .all(|u| matches!(u.c1, C1::Char(b'0'..=b'9') | C1::Bare) && u.c2.is_ascii_alphabetic())
    {
        return false;
    }
    // A tab `c1` shows as Discuz's `&nbsp; &nbsp; &nbsp; &nbsp; ` (12 bytes): not a space.
    let ws = units
        .iter()
        .filter(|u| u.c1 == C1::Space && u.end - u.start != TAB_NBSP.len() + 1)
        .count();
    let ctrl = units
        .iter()
        .any(|u| matches!(u.c1, C1::Char(b) if b < 0x20 || b == 0x7F));
    // A bare c2 inside the run (a dropped NUL c1) is only believed with control characters.
    let inner_bare = units.len() > 2 && units[1..units.len() - 1].iter().any(|u| u.c1 == C1::Bare);
    if inner_bare && !ctrl {
        return false;
    }
    if ctrl {
        ws <= units.len() / 2
    } else {
        ws <= 1 + units.len() / 10
    }
}

/// Position of the first ASCII byte. Chinese text is nearly all bytes >= 0x80, so many bytes
/// are tested at a time: 16 with SSE2 (part of every x86-64), else 8 in a machine word.
#[inline]
fn find_ascii(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_movemask_epi8};
        while i + 16 <= s.len() {
            // SAFETY: SSE2 is always present on x86-64, and the 16 bytes read are in bounds.
            let high =
                unsafe { _mm_movemask_epi8(_mm_loadu_si128(s.as_ptr().add(i) as *const __m128i)) };
            if high != 0xFFFF {
                return Some(i + (!high & 0xFFFF).trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while i + 8 <= s.len() {
        let w = u64::from_le_bytes(s[i..i + 8].try_into().expect("eight bytes"));
        let ascii = !w & HIGH;
        if ascii != 0 {
            return Some(i + (ascii.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..].iter().position(|&b| b < 0x80).map(|p| i + p)
}

/// Junk in the middle of a line: a stretch of ASCII bounded by non-ASCII text on both sides that
/// parses entirely as 5..30 random units.
fn scan_mid(
    s: &[u8],
    line_start: usize,
    line_end: usize,
    lo: usize,
    hi: usize,
    scratch: &mut Scratch,
    out: &mut Vec<Junk>,
) {
    let mut i = lo;
    while i < hi {
        // Find the next island of ASCII (plus U+00A0) preceded by non-ASCII text.
        let Some(off) = find_ascii(&s[i..hi]) else {
            return;
        };
        let mut a = i + off;
        // Step back over U+00A0 that belongs to the island.
        while a >= lo + 2 && s[a - 1] == 0xA0 && s[a - 2] == 0xC2 {
            a -= 2;
        }
        let mut b = i + off;
        loop {
            while b < hi && s[b] < 0x80 {
                b += 1;
            }
            if b + 1 < hi && s[b] == 0xC2 && s[b + 1] == 0xA0 {
                b += 2;
                continue;
            }
            break;
        }
        i = b.max(i + off + 1);
        if b - a < 9
            || a == lo
            || b == hi
            || !non_ascii_text_before(s, a)
            || !non_ascii_text_at(s, b)
        {
            continue;
        }
        // Allow ASCII spaces between the junk and the text around it.
        let mut ja = a;
        while ja < b && s[ja] == b' ' {
            ja += 1;
        }
        let jb = b - trailing_pad_len(s, b, ja);
        for g in [Grammar::Triple, Grammar::Pair] {
            // Mid-line nothing trims whitespace, so no unit is bare.
            grammar::run_fwd(s, ja, g, false, &mut scratch.fwd);
            let units = &scratch.fwd;
            let n = units.len();
            if (MIN_UNITS..=MAX_UNITS_LINE).contains(&n)
                && units[n - 1].end == jb
                && plausible(s, g, units)
                && evidence::mid_is_junk(s, line_start, line_end, g, units)
            {
                out.push(Junk {
                    start: ja,
                    end: jb,
                    grammar: g,
                    side: Side::Mid,
                });
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn junk(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        scan_line(
            line.as_bytes(),
            0,
            line.len(),
            true,
            true,
            &mut Scratch::default(),
            &mut out,
        );
        out.iter()
            .map(|j| line[j.start..j.end].to_string())
            .collect()
    }

    #[test]
    fn seed_lines() {
        assert_eq!(
            junk("0 K( N$ i1 h& P# I' b- O"),
            ["0 K( N$ i1 h& P# I' b- O"]
        );
        assert_eq!(
            junk("1 N z! Q9 C. S6 U+ F3 v深燃(shenrancaijing)原创"),
            ["1 N z! Q9 C. S6 U+ F3 v"]
        );
        assert_eq!(
            junk("' h) I8 ?0 i' I' C5 [作者 | 金玙璠 贺树龙8 G, {* O5 w4 X) s6 w"),
            ["' h) I8 ?0 i' I' C5 [", "8 G, {* O5 w4 X) s6 w"]
        );
        assert_eq!(junk("}( u( E% x$ V"), ["}( u( E% x$ V"]);
        assert_eq!(
            junk("这些信息都加深了外界的疑问:小米会加入“百模大战”吗?3 K8 ~1 S7 Q M* F% z% B: c"),
            ["3 K8 ~1 S7 Q M* F% z% B: c"]
        );
    }

    #[test]
    fn real_text_untouched() {
        for line in [
            "a = b + c; x[1] = 2;",
            "  -a, --all                  do not ignore entries starting with .",
            "A, B, C, D, E, F",
            "V:2, I:32",
            "^_^ :-) ;-)",
            "# mke2fs -j /dev/sda6",
            "netmask 255.255.255.0 {",
            "https://example.com/a?b=c&d=e",
            "1 2 3 4 5 6 7 8 9 10",
        ] {
            assert!(junk(line).is_empty(), "{line}: {:?}", junk(line));
        }
    }

    #[test]
    fn ascii_search() {
        assert_eq!(find_ascii("中文中文中文a".as_bytes()), Some(18));
        assert_eq!(find_ascii("中文".as_bytes()), None);
        assert_eq!(find_ascii(b"x"), Some(0));
        assert_eq!(find_ascii("中文中a文中文中文".as_bytes()), Some(9));
        let long = "中".repeat(40) + "x";
        assert_eq!(find_ascii(long.as_bytes()), Some(120));
        for k in 0..40 {
            let t = "中".repeat(k) + "y" + &"文".repeat(10);
            assert_eq!(find_ascii(t.as_bytes()), Some(3 * k), "{k}");
        }
    }

    #[test]
    fn mid_line_only_between_non_ascii() {
        assert_eq!(
            junk("中文内容8 G, {* O5 w4 X) s6 w后面的中文"),
            ["8 G, {* O5 w4 X) s6 w"]
        );
        assert!(junk("code x8 G, {* O5 w4 X) s6 w more code").is_empty());
    }
}
