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
//! of segments; a candidate is confirmed when at least two junk strings have it on their SEO side.

/// The text next to junk on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    /// Junk ends where this segment starts: an SEO string may be its prefix (span form).
    pub after_junk: bool,
    /// Junk starts where this segment ends: an SEO string may be its suffix (font form).
    pub before_junk: bool,
}

/// Longest SEO string considered, in bytes (site descriptions run to about 30 CJK characters).
pub const MAX_SEO_BYTES: usize = 120;
/// Shortest SEO string removed, in characters: shorter recurring strings are too often real text.
pub const MIN_SEO_CHARS: usize = 3;

#[derive(Default)]
pub struct SeoFinder {
    prefix: Vec<(u32, u32)>,
    suffix: Vec<(u32, u32)>,
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
fn normalise(c: &[u8], origin: Origin) -> Option<&[u8]> {
    let mut c = c;
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
            let mut a = 0;
            while a < c.len() && is_cont(c[a]) {
                a += 1;
            }
            c = &c[a..];
            let s = std::str::from_utf8(c).ok()?;
            let t = s.trim_start_matches(closes);
            c = &c[c.len() - t.len()..];
        }
        Origin::Whole => {}
    }
    // Whitespace around a segment is layout, not part of a site setting.
    let s = std::str::from_utf8(c).ok()?;
    let t = s.trim_start();
    let c = &c[s.len() - t.len()..][..t.trim_end().len()];
    let text = std::str::from_utf8(c).ok()?;
    let chars = text.chars().count();
    // Site names, hosts, keywords and descriptions have letters; a run of punctuation (a list
    // marker, an indentation) does not.
    let letters = text.chars().filter(|ch| ch.is_alphanumeric()).count();
    (chars >= MIN_SEO_CHARS && letters >= 2 && c.len() <= MAX_SEO_BYTES).then_some(c)
}

impl SeoFinder {
    /// Find confirmed SEO strings among `segs` of `s` and push the byte ranges to remove.
    pub fn find(&mut self, s: &[u8], segs: &[Segment], out: &mut Vec<(usize, usize)>) {
        self.prefix.clear();
        self.suffix.clear();
        self.raw.clear();
        self.cands.clear();
        if segs.len() < 2 {
            return;
        }
        let text = |i: u32| -> &[u8] {
            let g = &segs[i as usize];
            &s[g.start..g.end]
        };
        for (i, g) in segs.iter().enumerate() {
            let t = &s[g.start..g.end];
            if t.is_empty() {
                continue;
            }
            if g.after_junk {
                self.prefix.push((key_first(t), i as u32));
            }
            if g.before_junk {
                self.suffix.push((key_last(t), i as u32));
            }
            if t.len() <= MAX_SEO_BYTES {
                self.raw.push((g.start, g.end, Origin::Whole));
            }
        }
        self.prefix.sort_unstable();
        self.suffix.sort_unstable();

        // Common prefixes of segments after junk that share their first four bytes.
        for group in self.prefix.chunk_by(|a, b| a.0 == b.0) {
            if group.len() < 2 {
                continue;
            }
            let mut members: Vec<u32> = group.iter().map(|m| m.1).collect();
            members.sort_unstable_by(|&a, &b| text(a).cmp(text(b)));
            for w in members.windows(2) {
                let n = lcp(text(w[0]), text(w[1])).min(MAX_SEO_BYTES);
                let g = &segs[w[0] as usize];
                self.raw.push((g.start, g.start + n, Origin::Prefix));
            }
        }
        // Common suffixes of segments before junk that share their last four bytes.
        for group in self.suffix.chunk_by(|a, b| a.0 == b.0) {
            if group.len() < 2 {
                continue;
            }
            let mut members: Vec<u32> = group.iter().map(|m| m.1).collect();
            members.sort_unstable_by(|&a, &b| text(a).iter().rev().cmp(text(b).iter().rev()));
            for w in members.windows(2) {
                let n = lcs(text(w[0]), text(w[1])).min(MAX_SEO_BYTES);
                let g = &segs[w[0] as usize];
                self.raw.push((g.end - n, g.end, Origin::Suffix));
            }
        }

        for &(a, b, origin) in &self.raw {
            if let Some(c) = normalise(&s[a..b], origin) {
                self.cands.push(c.to_vec());
            }
        }
        self.cands.sort_unstable();
        self.cands.dedup();
        // Longest first: a long SEO string (`论坛名 - 标题`) claims its junk before a shorter one
        // that it contains (`论坛名`) is tried.
        self.cands.sort_by_key(|c| std::cmp::Reverse(c.len()));

        // Segment sides already claimed: [prefix end, suffix start] per segment.
        let mut claimed: Vec<(usize, usize)> = segs.iter().map(|g| (g.start, g.end)).collect();
        let mut hits: Vec<(usize, bool)> = Vec::new();
        for c in &self.cands {
            hits.clear();
            for &(_, i) in range_of(&self.prefix, key_first(c)) {
                let g = &segs[i as usize];
                if claimed[i as usize].0 == g.start && text(i).starts_with(c) {
                    hits.push((i as usize, true));
                }
            }
            for &(_, i) in range_of(&self.suffix, key_last(c)) {
                let g = &segs[i as usize];
                let (pre_end, suf_start) = claimed[i as usize];
                // Not on a segment side already taken, nor overlapping its prefix.
                let pre_now = hits.iter().any(|&(j, pre)| pre && j == i as usize);
                let pre_end = if pre_now { g.start + c.len() } else { pre_end };
                if suf_start == g.end
                    && g.end - g.start >= c.len()
                    && g.end - c.len() >= pre_end
                    && text(i).ends_with(c)
                {
                    hits.push((i as usize, false));
                }
            }
            if hits.len() < 2 {
                continue;
            }
            // The string must occur nowhere else in the document: text that also stands
            // elsewhere (a recurring line start such as `Problem:` in a changelog) is the
            // author's, whatever sits next to it.
            let at: Vec<usize> = hits
                .iter()
                .map(|&(i, pre)| {
                    if pre {
                        segs[i].start
                    } else {
                        segs[i].end - c.len()
                    }
                })
                .collect();
            let elsewhere = memchr::memmem::find_iter(s, c).any(|pos| {
                !at.contains(&pos) && !inside_claimed(&claimed, segs, pos, pos + c.len())
            });
            if elsewhere {
                continue;
            }
            // Discuz glues SEO before junk (font form) or after it (span form) at random, and
            // mostly to real text. A recurring real line start (`Solution:`) only ever follows
            // junk, a recurring line end only precedes it, and a repeated whole line is never
            // glued to anything: require both sides and one glued occurrence.
            let as_prefix = hits.iter().any(|&(_, pre)| pre);
            let as_suffix = hits.iter().any(|&(_, pre)| !pre);
            let glued = hits
                .iter()
                .any(|&(i, _)| segs[i].end - segs[i].start > c.len());
            if !(as_prefix && as_suffix && glued) {
                continue;
            }
            for &(i, pre) in &hits {
                let g = &segs[i];
                if pre {
                    claimed[i].0 = g.start + c.len();
                    out.push((g.start, g.start + c.len()));
                } else {
                    claimed[i].1 = g.end - c.len();
                    out.push((g.end - c.len(), g.end));
                }
            }
        }
    }
}

