//! Cleaning one block of whole lines: detection, SEO analysis, boilerplate, output.

use super::boilerplate::{is_boilerplate, may_be_boilerplate};
use super::detect;
use super::detect::{scan_line, scan_line_cut, Junk, Scratch, Side};
use super::evidence;
use super::grammar::{self, Grammar, Unit};
use super::seo::{KnownSeo, Segment, SeoFinder};
use super::stats::{Form, Stats};
use memchr::memchr;
use std::sync::Arc;

/// What the cleaner removes and how it writes its output.
#[derive(Clone, Debug)]
pub struct Options {
    /// Remove whole lines of Discuz UI text (`本帖子中包含更多资源`, ...).
    pub boilerplate: bool,
    /// Remove SEO strings that recur next to junk (Discuz 2.x–7.x).
    pub seo: bool,
    /// Wrap removed text in these markers instead of removing it.
    pub mark: Option<(String, String)>,
    /// Documents are separated by this byte (NUL for `-z`): each is cleaned on its own, and
    /// SEO strings are proven within it.
    pub separator: Option<u8>,
    /// SEO strings removed next to junk even where they occur once (Discuz's defaults, and
    /// the site settings of the corpus).
    pub known_seo: Arc<KnownSeo>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            boilerplate: true,
            seo: true,
            mark: None,
            separator: None,
            known_seo: Arc::default(),
        }
    }
}

/// Passes after the first, at most, when cleaning keeps exposing junk (each removes something,
/// so this bounds adversarial input; Discuz text needs one).
const MAX_PASSES: usize = 8;

/// Lines of a document analysed together for SEO strings (see `find_seo`).
const SEO_WINDOW: usize = 128;

/// Default markers of `--mark`: visible, and rare in real text.
pub const MARK_OPEN: &str = "\u{27E6}";
pub const MARK_CLOSE: &str = "\u{27E7}";

/// Position of a block in its line structure: a very long line is cut into pieces, and a piece
/// edge is not a line edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edges {
    /// The block starts at the start of a line.
    pub starts_line: bool,
    /// The block's last line is complete (ends with a newline, or at the end of input).
    pub ends_line: bool,
    /// The block starts a document (an input, a record of `-z`, a JSON string): junk cut off
    /// there by an excerpt or a truncated record may be shorter than five units.
    pub starts_doc: bool,
    /// The block ends a document.
    pub ends_doc: bool,
}

impl Edges {
    pub const WHOLE: Edges = Edges {
        starts_line: true,
        ends_line: true,
        starts_doc: true,
        ends_doc: true,
    };
}

#[derive(Clone, Copy)]
struct Removal {
    start: usize,
    end: usize,
    form: Form,
    /// The first piece of its string (a string across line breaks is removed line by line).
    first: bool,
}

struct Line {
    start: usize,
    /// End of the content, before `\r\n` / `\n`.
    end: usize,
    /// Start of the next line.
    next: usize,
    junk: std::ops::Range<usize>,
    /// The line break after this line is inside a junk string (a 4.x/5.x `c1` of LF).
    join_next: bool,
    /// The line (past junk at its start) begins like a boilerplate line.
    boilerplate_gate: bool,
}

/// A reusable cleaner: holds scratch buffers so cleaning many blocks allocates little.
pub struct Cleaner {
    opts: Options,
    scratch: Scratch,
    lines: Vec<Line>,
    junk: Vec<Junk>,
    segs: Vec<Segment>,
    seo: SeoFinder,
    seo_spans: Vec<(usize, usize)>,
    /// Where each SEO string removed sits (without the slack next to it).
    seo_strings: Vec<(usize, usize)>,
    removals: Vec<Removal>,
    /// The look-alikes' junk strings in the document (PHPWind's, maybe across line breaks;
    /// Discuz!NT's), `[start, end)`, in order.
    lookalike: Vec<(usize, usize, Form)>,
    found: Vec<(usize, usize)>,
    /// The block has control characters, so 4.x/5.x chains across lines were looked for.
    chains_searched: bool,
    /// The unfinished last line of the previous block (a piece of a long line) was changed.
    piece_changed: std::cell::Cell<bool>,
}

