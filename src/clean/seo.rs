//! SEO strings that Discuz 2.x–7.x glue to their junk.
//!
//! Discuz 6/7 (and 2.x–5.x) write `SEO + junk` at a line end (font form) or `junk + SEO` at a
//! line start (span form), where SEO is picked at random per line break from a small set of site
//! settings: empty, the host, the board name, the SEO title, keywords or description. Glued to the
//! junk it looks like real text, and once alone it cannot be told from real text. When the same
//! string recurs on the junk side of several junk strings of one document, it is provably
//! Discuz's: that is the rule used here.
//!
//! The text next to each junk string is a *segment*: it runs from the junk to the next junk or the
//! line edge. An SEO string is a prefix of a segment that follows junk, or a suffix of a segment
//! that precedes junk. Candidates are whole segments and the longest common prefixes (suffixes)
//! of segments; a candidate is confirmed when at least two junk strings have it on their SEO side,
//! it occurs nowhere else, and the document shows SEO strings at all (one candidate seen on both
//! sides of junk, and glued to text once).
//!
//! A string can also be known before the text is read ([`KnownSeo`]: Discuz's defaults, a list
//! the user gives, or the strings proven in other documents of a corpus by `--find-seo`). A
//! known string next to junk is removed even once, and proves that its document carries SEO.

use super::grammar::{self, Grammar, Unit};
use std::collections::HashMap;

/// The text next to junk on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    /// Junk ends where this segment starts: an SEO string may be its prefix (span form).
    pub after_junk: bool,
    /// Junk starts where this segment ends: an SEO string may be its suffix (font form).
    pub before_junk: bool,
    /// Identity of the junk string before the segment (0: none) and after it: the same junk
    /// twice is the same text twice, one piece of evidence.
    pub junk_before: u64,
    pub junk_after: u64,
}

/// Discuz's own default settings, as installed: the board name and the title suffix. Next to junk
/// they are Discuz's even when they occur only once.
pub const DISCUZ_DEFAULTS: [&str; 3] = [
    "Discuz! Board",
    "- Powered by Discuz!",
    "Powered by Discuz!",
];

/// SEO strings known before the text is read: Discuz's defaults, and the settings of the sites a
/// corpus comes from (given by the user, or found in other documents of the corpus with
/// `--find-seo`). Next to junk they are removed even where they occur once; a document that has
/// one next to junk carries SEO strings, so its recurring candidates are taken too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownSeo {
    /// Sorted, distinct.
    strings: Vec<Vec<u8>>,
    /// Sorted keys of the first and last four bytes of each string.
    first: Vec<u32>,
    last: Vec<u32>,
}

/// Why a line of an SEO list was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KnownSeoError {
    #[error(
        "line {line}: {text:?} is too short to remove safely (at least {MIN_KNOWN_BYTES} bytes)"
    )]
    TooShort { line: usize, text: String },
    #[error(
        "line {line}: longer than {MAX_SEO_BYTES} bytes, which no site setting next to junk is"
    )]
    TooLong { line: usize },
    #[error("line {line}: control characters cannot be part of an SEO string")]
    Control { line: usize },
}

/// Shortest known string accepted: four bytes (the lookup key), so `BBS` alone is refused.
pub const MIN_KNOWN_BYTES: usize = 4;

impl Default for KnownSeo {
    fn default() -> Self {
        KnownSeo::new(std::iter::empty())
    }
}

impl KnownSeo {
    /// Discuz's defaults plus `strings`, which must be [`MIN_KNOWN_BYTES`] long or longer.
    ///
    /// A title in Discuz's own format, `BOARD - Powered by Discuz!`, names the board too: the
    /// board name is a site setting of its own (`bbname`), so it is known as well.
    fn new(strings: impl Iterator<Item = Vec<u8>>) -> Self {
        let mut strings: Vec<Vec<u8>> = DISCUZ_DEFAULTS
            .iter()
            .map(|k| k.as_bytes().to_vec())
            .chain(strings)
            .collect();
        let boards: Vec<Vec<u8>> = strings
            .iter()
            .filter_map(|k| k.strip_suffix(TITLE_SUFFIX.as_bytes()))
            .map(|b| b.trim_ascii_end().to_vec())
            .filter(|b| b.len() >= MIN_KNOWN_BYTES)
            .collect();
        strings.extend(boards);
        strings.sort_unstable();
        strings.dedup();
        let mut first: Vec<u32> = strings.iter().map(|k| key_first(k)).collect();
        let mut last: Vec<u32> = strings.iter().map(|k| key_last(k)).collect();
        first.sort_unstable();
        last.sort_unstable();
        KnownSeo {
            strings,
            first,
            last,
        }
    }

    /// Parse a list, one string per line (as `--find-seo` prints it). Blank lines are skipped;
    /// whitespace around a string is not part of it (an SEO string next to junk is taken
    /// without it either).
    pub fn parse(list: &str) -> Result<Self, KnownSeoError> {
        let mut strings = Vec::new();
        for (i, raw) in list.lines().enumerate() {
            let line = i + 1;
            let text = raw.trim();
            if text.is_empty() {
                continue;
            }
            check(text, line)?;
            strings.push(text.as_bytes().to_vec());
        }
        Ok(KnownSeo::new(strings.into_iter()))
    }

    /// Would a list line holding `text` read back as exactly `text`? (What `--find-seo` may
    /// print.)
    pub fn accepts(text: &str) -> bool {
        text == text.trim() && !text.is_empty() && check(text, 0).is_ok()
    }

    /// These strings and `more` (taken as they are: strings found by the cleaner).
    pub fn with(&self, more: impl Iterator<Item = Vec<u8>>) -> Self {
        KnownSeo::new(
            self.strings
                .iter()
                .cloned()
                .chain(more.filter(|k| k.len() >= MIN_KNOWN_BYTES)),
        )
    }

    /// The strings, Discuz's defaults included, sorted.
    pub fn strings(&self) -> impl Iterator<Item = &[u8]> {
        self.strings.iter().map(Vec::as_slice)
    }

    fn contains(&self, c: &[u8]) -> bool {
        self.strings
            .binary_search_by(|k| k.as_slice().cmp(c))
            .is_ok()
    }
}

