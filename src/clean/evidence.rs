//! Every junk decision is a choice between two explanations of the same characters.
//!
//! *Junk*: the jammer's generator made them. Its probabilities are exact (read from the Discuz
//! source, see [`grammar`](super::grammar)): a unit is one of 28 × 64 (triples, 2.x/3.x pairs)
//! or 60 × 64 (4.x/5.x pairs) equally likely values, and a string has `L` units with
//! `P(L ≥ k+1 | L ≥ k) = (15 − k) / 11` for `k ≥ 5` (the PHP loop redraws its bound on every
//! test), so `P(L = 5) = 1/11` and long strings are rare.
//!
//! *Text*: the author wrote them. Their probability comes from the character model of
//! [`textmodel`](super::textmodel), read from the line edge the text would start (or end) at
//! if the junk reading were true.
//!
//! At a line edge the parser gives the longest run of units; the readings are "the first `k`
//! units are junk, the rest is text" for `k = 0` and `5 ≤ k ≤ 15`. Each reading's cost is the
//! junk cost of its `k` units plus the text cost of the rest, over the same characters, so the
//! costs compare directly; their softmax is the posterior of each reading. A unit is removed
//! only when the posterior that it is junk is at least [`KEEP_UNLESS`]: where the two readings
//! are close, the text stays ("when in doubt, keep the text").
//!
//! Two tests under the junk hypothesis alone stay as vetoes, because a trigram cannot see what
//! they see: a run in which one `c1` or `c2` value repeats beyond 1-in-10,000 odds
//! ([`grammar::looks_random`](super::grammar::looks_random): `A, B, C, D, E`, spaced letters,
//! ASCII art), and the pair-run checks of [`detect::plausible`](super::detect::plausible).
//!
//! Costs and what the thresholds cost in recall and in real text are measured in README.md
//! ("Accuracy", "How decisions are made").

use super::grammar::{Grammar, Unit, C1};
use super::textmodel::{self, Cost, BIT, EDGE};

/// Posterior probability of junk needed to remove a unit.
pub const KEEP_UNLESS: f32 = 0.95;

/// [`KEEP_UNLESS`], or `UNJAM_TAU` from the environment when set: measuring what each threshold
/// costs (README, "How decisions are made") needs other values without a rebuild.
fn keep_unless() -> f32 {
    static T: std::sync::OnceLock<f32> = std::sync::OnceLock::new();
    *T.get_or_init(|| {
        std::env::var("UNJAM_TAU")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|t: &f32| (0.5..1.0).contains(t))
            .unwrap_or(KEEP_UNLESS)
    })
}

/// Units in a junk string.
pub const MIN_UNITS: usize = 5;
pub const MAX_UNITS: usize = 15;

/// Readings costing this much more than the best one are not worth following further in.
const STOP: Cost = 24 * BIT;

/// A reading that is impossible (fails a veto).
const NEVER: Cost = Cost::MAX / 4;

/// `-log2 P(L = k)` in eighths of a bit, for `k = 0..=15` (0 below 5).
const fn length_costs() -> [Cost; 16] {
    let mut out = [0; 16];
    // P(L >= k) as a fraction with denominator 11^(k-5).
    let mut k = 5;
    let mut reach: f64 = 1.0; // P(L >= k)
    while k <= 15 {
        let stop = (k as f64 - 4.0) / 11.0; // P(L = k | L >= k)
        let p = reach * stop;
        // -log2 p, in eighths, by a series-free route: count halvings.
        out[k] = neg_log2_eighths(p);
        reach *= (15.0 - k as f64) / 11.0;
        k += 1;
    }
    out
}

/// `-8·log2(p)` rounded, for `0 < p ≤ 1`, computable in a const context.
const fn neg_log2_eighths(mut p: f64) -> Cost {
    // Scale p into [1, 2) counting whole bits, then take the fractional bits one by one.
    let mut bits: Cost = 0;
    while p < 1.0 {
        p *= 2.0;
        bits += 1;
    }
    // p in [1, 2): -log2(original) = bits - log2(p); log2(p) to three fractional bits.
    let mut frac = 0;
    let mut i = 0;
    while i < 3 {
        p *= p;
        frac <<= 1;
        if p >= 2.0 {
            p /= 2.0;
            frac |= 1;
        }
        i += 1;
    }
    bits * BIT - frac
}

static LENGTH: [Cost; 16] = length_costs();

