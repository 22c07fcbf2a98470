//! The jammer's alphabet and unit grammar, read from the Discuz generators.
//!
//! Discuz! X1.5–X3.5 and 6/7 build a junk string from 5..15 *triples* `c1 ' ' c2`; Discuz 2.x–5.x
//! from 5..15 *pairs* `c1 c2`. `c1` is drawn from `chr(32..59)` (4.x/5.x: `chr(0..59)`) and `c2`
//! from `chr(63..126)`. The two classes are disjoint (`<`, `=`, `>` are in neither), which keeps the
//! grammar unambiguous: a parser always knows which half of a unit it is looking at.
//!
//! After the jammer, Discuz turns double spaces into `&nbsp;&nbsp;` and tabs into
//! `&nbsp; &nbsp; &nbsp; &nbsp; `, and scrapers then collapse or trim whitespace. So a unit whose
//! `c1` was a space shows up as one or two whitespace characters before `c2` (a *ws unit*), and at a
//! line start it may have lost its whitespace altogether (a *bare* `c2`).

/// `c1` of the triple families, without the space (a space `c1` is parsed as a ws unit).
#[inline]
pub fn is_c1(b: u8) -> bool {
    (0x21..=0x3B).contains(&b)
}

/// `c2` of every family.
#[inline]
pub fn is_c2(b: u8) -> bool {
    (0x3F..=0x7E).contains(&b)
}

/// `c1` of the pair families: 4.x/5.x draw from `chr(0..59)`, so control characters (NUL, tab,
/// VT, FF, CR, ...) occur. LF breaks the line and is handled where lines are joined.
#[inline]
pub fn is_pair_c1(b: u8) -> bool {
    matches!(b, 0x00..=0x09 | 0x0B..=0x3B)
}

/// Length in bytes of the whitespace character at `i` that can stand for a space inside junk:
/// a plain space or U+00A0 (Discuz writes double spaces as `&nbsp;&nbsp;`).
#[inline]
pub fn ws_len(s: &[u8], i: usize) -> usize {
    match s.get(i) {
        Some(b' ') => 1,
        Some(0xC2) if s.get(i + 1) == Some(&0xA0) => 2,
        _ => 0,
    }
}

/// Like [`ws_len`], for whitespace ending at `end` (exclusive).
#[inline]
pub fn ws_len_before(s: &[u8], end: usize) -> usize {
    if end >= 1 && s[end - 1] == b' ' {
        1
    } else if end >= 2 && s[end - 1] == 0xA0 && s[end - 2] == 0xC2 {
        2
    } else {
        0
    }
}

/// Whitespace that pair junk can carry: a tab becomes `&nbsp; &nbsp; &nbsp; &nbsp; `.
#[inline]
fn pair_ws_len(s: &[u8], i: usize) -> usize {
    match s.get(i) {
        Some(b'\t') => 1,
        _ => ws_len(s, i),
    }
}

#[inline]
fn pair_ws_len_before(s: &[u8], end: usize) -> usize {
    if end >= 1 && s[end - 1] == b'\t' {
        1
    } else {
        ws_len_before(s, end)
    }
}

/// What stood in the `c1` slot of a parsed unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum C1 {
    /// A visible `c1` character.
    Char(u8),
    /// A space `c1`, seen as whitespace before `c2`.
    Space,
    /// Nothing left: the unit lost its whitespace at a line edge.
    Bare,
}

/// One parsed junk unit: bytes `[start, end)` of the haystack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub start: usize,
    pub end: usize,
    pub c1: C1,
    pub c2: u8,
}

/// Which generator's grammar a run was parsed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Grammar {
    /// `c1 ' ' c2` (Discuz! X, 6.x, 7.x).
    Triple,
    /// `c1 c2` (Discuz! 2.x–5.x).
    Pair,
}

/// Most units a run is allowed to take: two junk strings of 15 units meet on a line that was empty
/// in the post. Parsing stops here so a pathological line costs O(1).
pub const MAX_RUN: usize = 32;

