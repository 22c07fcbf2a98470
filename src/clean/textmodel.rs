//! A character model of real text: the other half of every junk decision.
//!
//! The jammer's generator is known exactly (uniform characters from two ASCII ranges), so the
//! probability of a string under it is a product of constants. What a string costs as *real
//! text* comes from this model: a trigram over a small alphabet (each printable ASCII character
//! on its own, CJK and other scripts by class, tab, control characters, and the line edge),
//! trained by `tools/textmodel/train.py` on code, English documentation and Chinese text, and
//! smoothed with interpolated Kneser-Ney. The table is dense (`V³` entries of quantised
//! `-log2 p` in eighths of a bit), so a lookup is one memory read and no probability is zero.
//!
//! Costs are in eighths of a bit (`u32`, lower is more likely): eight of them is a factor of two.

/// Number of symbols.
pub const V: usize = 101;
/// The line edge: a line start as context, a line end as the predicted symbol.
pub const EDGE: u8 = 0;
const TAB: u8 = 96;
const CONTROL: u8 = 97;
const HAN: u8 = 98;
const CJK_PUNCT: u8 = 99;
const OTHER: u8 = 100;

const ALPHABET_VERSION: u16 = 1;
const HEADER: usize = 14;

static MODEL: &[u8] = include_bytes!("textmodel.bin");

/// Costs in eighths of a bit per unit of evidence.
pub type Cost = u32;

/// Eighths of a bit in one bit.
pub const BIT: Cost = 8;

#[inline]
fn table() -> &'static [u8] {
    &MODEL[HEADER..]
}

/// Check the embedded table once (a unit test does it too): its header names this alphabet.
pub fn check() -> bool {
    MODEL.len() == HEADER + V * V * V
        && &MODEL[..8] == b"UNJAMTM1"
        && u16::from_le_bytes([MODEL[8], MODEL[9]]) == ALPHABET_VERSION
        && u16::from_le_bytes([MODEL[10], MODEL[11]]) as usize == V
}

/// Cost of symbol `c` after the context `a b`.
#[inline]
pub fn cost(a: u8, b: u8, c: u8) -> Cost {
    // The indices are below V by construction of `sym_*`; `get` keeps a wrong one from
    // reading past the table (it then costs as much as anything can).
    *table()
        .get((a as usize * V + b as usize) * V + c as usize)
        .unwrap_or(&255) as Cost
}

/// The symbol of a character.
#[inline]
pub fn sym_of(c: char) -> u8 {
    let o = c as u32;
    match o {
        0x20..=0x7E => (o - 0x1F) as u8,
        0xA0 => 1,
        0x09 => TAB,
        0x00..=0x1F | 0x7F..=0x9F => CONTROL,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => HAN,
        0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2000..=0x206F | 0xFE30..=0xFE4F => CJK_PUNCT,
        _ => OTHER,
    }
}

