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

// ---------------------------------------------------------------- the longer model

/// The same text read with four symbols of context (5-grams over 4-grams over the trigram,
/// interpolated, pruned to n-grams seen three times, or twice for 4-grams): a trigram forgets a
/// word after two letters, so `yarn` and `arn` after a line start look alike to it. Used where a
/// decision is close ([`evidence`](super::evidence)); loaded on first use.
static MODEL5: &[u8] = include_bytes!("textmodel5.bin");

/// A sparse table of n-gram costs, read in place from the embedded file: open addressing with
/// linear probing, laid out by the training script (`hashed_table` in
/// `tools/textmodel/train.py`). A sorted table with binary search cost some twenty dependent
/// cache misses a lookup and made these models most of the cleaner's time; a hash table built
/// at load cost more than a short file's whole run (bench/clean_real_bench.sh). In place, a
/// lookup is one or two cache lines and loading costs nothing.
struct Table {
    /// `m` slots of `width` bytes of key + 1 (0: empty) and a cost byte.
    slots: &'static [u8],
    m: usize,
    width: usize,
}

const HASH_MUL: u64 = 0x9E37_79B9_7F4A_7C15;

impl Table {
    /// Read the first byte of `key`'s first slot and nothing else: issued for many keys in a
    /// row, the cache misses overlap instead of queueing behind each other (see [`Span`]).
    #[inline]
    fn touch(&self, key: u64) -> u8 {
        let i = ((key.wrapping_mul(HASH_MUL) as u128 * self.m as u128) >> 64) as usize;
        self.slots.get(i * (self.width + 1)).copied().unwrap_or(0)
    }

    #[inline]
    fn get(&self, key: u64) -> Option<Cost> {
        let want = key + 1;
        let step = self.width + 1;
        let mut i = ((key.wrapping_mul(HASH_MUL) as u128 * self.m as u128) >> 64) as usize;
        // Bounded, so that even a table without an empty slot cannot probe forever.
        for _ in 0..self.m {
            let at = i * step;
            let slot = &self.slots[at..at + step];
            // Keys are 4 or 5 bytes: a fixed-size read, not a copy of `width` bytes.
            let low = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]) as u64;
            let k = if self.width == 5 {
                low | (slot[4] as u64) << 32
            } else {
                low
            };
            if k == 0 {
                return None;
            }
            if k == want {
                return Some(slot[self.width] as Cost);
            }
            i = if i + 1 < self.m { i + 1 } else { 0 };
        }
        None
    }
}

struct Higher {
    e4: Table,
    b4: Table,
    e5: Table,
    b5: Table,
}

/// A model with four symbols of context: a dense trigram under sparse 4- and 5-grams.
struct Long {
    tri: &'static [u8],
    high: Higher,
}

impl Long {
    /// Bring the slots `cost5(ctx, e)` may read towards the cache (see [`Table::touch`]).
    #[inline]
    fn touch(&self, ctx: [u8; 4], e: u8) -> u8 {
        let [a, b, c, d] = ctx;
        let h = &self.high;
        let v = V as u64;
        let k4 = ((b as u64 * v + c as u64) * v + d as u64) * v + e as u64;
        let k5 = a as u64 * v * v * v * v + k4;
        h.e5.touch(k5) ^ h.b5.touch(k5 / v) ^ h.e4.touch(k4) ^ h.b4.touch(k4 / v)
    }

    /// Cost of symbol `e` after the four symbols `ctx` (in the model's reading order).
    fn cost5(&self, ctx: [u8; 4], e: u8) -> Cost {
        let [a, b, c, d] = ctx;
        let h = &self.high;
        let v = V as u64;
        let k4 = ((b as u64 * v + c as u64) * v + d as u64) * v + e as u64;
        let k5 = a as u64 * v * v * v * v + k4;
        if let Some(x) = h.e5.get(k5) {
            return x;
        }
        let bow5 = h.b5.get(k5 / v).unwrap_or(0);
        if let Some(x) = h.e4.get(k4) {
            return bow5 + x;
        }
        let tri = *self
            .tri
            .get((c as usize * V + d as usize) * V + e as usize)
            .unwrap_or(&255) as Cost;
        bow5 + h.b4.get(k4 / v).unwrap_or(0) + tri
    }
}

