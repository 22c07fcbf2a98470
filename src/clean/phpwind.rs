//! PHPWind's jammer, as scraped text.
//!
//! PHPWind 6.x–8.x (the main Discuz look-alike) has an anti-collect option of its own
//! (`copyctrl` in `require/bbscode.php`): every `<br />` of a post becomes
//! `<span style="display:none"> R </span>&nbsp;<br />`, `R` being ten characters of
//! `chr(0..126)` drawn uniformly, control characters included. A CSS-blind extractor keeps the
//! span, so a line of such text ends with a space, ten random ASCII bytes, a space and a
//! no-break space. `R` may hold a line feed or a carriage return: the junk then runs across a
//! line break, which goes with it.
//!
//! The shape is exact, but ten bytes between spaces are also a word of real text (` config.yml `
//! before a `&nbsp;` the author typed), so the shape alone is not enough. What makes a string
//! certain is a control character among its ten (95 % of them have one: `1 − (95/127)^10`;
//! real text has none). The other 5 % are taken only where the same document holds a certain
//! one, and where the ten bytes read as random: they cost at least
//! [`MARGIN`] more under the character model of real text than under the generator's 70 bits.
//! Where a scraper turned the no-break space into a space or trimmed it, nothing is certain
//! and nothing is taken.

use super::textmodel::{self, Cost};

/// Characters of `R`.
pub const R_LEN: usize = 10;

/// `10 · log2(127)` bits, the generator's cost of one `R`, in eighths of a bit.
const GENERATOR: Cost = 559;
/// How much costlier than the generator a string without a control character must read as
/// text (posterior 0.95 of junk, when the two are otherwise equally likely).
const MARGIN: Cost = 35;

/// The junk whose last byte ends a line's content at `end`, if the bytes before have the shape
/// ` R \u{a0}`: where it starts, and whether `R` holds a control character.
///
/// Real pages bend the count: a line feed in `R` is stored as CR LF (one character here), and
/// some strings arrive one character short (3 of the 36 on the PHPWind page of
/// `../shared/wild-pages`, all with control characters). So ten characters are tried, then nine;
/// a nine-character string is taken only when certain.
pub fn shape_at(s: &[u8], end: usize) -> Option<(usize, bool)> {
    let close = end.checked_sub(3)?;
    if s[close..end] != [b' ', 0xC2, 0xA0] {
        return None;
    }
    let mut at = close;
    let mut control = false;
    let mut found = None;
    for n in 1..=R_LEN {
        let Some(a) = at.checked_sub(1) else {
            return found;
        };
        at = a;
        let b = s[at];
        if b >= 0x80 {
            return found;
        }
        // CR LF is one character of `R`.
        if b == b'\n' && at > 0 && s[at - 1] == b'\r' {
            at -= 1;
        }
        control |= b < 0x20;
        if n >= R_LEN - 1 && at > 0 && s[at - 1] == b' ' && (n == R_LEN || control) {
            found = Some((at - 1, control));
        }
    }
    found
}

/// The PHPWind junk strings of one document, as `[start, end)`, given where its complete lines'
/// contents end (in order).
pub fn find(s: &[u8], line_ends: impl Iterator<Item = usize>, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut unsure = Vec::new();
    let mut certain = false;
    for end in line_ends {
        let Some((start, sure)) = shape_at(s, end) else {
            continue;
        };
        // A string with a line break inside cannot start before the previous one ends.
        if out.last().is_some_and(|&(_, e)| start < e)
            || unsure.last().is_some_and(|&(_, e)| start < e)
        {
            continue;
        }
        if sure {
            certain = true;
            out.push((start, end));
        } else {
            unsure.push((start, end));
        }
    }
    if !certain {
        return;
    }
    for (start, end) in unsure {
        if reads_random(s, start + 1) {
            out.push((start, end));
        }
    }
    out.sort_unstable();
}

/// Do the ten bytes at `at` cost at least [`MARGIN`] more as real text than as junk?
fn reads_random(s: &[u8], at: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &s[..at]).map_or(0, |i| i + 1);
    let ctx = textmodel::context_before(s, at, line_start);
    let text = textmodel::text_cost(s, at, at + R_LEN, ctx, false);
    text >= GENERATOR + MARGIN
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(s: &[u8]) -> Option<(usize, bool)> {
        shape_at(s, s.len())
    }

    fn found(s: &str) -> Vec<String> {
        let b = s.as_bytes();
        let ends: Vec<usize> = s
            .match_indices('\n')
            .map(|(i, _)| i)
            .chain([b.len()])
            .collect();
        let mut out = Vec::new();
        find(b, ends.into_iter(), &mut out);
        out.iter().map(|&(a, e)| s[a..e].to_string()).collect()
    }

    #[test]
    fn the_shape_is_exact() {
        assert_eq!(shape(b"x W\x06[<\":NX\x102 \xc2\xa0"), Some((1, true)));
        assert_eq!(shape(b"x *Bsmn!_cB{ \xc2\xa0"), Some((1, false)));
        // CR LF counts once; nine characters only with a control character.
        assert_eq!(shape(b"x \x1a0Q\x08-\r\nMxcj \xc2\xa0"), Some((1, true)));
        assert_eq!(shape(b"xx lE\x0ca W7\x19j \xc2\xa0"), Some((2, true)));
        assert_eq!(shape(b"xx *Bsmn!_c{ \xc2\xa0"), None);
        // Eight characters, a plain space for the no-break space, a missing space: no.
        assert_eq!(shape(b"xxx \x01Bsmn!_ \xc2\xa0"), None);
        assert_eq!(shape(b"x *Bsmn!_cB{  "), None);
        assert_eq!(shape(b"x*Bsmn!_cB{x \xc2\xa0"), None);
        // Non-ASCII inside is no R.
        assert_eq!(shape("x *Bsmn中cB \u{a0}".as_bytes()), None);
    }

    #[test]
    fn a_word_before_a_typed_nbsp_stays_even_in_a_jammed_document() {
        let s =
            "first line W\x06[<\":NX\x102 \u{a0}\nsee config.yml \u{a0}\nand *Bsmn!_cB{ \u{a0}\n";
        assert_eq!(
            found(s),
            [" W\x06[<\":NX\x102 \u{a0}", " *Bsmn!_cB{ \u{a0}"]
        );
    }

    #[test]
    fn without_a_certain_string_nothing_is_taken() {
        assert!(found("and *Bsmn!_cB{ \u{a0}\nmore ~Qz;8#pX%v \u{a0}\n").is_empty());
    }

    #[test]
    fn a_line_feed_inside_r_is_part_of_the_junk() {
        let s = "text 4\tx\x0ez\n\x17J\x03q \u{a0}\nnext";
        assert_eq!(found(s), [" 4\tx\x0ez\n\x17J\x03q \u{a0}"]);
    }
}
