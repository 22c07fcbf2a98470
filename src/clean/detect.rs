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
    bits: Vec<u64>,
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
    scan_line_cut(
        s,
        start,
        end,
        (at_line_start, at_line_end),
        (false, false),
        scratch,
        out,
    )
}

/// [`scan_line`] on the first (`cut.0`) or last (`cut.1`) line of a document that shows the
/// jammer: there a junk string may have been cut off by an excerpt or a truncated record, and
/// fewer than five of its units are left (the last one perhaps without its `c2`).
pub fn scan_line_cut(
    s: &[u8],
    start: usize,
    end: usize,
    (at_line_start, at_line_end): (bool, bool),
    cut: (bool, bool),
    scratch: &mut Scratch,
    out: &mut Vec<Junk>,
) {
    // Two units at least: one alone is as often a word (`-r`, `# C`).
    let min_start = if cut.0 { 2 } else { MIN_UNITS };
    let min_end = if cut.1 { 2 } else { MIN_UNITS };
    // Shortest junk: a bare c2 plus four ws units, 9 bytes.
    if end - start < 9 && !cut.0 && !cut.1 {
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
        if !cut.0 && (!may_open_units(s, from, q) || !two_units(s, from, q, true)) {
            break;
        }
        let mut taken = None;
        for g in [Grammar::Triple, Grammar::Pair] {
            grammar::run_fwd(s, from, g, true, &mut scratch.fwd);
            let units = &scratch.fwd;
            let n = units.len();
            if n < min_start {
                continue;
            }
            let allowed = edge_mask(s, g, units, None, cut.0);
            if (MIN_UNITS..=MAX_UNITS_LINE).contains(&n) && units[n - 1].end == q && at_line_end {
                // The rest of the line parses as units: junk at one or both edges, or text.
                let mut rev = units.to_vec();
                rev.reverse();
                let allowed_end = edge_mask(s, g, &rev, Some(p), false);
                let (a, b) =
                    evidence::split_whole(s, q, g, units, allowed, allowed_end, &mut scratch.ev);
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
            let k = evidence::split_start(s, q, g, units, min_start, allowed, &mut scratch.ev);
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
    // A last unit cut in half at the end of a document: its c1 alone (taken with the units
    // before it, as the junk reaches to `q`).
    if cut.1 && to > lo + 1 && grammar::is_c1(s[to - 1]) && grammar::is_c2(s[to - 2]) {
        to -= 1;
    }
    while at_line_end && to > lo && grammar::is_c2(s[to - 1]) {
        if !cut.1 && !may_close_units(s, to, lo) {
            break;
        }
        let bare_at = (at_line_start && lo == p).then_some(p);
        let mut taken = None;
        for g in [Grammar::Triple, Grammar::Pair] {
            grammar::run_bwd(s, to, lo, g, bare_at, &mut scratch.bwd);
            let units = &scratch.bwd;
            if units.len() < min_end {
                continue;
            }
            // A bare unit at the line start is no inner boundary.
            let allowed = edge_mask(s, g, units, Some(lo), cut.1);
            let k = evidence::split_end(s, lo, g, units, min_end, allowed, &mut scratch.ev);
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

/// Can two units (of either grammar) start at `i`? Two bytes settle it for nearly all text: after
/// a letter (a bare `c2` at most) comes a `c1` or whitespace, and after a `c1` whitespace (triples)
/// or a `c2` (pairs). A line of prose starting `Th` or `1.` fails here, before any parsing.
#[inline]
fn may_open_units(s: &[u8], i: usize, end: usize) -> bool {
    let (a, b) = (s[i], if i + 1 < end { s[i + 1] } else { return false });
    let c1_or_ws = |x: u8| x <= 0x3B || x == 0xC2;
    if grammar::is_c2(a) {
        c1_or_ws(b)
    } else if a == b' ' || a == 0xC2 || a == b'\t' {
        true
    } else if a <= 0x3B {
        b == b' ' || b == 0xC2 || grammar::is_c2(b)
    } else {
        false
    }
}

/// Do two units of one grammar follow each other at `i` (a bare `c2` first if `bare_first`)?
#[inline]
fn two_units(s: &[u8], i: usize, end: usize, bare_first: bool) -> bool {
    let s = &s[..end];
    [Grammar::Triple, Grammar::Pair].into_iter().any(|g| {
        grammar::unit_fwd(s, i, g, bare_first).is_some_and(|u| {
            grammar::unit_fwd(s, u.end, g, false).is_some()
                // A pair whose NUL c1 a browser dropped: a bare c2, then pairs again.
                || (g == Grammar::Pair
                    && s.get(u.end).is_some_and(|&b| grammar::is_c2(b))
                    && grammar::unit_fwd(s, u.end + 1, g, false).is_some())
        })
    })
}

/// Can units end at `end` (exclusive; the byte before is a `c2`)? Before a `c2` stands whitespace
/// (triples) or a `c1` (pairs), or, for a pair whose NUL `c1` a browser dropped, the `c2` of a
/// pair before it; `dog` fails here.
#[inline]
fn may_close_units(s: &[u8], end: usize, floor: usize) -> bool {
    end >= floor + 2 && {
        let b = s[end - 2];
        b <= 0x3B || b == 0xA0 || (grammar::is_c2(b) && end >= floor + 3 && s[end - 3] <= 0x3B)
    }
}

/// Which prefixes `units[..k]` (parsed from a line edge inward) may be one junk string there, as
/// a bit mask: the generator's own tests ([`plausible`]), and a bare `c2` never at the inner
/// end, where the junk meets the text. A bare `c2` stands for a `c1` that was lost: a space
/// trimmed at the line start, or a NUL a browser dropped; so it may open a string at a line
/// start (`bare_ok_at`) or close one at a line end, but not stand next to the text.
fn edge_mask(s: &[u8], g: Grammar, units: &[Unit], bare_ok_at: Option<usize>, cut: bool) -> u64 {
    let mut mask = if cut {
        // A cut-off string is short: only the randomness test applies.
        let mut m = 0u64;
        for k in 1..=units.len().min(63) {
            if grammar::looks_random(&units[..k]) {
                m |= 1 << k;
            }
        }
        m
    } else {
        plausible_prefixes(s, g, units)
    };
    for (i, u) in units.iter().enumerate().take(63).skip(1) {
        if u.c1 == C1::Bare && bare_ok_at != Some(u.start) {
            mask &= !(1 << (i + 1));
        }
    }
    mask
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

/// [`plausible`] for every prefix `units[..k]` at once, as a bit mask (bit `k` set: the first
/// `k` units pass), in one pass: the edge decisions ask it for each reading.
pub fn plausible_prefixes(s: &[u8], g: Grammar, units: &[Unit]) -> u64 {
    let mut mask = 0u64;
    let mut c1_counts = [0u8; 64];
    let mut c2_counts = [0u8; 64];
    let (mut max1, mut max2, mut spaces, mut counted) = (0u8, 0u8, 0u8, 0usize);
    let (mut bytes, mut ascii) = (0usize, 0usize);
    let (mut all_alnum, mut ws, mut ctrl) = (true, 0usize, false);
    let mut first_inner_bare = usize::MAX;
    for (i, u) in units.iter().enumerate().take(63) {
        let k = i + 1;
        match u.c1 {
            C1::Bare => {
                if i >= 1 && first_inner_bare == usize::MAX {
                    first_inner_bare = i;
                }
            }
            c => {
                let key = match c {
                    C1::Char(b) => (b & 63) as usize,
                    _ => 0x20,
                };
                c1_counts[key] += 1;
                max1 = max1.max(c1_counts[key]);
                if key == 0x20 {
                    spaces += 1;
                }
                let k2 = (u.c2 & 63) as usize;
                c2_counts[k2] += 1;
                max2 = max2.max(c2_counts[k2]);
                counted += 1;
            }
        }
        bytes += u.end - u.start;
        ascii += s[u.start..u.end].iter().filter(|&&b| b < 0x80).count();
        all_alnum &= matches!(u.c1, C1::Char(b'0'..=b'9') | C1::Bare) && u.c2.is_ascii_alphabetic();
        if u.c1 == C1::Space && u.end - u.start != TAB_NBSP.len() + 1 {
            ws += 1;
        }
        ctrl |= matches!(u.c1, C1::Char(b) if b < 0x20 || b == 0x7F);
        let random = counted > 0
            && (max1 as usize) < grammar::c1_limit(counted)
            && (max2 as usize) < grammar::c2_limit(counted)
            && (spaces as usize) < grammar::space_limit(counted);
        let mut ok = random && bytes >= 10 && (bytes >= 30 || ascii >= 10);
        if ok && g == Grammar::Pair {
            let inner_bare = k > 2 && first_inner_bare <= k - 2;
            ok = !all_alnum
                && (!inner_bare || ctrl)
                && if ctrl { ws <= k / 2 } else { ws <= 1 + k / 10 };
        }
        if ok {
            mask |= 1 << k;
        }
    }
    mask
}

/// A bit per byte of `s`, set where the byte is ASCII or part of a U+00A0 (junk and the
/// whitespace around it are nothing else), 64 to a word. Returns whether any bit is set.
fn ascii_bits(s: &[u8], out: &mut Vec<u64>) -> bool {
    out.clear();
    let mut chunks = s.chunks_exact(64);
    for c in &mut chunks {
        out.push(ascii_word(c));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Padded with bytes that are neither ASCII nor part of U+00A0.
        let mut pad = [0xFFu8; 64];
        pad[..rest.len()].copy_from_slice(rest);
        out.push(ascii_word(&pad));
    }
    out.iter().any(|&w| w != 0)
}

/// Where runs of nine or more set bits start, a bit per position (a run's first bit is the
/// first set one of its stretch in this mask).
fn long_run_starts(bits: &[u64], k: usize) -> u64 {
    let v = (bits[k] as u128) | ((bits.get(k + 1).copied().unwrap_or(0) as u128) << 64);
    let mut m = v;
    for i in 1..9 {
        m &= v >> i;
    }
    m as u64
}

/// The ASCII (and U+00A0) bits of 64 bytes.
#[inline]
fn ascii_word(c: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        let (mut high, mut c2, mut a0) = (0u64, 0u64, 0u64);
        for k in 0..4 {
            // SAFETY: SSE2 is always present on x86-64; `c` holds 64 bytes.
            unsafe {
                let v = _mm_loadu_si128(c.as_ptr().add(16 * k) as *const __m128i);
                high |= (_mm_movemask_epi8(v) as u16 as u64) << (16 * k);
                c2 |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0xC2u8 as i8))) as u16
                    as u64)
                    << (16 * k);
                a0 |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0xA0u8 as i8))) as u16
                    as u64)
                    << (16 * k);
            }
        }
        let nbsp = c2 & (a0 >> 1);
        !high | nbsp | (nbsp << 1)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut w = 0u64;
        for (i, &b) in c.iter().enumerate() {
            let nbsp = (b == 0xC2 && c.get(i + 1) == Some(&0xA0))
                || (b == 0xA0 && i > 0 && c[i - 1] == 0xC2);
            w |= ((b < 0x80 || nbsp) as u64) << i;
        }
        w
    }
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
    if hi - lo < 11 {
        return;
    }
    // A bit per byte: set for ASCII and U+00A0. Mid-line junk is a run of nine or more set bits
    // (five units are ten bytes at least), found a word at a time: Chinese text with short ASCII
    // words, and lines of ASCII alone, cost a few operations per 64 bytes.
    if !ascii_bits(&s[lo..hi], &mut scratch.bits) {
        return;
    }
    let bits = &scratch.bits;
    let len = hi - lo;
    let next_clear = |from: usize| -> usize {
        let mut w = from / 64;
        if from >= len {
            return len;
        }
        let mut word = !bits[w] & (!0u64 << (from % 64));
        loop {
            if word != 0 {
                return (w * 64 + word.trailing_zeros() as usize).min(len);
            }
            w += 1;
            if w >= bits.len() {
                return len;
            }
            word = !bits[w];
        }
    };
    let mut cursor = 0;
    let mut k = 0;
    while k < bits.len() {
        let mut starts = long_run_starts(bits, k);
        if cursor > k * 64 {
            starts &= (!0u64).checked_shl((cursor - k * 64) as u32).unwrap_or(0);
        }
        if starts == 0 {
            k += 1;
            continue;
        }
        let start = k * 64 + starts.trailing_zeros() as usize;
        let end = next_clear(start);
        cursor = end;
        k = end / 64;
        let (a, b) = (lo + start, lo + end);
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
        // Junk opens with two units and ends with a c2: most ASCII words between CJK fail here.
        if jb <= ja
            || !grammar::is_c2(s[jb - 1])
            || !may_open_units(s, ja, jb)
            || !two_units(s, ja, jb, false)
        {
            continue;
        }
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
    fn ascii_bits_mark_ascii_bytes() {
        let mut v = Vec::new();
        let t = "中文中文中文a".repeat(9);
        ascii_bits(t.as_bytes(), &mut v);
        assert_eq!(v.len(), t.len().div_ceil(64));
        for (i, &b) in t.as_bytes().iter().enumerate() {
            assert_eq!(v[i / 64] >> (i % 64) & 1 == 1, b < 0x80, "{i}");
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