fn higher() -> Option<&'static Long> {
    static H: std::sync::OnceLock<Option<Long>> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        Some(Long {
            tri: table(),
            high: parse_higher(MODEL5)?,
        })
    })
    .as_ref()
}

/// The backward model: the same text read from each line's end, so that it says what
/// precedes a string (`arn` after a line start is a word cut in two).
static MODEL_BWD: &[u8] = include_bytes!("textmodel_bwd.bin");

fn backward() -> Option<&'static Long> {
    static B: std::sync::OnceLock<Option<Long>> = std::sync::OnceLock::new();
    B.get_or_init(|| {
        let b = MODEL_BWD;
        if b.get(..8)? != b"UNJAMTMB" {
            return None;
        }
        let n = u32::from_le_bytes(b.get(12..16)?.try_into().ok()?) as usize;
        let tri = b.get(16..16 + n)?;
        (n == V * V * V).then_some(())?;
        Some(Long {
            tri,
            high: parse_higher(&b[16 + n..])?,
        })
    })
    .as_ref()
}

/// The tables of a `textmodel5.bin` section (see `tools/textmodel/train.py`); `None` if
/// malformed.
fn parse_higher(b: &'static [u8]) -> Option<Higher> {
    if b.get(..8)? != b"UNJAMTM6"
        || u16::from_le_bytes([b[8], b[9]]) != ALPHABET_VERSION
        || u16::from_le_bytes([b[10], b[11]]) as usize != V
    {
        return None;
    }
    let mut at = 12;
    let mut table = |want_width: usize| -> Option<Table> {
        let m = u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize;
        let width = *b.get(at + 4)? as usize;
        at += 5;
        let end = at + m * (width + 1);
        let slots = b.get(at..end)?;
        at = end;
        (width == want_width && m > 0).then_some(Table { slots, m, width })
    };
    let h = Higher {
        e4: table(4)?,
        b4: table(4)?,
        e5: table(5)?,
        b5: table(4)?,
    };
    (at == b.len()).then_some(h)
}

/// Do the longer models load (a unit test checks the embedded files)?
pub fn check_higher() -> bool {
    higher().is_some() && backward().is_some()
}

/// Cost of symbol `e` after the four symbols `ctx`, with the longer forward model.
pub fn cost5(ctx: [u8; 4], e: u8) -> Cost {
    match higher() {
        Some(h) => h.cost5(ctx, e),
        None => cost(ctx[2], ctx[3], e),
    }
}

/// Cost of `s[from..to]` read backward (each symbol given the four after it): `after` are the
/// four symbols following `to` in text order (`EDGE` past the line end), and `bol` adds the
/// line start before `from`. Where the backward model is missing, nothing (0).
pub fn text_cost5_bwd(s: &[u8], from: usize, to: usize, after: [u8; 4], bol: bool) -> Cost {
    let Some(m) = backward() else {
        return 0;
    };
    // In the backward model's reading order, the context of the symbol before `to` is the
    // four symbols after it, farthest first.
    let mut ctx = [after[3], after[2], after[1], after[0]];
    let mut total = 0;
    let mut i = to;
    while i > from {
        let (sym, start) = sym_bwd(s, i, from);
        total += m.cost5(ctx, sym);
        ctx = [ctx[1], ctx[2], ctx[3], sym];
        i = start;
    }
    if bol {
        total += m.cost5(ctx, EDGE);
    }
    total
}

/// The four symbols from byte `at` on (in text order), `EDGE` past `line_end`.
pub fn context4_after(s: &[u8], at: usize, line_end: usize) -> [u8; 4] {
    let mut out = [EDGE; 4];
    let mut i = at;
    for o in &mut out {
        if i >= line_end {
            break;
        }
        let (c, next) = sym_fwd(s, i);
        *o = c;
        i = next;
    }
    out
}