/// Parse one unit forward at `i`. `allow_bare` lets a lone `c2` count (only at a line start).
#[inline]
pub fn unit_fwd(s: &[u8], i: usize, g: Grammar, allow_bare: bool) -> Option<Unit> {
    let b = *s.get(i)?;
    match g {
        Grammar::Triple => {
            if is_c1(b) {
                let w = ws_len(s, i + 1);
                if w > 0 && s.get(i + 1 + w).is_some_and(|&c| is_c2(c)) {
                    return Some(Unit {
                        start: i,
                        end: i + 2 + w,
                        c1: C1::Char(b),
                        c2: s[i + 1 + w],
                    });
                }
                return None;
            }
            let w1 = ws_len(s, i);
            if w1 > 0 {
                // One or two whitespace characters, then c2.
                let w2 = ws_len(s, i + w1);
                for w in [w1 + w2, w1] {
                    if let Some(&c) = s.get(i + w).filter(|&&c| is_c2(c)) {
                        return Some(Unit {
                            start: i,
                            end: i + w + 1,
                            c1: C1::Space,
                            c2: c,
                        });
                    }
                    if w2 == 0 {
                        break;
                    }
                }
                return None;
            }
            if allow_bare && is_c2(b) {
                return Some(Unit {
                    start: i,
                    end: i + 1,
                    c1: C1::Bare,
                    c2: b,
                });
            }
            None
        }
        Grammar::Pair => {
            let w = pair_ws_run(s, i);
            if w > 0 {
                let c = *s.get(i + w)?;
                return is_c2(c).then_some(Unit {
                    start: i,
                    end: i + w + 1,
                    c1: C1::Space,
                    c2: c,
                });
            }
            if is_pair_c1(b) {
                let c = *s.get(i + 1)?;
                return is_c2(c).then_some(Unit {
                    start: i,
                    end: i + 2,
                    c1: C1::Char(b),
                    c2: c,
                });
            }
            if allow_bare && is_c2(b) {
                return Some(Unit {
                    start: i,
                    end: i + 1,
                    c1: C1::Bare,
                    c2: b,
                });
            }
            None
        }
    }
}

/// A whitespace run standing for one pair `c1` (space, or a tab expanded to 8 characters).
#[inline]
fn pair_ws_run(s: &[u8], i: usize) -> usize {
    let mut n = 0;
    let mut chars = 0;
    while chars < 8 {
        let w = pair_ws_len(s, i + n);
        if w == 0 {
            break;
        }
        n += w;
        chars += 1;
    }
    n
}

#[inline]
fn pair_ws_run_before(s: &[u8], end: usize, floor: usize) -> usize {
    let mut n = 0;
    let mut chars = 0;
    while chars < 8 && end - n > floor {
        let w = pair_ws_len_before(s, end - n);
        if w == 0 || end - n - w < floor {
            break;
        }
        n += w;
        chars += 1;
    }
    n
}

/// Parse one unit backward, ending at `end` (exclusive), not reaching below `floor`.
/// `bare_at` is the position where a lone `c2` may stand as a unit (the line start), if any.
#[inline]
pub fn unit_bwd(
    s: &[u8],
    end: usize,
    floor: usize,
    g: Grammar,
    bare_at: Option<usize>,
) -> Option<Unit> {
    if end <= floor {
        return None;
    }
    let c = s[end - 1];
    if !is_c2(c) {
        return None;
    }
    let c2_at = end - 1;
    match g {
        Grammar::Triple => {
            let w = ws_len_before(s, c2_at);
            if w > 0 && c2_at - w > floor {
                let b = s[c2_at - w - 1];
                if is_c1(b) && c2_at - w > floor {
                    return Some(Unit {
                        start: c2_at - w - 1,
                        end,
                        c1: C1::Char(b),
                        c2: c,
                    });
                }
            }
            if w > 0 && c2_at - w >= floor {
                // A ws unit: up to two whitespace characters.
                let mut start = c2_at - w;
                let w2 = ws_len_before(s, start);
                if w2 > 0 && start - w2 >= floor {
                    start -= w2;
                }
                return Some(Unit {
                    start,
                    end,
                    c1: C1::Space,
                    c2: c,
                });
            }
        }
        Grammar::Pair => {
            if c2_at > floor {
                let b = s[c2_at - 1];
                if is_pair_c1(b) && b != b' ' && b != b'\t' {
                    return Some(Unit {
                        start: c2_at - 1,
                        end,
                        c1: C1::Char(b),
                        c2: c,
                    });
                }
            }
            let w = pair_ws_run_before(s, c2_at, floor);
            if w > 0 {
                return Some(Unit {
                    start: c2_at - w,
                    end,
                    c1: C1::Space,
                    c2: c,
                });
            }
        }
    }
    (bare_at == Some(c2_at)).then_some(Unit {
        start: c2_at,
        end,
        c1: C1::Bare,
        c2: c,
    })
}