/// Cost of a junk string of `k` units (its length), one string.
#[inline]
pub fn length_cost(k: usize) -> Cost {
    LENGTH
        .get(k)
        .copied()
        .filter(|_| k >= MIN_UNITS)
        .unwrap_or(NEVER)
}

/// The length cost of `k` units where strings may be as short as `min_units`: below five units
/// the string was cut off at the edge of its document (an excerpt, a truncated record), and
/// how many of its units are left says nothing.
///
/// A document rarely starts or ends inside junk (posts do not: their first line has no break
/// before it, their last none after), so such a reading also pays [`CUT_PRIOR`].
#[inline]
fn cut_length_cost(k: usize, min_units: usize) -> Cost {
    if min_units < MIN_UNITS {
        CUT_PRIOR
    } else {
        length_cost(k)
    }
}

/// Prior cost of a junk string cut off at a document edge: one document in 256.
const CUT_PRIOR: Cost = 8 * BIT;

/// Cost of one unit under the generator.
pub fn unit_cost(g: Grammar, units: &[Unit]) -> Cost {
    // 28 x 64 values: 10.81 bits; 4.x/5.x pairs (control characters seen) 60 x 64: 11.91.
    match g {
        Grammar::Triple => 86,
        Grammar::Pair => {
            if units
                .iter()
                .any(|u| matches!(u.c1, C1::Char(b) if b < 0x20 || b == 0x7F))
            {
                95
            } else {
                86
            }
        }
    }
}

/// The symbols of `s[from..to]` with the byte position each starts at.
fn symbols(s: &[u8], from: usize, to: usize, out: &mut Vec<(u8, usize)>) {
    out.clear();
    let mut i = from;
    while i < to {
        let (c, next) = textmodel::sym_fwd(s, i);
        out.push((c, i));
        i = next;
    }
}

/// Position after `n` symbols from `i`, not past `limit`.
fn skip_symbols(s: &[u8], mut i: usize, n: usize, limit: usize) -> usize {
    for _ in 0..n {
        if i >= limit {
            break;
        }
        i = textmodel::sym_fwd(s, i).1;
    }
    i.min(limit)
}

/// Position `n` symbols before `end`, not below `floor`.
fn back_symbols(s: &[u8], mut end: usize, n: usize, floor: usize) -> usize {
    for _ in 0..n {
        if end <= floor {
            break;
        }
        end = textmodel::sym_bwd(s, end, floor).1;
    }
    end.max(floor)
}

/// Scratch space reused across decisions.
#[derive(Default)]
pub struct Scratch {
    syms: Vec<(u8, usize)>,
    costs: Vec<(usize, Cost)>,
    /// The junk part of each reading's cost (for rescoring the text part).
    junks: Vec<Cost>,
    sums: Vec<Cost>,
    rescore: Rescore,
}

/// Scratch space of the second reading with the longer models.
#[derive(Default)]
struct Rescore {
    span: textmodel::Span,
    /// Symbol index where each reading's text starts (or ends).
    at: Vec<usize>,
    /// The same for the backward model where it differs (trailing spaces left out).
    at_bwd: Vec<usize>,
    fwd: Vec<Cost>,
    bwd: Vec<Cost>,
}

/// `UNJAM_DEBUG_EVIDENCE=1`: print every decision's readings on stderr (for tuning).
fn debug() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("UNJAM_DEBUG_EVIDENCE").is_some())
}

fn show(what: &str, s: &[u8], units: &[Unit], costs: &[(usize, Cost)], k: usize) {
    if !debug() {
        return;
    }
    let text: Vec<String> = units
        .iter()
        .map(|u| String::from_utf8_lossy(&s[u.start..u.end]).into_owned())
        .collect();
    eprintln!("{what} {text:?} -> {k}");
    for &(k, c) in costs {
        eprintln!("   k={k:2} cost={:.1}", c as f32 / BIT as f32);
    }
}

/// `2^(-d/8)`: the weight of a reading costing `d` eighths of a bit more than the best one.
#[inline]
fn weight(d: Cost) -> f32 {
    const FRAC: [f32; 8] = [
        1.0,
        0.917_004,
        0.840_896,
        0.771_105,
        std::f32::consts::FRAC_1_SQRT_2,
        0.648_420,
        0.594_604,
        0.545_254,
    ];
    if d >= 60 * BIT {
        return 0.0;
    }
    FRAC[(d & 7) as usize] / (1u64 << (d >> 3)) as f32
}