/// Cost of `s[from..to]` read as text with the longer model, after the context `ctx`, plus the
/// line end when `eol` (trailing whitespace before it free).
pub fn text_cost5(s: &[u8], from: usize, to: usize, ctx: [u8; 4], eol: bool) -> Cost {
    let mut c = ctx;
    let mut total = 0;
    let mut i = from;
    let mut pending_ws = 0;
    while i < to {
        let (sym, next) = sym_fwd(s, i);
        let x = cost5(c, sym);
        // Whitespace right before the line end is layout: counted only if text follows.
        if sym == 1 || sym == TAB {
            pending_ws += x;
        } else {
            total += pending_ws + x;
            pending_ws = 0;
        }
        c = [c[1], c[2], c[3], sym];
        i = next;
    }
    if eol {
        // The line end after the last non-whitespace symbols.
        let mut k = to;
        let mut ctx_end = c;
        if pending_ws > 0 {
            let mut syms = Vec::new();
            let mut j = from;
            while j < to {
                let (sym, next) = sym_fwd(s, j);
                syms.push(sym);
                j = next;
            }
            while syms.last().is_some_and(|&x| x == 1 || x == TAB) {
                syms.pop();
            }
            let mut full: Vec<u8> = ctx.to_vec();
            full.extend(syms);
            let n = full.len();
            ctx_end = [full[n - 4], full[n - 3], full[n - 2], full[n - 1]];
            k = 0;
        }
        let _ = k;
        total += cost5(ctx_end, EDGE);
    } else {
        total += pending_ws;
    }
    total
}

/// One window's symbols, decoded once, for scoring many readings of it that differ at one edge
/// only (where the text starts, or where it ends). Four symbols away from that edge every
/// reading gives the longer models the same context, so those costs are looked up once for the
/// window instead of once per reading: the lookups are cache misses in tables of megabytes and
/// were half of the cleaner's time. Each result is the number [`text_cost5`] or
/// [`text_cost5_bwd`] gives for the same reading (a test compares them on random text).
#[derive(Default)]
pub struct Span {
    syms: Vec<u8>,
    /// Byte position of each symbol, and the span's end.
    pos: Vec<usize>,
    /// Forward costs with four real symbols of context (index `j >= 4`).
    fwd: Vec<Cost>,
    /// Backward costs of each symbol given the four after it; `bsum[j]` sums `j..`.
    bsum: Vec<Cost>,
}

impl Span {
    /// Decode `s[from..to]`. False where it is not valid UTF-8: reading backward then need not
    /// split the bytes as reading forward does, and the callers score each reading on its own.
    pub fn load(&mut self, s: &[u8], from: usize, to: usize) -> bool {
        self.syms.clear();
        self.pos.clear();
        if std::str::from_utf8(&s[from..to]).is_err() {
            return false;
        }
        let mut i = from;
        while i < to {
            let (c, next) = sym_fwd(s, i);
            self.syms.push(c);
            self.pos.push(i);
            i = next;
        }
        self.pos.push(to);
        true
    }

    /// The index of the symbol starting at byte `at` (the span's length at its end).
    pub fn index(&self, at: usize) -> Option<usize> {
        self.pos.binary_search(&at).ok()
    }

    fn sym_or(&self, j: usize, past: &[u8; 4], base: usize) -> u8 {
        self.syms.get(j).copied().unwrap_or_else(|| past[j - base])
    }

    /// Forward costs from index `first` on, with four real symbols of context.
    fn fill_fwd(&mut self, first: usize) {
        let n = self.syms.len();
        self.fwd.clear();
        self.fwd.resize(n, 0);
        let s = &self.syms;
        if let Some(m) = higher() {
            let mut x = 0;
            for j in first.max(4)..n {
                x ^= m.touch([s[j - 4], s[j - 3], s[j - 2], s[j - 1]], s[j]);
            }
            std::hint::black_box(x);
        }
        for j in first.max(4)..n {
            self.fwd[j] = cost5([s[j - 4], s[j - 3], s[j - 2], s[j - 1]], s[j]);
        }
    }