impl Cleaner {
    pub fn new(opts: Options) -> Self {
        let seo = SeoFinder::new(opts.known_seo.clone());
        Cleaner {
            opts,
            seo,
            scratch: Scratch::default(),
            lines: Vec::new(),
            junk: Vec::new(),
            segs: Vec::new(),
            seo_spans: Vec::new(),
            seo_strings: Vec::new(),
            removals: Vec::new(),
            lookalike: Vec::new(),
            found: Vec::new(),
            chains_searched: false,
            piece_changed: std::cell::Cell::new(false),
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Clean `block` (whole lines, as `edges` says) and append the result to `out`.
    ///
    /// Cleaning is idempotent: taking junk away can leave other junk at a new line edge (after
    /// an SEO string between two junk strings goes, say), which a second cleaning would take.
    /// So a block where that can happen is cleaned again, as a second run would see it (a fresh
    /// cleaner over the output), until nothing changes. (Found by fuzzing.)
    pub fn clean_block(
        &mut self,
        block: &[u8],
        edges: Edges,
        out: &mut Vec<u8>,
        stats: &mut Stats,
    ) {
        let Some(sep) = self.opts.separator else {
            return self.clean_document(block, edges, out, stats);
        };
        // Each record on its own; the separators pass through.
        let mut rest = block;
        let mut first = true;
        loop {
            let (piece, more) = match memchr(sep, rest) {
                Some(i) => (&rest[..i], Some(i)),
                None => (rest, None),
            };
            let piece_edges = Edges {
                starts_line: if first { edges.starts_line } else { true },
                ends_line: if more.is_some() {
                    true
                } else {
                    edges.ends_line
                },
                starts_doc: if first { edges.starts_doc } else { true },
                ends_doc: if more.is_some() { true } else { edges.ends_doc },
            };
            if !piece.is_empty() {
                self.clean_document(piece, piece_edges, out, stats);
            }
            match more {
                Some(i) => {
                    out.push(sep);
                    stats.bytes_in += 1;
                    rest = &rest[i + 1..];
                    first = false;
                }
                None => break,
            }
        }
    }

    /// [`Cleaner::clean_block`] for one document (or a window of one).
    fn clean_document(&mut self, block: &[u8], edges: Edges, out: &mut Vec<u8>, stats: &mut Stats) {
        let from = out.len();
        self.clean_once(block, edges, out, stats);
        // Junk taken at a line edge is followed up there by the line scan itself; only an SEO
        // string, mid-line junk, a junk string across lines or a look-alike's junk going away
        // can join or expose text in ways the scan did not see. So can junk taken at a line
        // start where 4.x/5.x chains are looked for: the chain search reads the lines as they
        // were, and a bare `c2` that the junk hid now opens the line (found by fuzzing).
        let exposing = !self.seo_spans.is_empty()
            || !self.lookalike.is_empty()
            || self.junk.iter().any(|j| j.side == Side::Mid)
            || self.lines.iter().any(|l| l.join_next)
            || (self.chains_searched && !self.junk.is_empty());
        if self.opts.mark.is_some() || !exposing {
            return;
        }
        for _ in 0..MAX_PASSES {
            let produced = out[from..].to_vec();
            let mut again = Vec::with_capacity(produced.len());
            let mut pass = Stats::default();
            Cleaner::new(self.opts.clone()).clean_once(&produced, edges, &mut again, &mut pass);
            if again == produced {
                return;
            }
            out.truncate(from);
            out.extend_from_slice(&again);
            stats.merge_removals(&pass);
        }
    }

    fn clean_once(&mut self, block: &[u8], edges: Edges, out: &mut Vec<u8>, stats: &mut Stats) {
        stats.bytes_in += block.len() as u64;
        self.split_lines(block, edges);
        self.detect(block, edges);
        // Only Discuz 4.x/5.x junk carries line feeds, and with them control characters (a pair's
        // `c1` is one of 60 values, 26 of them control characters kept by every scraper): a
        // block without any has no such chain, and the search costs nothing there.
        self.chains_searched = has_control(block);
        if self.chains_searched {
            self.join_pair_chains(block);
        }
        self.find_lookalikes(block, edges);
        self.find_seo(block);
        for &(a, b) in &self.seo_strings {
            stats.note_seo_string(&block[a..b]);
        }
        self.collect_removals();
        self.write(block, edges, out, stats);
    }

    fn split_lines(&mut self, block: &[u8], edges: Edges) {
        self.lines.clear();
        let mut start = 0;
        while start < block.len() {
            let (end, next) = match memchr(b'\n', &block[start..]) {
                Some(i) => {
                    let nl = start + i;
                    let end = if nl > start && block[nl - 1] == b'\r' {
                        nl - 1
                    } else {
                        nl
                    };
                    (end, nl + 1)
                }
                None => (block.len(), block.len()),
            };
            self.lines.push(Line {
                start,
                end,
                next,
                junk: 0..0,
                join_next: false,
                boilerplate_gate: false,
            });
            start = next;
        }
        let _ = edges;
    }

    fn detect(&mut self, block: &[u8], edges: Edges) {
        self.junk.clear();
        let n = self.lines.len();
        for (i, line) in self.lines.iter_mut().enumerate() {
            let at_start = i > 0 || edges.starts_line;
            let at_end = line.next > line.end || (i + 1 == n && edges.ends_line);
            let first = self.junk.len();
            scan_line(
                block,
                line.start,
                line.end,
                at_start,
                at_end,
                &mut self.scratch,
                &mut self.junk,
            );
            line.junk = first..self.junk.len();
            let text_start = match self.junk[line.junk.clone()].first() {
                Some(j) if j.side == Side::Start || j.side == Side::Whole => j.end,
                _ => line.start,
            };
            line.boilerplate_gate = may_be_boilerplate(&block[text_start..line.end]);
        }
        // Junk cut off at an edge of a document (an excerpt, a truncated record) is shorter
        // than five units; it is looked for only where the rest of the document shows the
        // jammer (two junk strings on other lines), never otherwise.
        for (i, first_line) in [(0, true), (n.saturating_sub(1), false)] {
            if n == 0 || (first_line && !edges.starts_doc) || (!first_line && !edges.ends_doc) {
                continue;
            }
            let line = &self.lines[i];
            if self.junk.len() - line.junk.len() < 2 {
                continue;
            }
            let at_start = i > 0 || edges.starts_line;
            let at_end = line.next > line.end || (i + 1 == n && edges.ends_line);
            let mut found = Vec::new();
            scan_line_cut(
                block,
                line.start,
                line.end,
                (at_start, at_end),
                (first_line, !first_line),
                &mut self.scratch,
                &mut found,
            );
            let before: usize = self.junk[line.junk.clone()]
                .iter()
                .map(|j| j.end - j.start)
                .sum();
            let after: usize = found.iter().map(|j| j.end - j.start).sum();
            if after > before {
                let range = line.junk.clone();
                let grow = found.len() as isize - range.len() as isize;
                self.junk.splice(range.clone(), found);
                self.lines[i].junk = range.start..(range.end as isize + grow) as usize;
                for l in &mut self.lines[i + 1..] {
                    l.junk = (l.junk.start as isize + grow) as usize
                        ..(l.junk.end as isize + grow) as usize;
                }
            }
        }
    }

    /// Discuz 4.x/5.x draw `c1` from `chr(0..59)`, line feed included: such a pair breaks the
    /// line inside the junk, leaving fewer than five units on each side, which the line scan
    /// cannot take alone. Where a line ends in pairs and the next starts with a bare `c2` (its
    /// `c1` was the line feed), the pieces are joined and judged as one junk string.
    fn join_pair_chains(&mut self, block: &[u8]) {
        let mut units: Vec<Unit> = Vec::new();
        let mut tail: Vec<Unit> = Vec::new();
        let mut head: Vec<Unit> = Vec::new();
        let n = self.lines.len();
        let mut i = 0;
        while i + 1 < n {
            let (a, b) = (&self.lines[i], &self.lines[i + 1]);
            if a.next == a.end || b.start == b.end || !grammar::is_c2(block[b.start]) {
                i += 1;
                continue;
            }
            // The pairs that end line i: its junk, or a fresh parse.
            let q = trim_end(block, a.start, a.end);
            let a_junk = self.junk[a.junk.clone()]
                .last()
                .copied()
                .filter(|j| j.end >= q);
            let floor = match a_junk {
                Some(j) if j.grammar == Grammar::Pair => j.start,
                Some(j) => j.end,
                None => self.junk[a.junk.clone()].last().map_or(a.start, |j| j.end),
            };
            // A bare c2 may open the run where the line starts (its c1 was dropped or trimmed).
            let bare_at = (floor == a.start).then_some(a.start);
            grammar::run_bwd(block, q, floor, Grammar::Pair, bare_at, &mut tail);
            if tail.is_empty() {
                i += 1;
                continue;
            }
            let a_start = tail.last().map_or(q, |u| u.start);
            let a_known = a_junk.is_some_and(|j| j.grammar == Grammar::Pair);
            units.clear();
            units.extend(tail.iter().rev());
            // Follow the chain: lines that are nothing but pairs and start with a bare c2.
            let mut j = i + 1;
            let mut cut_head = true;
            let (mut b_end, b_known) = loop {
                let line = &self.lines[j];
                grammar::run_fwd(block, line.start, Grammar::Pair, true, &mut head);
                let end = head.last().map_or(line.start, |u| u.end);
                // A lone capital after a junk line starts real text (`Problem:`): the chain
                // ends before it.
                if j > i + 1 && head.len() < 2 && trim_end(block, end, line.end) != end {
                    j -= 1;
                    let prev = &self.lines[j];
                    cut_head = false;
                    break (trim_end(block, prev.start, prev.end), true);
                }
                let known = self.junk[line.junk.clone()]
                    .first()
                    .is_some_and(|k| k.start == line.start);
                units.extend_from_slice(&head);
                let whole = trim_end(block, end, line.end) == end;
                let next_starts = j + 1 < n
                    && line.next > line.end
                    && self.lines[j + 1].start < self.lines[j + 1].end
                    && grammar::is_c2(block[self.lines[j + 1].start]);
                if whole && next_starts && units.len() < detect::MAX_UNITS && !head.is_empty() {
                    j += 1;
                    continue;
                }
                break (end, known);
            };
            let tail_known = a_known.then_some(tail.len());
            let mut total = units.len();
            // Two complete strings, one ending line i and one opening line j, are what a real
            // line break between them looks like: never joined.
            let verdict = if a_known && b_known {
                false
            } else if !cut_head || head.is_empty() {
                (detect::MIN_UNITS..=detect::MAX_UNITS).contains(&total)
                    && detect::plausible(block, Grammar::Pair, &units)
                    && {
                        let w = evidence::skip_symbols_pub(block, b_end, 2, self.lines[j].end);
                        let (t, k) = self.chain_costs(
                            block,
                            i,
                            j,
                            (a_start, q, tail_known),
                            b_end,
                            w,
                            total,
                        );
                        evidence::weigh(t, k)
                    }
            } else {
                // The chain may end inside the head of its last line (`Z` + indentation + `p`
                // of `policer`): each end is a reading, scored over the same characters.
                let line_end = self.lines[j].end;
                let w = evidence::skip_symbols_pub(block, b_end, 2, line_end);
                let before = total - head.len();
                let mut best: Option<(u32, u32, usize)> = None;
                for h in 1..=head.len() {
                    let t_h = before + h;
                    if !(detect::MIN_UNITS..=detect::MAX_UNITS).contains(&t_h)
                        || !detect::plausible(block, Grammar::Pair, &units[..t_h])
                    {
                        continue;
                    }
                    let (t, k) = self.chain_costs(
                        block,
                        i,
                        j,
                        (a_start, q, tail_known),
                        head[h - 1].end,
                        w,
                        t_h,
                    );
                    if best.is_none_or(|b| k < b.1) {
                        best = Some((t, k, h));
                    }
                }
                // Or the chain ends with the line before (`…\x15c` + a real line break +
                // `im-config`): its whole lines are junk, the head of line j is text.
                if j > i + 1 && (detect::MIN_UNITS..=detect::MAX_UNITS).contains(&before) {
                    let prev = &self.lines[j - 1];
                    let end = trim_end(block, prev.start, prev.end);
                    let (t, k) = self.chain_costs(
                        block,
                        i,
                        j - 1,
                        (a_start, q, tail_known),
                        end,
                        end,
                        before,
                    );
                    // Scored over line j too: its head and what follows read as a line of text.
                    let head_text = super::textmodel::text_cost(
                        block,
                        self.lines[j].start,
                        w,
                        (super::textmodel::EDGE, super::textmodel::EDGE),
                        w == line_end,
                    );
                    let k = k + head_text;
                    if best.is_none_or(|b| k < b.1)
                        && detect::plausible(block, Grammar::Pair, &units[..before])
                    {
                        best = Some((t + head_text, k, 0));
                    }
                }
                match best {
                    Some((t, k, h)) if evidence::weigh(t, k) => {
                        if h == 0 {
                            j -= 1;
                            let prev = &self.lines[j];
                            b_end = trim_end(block, prev.start, prev.end);
                            total = before;
                        } else {
                            b_end = head[h - 1].end;
                            total = before + h;
                        }
                        true
                    }
                    _ => false,
                }
            };
            let _ = total;
            if !verdict {
                i += 1;
                continue;
            }
            self.set_edge_junk(i, a_start, q, Side::End);
            for k in i + 1..j {
                let (start, end) = (self.lines[k].start, self.lines[k].end);
                self.set_edge_junk(k, start, trim_end(block, start, end), Side::Whole);
            }
            let last = &self.lines[j];
            let side = if trim_end(block, b_end, last.end) == b_end {
                Side::Whole
            } else {
                Side::Start
            };
            self.set_edge_junk(j, last.start, b_end, side);
            for k in i..j {
                self.lines[k].join_next = true;
            }
            i = j;
        }
    }

    /// The costs of a chain of pair pieces across line breaks (lines `i..=j`: the tail
    /// `[a_start, q)` of line `i`, whole lines of pairs, and the head of line `j` up to `b_end`)
    /// read as one junk string of `total` pairs, and read as text around real line breaks (the
    /// tail as a junk string of its own when `a_known` gives its length). Both are scored over
    /// the same characters, up to `w` on line `j`: `(as_text, as_junk)`.
    #[allow(clippy::too_many_arguments)]
    fn chain_costs(
        &self,
        block: &[u8],
        i: usize,
        j: usize,
        (a_start, q, a_known): (usize, usize, Option<usize>),
        b_end: usize,
        w: usize,
        total: usize,
    ) -> (u32, u32) {
        use super::evidence::length_cost;
        use super::textmodel::{context_before, text_cost, EDGE};
        const PAIR: u32 = 95;
        let line_i = &self.lines[i];
        let line_j = &self.lines[j];
        let eol_w = w == line_j.end;
        let eol_before_tail = {
            let e = trim_end(block, line_i.start, a_start);
            let ctx = context_before(block, e, line_i.start);
            super::textmodel::cost(ctx.0, ctx.1, EDGE)
        };
        // The chain as one junk string; the text after it starts a line.
        let junk = total as u32 * PAIR
            + length_cost(total)
            + eol_before_tail
            + text_cost(block, b_end, w, (EDGE, EDGE), eol_w);
        // The pieces on their own.
        let tail = match a_known {
            Some(n) => n as u32 * PAIR + length_cost(n) + eol_before_tail,
            None => {
                let ctx = context_before(block, a_start, line_i.start);
                text_cost(block, a_start, q, ctx, true)
            }
        };
        let mut middle = 0;
        for k in i + 1..j {
            let l = &self.lines[k];
            middle += text_cost(
                block,
                l.start,
                trim_end(block, l.start, l.end),
                (EDGE, EDGE),
                true,
            );
        }
        let head = text_cost(block, line_j.start, w, (EDGE, EDGE), eol_w);
        (tail + middle + head, junk)
    }

    /// Make `[start, end)` the junk at one edge of line `i`, replacing junk it overlaps.
    fn set_edge_junk(&mut self, i: usize, start: usize, end: usize, side: Side) {
        let range = self.lines[i].junk.clone();
        let mut kept: Vec<Junk> = self.junk[range.clone()]
            .iter()
            .copied()
            .filter(|j| j.end <= start || j.start >= end)
            .collect();
        let lo = kept
            .iter()
            .map(|j| j.start)
            .chain([start])
            .min()
            .unwrap_or(start);
        let hi = kept.iter().map(|j| j.end).chain([end]).max().unwrap_or(end);
        let _ = (lo, hi);
        kept.push(Junk {
            start,
            end,
            grammar: Grammar::Pair,
            side,
        });
        kept.sort_unstable_by_key(|j| j.start);
        // Splice: the line's junk range may grow, so later lines' ranges shift.
        let old_len = range.len();
        self.junk.splice(range.clone(), kept.iter().copied());
        let new_len = kept.len();
        self.lines[i].junk = range.start..range.start + new_len;
        if new_len != old_len {
            for line in &mut self.lines[i + 1..] {
                line.junk =
                    (line.junk.start + new_len - old_len)..(line.junk.end + new_len - old_len);
            }
        }
    }

    fn find_seo(&mut self, block: &[u8]) {
        // Both are per document: what a previous document (record) proved is not carried over.
        self.seo_spans.clear();
        self.seo_strings.clear();
        if !self.opts.seo || self.junk.is_empty() {
            return;
        }
        // A document is analysed in windows of SEO_WINDOW lines: a forum post fits in one, and
        // in a stream without separators a window holds a few posts, not the whole stream.
        for (w, lines) in self.lines.chunks(SEO_WINDOW).enumerate() {
            self.segs.clear();
            for line in lines {
                if line.junk.is_empty() {
                    continue;
                }
                let mut pos = line.start;
                let mut left: Option<u64> = None;
                for j in &self.junk[line.junk.clone()] {
                    let id = junk_id(&block[j.start..j.end]);
                    if j.side == Side::Whole {
                        left = Some(id);
                        pos = j.end;
                        continue;
                    }
                    if j.start > pos {
                        self.segs.push(Segment {
                            start: pos,
                            end: j.start,
                            after_junk: left.is_some(),
                            before_junk: true,
                            junk_before: left.unwrap_or(0),
                            junk_after: id,
                        });
                    }
                    pos = j.end;
                    left = Some(id);
                }
                let end = trim_end(block, pos, line.end);
                if let Some(id) = left.filter(|_| end > pos) {
                    self.segs.push(Segment {
                        start: pos,
                        end,
                        after_junk: true,
                        before_junk: false,
                        junk_before: id,
                        junk_after: 0,
                    });
                }
            }
            if self.segs.is_empty() {
                continue;
            }
            let range = lines[0].start..lines[lines.len() - 1].next;
            let _ = w;
            let from = self.seo_spans.len();
            self.seo.find(block, range, &self.segs, &mut self.seo_spans);
            let _ = from;
            self.seo_strings.extend_from_slice(&self.seo.strings);
        }
        self.seo_spans.sort_unstable();
    }

    /// The look-alikes' junk: PHPWind's at complete lines' ends ([`phpwind`](super::phpwind)),
    /// a string with a line feed inside joining its lines; Discuz!NT's learned from a line of
    /// its own ([`dnt`](super::dnt)).
    fn find_lookalikes(&mut self, block: &[u8], edges: Edges) {
        self.lookalike.clear();
        let n = self.lines.len();
        // Only a line ending in U+00A0 can hold PHPWind junk: most documents skip the search.
        if self
            .lines
            .iter()
            .any(|l| block[..l.end].ends_with(&[0xC2, 0xA0]))
        {
            let ends = self
                .lines
                .iter()
                .enumerate()
                .filter(|&(i, l)| l.next > l.end || (i + 1 == n && edges.ends_line))
                .map(|(_, l)| l.end);
            super::phpwind::find(block, ends, &mut self.found);
            for &(start, end) in &self.found {
                let mut i = self.lines.partition_point(|l| l.next <= start);
                while i < n && self.lines[i].next <= end {
                    self.lines[i].join_next = true;
                    i += 1;
                }
                self.lookalike.push((start, end, Form::Phpwind));
            }
        }
        // Discuz!NT's string is Latin-1 around a host: only a document with a line that could be
        // one is searched.
        if self
            .lines
            .iter()
            .any(|l| super::dnt::could_be(&block[l.start..l.end]))
        {
            let lines = self.lines.iter().map(|l| (l.start, l.end));
            super::dnt::find(block, lines, &mut self.found);
            for &(start, end) in &self.found {
                if !self.lookalike.iter().any(|&(a, b, _)| start < b && a < end) {
                    self.lookalike.push((start, end, Form::DiscuzNt));
                }
            }
            self.lookalike.sort_unstable_by_key(|r| r.0);
        }
    }

    fn collect_removals(&mut self) {
        self.removals.clear();
        let in_lookalike =
            |s: usize, e: usize| self.lookalike.iter().any(|&(a, b, _)| s < b && a < e);
        for &(start, end, form) in &self.lookalike {
            // One piece per line; the line breaks between them go by `join_next`.
            let mut at = start;
            for l in &self.lines[self.lines.partition_point(|l| l.next <= start)..] {
                let piece_end = end.min(l.end);
                if piece_end > at {
                    self.removals.push(Removal {
                        start: at,
                        end: piece_end,
                        form,
                        first: at == start,
                    });
                }
                if l.next >= end {
                    break;
                }
                at = l.next;
            }
        }
        for j in &self.junk {
            if in_lookalike(j.start, j.end) {
                continue;
            }
            let form = match j.grammar {
                Grammar::Triple => Form::Triple,
                Grammar::Pair => Form::Pair,
            };
            self.removals.push(Removal {
                start: j.start,
                end: j.end,
                form,
                first: true,
            });
        }
        for &(start, end) in &self.seo_spans {
            if in_lookalike(start, end) {
                continue;
            }
            self.removals.push(Removal {
                start,
                end,
                form: Form::Seo,
                first: true,
            });
        }
        self.removals.sort_unstable_by_key(|r| r.start);
    }

    fn write(&self, block: &[u8], edges: Edges, out: &mut Vec<u8>, stats: &mut Stats) {
        let mut r = 0; // next removal
        let n = self.lines.len();
        // Lines with nothing to do are copied in one run.
        let mut run_start = 0;
        for (i, line) in self.lines.iter().enumerate() {
            let complete = line.next > line.end || (i + 1 == n && edges.ends_line);
            if complete && !(line.start == line.end && line.next == line.end) {
                stats.lines += 1;
            }
            let whole_line = (i > 0 || edges.starts_line) && complete;
            let may_be_boilerplate = self.opts.boilerplate && whole_line && line.boilerplate_gate;
            let has_removal = r < self.removals.len() && self.removals[r].start < line.end;
            // A long line cut into pieces counts as changed once, when its last piece is done.
            let carried = i == 0 && !edges.starts_line && self.piece_changed.replace(false);
            if !has_removal && !may_be_boilerplate && !line.join_next {
                if carried {
                    if complete {
                        stats.lines_changed += 1;
                    } else {
                        self.piece_changed.set(true);
                    }
                }
                continue;
            }
            out.extend_from_slice(&block[run_start..line.start]);
            run_start = line.next;
            let line_out = out.len();
            let mut pos = line.start;
            let mut removed_at_end = false;
            let mut changed = false;
            while r < self.removals.len() && self.removals[r].start < line.end {
                let mut rm = self.removals[r];
                r += 1;
                // Removals never overlap by construction; stay safe if they ever do.
                rm.start = rm.start.max(pos);
                if rm.end <= rm.start {
                    continue;
                }
                out.extend_from_slice(&block[pos..rm.start]);
                if rm.first {
                    stats.add(rm.form, rm.end - rm.start);
                } else {
                    stats.add_bytes(rm.form, rm.end - rm.start);
                }
                changed = true;
                if let Some((open, close)) = &self.opts.mark {
                    out.extend_from_slice(open.as_bytes());
                    out.extend_from_slice(&block[rm.start..rm.end]);
                    out.extend_from_slice(close.as_bytes());
                }
                pos = rm.end;
                removed_at_end = trim_end(block, pos, line.end) == pos;
            }
            out.extend_from_slice(&block[pos..line.end]);
            if removed_at_end && self.opts.mark.is_none() {
                let keep = trim_end(out, line_out, out.len());
                out.truncate(keep);
            }
            // Boilerplate is judged on the line as it reads without junk, and only on whole lines.
            if may_be_boilerplate && is_boilerplate(&out[line_out..]) {
                let text_len = out.len() - line_out;
                stats.add(Form::Boilerplate, line.next - line.start);
                if let Some((open, close)) = &self.opts.mark {
                    let text = out[line_out..].to_vec();
                    out.truncate(line_out);
                    out.extend_from_slice(open.as_bytes());
                    out.extend_from_slice(&text);
                    out.extend_from_slice(close.as_bytes());
                    out.extend_from_slice(&block[line.end..line.next]);
                } else {
                    // Remove the whole line, terminator included.
                    out.truncate(out.len() - text_len);
                }
                stats.lines_changed += 1;
                continue;
            }
            if !line.join_next {
                out.extend_from_slice(&block[line.end..line.next]);
            } else if let Some((open, close)) = &self.opts.mark {
                // The line break is junk: marked, like the rest of it.
                out.extend_from_slice(open.as_bytes());
                out.extend_from_slice(&block[line.end..line.next]);
                out.extend_from_slice(close.as_bytes());
            }
            if changed || line.join_next || carried {
                if complete {
                    stats.lines_changed += 1;
                } else {
                    self.piece_changed.set(true);
                }
            }
        }
        out.extend_from_slice(&block[run_start..]);
    }
}

/// Does `block` hold a control character other than tab, line feed and carriage return?
fn has_control(block: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let is_control = |b: u8| b == 0x7F || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'));
    let mut chunks = block.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        // A byte below 0x20 (or 0x7F) somewhere in the word: look closer.
        let low = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let del = (w ^ (ONES * 0x7F)).wrapping_sub(ONES) & !(w ^ (ONES * 0x7F)) & HIGH;
        if (low | del) != 0 && c.iter().any(|&b| is_control(b)) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| is_control(b))
}

/// Identity of a junk string, by its bytes: junk is random, so the same junk string twice means
/// the same text twice (a post crawled twice, a corpus with duplicates), which is one piece of
/// evidence, not two.
fn junk_id(j: &[u8]) -> u64 {
    // FNV-1a; never 0, which stands for "no junk".
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in j {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h | 1
}

/// End of `s[start..end]` without trailing spaces, tabs and U+00A0.
fn trim_end(s: &[u8], start: usize, end: usize) -> usize {
    let mut e = end;
    while e > start {
        if matches!(s[e - 1], b' ' | b'\t') {
            e -= 1;
        } else if e - start >= 2 && s[e - 1] == 0xA0 && s[e - 2] == 0xC2 {
            e -= 2;
        } else {
            break;
        }
    }
    e
}

/// Clean one whole block with a fresh cleaner (convenience for tests and small inputs).
pub fn clean_block(block: &[u8], opts: &Options) -> (Vec<u8>, Stats) {
    let mut out = Vec::with_capacity(block.len());
    let mut stats = Stats::default();
    super::stream::clean_slice(block, &mut Cleaner::new(opts.clone()), &mut out, &mut stats);
    (out, stats)
}

/// Clean a string (one document) with the given options.
pub fn clean_str(text: &str, opts: &Options) -> (String, Stats) {
    let (out, stats) = clean_block(text.as_bytes(), opts);
    // Only ASCII and U+00A0 are removed, and always whole characters, so the result is UTF-8.
    (
        String::from_utf8(out).expect("cleaning keeps UTF-8 valid"),
        stats,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(s: &str) -> String {
        clean_str(s, &Options::default()).0
    }

    #[test]
    fn keeps_line_count_and_endings() {
        assert_eq!(
            clean("a\r\n0 K( N$ i1 h& P# I' b- O\r\nb\r\n"),
            "a\r\n\r\nb\r\n"
        );
        assert_eq!(clean("no junk here\n"), "no junk here\n");
        assert_eq!(clean("深燃8 G, {* O5 w4 X) s6 w  \n"), "深燃\n");
    }

    #[test]
    fn boilerplate_lines_go_whole() {
        assert_eq!(
            clean("正文\n本帖子中包含更多资源\n×\n结尾\n"),
            "正文\n结尾\n"
        );
        let opts = Options {
            boilerplate: false,
            ..Options::default()
        };
        assert_eq!(clean_str("正文\n×\n", &opts).0, "正文\n×\n");
    }

    #[test]
    fn marks_instead_of_removing() {
        let opts = Options {
            mark: Some(("[".into(), "]".into())),
            ..Options::default()
        };
        assert_eq!(
            clean_str("深燃8 G, {* O5 w4 X) s6 w\n", &opts).0,
            "深燃[8 G, {* O5 w4 X) s6 w]\n"
        );
    }
}