/// Length of a UTF-8 sequence from its first byte (1 for stray continuation bytes).
#[inline]
fn seq_len(b: u8) -> usize {
    match b {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The symbol starting at byte `i` of `s`, and the position after it. Invalid UTF-8 counts as
/// one `OTHER` symbol per byte.
#[inline]
pub fn sym_fwd(s: &[u8], i: usize) -> (u8, usize) {
    let b = s[i];
    if b < 0x80 {
        return (
            match b {
                0x20..=0x7E => b - 0x1F,
                0x09 => TAB,
                _ => CONTROL,
            },
            i + 1,
        );
    }
    if b == 0xC2 && s.get(i + 1) == Some(&0xA0) {
        return (1, i + 2);
    }
    match decode(s, i) {
        Some((c, n)) => (sym_of(c), i + n),
        None => (OTHER, i + 1),
    }
}

/// The character starting at byte `i` (not ASCII) and its length, if it is valid UTF-8.
#[inline]
fn decode(s: &[u8], i: usize) -> Option<(char, usize)> {
    let b = s[i];
    let n = seq_len(b);
    let t = s.get(i..i + n)?;
    if n < 2 || t[1..].iter().any(|&c| c & 0xC0 != 0x80) {
        return None;
    }
    let mut v = (b as u32) & (0x7F >> n);
    for &c in &t[1..] {
        v = (v << 6) | (c as u32 & 0x3F);
    }
    // Overlong forms and surrogates are not characters.
    let min = [0, 0, 0x80, 0x800, 0x1_0000][n];
    if v < min {
        return None;
    }
    char::from_u32(v).map(|c| (c, n))
}

/// The symbol ending at byte `end` of `s` (not reaching below `floor`), and where it starts.
#[inline]
pub fn sym_bwd(s: &[u8], end: usize, floor: usize) -> (u8, usize) {
    let b = s[end - 1];
    if b < 0x80 {
        return (sym_fwd(s, end - 1).0, end - 1);
    }
    let mut start = end - 1;
    while start > floor && end - start < 4 && (0x80..0xC0).contains(&s[start]) {
        start -= 1;
    }
    let (c, next) = sym_fwd(s, start);
    if next == end {
        (c, start)
    } else {
        (OTHER, end - 1)
    }
}

/// Cost of `s[from..to]` read as real text, the first symbol after the two symbols of context
/// `ctx`, plus the line end when `eol`.
pub fn text_cost(s: &[u8], from: usize, to: usize, ctx: (u8, u8), eol: bool) -> Cost {
    let (mut a, mut b) = ctx;
    let mut total = 0;
    let mut i = from;
    while i < to {
        let (c, next) = sym_fwd(s, i);
        total += cost(a, b, c);
        a = b;
        b = c;
        i = next;
    }
    if eol {
        total += cost(a, b, EDGE);
    }
    total
}

/// The two symbols before byte `at` of `s` as context, the line edge where `line_start` is
/// reached.
pub fn context_before(s: &[u8], at: usize, line_start: usize) -> (u8, u8) {
    if at <= line_start {
        return (EDGE, EDGE);
    }
    let (b, pb) = sym_bwd(s, at, line_start);
    if pb <= line_start {
        return (EDGE, b);
    }
    let (a, _) = sym_bwd(s, pb, line_start);
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(s: &str, ctx: &str, eol: bool) -> f64 {
        let full = format!("{ctx}{s}");
        let b = full.as_bytes();
        let c = context_before(b, ctx.len(), 0);
        text_cost(b, ctx.len(), b.len(), c, eol) as f64 / BIT as f64
    }

    #[test]
    fn embedded_table_matches_this_alphabet() {
        assert!(check());
    }

    #[test]
    fn symbols() {
        assert_eq!(sym_of(' '), 1);
        assert_eq!(sym_of('\u{a0}'), 1);
        assert_eq!(sym_of('~'), 95);
        assert_eq!(sym_of('中'), HAN);
        assert_eq!(sym_of('。'), CJK_PUNCT);
        assert_eq!(sym_of('é'), OTHER);
        let s = "a中\u{a0}".as_bytes();
        assert_eq!(sym_fwd(s, 0), (sym_of('a'), 1));
        assert_eq!(sym_fwd(s, 1), (HAN, 4));
        assert_eq!(sym_bwd(s, s.len(), 0), (1, 4));
        assert_eq!(sym_bwd(s, 4, 0), (HAN, 1));
        assert_eq!(sym_fwd(b"\xff", 0), (OTHER, 1));
        assert_eq!(sym_bwd(b"a\x80", 2, 0), (OTHER, 1));
    }

    #[test]
    fn text_is_cheaper_than_junk_read_as_text() {
        // Real text costs a few bits a character; junk read as text costs far more.
        let prose = bits("The quick brown fox jumps over the lazy dog.", "", true);
        assert!(prose / 44.0 < 4.5, "{prose}");
        let junk = bits("0 K( N$ i1 h& P# I' b- O", "", true);
        assert!(junk / 24.0 > 8.0, "{junk}");
        // A comment marker continues into its word: `# Comment` beats `# C` + `omment`.
        assert!(bits("# Comment", "", false) + 8.0 < bits("omment", "", false) + 10.8);
    }
}