    /// Backward costs of every symbol, `after` following the span, summed from each index on.
    fn fill_bwd(&mut self, m: &Long, after: [u8; 4]) {
        let n = self.syms.len();
        self.bsum.clear();
        self.bsum.resize(n + 1, 0);
        let ctx_of = |j: usize| {
            [
                self.sym_or(j + 4, &after, n),
                self.sym_or(j + 3, &after, n),
                self.sym_or(j + 2, &after, n),
                self.sym_or(j + 1, &after, n),
            ]
        };
        let mut x = 0;
        for j in 0..n {
            x ^= m.touch(ctx_of(j), self.syms[j]);
        }
        std::hint::black_box(x);
        for j in (0..n).rev() {
            let ctx = [
                self.sym_or(j + 4, &after, n),
                self.sym_or(j + 3, &after, n),
                self.sym_or(j + 2, &after, n),
                self.sym_or(j + 1, &after, n),
            ];
            self.bsum[j] = self.bsum[j + 1] + m.cost5(ctx, self.syms[j]);
        }
    }

    /// `text_cost5(s, pos[i], end, [EDGE; 4], eol)` for each start `i` in `starts`.
    pub fn fwd_from(&mut self, starts: &[usize], eol: bool, out: &mut Vec<Cost>) {
        out.clear();
        let Some(&first) = starts.iter().min() else {
            return;
        };
        self.fill_fwd(first + 4);
        let n = self.syms.len();
        for &i in starts {
            let mut c = [EDGE; 4];
            let mut before_ws = c;
            let (mut total, mut pending) = (0, 0);
            for j in i..n {
                let sym = self.syms[j];
                let x = if j >= i + 4 {
                    self.fwd[j]
                } else {
                    cost5(c, sym)
                };
                c = [c[1], c[2], c[3], sym];
                if sym == 1 || sym == TAB {
                    pending += x;
                } else {
                    total += pending + x;
                    pending = 0;
                    before_ws = c;
                }
            }
            out.push(if eol {
                total + cost5(if pending > 0 { before_ws } else { c }, EDGE)
            } else {
                total + pending
            });
        }
    }

    /// `text_cost5_bwd(s, pos[i], end, after, true)` for each start `i` in `starts`.
    pub fn bwd_from(&mut self, starts: &[usize], after: [u8; 4], out: &mut Vec<Cost>) {
        out.clear();
        let Some(m) = backward() else {
            out.resize(starts.len(), 0);
            return;
        };
        self.fill_bwd(m, after);
        let n = self.syms.len();
        for &i in starts {
            let ctx = [
                self.sym_or(i + 3, &after, n),
                self.sym_or(i + 2, &after, n),
                self.sym_or(i + 1, &after, n),
                self.sym_or(i, &after, n),
            ];
            out.push(self.bsum[i] + m.cost5(ctx, EDGE));
        }
    }

    /// `text_cost5(s, pos[from], pos[e], ctx, true)` for each end `e` in `ends`.
    pub fn fwd_to(&mut self, from: usize, ctx: [u8; 4], ends: &[usize], out: &mut Vec<Cost>) {
        out.clear();
        let Some(&last) = ends.iter().max() else {
            return;
        };
        // One pass from `from`, the state after each prefix kept: where the text ends is the
        // only difference between readings.
        let (mut c, mut before_ws, mut total, mut pending) = (ctx, ctx, 0, 0);
        let mut state = Vec::with_capacity(last + 1 - from.min(last));
        for j in from..=last {
            state.push((total, pending, c, before_ws));
            if j == last {
                break;
            }
            let sym = self.syms[j];
            let x = cost5(c, sym);
            c = [c[1], c[2], c[3], sym];
            if sym == 1 || sym == TAB {
                pending += x;
            } else {
                total += pending + x;
                pending = 0;
                before_ws = c;
            }
        }
        for &e in ends {
            let (total, pending, c, before_ws) = state[e - from];
            out.push(total + cost5(if pending > 0 { before_ws } else { c }, EDGE));
        }
    }

    /// `text_cost5_bwd(s, pos[0], pos[e], [EDGE; 4], bol)` for each end `e` in `ends`.
    pub fn bwd_to(&mut self, ends: &[usize], bol: bool, out: &mut Vec<Cost>) {
        out.clear();
        let Some(m) = backward() else {
            out.resize(ends.len(), 0);
            return;
        };
        // The backward costs away from the end see four real symbols, whatever the end.
        self.fill_bwd(m, [EDGE; 4]);
        for &e in ends {
            let sym = |j: usize| if j < e { self.syms[j] } else { EDGE };
            let inner = e.saturating_sub(4);
            // bsum[j] - bsum[inner] = symbols j..inner, each with real context (j + 4 < e).
            let mut total = self.bsum[0] - self.bsum[inner];
            for j in (inner..e).rev() {
                total += m.cost5([sym(j + 4), sym(j + 3), sym(j + 2), sym(j + 1)], sym(j));
            }
            if bol {
                total += m.cost5([sym(3), sym(2), sym(1), sym(0)], EDGE);
            }
            out.push(total);
        }
    }
}