/// The largest `k` whose posterior "the first `k` units are junk" reaches [`KEEP_UNLESS`],
/// from `(k, cost)` readings (k = 0 is "no junk"); 0 if none does.
fn decide(costs: &[(usize, Cost)]) -> usize {
    let Some(best) = costs.iter().map(|&(_, c)| c).min() else {
        return 0;
    };
    if best >= NEVER {
        return 0;
    }
    let total: f32 = costs.iter().map(|&(_, c)| weight(c - best)).sum();
    // Readings come most junk first; the running sum is P(K >= k).
    let mut tail = 0.0;
    let mut order: [(usize, Cost); 20] = [(0, 0); 20];
    let n = costs.len().min(20);
    order[..n].copy_from_slice(&costs[..n]);
    order[..n].sort_unstable_by_key(|r| std::cmp::Reverse(r.0));
    for &(k, c) in &order[..n] {
        tail += weight(c - best);
        if k > 0 && tail >= keep_unless() * total {
            return k;
        }
    }
    0
}

/// Is symbol `c` whitespace (space, U+00A0, tab)? Whitespace next to a line edge is layout, not
/// text: scrapers collapse or strip it, and indentation after span junk shows as one space.
#[inline]
fn is_ws(c: u8) -> bool {
    c == 1 || c == 96
}

/// Symbols of a window, filled from either end: readings further from the line edge only add
/// symbols next to the text, so each reading costs a few lookups, not a pass over the window.
struct Window {
    buf: [u8; WINDOW],
    front: usize,
    back: usize,
}

/// Most symbols a window holds: 15 units of at most 9 symbols (a tab `c1` is written as
/// `&nbsp; &nbsp; &nbsp; &nbsp; `), two symbols of text, and room to spare.
const WINDOW: usize = 192;

impl Window {
    fn new_at(mid: usize) -> Self {
        Window {
            buf: [0; WINDOW],
            front: mid,
            back: mid,
        }
    }

    /// Prepend the symbols of `s[from..to]` (in order).
    fn prepend(&mut self, s: &[u8], from: usize, to: usize) {
        let mut tmp = [0u8; 64];
        let mut n = 0;
        let mut i = from;
        while i < to {
            let (c, next) = textmodel::sym_fwd(s, i);
            if n == tmp.len() || self.front == n {
                break;
            }
            tmp[n] = c;
            n += 1;
            i = next;
        }
        let n = n.min(self.front);
        self.buf[self.front - n..self.front].copy_from_slice(&tmp[..n]);
        self.front -= n;
    }

    /// Append the symbols of `s[from..to]`.
    fn append(&mut self, s: &[u8], from: usize, to: usize) {
        let mut i = from;
        while i < to && self.back < WINDOW {
            let (c, next) = textmodel::sym_fwd(s, i);
            self.buf[self.back] = c;
            self.back += 1;
            i = next;
        }
    }

    #[inline]
    fn inline_cost(&self, j: usize) -> Cost {
        textmodel::cost(self.buf[j - 2], self.buf[j - 1], self.buf[j])
    }
}