/// Is `[a, b)` inside text already taken as SEO?
fn inside_claimed(claimed: &[(usize, usize)], segs: &[Segment], a: usize, b: usize) -> bool {
    segs.iter().zip(claimed).any(|(g, &(pre_end, suf_start))| {
        (a >= g.start && b <= pre_end) || (a >= suf_start && b <= g.end && suf_start < g.end)
    })
}

/// The entries of a sorted `(key, index)` list with this key.
fn range_of(list: &[(u32, u32)], key: u32) -> &[(u32, u32)] {
    let lo = list.partition_point(|e| e.0 < key);
    let hi = list.partition_point(|e| e.0 <= key);
    &list[lo..hi]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(s: &str, sub: &str, after: bool, before: bool) -> Segment {
        let start = s.find(sub).unwrap();
        Segment {
            start,
            end: start + sub.len(),
            after_junk: after,
            before_junk: before,
        }
    }

    #[test]
    fn recurring_suffix_is_removed_without_the_sentence_end() {
        let s = "第一行。玩家俱乐部|第二行的规定玩家俱乐部|真实文本";
        let segs = [
            seg(s, "第一行。玩家俱乐部", false, true),
            seg(s, "第二行的规定玩家俱乐部", false, true),
            seg(s, "真实文本", true, false),
        ];
        let mut out = Vec::new();
        SeoFinder::default().find(s.as_bytes(), &segs, &mut out);
        let got: Vec<&str> = out.iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(got, ["玩家俱乐部", "玩家俱乐部"]);
    }

    #[test]
    fn single_occurrence_is_kept() {
        let s = "第一行玩家俱乐部|第二行";
        let segs = [
            seg(s, "第一行玩家俱乐部", false, true),
            seg(s, "第二行", true, false),
        ];
        let mut out = Vec::new();
        SeoFinder::default().find(s.as_bytes(), &segs, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn prefix_and_whole_segment() {
        let s = "游戏攻略、补丁下载与玩家交流|游戏攻略、补丁下载与玩家交流这个工具";
        let segs = [
            seg(s, "游戏攻略、补丁下载与玩家交流|", true, false),
            seg(s, "游戏攻略、补丁下载与玩家交流这个工具", true, false),
        ];
        let mut out = Vec::new();
        SeoFinder::default().find(s.as_bytes(), &segs, &mut out);
        let got: Vec<&str> = out.iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(
            got,
            [
                "游戏攻略、补丁下载与玩家交流",
                "游戏攻略、补丁下载与玩家交流"
            ]
        );
    }
}