/// Units parsed forward from `start`, at most [`MAX_RUN`]. A bare first unit is allowed when
/// `bare_first` is set.
pub fn run_fwd(s: &[u8], start: usize, g: Grammar, bare_first: bool, out: &mut Vec<Unit>) {
    out.clear();
    let mut i = start;
    let mut mid_bare = false;
    while out.len() < MAX_RUN {
        let u = unit_fwd(s, i, g, bare_first && out.is_empty()).or_else(|| {
            // One pair inside the run may have lost a NUL c1 (browsers drop NUL): a bare c2
            // with more pairs after it.
            let take = g == Grammar::Pair
                && !mid_bare
                && !out.is_empty()
                && s.get(i).is_some_and(|&b| is_c2(b));
            (take && unit_fwd(s, i + 1, g, false).is_some()).then(|| {
                mid_bare = true;
                Unit {
                    start: i,
                    end: i + 1,
                    c1: C1::Bare,
                    c2: s[i],
                }
            })
        });
        match u {
            Some(u) => {
                i = u.end;
                out.push(u);
            }
            None => break,
        }
    }
}

/// Units parsed backward from `end`, nearest first, at most [`MAX_RUN`].
///
/// For pairs the unit at `end` may be a bare `c2` (a 4.x/5.x `c1` of NUL is dropped by
/// browsers), and so may one unit inside the run.
pub fn run_bwd(
    s: &[u8],
    end: usize,
    floor: usize,
    g: Grammar,
    bare_at: Option<usize>,
    out: &mut Vec<Unit>,
) {
    out.clear();
    let mut e = end;
    let mut mid_bare = false;
    while out.len() < MAX_RUN {
        let bare = if g == Grammar::Pair && out.is_empty() && e > floor {
            Some(e - 1)
        } else {
            bare_at
        };
        let u = unit_bwd(s, e, floor, g, bare)
            .or_else(|| unit_bwd(s, e, floor, g, bare_at))
            .or_else(|| {
                let take = g == Grammar::Pair
                    && !mid_bare
                    && !out.is_empty()
                    && e > floor
                    && is_c2(s[e - 1]);
                (take && unit_bwd(s, e - 1, floor, g, None).is_some()).then(|| {
                    mid_bare = true;
                    Unit {
                        start: e - 1,
                        end: e,
                        c1: C1::Bare,
                        c2: s[e - 1],
                    }
                })
            });
        match u {
            Some(u) => {
                e = u.start;
                out.push(u);
            }
            None => break,
        }
    }
}

/// Probability-based test that a run of units is random junk and not structured text.
///
/// Junk draws `c1` uniformly from 28 values and `c2` from 64, independently per unit. Text that
/// happens to parse as units is repetitive: `A, B, C, D, E` repeats `,`, spaced single letters
/// repeat the space, ASCII art repeats both. A run is rejected when one `c1` (or one `c2`) value
/// occurs more often than random draws would give with probability above 1e-4.
pub fn looks_random(units: &[Unit]) -> bool {
    // A bare unit shows no c1: the counts are over the units that do.
    let n = units.iter().filter(|u| u.c1 != C1::Bare).count();
    if n == 0 {
        return false;
    }
    // c1 of every family is in 0x00..=0x3B (a space c1 counts as 0x20), c2 in 0x3F..=0x7E.
    let mut c1_counts = [0u8; 64];
    let mut c2_counts = [0u8; 64];
    let (mut max1, mut max2) = (0, 0);
    for u in units {
        let k = match u.c1 {
            C1::Char(b) => (b & 63) as usize,
            C1::Space => 0x20,
            C1::Bare => continue,
        };
        c1_counts[k] += 1;
        max1 = max1.max(c1_counts[k]);
        let k2 = (u.c2 & 63) as usize;
        c2_counts[k2] += 1;
        max2 = max2.max(c2_counts[k2]);
    }
    (max1 as usize) < c1_limit(n)
        && (max2 as usize) < c2_limit(n)
        && (c1_counts[0x20] as usize) < space_limit(n)
}

/// Space is the one `c1` value that text is full of (`a b c d e`), so it gets its own, tighter
/// bound: the smallest count with a binomial tail below 1e-4 for that value alone.
pub fn space_limit(n: usize) -> usize {
    match n {
        0..=3 => 3,
        4..=7 => 4,
        8..=14 => 5,
        15..=22 => 6,
        23..=31 => 7,
        _ => 8,
    }
}