/// How many of `units`, parsed forward from the start of a line's text, are a junk string; the
/// line's text ends at `q`. Bit `k` of `allowed` says whether the first `k` units may be junk at
/// all (randomness and the pair checks). 0: none.
pub fn split_start(
    s: &[u8],
    q: usize,
    g: Grammar,
    units: &[Unit],
    min_units: usize,
    allowed: u64,
    scratch: &mut Scratch,
) -> usize {
    let n = units.len();
    let kmax = n.min(MAX_UNITS);
    if kmax < min_units.max(1) {
        return 0;
    }
    // Every reading is scored over the same characters: up to two symbols past the last possible
    // junk unit, after which all readings see the same context.
    let w = skip_symbols(s, units[kmax - 1].end, 2, q);
    let eol = w == q;
    let mut win = Window::new_at(WINDOW);
    win.prepend(s, units[kmax - 1].end, w);
    let end = WINDOW;
    // In-line costs of the window's symbols from front + 2 on, and the line end.
    let eol_cost = |win: &Window| -> Cost {
        if eol && end - win.front >= 2 {
            textmodel::cost(win.buf[end - 2], win.buf[end - 1], EDGE)
        } else {
            0
        }
    };
    let mut inline: Cost = 0;
    for j in (win.front + 2)..end {
        inline += win.inline_cost(j);
    }
    // Text cost of the window read from a line start, leading whitespace free.
    let text_cost = |win: &Window, inline: Cost| -> Cost {
        let mut x = win.front;
        while x < end && is_ws(win.buf[x]) {
            x += 1;
        }
        match end - x {
            0 => {
                if eol {
                    textmodel::cost(EDGE, EDGE, EDGE)
                } else {
                    0
                }
            }
            1 => {
                textmodel::cost(EDGE, EDGE, win.buf[x])
                    + if eol {
                        textmodel::cost(EDGE, win.buf[x], EDGE)
                    } else {
                        0
                    }
            }
            _ => {
                let mut rest = inline;
                for j in (win.front + 2)..(x + 2) {
                    rest -= win.inline_cost(j);
                }
                textmodel::cost(EDGE, EDGE, win.buf[x])
                    + textmodel::cost(EDGE, win.buf[x], win.buf[x + 1])
                    + rest
                    + eol_cost(win)
            }
        }
    };
    let unit = unit_cost(g, &units[..kmax]);
    let Scratch {
        costs,
        junks,
        rescore,
        ..
    } = scratch;
    costs.clear();
    junks.clear();
    let mut best = NEVER;
    let mut k = kmax;
    loop {
        if (k >= min_units || k == 0)
            && push_reading(
                k,
                kmax,
                junk_cost(k, allowed, unit, min_units),
                text_cost(&win, inline),
                &mut best,
                costs,
                junks,
            )
        {
            break;
        }
        if k == 0 {
            break;
        }
        if k <= min_units {
            // Below the shortest string only "no junk" is left: the whole run as text.
            let old = win.front;
            win.prepend(s, units[0].start, units[k - 1].end);
            for j in (win.front + 2)..(old + 2).min(end) {
                inline += win.inline_cost(j);
            }
            k = 0;
            continue;
        }
        // Unit k becomes text.
        let old = win.front;
        win.prepend(s, units[k - 1].start, units[k - 1].end);
        for j in (win.front + 2)..(old + 2).min(end) {
            inline += win.inline_cost(j);
        }
        k -= 1;
    }
    if close(costs) {
        // Read the text again with four symbols of context, over a longer window.
        let w6 = skip_symbols(s, units[kmax - 1].end, 6, q);
        let after = textmodel::context4_after(s, w6, q);
        // Where each reading's text starts; leading whitespace is layout.
        let text_from = |k: usize| {
            let mut x = if k == 0 {
                units[0].start
            } else {
                units[k - 1].end
            };
            loop {
                if x < w6 && matches!(s[x], b' ' | b'\t') {
                    x += 1;
                } else if x + 1 < w6 && s[x] == 0xC2 && s[x + 1] == 0xA0 {
                    x += 2;
                } else {
                    break;
                }
            }
            x
        };
        let Rescore {
            span, at, fwd, bwd, ..
        } = rescore;
        at.clear();
        let x_min = costs
            .iter()
            .zip(junks.iter())
            .filter(|(_, &junk)| junk < NEVER)
            .map(|(r, _)| text_from(r.0))
            .min()
            .unwrap_or(w6);
        let by_span = span.load(s, x_min, w6)
            && costs.iter().zip(junks.iter()).all(|(r, &junk)| {
                junk >= NEVER || span.index(text_from(r.0)).map(|i| at.push(i)).is_some()
            });
        if by_span {
            span.fwd_from(at, w6 == q, fwd);
            span.bwd_from(at, after, bwd);
        }
        let mut scored = 0;
        for (r, &junk) in costs.iter_mut().zip(junks.iter()) {
            if junk >= NEVER {
                continue;
            }
            let text = if by_span {
                fwd[scored] + bwd[scored]
            } else {
                let x = text_from(r.0);
                textmodel::text_cost5(s, x, w6, [EDGE; 4], w6 == q)
                    + textmodel::text_cost5_bwd(s, x, w6, after, true)
            };
            scored += 1;
            r.1 = junk + text / 2;
        }
    }
    let k = decide(costs);
    show("start", s, units, costs, k);
    k
}

/// The generator's cost of the first (or last) `k` units as one junk string; `NEVER` where a
/// veto forbids `k` (`allowed`), 0 for the no-junk reading.
fn junk_cost(k: usize, allowed: u64, unit: Cost, min_units: usize) -> Cost {
    if k == 0 {
        0
    } else if allowed & (1 << k) != 0 {
        k as Cost * unit + cut_length_cost(k, min_units)
    } else {
        NEVER
    }
}