/// The four symbols before byte `at` as context (line edges where the line starts).
pub fn context4_before(s: &[u8], at: usize, line_start: usize) -> [u8; 4] {
    let mut out = [EDGE; 4];
    let mut end = at;
    for k in (0..4).rev() {
        if end <= line_start {
            break;
        }
        let (c, start) = sym_bwd(s, end, line_start);
        out[k] = c;
        end = start;
    }
    out
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
        assert!(check_higher());
    }

    #[test]
    fn the_longer_models_know_more_of_a_word() {
        // `# Comment` against `omment` after a line start (its `# C` read as a junk unit,
        // 10.8 bits): the longer models, forward and backward, see more of the word than the
        // trigram and prefer the text by more.
        let tri = |t: &str| text_cost(t.as_bytes(), 0, t.len(), (EDGE, EDGE), false) as f64;
        let five = |t: &str| {
            let b = t.as_bytes();
            (text_cost5(b, 0, b.len(), [EDGE; 4], false)
                + text_cost5_bwd(b, 0, b.len(), [EDGE; 4], true)) as f64
                / 2.0
        };
        let margin = |f: &dyn Fn(&str) -> f64| f("omment here") + 86.0 - f("# Comment here");
        assert!(margin(&five) > 0.0);
        assert!(
            margin(&five) > margin(&tri),
            "{} {}",
            margin(&five),
            margin(&tri)
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// The window scorer gives what scoring each reading on its own gives, for every start
        /// and end, trailing whitespace, short texts and all.
        #[test]
        fn span_scores_every_reading_as_the_direct_functions_do(
            text in proptest::collection::vec(proptest::sample::select(vec![
                "a", "b", "e", " ", " ", "\t", "\u{a0}", "#", "(", "8", "?", "中", "文", "。", "é", "Z",
            ]), 0..24),
            after in proptest::collection::vec(0u8..V as u8, 4),
            ctx in proptest::collection::vec(0u8..V as u8, 4),
            eol: bool,
            bol: bool,
        ) {
            let s = text.concat();
            let b = s.as_bytes();
            let after: [u8; 4] = after.try_into().unwrap();
            let ctx: [u8; 4] = ctx.try_into().unwrap();
            let mut span = Span::default();
            proptest::prop_assert!(span.load(b, 0, b.len()));
            let n = span.syms.len();
            let all: Vec<usize> = (0..=n).collect();
            let pos = span.pos.clone();
            let at = |i: usize| pos[i];
            let mut out = Vec::new();
            span.fwd_from(&all, eol, &mut out);
            for &i in &all {
                proptest::prop_assert_eq!(out[i], text_cost5(b, at(i), b.len(), [EDGE; 4], eol));
            }
            span.bwd_from(&all, after, &mut out);
            for &i in &all {
                proptest::prop_assert_eq!(out[i], text_cost5_bwd(b, at(i), b.len(), after, true));
            }
            for from in 0..=n {
                let ends: Vec<usize> = (from..=n).collect();
                span.fwd_to(from, ctx, &ends, &mut out);
                for (k, &e) in ends.iter().enumerate() {
                    proptest::prop_assert_eq!(out[k], text_cost5(b, at(from), at(e), ctx, true));
                }
            }
            span.bwd_to(&all, bol, &mut out);
            for &e in &all {
                proptest::prop_assert_eq!(out[e], text_cost5_bwd(b, 0, at(e), [EDGE; 4], bol));
            }
        }
    }

    #[test]
    fn a_span_of_invalid_utf8_is_refused() {
        let mut span = Span::default();
        assert!(!span.load(b"ab\xffcd", 0, 5));
        assert!(span.load(b"ab\xffcd", 3, 5));
        assert_eq!(span.index(4), Some(1));
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