/// The checks of one list line, trimmed and not empty.
fn check(text: &str, line: usize) -> Result<(), KnownSeoError> {
    if text.chars().any(char::is_control) {
        return Err(KnownSeoError::Control { line });
    }
    if text.len() < MIN_KNOWN_BYTES {
        return Err(KnownSeoError::TooShort {
            line,
            text: text.to_owned(),
        });
    }
    if text.len() > MAX_SEO_BYTES {
        return Err(KnownSeoError::TooLong { line });
    }
    Ok(())
}

/// How Discuz 6/7 end a page title: `BOARD - Powered by Discuz!`.
const TITLE_SUFFIX: &str = " - Powered by Discuz!";

/// Longest SEO string considered, in bytes (site descriptions run to about 30 CJK characters).
pub const MAX_SEO_BYTES: usize = 120;
/// Shortest SEO string removed, in characters: shorter recurring strings are too often real text.
pub const MIN_SEO_CHARS: usize = 3;

#[derive(Default)]
pub struct SeoFinder {
    known: std::sync::Arc<KnownSeo>,
    /// Where each SEO string removed by the last [`SeoFinder::find`] sits (without slack).
    pub strings: Vec<(usize, usize)>,
    prefix: Vec<Entry>,
    suffix: Vec<Entry>,
    /// Bloom filter of eight-byte prefix keys, for the cross-side search.
    bloom: Vec<u64>,
    /// Prefix entries keyed by their first eight bytes.
    long: Vec<(u64, u32, u32)>,
    /// Whether `prefix`, `suffix` and `long` are sorted.
    sorted: bool,
    raw: Vec<(usize, usize, Origin)>,
    cands: Vec<Vec<u8>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Common prefix of segments after junk: the real-text side is the end.
    Prefix,
    /// Common suffix of segments before junk: the real-text side is the start.
    Suffix,
    /// A whole segment.
    Whole,
}

fn key_first(b: &[u8]) -> u32 {
    let mut k = [0u8; 4];
    let n = b.len().min(4);
    k[..n].copy_from_slice(&b[..n]);
    u32::from_be_bytes(k)
}

fn key_last(b: &[u8]) -> u32 {
    let mut k = [0u8; 4];
    let n = b.len().min(4);
    k[4 - n..].copy_from_slice(&b[b.len() - n..]);
    u32::from_be_bytes(k)
}