/// Record the reading "k units are junk" at `junk + text`; true when the scan (from most junk
/// down) may stop, since fewer units only move further from the best reading.
fn push_reading(
    k: usize,
    kmax: usize,
    junk: Cost,
    text: Cost,
    best: &mut Cost,
    costs: &mut Vec<(usize, Cost)>,
    junks: &mut Vec<Cost>,
) -> bool {
    let c = junk.saturating_add(text);
    *best = (*best).min(c);
    costs.push((k, c));
    junks.push(junk);
    k > 0 && c < NEVER && c > best.saturating_add(STOP) && k < kmax
}

/// Is the decision among these readings close enough to read the text again with the longer
/// model? The best reading and another within [`CLOSE`].
fn close(costs: &[(usize, Cost)]) -> bool {
    let best = costs.iter().map(|r| r.1).min().unwrap_or(NEVER);
    best < NEVER && costs.iter().filter(|r| r.1 <= best + CLOSE).count() > 1
}

/// Readings closer than this (16 bits) are read again with the longer model.
const CLOSE: Cost = 16 * BIT;

/// How many of `units`, parsed backward from the end of a line's text (nearest first), are a
/// junk string; the line's text starts at `p`.
pub fn split_end(
    s: &[u8],
    p: usize,
    g: Grammar,
    units: &[Unit],
    min_units: usize,
    allowed: u64,
    scratch: &mut Scratch,
) -> usize {
    let n = units.len();
    let kmax = n.min(MAX_UNITS);
    if kmax < min_units.max(1) {
        return 0;
    }
    // Readings differ in where the text ends; they are scored from two symbols before the
    // innermost possible junk unit, in the line's own context.
    let w = back_symbols(s, units[kmax - 1].start, 2, p);
    let ctx = textmodel::context_before(s, w, p);
    let mut win = Window::new_at(2);
    win.buf[0] = ctx.0;
    win.buf[1] = ctx.1;
    win.front = 0;
    win.append(s, w, units[kmax - 1].start);
    // In-line costs of the window's text symbols (from index 2 on).
    let mut inline: Cost = 0;
    for j in 2..win.back {
        inline += win.inline_cost(j);
    }
    // The text ends where the window does: the line end's cost after trailing whitespace.
    let text_cost = |win: &Window, inline: Cost| -> Cost {
        let mut y = win.back;
        let mut rest = inline;
        while y > 2 && is_ws(win.buf[y - 1]) {
            y -= 1;
            rest -= win.inline_cost(y);
        }
        rest + textmodel::cost(win.buf[y - 2], win.buf[y - 1], EDGE)
    };
    let unit = unit_cost(g, &units[..kmax]);
    let Scratch {
        costs,
        junks,
        rescore,
        ..
    } = scratch;
    costs.clear();
    junks.clear();
    let mut best = NEVER;
    let mut k = kmax;
    loop {
        if (k >= min_units || k == 0)
            && push_reading(
                k,
                kmax,
                junk_cost(k, allowed, unit, min_units),
                text_cost(&win, inline),
                &mut best,
                costs,
                junks,
            )
        {
            break;
        }
        if k == 0 {
            break;
        }
        // Unit k (and, below the shortest string, all the rest) becomes text.
        let from = units[k - 1].start;
        let to = if k <= min_units {
            units[0].end
        } else {
            units[k - 1].end
        };
        let old = win.back;
        win.append(s, from, to);
        for j in old.max(2)..win.back {
            inline += win.inline_cost(j);
        }
        k = if k <= min_units { 0 } else { k - 1 };
    }
    if close(costs) {
        // Read the text again with four symbols of context, from further back.
        let w6 = back_symbols(s, units[kmax - 1].start, 6, p);
        let ctx = textmodel::context4_before(s, w6, p);
        // The backward reading goes on four symbols before the window, where it still sees
        // what differs between the readings.
        let w10 = back_symbols(s, w6, 4, p);
        // Where each reading's text ends, and without trailing spaces for the backward model.
        let text_to = |k: usize| {
            let y = if k == 0 {
                units[0].end
            } else {
                units[k - 1].start
            };
            let mut yt = y;
            while yt > w10 && matches!(s[yt - 1], b' ' | b'\t') {
                yt -= 1;
            }
            (y, yt)
        };
        let Rescore {
            span,
            at,
            at_bwd,
            fwd,
            bwd,
        } = rescore;
        at.clear();
        at_bwd.clear();
        let y_max = costs
            .iter()
            .zip(junks.iter())
            .filter(|(_, &junk)| junk < NEVER)
            .map(|(r, _)| text_to(r.0).0)
            .max()
            .unwrap_or(w6);
        let from = span.load(s, w10, y_max).then(|| span.index(w6)).flatten();
        let by_span = from.is_some()
            && costs.iter().zip(junks.iter()).all(|(r, &junk)| {
                let (y, yt) = text_to(r.0);
                junk >= NEVER
                    || match (span.index(y), span.index(yt)) {
                        (Some(i), Some(it)) if i >= from.unwrap_or(0) => {
                            at.push(i);
                            at_bwd.push(it);
                            true
                        }
                        _ => false,
                    }
            });
        if let (true, Some(from)) = (by_span, from) {
            span.fwd_to(from, ctx, at, fwd);
            span.bwd_to(at_bwd, w10 == p, bwd);
        }
        let mut scored = 0;
        for (r, &junk) in costs.iter_mut().zip(junks.iter()) {
            if junk >= NEVER {
                continue;
            }
            let text = if by_span {
                fwd[scored] + bwd[scored]
            } else {
                let (y, yt) = text_to(r.0);
                textmodel::text_cost5(s, w6, y, ctx, true)
                    + textmodel::text_cost5_bwd(s, w10, yt, [EDGE; 4], w10 == p)
            };
            scored += 1;
            r.1 = junk + text / 2;
        }
    }
    let k = decide(costs);
    show("end", s, units, costs, k);
    k
}

