//! Stage 3: strip jammer junk from text that was already scraped.
//!
//! The cleaner works on bytes, one block of whole lines at a time, so it streams with constant
//! memory, keeps line endings and invalid UTF-8 as they are, and never needs the whole input:
//!
//! 1. [`detect`] finds junk strings at line edges (and mid-line between non-ASCII text), using the
//!    unit grammar of [`grammar`];
//! 2. [`seo`] finds the SEO strings Discuz 2.x–7.x glue to their junk, by their recurrence;
//! 3. [`phpwind`] and [`dnt`] find the look-alikes' junk (PHPWind's, Discuz!NT's);
//! 4. [`boilerplate`] marks whole lines of Discuz UI text;
//! 5. [`block`] writes the text without all of that (or with it marked).
//!
//! [`stream`] drives blocks over readers and writers, in order, on one or more threads;
//! [`jsonl`] applies the same to string fields of JSON Lines records.

pub mod block;
pub mod boilerplate;
pub mod detect;
pub mod dnt;
pub mod evidence;
pub mod grammar;
pub mod jsonl;
pub mod phpwind;
pub mod seo;
pub mod stats;
pub mod stream;
pub mod textmodel;

pub use block::{clean_block, clean_str, Cleaner, Options};
pub use stats::{Form, Stats};

/// Does `s`, whole, read as one Discuz junk string that the cleaner takes: 5..15 triples that
/// look random? (For tests and for tools that generate junk.)
pub fn looks_like_junk(s: &str) -> bool {
    let mut units = Vec::new();
    grammar::run_fwd(s.as_bytes(), 0, grammar::Grammar::Triple, false, &mut units);
    (detect::MIN_UNITS..=detect::MAX_UNITS).contains(&units.len())
        && units.last().is_some_and(|u| u.end == s.len())
        && detect::plausible(s.as_bytes(), grammar::Grammar::Triple, &units)
}