/// Smallest count of one `c1` value (of 28) among `n` random units whose probability, summed over
/// the 28 values, is below 1e-4 (the binomial tail; `bench/limits.py` prints the table). At 1e-3
/// about one real junk string in a thousand was kept (seen: `# L! S# H# c# v`).
pub fn c1_limit(n: usize) -> usize {
    match n {
        0..=1 => 2,
        2 => 3,
        3..=4 => 4,
        5..=8 => 5,
        9..=13 => 6,
        14..=19 => 7,
        20..=27 => 8,
        _ => 9,
    }
}

/// The same for `c2` (64 values).
pub fn c2_limit(n: usize) -> usize {
    match n {
        0..=1 => 2,
        2 => 3,
        3..=6 => 4,
        7..=13 => 5,
        14..=24 => 6,
        _ => 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fwd(s: &str, g: Grammar, bare: bool) -> Vec<String> {
        let mut v = Vec::new();
        run_fwd(s.as_bytes(), 0, g, bare, &mut v);
        v.iter().map(|u| s[u.start..u.end].to_string()).collect()
    }

    fn bwd(s: &str, g: Grammar) -> Vec<String> {
        let mut v = Vec::new();
        run_bwd(s.as_bytes(), s.len(), 0, g, Some(0), &mut v);
        v.iter()
            .rev()
            .map(|u| s[u.start..u.end].to_string())
            .collect()
    }

    #[test]
    fn classes_are_disjoint() {
        for b in 0u8..=255 {
            assert!(!(is_c1(b) && is_c2(b)), "{b}");
        }
        assert!(!is_c1(b'<') && !is_c2(b'<') && !is_c1(b'=') && !is_c2(b'=') && !is_c1(b'>'));
    }

    #[test]
    fn triples_forward_with_collapsed_space_unit() {
        assert_eq!(
            fwd("7 Q M* F深", Grammar::Triple, false),
            ["7 Q", " M", "* F"]
        );
        assert_eq!(fwd("}( u( E", Grammar::Triple, true), ["}", "( u", "( E"]);
        assert_eq!(fwd("}( u( E", Grammar::Triple, false), Vec::<String>::new());
        assert_eq!(
            fwd("O\u{a0}\u{a0}M2 L", Grammar::Triple, true),
            ["O", "\u{a0}\u{a0}M", "2 L"]
        );
    }

    #[test]
    fn triples_backward() {
        assert_eq!(
            bwd("贺树龙8 G, {* O", Grammar::Triple),
            ["8 G", ", {", "* O"]
        );
        assert_eq!(bwd("吗?3 K8 ~", Grammar::Triple), ["3 K", "8 ~"]);
        assert_eq!(bwd("}( u( E", Grammar::Triple), ["}", "( u", "( E"]);
        assert_eq!(
            bwd("ab\u{a0}\u{a0}X. y", Grammar::Triple),
            ["\u{a0}\u{a0}X", ". y"]
        );
    }

    #[test]
    fn pairs_both_ways() {
        let s = "5t\x1fY\x15\\\x0eY5o";
        assert_eq!(
            fwd(s, Grammar::Pair, false),
            ["5t", "\x1fY", "\x15\\", "\x0eY", "5o"]
        );
        assert_eq!(
            bwd(s, Grammar::Pair),
            ["5t", "\x1fY", "\x15\\", "\x0eY", "5o"]
        );
        let t = "n x\u{a0} \u{a0} \u{a0} \u{a0} F";
        assert_eq!(
            bwd(t, Grammar::Pair),
            ["n", " x", "\u{a0} \u{a0} \u{a0} \u{a0} F"]
        );
    }

    #[test]
    fn randomness() {
        let mk = |s: &str| {
            let mut v = Vec::new();
            run_fwd(s.as_bytes(), 0, Grammar::Triple, false, &mut v);
            v
        };
        assert!(looks_random(&mk("0 K( N$ i1 h& P# I' b- O")));
        assert!(!looks_random(&mk(", B, C, D, E, F")));
        assert!(!looks_random(&mk("/ \\/ \\/ \\/ \\/ \\")));
        let mut v = Vec::new();
        run_fwd(b"a b c d e", 0, Grammar::Triple, true, &mut v);
        assert_eq!(v.len(), 5);
        assert!(!looks_random(&v), "spaced letters are text");
    }
}