/// A line whose text `[units[0].start, q)` parses entirely as `units`: one junk string at each
/// edge (an empty line of the post carries up to two), or junk at one edge and text, or all
/// text. Returns how many units are junk at the start and at the end.
pub fn split_whole(
    s: &[u8],
    q: usize,
    g: Grammar,
    units: &[Unit],
    allowed_start: u64,
    allowed_end: u64,
    scratch: &mut Scratch,
) -> (usize, usize) {
    let n = units.len().min(2 * MAX_UNITS);
    let p = units[0].start;
    let Scratch { syms, sums, .. } = scratch;
    symbols(s, p, q, syms);
    let ns = syms.len();
    // sums[i] = sum of in-line costs of symbols 2..i.
    sums.clear();
    sums.resize(ns + 1, 0);
    for i in 0..ns {
        sums[i + 1] = sums[i]
            + if i >= 2 {
                textmodel::cost(syms[i - 2].0, syms[i - 1].0, syms[i].0)
            } else {
                0
            };
    }
    let prefix = &*sums;
    // Symbol index where each unit starts (bound[n] = end of the line).
    let mut bound = [0usize; 2 * MAX_UNITS + 1];
    let mut j = 0;
    for (i, u) in units[..n].iter().enumerate() {
        while j < ns && syms[j].1 < u.start {
            j += 1;
        }
        bound[i] = j;
    }
    bound[n] = ns;
    // Text from symbol x to symbol y (exclusive), read as a whole line (whitespace at its edges
    // free).
    let text = |x: usize, y: usize| -> Cost {
        let (mut x, mut y) = (x, y);
        while x < y && is_ws(syms[x].0) {
            x += 1;
        }
        while y > x && is_ws(syms[y - 1].0) {
            y -= 1;
        }
        let c = |i: usize| syms[i].0;
        match y - x {
            0 => textmodel::cost(EDGE, EDGE, EDGE),
            1 => textmodel::cost(EDGE, EDGE, c(x)) + textmodel::cost(EDGE, c(x), EDGE),
            _ => {
                textmodel::cost(EDGE, EDGE, c(x))
                    + textmodel::cost(EDGE, c(x), c(x + 1))
                    + (prefix[y] - prefix[x + 2])
                    + textmodel::cost(c(y - 2), c(y - 1), EDGE)
            }
        }
    };
    let unit = unit_cost(g, &units[..n]);
    // Readings: a junk units at the start, b at the end, the rest text.
    let sizes = |m: usize| std::iter::once(0).chain(MIN_UNITS..=MAX_UNITS.min(m));
    let mut readings = [(0u8, 0u8, 0 as Cost); 12 * 12];
    let mut nr = 0;
    for a in sizes(n) {
        if a > 0 && allowed_start & (1 << a) == 0 {
            continue;
        }
        for b in sizes(n - a) {
            if b > 0 && allowed_end & (1 << b) == 0 {
                continue;
            }
            let junk = (a + b) as Cost * unit
                + if a > 0 { length_cost(a) } else { 0 }
                + if b > 0 { length_cost(b) } else { 0 };
            readings[nr] = (a as u8, b as u8, junk + text(bound[a], bound[n - b]));
            nr += 1;
        }
    }
    let readings = &readings[..nr];
    let Some(best) = readings.iter().map(|r| r.2).min() else {
        return (0, 0);
    };
    // P(unit i is junk) = weight of readings with a > i, plus those with b > n - 1 - i.
    let mut by_a = [0f32; 2 * MAX_UNITS + 2];
    let mut by_b = [0f32; 2 * MAX_UNITS + 2];
    let mut total = 0.0;
    for r in readings {
        let w = weight(r.2 - best);
        by_a[r.0 as usize] += w;
        by_b[r.1 as usize] += w;
        total += w;
    }
    // Suffix sums: more_a[t] = weight of readings with a > t.
    let mut more_a = [0f32; 2 * MAX_UNITS + 2];
    let mut more_b = [0f32; 2 * MAX_UNITS + 2];
    for t in (0..=n).rev() {
        more_a[t] = more_a[t + 1] + by_a[t + 1];
        more_b[t] = more_b[t + 1] + by_b[t + 1];
    }
    let junk_p = |i: usize| (more_a[i] + more_b[n - 1 - i]) / total;
    let mut a = 0;
    while a < n && junk_p(a) >= keep_unless() {
        a += 1;
    }
    let mut b = 0;
    while b < n - a && junk_p(n - 1 - b) >= keep_unless() {
        b += 1;
    }
    (a, b)
}