fn lcp(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn lcs(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Chinese sentence punctuation, which ends real lines and never a site setting.
const CJK_STOPS: [char; 7] = ['。', '，', '、', '；', '：', '？', '！'];

fn ends_with_cjk_stop(t: &[u8]) -> bool {
    CJK_STOPS.iter().any(|c| {
        let mut buf = [0u8; 4];
        t.ends_with(c.encode_utf8(&mut buf).as_bytes())
    })
}

#[inline]
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[inline]
fn is_cont(b: u8) -> bool {
    (0x80..0xC0).contains(&b)
}

/// Characters that end a sentence or close a bracket: real text, never the start of a site name.
fn closes(c: char) -> bool {
    matches!(
        c,
        '。' | '，'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '」'
            | '』'
            | '）'
            | '》'
            | '〉'
            | '】'
            | '”'
            | '’'
            | ')'
            | ']'
            | '}'
            | '.'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '\''
    ) || c.is_whitespace()
}

/// Characters that open a bracket or quote: real text, never the end of a site name.
fn opens(c: char) -> bool {
    matches!(
        c,
        '「' | '『' | '（' | '《' | '〈' | '【' | '“' | '‘' | '(' | '[' | '{' | '"' | '\''
    ) || c.is_whitespace()
}

/// Trim a raw candidate on its real-text side, to whole characters and without punctuation that
/// belongs to the neighbouring sentence. Returns `None` when too little is left.
fn normalise(src: &[u8], a: usize, b: usize, origin: Origin) -> Option<&[u8]> {
    let mut c = &src[a..b];
    match origin {
        Origin::Prefix => {
            // The common prefix may stop inside a character: keep whole characters only.
            let s = match std::str::from_utf8(c) {
                Ok(s) => s,
                Err(e) => std::str::from_utf8(&c[..e.valid_up_to()]).ok()?,
            };
            c = &c[..s.trim_end_matches(opens).len()];
        }
        Origin::Suffix => {
            let mut skip = 0;
            while skip < c.len() && is_cont(c[skip]) {
                skip += 1;
            }
            c = &c[skip..];
            let s = std::str::from_utf8(c).ok()?;
            let t = s.trim_start_matches(closes);
            c = &c[c.len() - t.len()..];
        }
        Origin::Whole => {}
    }
    // Whitespace around a segment is layout, not part of a site setting; nor does a site
    // setting end with Chinese sentence punctuation (line ends do: `…数大。`).
    let s = std::str::from_utf8(c).ok()?;
    let t = s.trim_start();
    let t = t
        .trim_end()
        .trim_end_matches(['。', '，', '、', '；', '：', '？', '！'])
        .trim_end();
    let c = &c[s.len() - s.trim_start().len()..][..t.len()];
    let text = std::str::from_utf8(c).ok()?;
    let chars = text.chars().count();
    // Site names, hosts, keywords and descriptions have letters; a run of punctuation (a list
    // marker, an indentation) does not.
    let letters = text.chars().filter(|ch| ch.is_alphanumeric()).count();
    (chars >= MIN_SEO_CHARS && letters >= 2 && c.len() <= MAX_SEO_BYTES).then_some(c)
}

impl SeoFinder {
    pub fn new(known: std::sync::Arc<KnownSeo>) -> Self {
        SeoFinder {
            known,
            ..SeoFinder::default()
        }
    }

    /// Does a known string start a segment side next to junk? (Keys only: `places` checks.)
    fn known_at_junk(&self) -> bool {
        let k = &self.known;
        self.prefix
            .iter()
            .any(|e| k.first.binary_search(&e.key).is_ok())
            || self
                .suffix
                .iter()
                .any(|e| k.last.binary_search(&e.key).is_ok())
    }

    /// Find confirmed SEO strings among `segs` of `s` and push the byte ranges to remove.
    ///
    /// Two phases: first only the strings that could prove SEO (seen on both sides of junk),
    /// which nearly all text lacks, so it stops there cheaply; then every candidate.
    ///
    /// `range` is the document (or window) the segments come from: a string's places
    /// elsewhere in it are looked for there.
    pub fn find(
        &mut self,
        s: &[u8],
        range: std::ops::Range<usize>,
        segs: &[Segment],
        out: &mut Vec<(usize, usize)>,
    ) {
        self.prefix.clear();
        self.suffix.clear();
        self.raw.clear();
        self.cands.clear();
        self.strings.clear();
        if segs.is_empty() {
            return;
        }
        self.index(s, segs);
        let defaults = self.known_at_junk();
        let dump = std::env::var_os("UNJAM_DUMP_SEO").is_some();
        // Candidates: strings seen on both sides of junk, and the common prefixes (suffixes)
        // of the text after (before) junk.
        self.sort_index();
        self.cross_candidates(s, segs);
        self.common_affixes(s, segs);
        if self.raw.is_empty() && !defaults {
            return;
        }
        self.collect(s, defaults);
        let found = self.places(s, segs);
        let judge = Judge::new(s, range.clone(), &self.cands, &found);
        // A string at three junk strings proves the document's SEO strings; at two, it takes a
        // second such string, not part of the first (two places alone are also how real text
        // recurs: a heading and the sentence after it).
        let weak: Vec<&Found> = found
            .iter()
            .filter(|f| judge.proves(f) && judge.stays(f))
            .collect();
        let independent = |a: &Found, b: &Found| {
            let (x, y) = (&self.cands[a.cand], &self.cands[b.cand]);
            memchr::memmem::find(x, y).is_none() && memchr::memmem::find(y, x).is_none()
        };
        // The second string must stand near the first: in a stream of many documents, two
        // strings recurring in two different posts prove nothing about either.
        let partner = |a: &Found| {
            weak.iter().any(|b| {
                independent(a, b)
                    && a.hits
                        .iter()
                        .any(|x| b.hits.iter().any(|y| x.seg.abs_diff(y.seg) <= NEAR))
            })
        };
        let proves = |f: &Found| {
            f.known || (judge.proves(f) && judge.stays(f) && (f.ev.junks >= 3 || partner(f)))
        };
        let debug = std::env::var_os("UNJAM_DEBUG_SEO").is_some();
        if dump {
            self.dump(s, segs, &found, &judge, 1);
        }
        if !found.iter().any(proves) {
            return;
        }
        // Segments near which strings may be taken.
        let mut proof_segs: Vec<usize> = found
            .iter()
            .filter(|f| proves(f))
            .flat_map(|f| f.hits.iter().map(|h| h.seg))
            .collect();
        proof_segs.sort_unstable();
        proof_segs.dedup();
        if debug {
            for f in found.iter().filter(|f| proves(f)) {
                eprintln!(
                    "proof: {:?} {:?}",
                    String::from_utf8_lossy(&self.cands[f.cand]),
                    f.ev
                );
            }
        }

        // The document carries SEO strings: now every candidate, whole segments too.
        for g in segs {
            if g.end > g.start && g.end - g.start <= MAX_SEO_BYTES {
                self.raw.push((g.start, g.end, Origin::Whole));
            }
        }
        self.collect(s, defaults);
        let mut found = self.places(s, segs);
        drop_dominated(&mut found, &self.cands);
        let judge = Judge::new(s, range.clone(), &self.cands, &found);
        if dump {
            self.dump(s, segs, &found, &judge, 2);
        }
        found.retain(|f| {
            let bar = if f.ev.both_forms {
                ACCEPT_SEAM_BOTH
            } else {
                ACCEPT_SEAM_ONE
            };
            let ok = judge.stays(f)
                && (f.known || (f.ev.junks >= 2 && f.ev.contexts >= 1 && f.ev.seam >= bar));
            if debug {
                eprintln!(
                    "{} {:?} {:?}",
                    if ok { "take" } else { "keep" },
                    String::from_utf8_lossy(&self.cands[f.cand]),
                    f.ev
                );
            }
            ok
        });
        // Proven places must be dense around every place of a string taken: a proven document
        // has SEO strings at most of its junk strings; a post next to it in a stream has none.
        let mut dense = vec![0u32; segs.len() + 1];
        for (k, _) in segs.iter().enumerate() {
            dense[k + 1] = dense[k] + u32::from(proof_segs.binary_search(&k).is_ok());
        }
        let near = |seg: usize| {
            let (a, b) = (seg.saturating_sub(NEAR), (seg + NEAR + 1).min(segs.len()));
            let proven = dense[b] - dense[a];
            proven >= 1 && 4 * proven as usize >= b - a
        };
        // A string is taken where all of its places lie among proven ones.
        found.retain(|f| f.known || f.hits.iter().all(|h| near(h.seg)));

        // Each junk side takes the longest string found there (`论坛名 - 标题` over `论坛名`).
        found.sort_by_key(|f| std::cmp::Reverse(self.cands[f.cand].len()));
        let mut claimed: Vec<(usize, usize)> = segs.iter().map(|g| (g.start, g.end)).collect();
        for f in &found {
            for h in &f.hits {
                let g = &segs[h.seg];
                let (pre_end, suf_start) = claimed[h.seg];
                if h.prefix && pre_end == g.start && h.at + h.len <= suf_start {
                    claimed[h.seg].0 = h.at + h.len;
                    out.push((g.start, h.at + h.len));
                    self.strings.push((h.at, h.at + h.len));
                } else if !h.prefix && suf_start == g.end && h.at >= pre_end {
                    claimed[h.seg].1 = h.at;
                    out.push((h.at, g.end));
                    self.strings.push((h.at, h.at + h.len));
                }
            }
        }
    }

    /// `UNJAM_DUMP_SEO=1`: every candidate and its evidence as a JSON line on stderr, for
    /// measuring the rules against labelled text (phase 1: proof candidates; 2: all candidates
    /// of an unproven document; 3: of a proven one).
    fn dump(&self, _s: &[u8], segs: &[Segment], found: &[Found], judge: &Judge, phase: u8) {
        let mut junks: Vec<u64> = segs
            .iter()
            .flat_map(|g| [g.junk_before, g.junk_after])
            .filter(|&j| j != 0)
            .collect();
        junks.sort_unstable();
        junks.dedup();
        for f in found {
            eprintln!(
                "{}",
                serde_json::json!({
                    "phase": phase,
                    "cand": String::from_utf8_lossy(&self.cands[f.cand]),
                    "junks": f.ev.junks,
                    "glued": f.ev.contexts,
                    "both": f.ev.both_forms,
                    "seam": f.ev.seam,
                    "stays": judge.stays(f),
                    "known": f.known,
                    "hits": f.hits.len(),
                    "doc_junks": junks.len(),
                })
            );
        }
    }

    /// Key every segment side by the four bytes next to the junk, and again past one unit of
    /// slack (a whitespace-led unit the detector left to the text).
    fn index(&mut self, s: &[u8], segs: &[Segment]) {
        for (i, g) in segs.iter().enumerate() {
            let t = &s[g.start..g.end];
            if t.is_empty() {
                continue;
            }
            let seg = i as u32;
            if g.after_junk {
                self.prefix.push(Entry {
                    key: key_first(t),
                    seg,
                    at: g.start as u32,
                });
                if let Some(u) = slack_fwd(s, g) {
                    self.prefix.push(Entry {
                        key: key_first(&s[u.end..g.end]),
                        seg,
                        at: u.end as u32,
                    });
                }
            }
            if g.before_junk {
                self.suffix.push(Entry {
                    key: key_last(t),
                    seg,
                    at: g.end as u32,
                });
                if let Some(u) = slack_bwd(s, g) {
                    self.suffix.push(Entry {
                        key: key_last(&s[g.start..u.start]),
                        seg,
                        at: u.start as u32,
                    });
                }
            }
        }
        self.long.clear();
        for e in &self.prefix {
            let t = &s[e.at as usize..segs[e.seg as usize].end];
            if t.len() >= 8 {
                self.long.push((
                    u64::from_le_bytes(t[..8].try_into().expect("eight bytes")),
                    e.seg,
                    e.at,
                ));
            }
        }
        // Sorted later, and only if some candidate turns up: most text has none.
        self.sorted = false;
    }

    /// Sort what prefix lookups need.
    fn sort_lookup(&mut self) {
        if !self.sorted {
            self.prefix.sort_unstable_by_key(|e| e.key);
            self.long.sort_unstable_by_key(|e| e.0);
            self.sorted = true;
        }
    }

    fn sort_index(&mut self) {
        self.sort_lookup();
        self.suffix.sort_unstable_by_key(|e| e.key);
    }

    /// Longest common prefixes of segments after junk, and suffixes of segments before it,
    /// among those that share the four bytes next to the junk.
    fn common_affixes(&mut self, s: &[u8], segs: &[Segment]) {
        let after = |e: &Entry| &s[e.at as usize..segs[e.seg as usize].end];
        let before = |e: &Entry| &s[segs[e.seg as usize].start..e.at as usize];
        for group in self.prefix.chunk_by(|a, b| a.key == b.key) {
            if group.len() < 2 {
                continue;
            }
            let mut members = group.to_vec();
            members.sort_unstable_by(|a, b| after(a).cmp(after(b)));
            for w in members.windows(2) {
                let (x, y) = (after(&w[0]), after(&w[1]));
                let mut n = lcp(x, y).min(MAX_SEO_BYTES);
                // Where both go on with an ASCII word, the split is inside that word
                // (`Patch 8.2.22|67`, `Patch 8.2.22|72`): the word is not part of a site setting.
                if n > 0
                    && is_word(x[n - 1])
                    && x.get(n).is_some_and(|&b| is_word(b))
                    && y.get(n).is_some_and(|&b| is_word(b))
                {
                    n -= x[..n].iter().rev().take_while(|&&b| is_word(b)).count();
                }
                self.raw
                    .push((w[0].at as usize, w[0].at as usize + n, Origin::Prefix));
            }
        }
        for group in self.suffix.chunk_by(|a, b| a.key == b.key) {
            if group.len() < 2 {
                continue;
            }
            let mut members = group.to_vec();
            members.sort_unstable_by(|a, b| before(a).iter().rev().cmp(before(b).iter().rev()));
            for w in members.windows(2) {
                let (x, y) = (before(&w[0]), before(&w[1]));
                let mut n = lcs(x, y).min(MAX_SEO_BYTES);
                let (xl, yl) = (x.len(), y.len());
                if n > 0
                    && xl > n
                    && yl > n
                    && is_word(x[xl - n])
                    && is_word(x[xl - n - 1])
                    && is_word(y[yl - n - 1])
                {
                    n -= x[xl - n..].iter().take_while(|&&b| is_word(b)).count();
                }
                self.raw
                    .push((w[0].at as usize - n, w[0].at as usize, Origin::Suffix));
            }
        }
    }

    /// Normalise the raw candidates into `cands` (sorted, distinct).
    fn collect(&mut self, s: &[u8], defaults: bool) {
        self.cands.clear();
        for &(a, b, origin) in &self.raw {
            if let Some(c) = normalise(s, a, b, origin) {
                self.cands.push(c.to_vec());
            }
        }
        if defaults {
            self.cands.extend(self.known.strings.iter().cloned());
        }
        self.cands.sort_unstable();
        self.cands.dedup();
    }

    /// Every place each candidate sits on the SEO side of junk; candidates that recur (or are
    /// Discuz defaults) only.
    fn places(&self, s: &[u8], segs: &[Segment]) -> Vec<Found> {
        let mut found = Vec::new();
        for (ci, c) in self.cands.iter().enumerate() {
            let mut hits = Vec::new();
            for &Entry { seg: i, .. } in range_of(&self.prefix, key_first(c)) {
                if let Some(at) = prefix_at(s, &segs[i as usize], c) {
                    hits.push(Hit {
                        seg: i as usize,
                        prefix: true,
                        at,
                        len: c.len(),
                    });
                }
            }
            for &Entry { seg: i, .. } in range_of(&self.suffix, key_last(c)) {
                if let Some(at) = suffix_at(s, &segs[i as usize], c) {
                    hits.push(Hit {
                        seg: i as usize,
                        prefix: false,
                        at,
                        len: c.len(),
                    });
                }
            }
            hits.sort_unstable_by_key(|h| (h.seg, h.prefix));
            hits.dedup_by_key(|h| (h.seg, h.prefix));
            // Recurrence means two different junk strings: a segment with junk on both sides
            // counts once.
            let distinct = hits.windows(2).filter(|w| w[0].seg != w[1].seg).count()
                + usize::from(!hits.is_empty());
            let known = self.known.contains(c);
            if distinct >= 2 || (known && distinct >= 1) {
                let ev = evidence(s, segs, c, &hits);
                found.push(Found {
                    cand: ci,
                    hits,
                    known,
                    ev,
                });
            }
        }
        found
    }
}

/// Whitespace symbols of the text model (space or U+00A0, tab).
fn is_ws_sym(c: u8) -> bool {
    c == 1 || c == 96
}

/// The evidence of a candidate's places, each distinct junk string counted once.
fn evidence(s: &[u8], segs: &[Segment], c: &[u8], hits: &[Hit]) -> Evidence {
    use super::textmodel::{cost, sym_bwd, sym_fwd, BIT, EDGE};
    let mut seen: Vec<(u64, bool)> = Vec::with_capacity(hits.len());
    let mut contexts: Vec<(bool, u64)> = Vec::with_capacity(hits.len());
    let (mut font, mut span): (Vec<u64>, Vec<u64>) = (Vec::new(), Vec::new());
    let mut seam = 0i64;
    let mut n = 0i64;
    // The candidate's first and last two symbols.
    let (c0, c1) = {
        let (a, i) = sym_fwd(c, 0);
        (a, if i < c.len() { sym_fwd(c, i).0 } else { EDGE })
    };
    let (cz, cy) = {
        let (z, i) = sym_bwd(c, c.len(), 0);
        (z, if i > 0 { sym_bwd(c, i, 0).0 } else { EDGE })
    };
    for h in hits {
        let g = &segs[h.seg];
        let junk = if h.prefix {
            g.junk_before
        } else {
            g.junk_after
        };
        if seen.contains(&(junk, h.prefix)) {
            continue;
        }
        seen.push((junk, h.prefix));
        if h.prefix {
            span.push(junk);
            // The text after the string: a line start (SEO: Discuz glued the string to it) or
            // the string's own continuation (text)? Whitespace between is layout: read through
            // it as text, free as a line start's indentation.
            let r = h.at + h.len;
            let mut text = Vec::with_capacity(4);
            let mut i = r;
            let mut spaced = false;
            while i < g.end && text.len() < 2 {
                let (c, next) = sym_fwd(s, i);
                if text.is_empty() && is_ws_sym(c) {
                    spaced = true;
                } else {
                    text.push(c);
                }
                i = next;
            }
            // A run of whitespace reads as one space (its width is layout).
            let (ws, cy, cz) = if spaced && !text.is_empty() {
                (cost(cy, cz, 1), cz, 1)
            } else {
                (0, cy, cz)
            };
            if let Some(k) = chars_key(&s[r..g.end.min(r + 16)], true) {
                contexts.push((true, k));
            }
            let (as_text, as_seo) = match text[..] {
                [] => (cost(cy, cz, EDGE), cost(EDGE, EDGE, EDGE)),
                [t0] => (
                    ws + cost(cy, cz, t0) + cost(cz, t0, EDGE),
                    cost(EDGE, EDGE, t0) + cost(EDGE, t0, EDGE),
                ),
                [t0, t1, ..] => (
                    ws + cost(cy, cz, t0) + cost(cz, t0, t1),
                    cost(EDGE, EDGE, t0) + cost(EDGE, t0, t1),
                ),
            };
            seam += as_text as i64 - as_seo as i64;
        } else {
            font.push(junk);
            // The text before the string: a line end (SEO) or running on into it (text)?
            let mut before = Vec::with_capacity(4);
            let mut trailing_ws = false;
            let mut i = h.at;
            while i > g.start && before.len() < 2 {
                let (c, start) = sym_bwd(s, i, g.start);
                if before.is_empty() && is_ws_sym(c) {
                    trailing_ws = true;
                } else {
                    before.push(c);
                }
                i = start;
            }
            if let Some(k) = chars_key(&s[h.at.saturating_sub(16).max(g.start)..h.at], false) {
                contexts.push((false, k));
            }
            if let Some(&p1) = before.first() {
                let p0 = before.get(1).copied().unwrap_or(EDGE);
                // As text the string follows its text (after the whitespace, if any).
                let (a, b) = if trailing_ws { (p1, 1) } else { (p0, p1) };
                let sp = if trailing_ws { cost(p0, p1, 1) } else { 0 };
                let as_text = sp + cost(a, b, c0) + cost(b, c0, c1);
                let as_seo = cost(p0, p1, EDGE) + cost(EDGE, EDGE, c0) + cost(EDGE, c0, c1);
                seam += as_text as i64 - as_seo as i64;
            }
        }
        n += 1;
    }
    let mut junks: Vec<u64> = seen.iter().map(|&(j, _)| j).collect();
    junks.sort_unstable();
    junks.dedup();
    contexts.sort_unstable();
    contexts.dedup();
    let both_forms = font.iter().any(|f| span.iter().any(|s| s != f));
    Evidence {
        junks: junks.len(),
        contexts: contexts.len(),
        both_forms,
        seam: if n > 0 {
            seam as f32 / n as f32 / BIT as f32
        } else {
            0.0
        },
    }
}

/// What the string is glued to in `t` (the text after it, or before it when `!first`): the two
/// nearest characters, whitespace skipped, as a key; `None` when there are none (the string
/// fills its side of the line: a repeated line, a refrain, is glued to nothing).
fn chars_key(t: &[u8], first: bool) -> Option<u64> {
    let text = String::from_utf8_lossy(t);
    let not_ws = |c: &char| !c.is_whitespace();
    let near: Vec<char> = if first {
        text.chars().filter(not_ws).take(2).collect()
    } else {
        let mut v: Vec<char> = text.chars().rev().filter(not_ws).take(2).collect();
        v.reverse();
        v
    };
    (!near.is_empty()).then(|| {
        near.iter().fold(0u64, |k, &c| {
            k.wrapping_mul(0x11_0000).wrapping_add(c as u64 + 1)
        })
    })
}

/// Seam evidence (mean bits per place) a string needs to prove that its document carries SEO
/// strings: seen on both sides of junk, and seen on one side only (as recurring real line ends
/// or starts are), where the seam must speak clearly.
const PROVE_SEAM_BOTH: f32 = -6.0;
const PROVE_SEAM_ONE: f32 = 3.0;
/// Seam evidence a string needs to be taken once its document is proven: real text that recurs
/// at line ends (`… on MS-Windows.`) runs on into its line, which a site setting glued there
/// does not.
const ACCEPT_SEAM_BOTH: f32 = -8.0;
const ACCEPT_SEAM_ONE: f32 = -4.0;
/// A place taken must lie this near (in segments) to a place of a proving string: in a stream
/// of many documents, one proven post does not make strings of another one Discuz's.
const NEAR: usize = 12;

/// Drop candidates whose places are a strict subset of another's: artefacts of a common prefix
/// or suffix that ran into real text (`o',国内 Linux ...` beside `国内 Linux ...`). Only
/// candidates sharing a candidate's first place can contain all of its places.
///
/// The reverse shape is not an artefact: two site settings that start alike (`Linux 爱好者论坛`
/// and `Linux,Debian,Ubuntu`) have a short common prefix (`Linux`) with more places than
/// either. When every place of the shorter candidate is taken by longer ones, the shorter is
/// the artefact and the longer ones stay.
fn drop_dominated(found: &mut Vec<Found>, cands: &[Vec<u8>]) {
    let mut by_place: HashMap<(usize, bool), Vec<usize>> = HashMap::new();
    for (fi, f) in found.iter().enumerate() {
        for h in &f.hits {
            by_place.entry((h.seg, h.prefix)).or_default().push(fi);
        }
    }
    let len = |fi: usize| cands[found[fi].cand].len();
    // Every place of `ai` is also a place of a longer candidate.
    let split = |ai: usize| {
        found[ai].hits.iter().all(|h| {
            by_place[&(h.seg, h.prefix)]
                .iter()
                .any(|&ci| ci != ai && len(ci) > len(ai))
        })
    };
    let dominated: Vec<bool> = found
        .iter()
        .enumerate()
        .map(|(bi, b)| {
            by_place[&(b.hits[0].seg, b.hits[0].prefix)]
                .iter()
                .any(|&ai| {
                    ai != bi
                        && !b.known
                        && found[ai].hits.len() > b.hits.len()
                        && is_subset(&b.hits, &found[ai].hits)
                        && !split(ai)
                })
        })
        .collect();
    let mut i = 0;
    found.retain(|_| {
        i += 1;
        !dominated[i - 1]
    });
}

/// The tests a candidate must pass, over one set of found candidates.
struct Judge<'a> {
    s: &'a [u8],
    /// The document (or window) the string must not stand elsewhere in.
    range: std::ops::Range<usize>,
    cands: &'a [Vec<u8>],
    /// Places of every candidate, sorted, with running maximum ends.
    places: Vec<(usize, usize)>,
    reach: Vec<usize>,
}

impl<'a> Judge<'a> {
    fn new(
        s: &'a [u8],
        range: std::ops::Range<usize>,
        cands: &'a [Vec<u8>],
        found: &[Found],
    ) -> Self {
        let mut places: Vec<(usize, usize)> = found
            .iter()
            .flat_map(|f| f.hits.iter().map(|h| (h.at, h.at + h.len)))
            .collect();
        places.sort_unstable();
        let mut max_end = 0;
        let reach = places
            .iter()
            .map(|&(_, e)| {
                max_end = max_end.max(e);
                max_end
            })
            .collect();
        Judge {
            s,
            range,
            cands,
            places,
            reach,
        }
    }

    /// Does this string prove that its document carries SEO strings? It must stand next to
    /// several junk strings, glued to different text on its other side (a repeated whole line,
    /// a refrain, is glued to nothing), and read there as glued on rather than as part of that
    /// text: on both sides of junk (a real line start only follows junk, a real line end only
    /// precedes it), or on one side with strong seam evidence.
    fn proves(&self, f: &Found) -> bool {
        let e = &f.ev;
        e.junks >= 2
            && ((e.both_forms && e.contexts >= 2 && e.seam >= PROVE_SEAM_BOTH)
                || (e.both_forms && e.junks >= 3 && e.contexts >= 1 && e.seam >= PROVE_SEAM_ONE)
                || (e.contexts >= 2 && e.seam >= PROVE_SEAM_ONE))
    }

    /// Is `[pos, end)` inside some candidate's place?
    fn covered(&self, pos: usize, end: usize) -> bool {
        let i = self.places.partition_point(|&(a, _)| a <= pos);
        i > 0 && self.reach[i - 1] >= end
    }

    /// The string must occur nowhere else in the document: text that also stands elsewhere (a
    /// recurring line start such as `Problem:` in a changelog) is the author's, whatever sits
    /// next to it. Real text recurs next to junk about as often as not (a line start has junk
    /// half the time); an SEO string always does, except beside junk the scan could not take,
    /// so a few strays among many places are allowed.
    fn stays(&self, f: &Found) -> bool {
        let c = &self.cands[f.cand];
        let mut elsewhere = 0;
        let lo = self.range.start;
        for pos in memchr::memmem::find_iter(&self.s[self.range.clone()], c).map(|p| p + lo) {
            if !f.hits.iter().any(|h| h.at == pos) && !self.covered(pos, pos + c.len()) {
                elsewhere += 1;
                if elsewhere > f.hits.len() / 4 {
                    return false;
                }
            }
        }
        true
    }
}

impl SeoFinder {
    /// Candidates seen once on each side: a string that starts a segment after junk and ends a
    /// segment before junk (`…了。」游戏,攻略,补丁` and `游戏,攻略,补丁  -- 鲁迅`).
    ///
    /// Every character position near the end of each before-junk segment is probed against the
    /// first bytes of after-junk segments, through a small Bloom filter so that text with no SEO
    /// (nearly all text) costs one memory read per position.
    fn cross_candidates(&mut self, s: &[u8], segs: &[Segment]) {
        if self.prefix.is_empty() || self.suffix.is_empty() {
            return;
        }
        // Tails of eight bytes or more are matched on eight bytes (`long`, built by `index`),
        // which random text shares far less often than four; shorter tails use the four-byte
        // index.
        const BITS: usize = 1 << 16;
        self.bloom.clear();
        self.bloom.resize(BITS / 64, 0);
        let slot = |k: u64| (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize;
        for e in &self.long {
            let b = slot(e.0);
            self.bloom[b / 64] |= 1 << (b % 64);
        }
        for k in 0..self.suffix.len() {
            let e = self.suffix[k];
            let g = &segs[e.seg as usize];
            let end = e.at as usize;
            // A segment ending in Chinese sentence punctuation has no SEO string at its end
            // (see `normalise`): most line ends of Chinese text are skipped here.
            if ends_with_cjk_stop(&s[g.start..end]) {
                continue;
            }
            let lo = end.saturating_sub(MAX_SEO_BYTES).max(g.start);
            for p in lo..end.saturating_sub(MIN_SEO_CHARS) {
                if is_cont(s[p]) {
                    continue;
                }
                let tail = &s[p..end];
                let matched = if tail.len() >= 8 {
                    let key = u64::from_le_bytes(tail[..8].try_into().expect("eight bytes"));
                    let b = slot(key);
                    if self.bloom[b / 64] & (1 << (b % 64)) == 0 {
                        continue;
                    }
                    self.sort_lookup();
                    let lo = self.long.partition_point(|x| x.0 < key);
                    self.long[lo..]
                        .iter()
                        .take_while(|x| x.0 == key)
                        .any(|&(_, seg, at)| {
                            seg != e.seg && s[at as usize..segs[seg as usize].end].starts_with(tail)
                        })
                } else {
                    self.sort_lookup();
                    range_of(&self.prefix, key_first(tail)).iter().any(|pe| {
                        pe.seg != e.seg
                            && s[pe.at as usize..segs[pe.seg as usize].end].starts_with(tail)
                    })
                };
                // Not from inside an ASCII word (`l|sb_release -a`).
                if matched && !(p > g.start && is_word(s[p - 1]) && is_word(s[p])) {
                    self.raw.push((p, end, Origin::Suffix));
                }
            }
        }
    }
}

struct Found {
    cand: usize,
    hits: Vec<Hit>,

    /// One of Discuz's own default settings.
    known: bool,
    /// The evidence, over distinct junk strings (see [`Evidence`]).
    ev: Evidence,
}

/// What the places of one candidate say about it.
#[derive(Clone, Copy, Debug, Default)]
struct Evidence {
    /// Distinct junk strings it stands next to.
    junks: usize,
    /// Distinct neighbourhoods it is glued to on its other side: the two characters after it
    /// (span form) or before it (font form). A line repeated whole, or a refrain that fills
    /// its line, is glued to nothing.
    contexts: usize,
    /// Seen before one junk string (font form) and after another (span form).
    both_forms: bool,
    /// Mean over its places of the seam evidence, in bits: how much better the characters on
    /// its other side read as a line edge (Discuz glued the string to whatever text was there)
    /// than as the continuation of the string (the author wrote it as part of the text).
    seam: f32,
}

fn is_subset(small: &[Hit], big: &[Hit]) -> bool {
    small
        .iter()
        .all(|h| big.iter().any(|b| b.seg == h.seg && b.prefix == h.prefix))
}

/// One place where a candidate sits on the SEO side of junk.
#[derive(Clone, Copy)]
struct Hit {
    seg: usize,
    prefix: bool,
    /// Where the candidate starts.
    at: usize,
    len: usize,
}

/// One unit at the start of a segment after junk: the detector weighs the junk's inner unit
/// against the text that follows, and where an SEO string follows, that text is not a line start
/// (`- O` + `www.example.com` reads like a list item). A string proven elsewhere and glued to
/// such a unit is glued to its junk, so the unit is junk too.
fn slack_fwd(s: &[u8], g: &Segment) -> Option<Unit> {
    [Grammar::Triple, Grammar::Pair]
        .into_iter()
        .find_map(|gr| grammar::unit_fwd(s, g.start, gr, false))
        .filter(|u| u.end < g.end)
}

/// The same at the end of a segment before junk.
fn slack_bwd(s: &[u8], g: &Segment) -> Option<Unit> {
    [Grammar::Triple, Grammar::Pair]
        .into_iter()
        .find_map(|gr| grammar::unit_bwd(s, g.end, g.start, gr, None))
        .filter(|u| u.start > g.start)
}

/// Where `c` starts when it begins segment `g`, directly or after slack.
fn prefix_at(s: &[u8], g: &Segment, c: &[u8]) -> Option<usize> {
    if s[g.start..g.end].starts_with(c) {
        return Some(g.start);
    }
    let u = slack_fwd(s, g)?;
    s[u.end..g.end].starts_with(c).then_some(u.end)
}

/// Where `c` starts when it ends segment `g`, directly or before slack.
fn suffix_at(s: &[u8], g: &Segment, c: &[u8]) -> Option<usize> {
    if s[g.start..g.end].ends_with(c) {
        return Some(g.end - c.len());
    }
    let u = slack_bwd(s, g)?;
    (u.start >= g.start + c.len() && s[g.start..u.start].ends_with(c)).then(|| u.start - c.len())
}

/// The entries of a list sorted by key with this key.
fn range_of(list: &[Entry], key: u32) -> &[Entry] {
    let lo = list.partition_point(|e| e.key < key);
    let hi = list.partition_point(|e| e.key <= key);
    &list[lo..hi]
}

/// A segment side keyed by the four bytes next to position `at`.
#[derive(Clone, Copy)]
struct Entry {
    key: u32,
    seg: u32,
    at: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Segments of `s`, given as `(text, after_junk, before_junk)`; texts are found in order.
    fn find(s: &str, parts: &[(&str, bool, bool)]) -> Vec<String> {
        let mut from = 0;
        let segs: Vec<Segment> = parts
            .iter()
            .map(|&(t, after, before)| {
                let start = from + s[from..].find(t).unwrap();
                from = start + t.len();
                Segment {
                    start,
                    end: start + t.len(),
                    after_junk: after,
                    before_junk: before,
                    // Each segment between its own junk strings.
                    junk_before: if after { 2 * start as u64 + 1 } else { 0 },
                    junk_after: if before {
                        2 * (start + t.len()) as u64 + 1
                    } else {
                        0
                    },
                }
            })
            .collect();
        let mut out = Vec::new();
        SeoFinder::default().find(s.as_bytes(), 0..s.len(), &segs, &mut out);
        out.sort_unstable();
        out.iter().map(|&(a, b)| s[a..b].to_string()).collect()
    }

    #[test]
    fn candidate_longer_than_the_text_before_slack_is_no_suffix() {
        // Slack `) c` starts at byte 2; a 4-byte candidate cannot end before it. The bound was
        // computed eagerly and underflowed (found by the `clean` fuzz target in CI).
        let s = b"ab) c";
        let g = Segment {
            start: 0,
            end: s.len(),
            after_junk: false,
            before_junk: true,
            junk_before: 0,
            junk_after: 1,
        };
        assert_eq!(suffix_at(s, &g, b"xyzw"), None);
        assert_eq!(suffix_at(s, &g, b"ab"), Some(0));
    }

    #[test]
    fn seen_on_both_sides_and_glued_proves_seo() {
        // Font form (before junk) on two lines, span form (after junk) on a third.
        let s = "第一行。玩家俱乐部|第二行的规定玩家俱乐部|玩家俱乐部真实文本";
        let got = find(
            s,
            &[
                ("第一行。玩家俱乐部", false, true),
                ("第二行的规定玩家俱乐部", false, true),
                ("玩家俱乐部真实文本", true, false),
            ],
        );
        assert_eq!(got, ["玩家俱乐部", "玩家俱乐部", "玩家俱乐部"]);
    }

    #[test]
    fn one_side_only_is_text() {
        // A recurring line end (`unstable; urgency=low` in a changelog) never proves SEO.
        let s = "pkg (1.0-2) unstable; urgency=low|pkg (1.0-1) unstable; urgency=low|其他";
        let got = find(
            s,
            &[
                ("pkg (1.0-2) unstable; urgency=low", false, true),
                ("pkg (1.0-1) unstable; urgency=low", false, true),
                ("其他", true, false),
            ],
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn single_occurrence_is_kept() {
        let s = "第一行玩家俱乐部|第二行";
        assert!(find(
            s,
            &[("第一行玩家俱乐部", false, true), ("第二行", true, false)]
        )
        .is_empty());
    }

    #[test]
    fn repeated_whole_lines_are_text() {
        // A refrain between junk strings: the same whole segment, glued to nothing.
        let s = "作者:欧阳修|作者:欧阳修|作者:欧阳修";
        let got = find(
            s,
            &[
                ("作者:欧阳修", true, true),
                ("作者:欧阳修", true, true),
                ("作者:欧阳修", true, false),
            ],
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn string_also_elsewhere_is_text() {
        // `Problem:` starts lines with and without junk: it is the author's.
        let s = "Problem: a|Problem: b|x Problem: c|Problem: d";
        let got = find(
            s,
            &[
                ("Problem: a", false, true),
                ("Problem: b", true, false),
                ("Problem: d", true, false),
            ],
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn lists_are_checked_line_by_line() {
        let k = KnownSeo::parse("玩家俱乐部\r\n\n  \n bbs.example.com \n").unwrap();
        assert!(k.contains("玩家俱乐部".as_bytes()));
        assert!(k.contains(b"bbs.example.com"));
        assert!(k.contains(b"Discuz! Board"), "defaults are always known");
        assert_eq!(
            KnownSeo::parse("ok string\nBBS\n"),
            Err(KnownSeoError::TooShort {
                line: 2,
                text: "BBS".into()
            })
        );
        assert_eq!(
            KnownSeo::parse("a\tb c d\n"),
            Err(KnownSeoError::Control { line: 1 })
        );
        assert_eq!(
            KnownSeo::parse(&"长".repeat(41)),
            Err(KnownSeoError::TooLong { line: 1 })
        );
        assert!(KnownSeo::accepts("玩家俱乐部"));
        assert!(!KnownSeo::accepts(" 玩家俱乐部"));
        assert!(!KnownSeo::accepts("BBS"));
        assert!(!KnownSeo::accepts("a\nb c d"));
        let k = KnownSeo::parse("Open Source Forum - Powered by Discuz!\n").unwrap();
        assert!(k.contains(b"Open Source Forum"));
    }

    #[test]
    fn discuz_defaults_need_no_recurrence() {
        let s = "正文Discuz! Board|下一行";
        assert_eq!(
            find(
                s,
                &[("正文Discuz! Board", false, true), ("下一行", true, false)]
            ),
            ["Discuz! Board"]
        );
    }

    #[test]
    fn longest_string_wins_and_artefacts_lose() {
        // `o',国内 …` is a common suffix of two segments that ran into real text; the real SEO
        // string is the shorter one, seen on more junk strings.
        let seo = "国内 Linux 与开源软件爱好者的技术交流社区";
        let s = format!("'no',{seo}|'so',{seo}|{seo}正文|{seo}又一行");
        let a = format!("'no',{seo}");
        let b = format!("'so',{seo}");
        let c = format!("{seo}正文");
        let d = format!("{seo}又一行");
        let got = find(
            &s,
            &[
                (&a, false, true),
                (&b, false, true),
                (&c, true, false),
                (&d, true, false),
            ],
        );
        assert_eq!(got, vec![seo; 4]);
    }
}