/// Position after `n` symbols from `i`, not past `limit` (for the chain decisions in `block`).
pub fn skip_symbols_pub(s: &[u8], i: usize, n: usize, limit: usize) -> usize {
    skip_symbols(s, i, n, limit)
}

/// Does the junk reading win over the text reading by the bar of [`KEEP_UNLESS`]? Costs of the
/// same characters under each.
pub fn weigh(as_text: Cost, as_junk: Cost) -> bool {
    let margin = (keep_unless() / (1.0 - keep_unless())).log2() * BIT as f32;
    as_text as f32 - as_junk as f32 >= margin
}

/// Is the whole run `units` between non-ASCII text (a scraper joined two lines) junk? The text
/// around it is the same in both readings; the run is read as text in the context before it,
/// or as junk with the text after it following the text before it.
pub fn mid_is_junk(
    s: &[u8],
    line_start: usize,
    line_end: usize,
    g: Grammar,
    units: &[Unit],
) -> bool {
    let n = units.len();
    let (a, b) = (units[0].start, units[n - 1].end);
    let ctx = textmodel::context_before(s, a, line_start);
    let w = skip_symbols(s, b, 2, line_end);
    let as_text = textmodel::text_cost(s, a, w, ctx, false);
    let after = textmodel::text_cost(s, b, w, ctx, false);
    let len = if n <= MAX_UNITS {
        length_cost(n)
    } else {
        // Two strings: the cheapest split.
        (MIN_UNITS..=MAX_UNITS)
            .filter(|&k| n - k >= MIN_UNITS && n - k <= MAX_UNITS)
            .map(|k| length_cost(k) + length_cost(n - k))
            .min()
            .unwrap_or(NEVER)
    };
    let as_junk = (n as Cost * unit_cost(g, units))
        .saturating_add(len)
        .saturating_add(after);
    weigh(as_text, as_junk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_prior_follows_the_php_loop() {
        // P(L=5) = 1/11: 3.46 bits; P(L=6) = 10/11 * 2/11: 2.60 bits; P(L=15) = 10!/11^10:
        // 12.8 bits.
        assert_eq!(length_cost(5), 28);
        assert_eq!(length_cost(6), 21);
        assert_eq!(length_cost(15), 103);
        assert_eq!(length_cost(4), NEVER);
        let total: f64 = (5..=15)
            .map(|k| (-(length_cost(k) as f64) / 8.0).exp2())
            .sum();
        assert!((total - 1.0).abs() < 0.05, "{total}");
    }
}
