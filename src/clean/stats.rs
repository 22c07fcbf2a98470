//! Counts of what the cleaner removed, for `--stats` and `--check`.

use std::collections::BTreeMap;
use std::fmt;

/// Most SEO strings `--stats` names.
const SHOW_SEO: usize = 10;

/// A kind of removed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// Discuz! X / 6 / 7 junk: triples `c1 ' ' c2`.
    Triple,
    /// Discuz! 2.x–5.x junk: pairs `c1 c2`.
    Pair,
    /// An SEO string glued to junk (Discuz 2.x–7.x), recurring in the document.
    Seo,
    /// A whole line of Discuz UI text (attachment notices, edit notices, ...).
    Boilerplate,
    /// PHPWind junk: ` R \u{a0}` at a line end, `R` ten bytes of `chr(0..126)`.
    Phpwind,
    /// Discuz!NT junk: ten Latin-1 characters, the host, ten more, the same string throughout.
    DiscuzNt,
}

impl Form {
    pub const ALL: [Form; 6] = [
        Form::Triple,
        Form::Pair,
        Form::Seo,
        Form::Boilerplate,
        Form::Phpwind,
        Form::DiscuzNt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Form::Triple => "triple junk (Discuz! X, 6, 7)",
            Form::Pair => "pair junk (Discuz! 2.x-5.x)",
            Form::Seo => "SEO strings",
            Form::Boilerplate => "boilerplate lines",
            Form::Phpwind => "PHPWind junk",
            Form::DiscuzNt => "Discuz!NT junk",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What one run of the cleaner saw and removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Lines read.
    pub lines: u64,
    /// Lines whose bytes changed (or were removed).
    pub lines_changed: u64,
    /// Bytes read.
    pub bytes_in: u64,
    strings: [u64; Form::ALL.len()],
    bytes: [u64; Form::ALL.len()],
    /// Each SEO string removed, with how often (what `--find-seo` prints).
    pub seo_strings: BTreeMap<Vec<u8>, u64>,
}

impl Stats {
    pub fn add(&mut self, form: Form, bytes: usize) {
        self.strings[form.index()] += 1;
        self.bytes[form.index()] += bytes as u64;
    }

    /// More bytes of a string already counted (its piece on a further line).
    pub fn add_bytes(&mut self, form: Form, bytes: usize) {
        self.bytes[form.index()] += bytes as u64;
    }

    pub fn note_seo_string(&mut self, s: &[u8]) {
        match self.seo_strings.get_mut(s) {
            Some(n) => *n += 1,
            None => {
                self.seo_strings.insert(s.to_vec(), 1);
            }
        }
    }

    fn merge_seo_strings(&mut self, other: &Stats) {
        for (k, n) in &other.seo_strings {
            *self.seo_strings.entry(k.clone()).or_default() += n;
        }
    }

    /// Bytes removed, all forms.
    pub fn removed_bytes(&self) -> u64 {
        self.bytes.iter().sum()
    }

    /// Add the removals of a further pass over text already counted (not its lines or bytes).
    pub fn merge_removals(&mut self, other: &Stats) {
        for i in 0..self.strings.len() {
            self.strings[i] += other.strings[i];
            self.bytes[i] += other.bytes[i];
        }
        self.merge_seo_strings(other);
    }

    pub fn strings(&self, form: Form) -> u64 {
        self.strings[form.index()]
    }

    pub fn bytes(&self, form: Form) -> u64 {
        self.bytes[form.index()]
    }

    /// Anything removed at all?
    pub fn found_any(&self) -> bool {
        self.strings.iter().any(|&n| n > 0)
    }

    pub fn merge(&mut self, other: &Stats) {
        self.lines += other.lines;
        self.lines_changed += other.lines_changed;
        self.bytes_in += other.bytes_in;
        for i in 0..self.strings.len() {
            self.strings[i] += other.strings[i];
            self.bytes[i] += other.bytes[i];
        }
        self.merge_seo_strings(other);
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "lines read:    {:>12}", self.lines)?;
        writeln!(f, "lines changed: {:>12}", self.lines_changed)?;
        writeln!(f, "bytes read:    {:>12}", self.bytes_in)?;
        writeln!(f, "{:<32} {:>10} {:>12}", "removed", "strings", "bytes")?;
        let mut total = (0, 0);
        for form in Form::ALL {
            writeln!(
                f,
                "  {:<30} {:>10} {:>12}",
                form.name(),
                self.strings(form),
                self.bytes(form)
            )?;
            total.0 += self.strings(form);
            total.1 += self.bytes(form);
        }
        write!(f, "  {:<30} {:>10} {:>12}", "total", total.0, total.1)?;
        // Which SEO strings went: the one removal that takes text a reader might miss.
        if !self.seo_strings.is_empty() {
            let mut seo: Vec<(&Vec<u8>, &u64)> = self.seo_strings.iter().collect();
            seo.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            write!(f, "\nSEO strings removed ({} distinct):", seo.len())?;
            for (k, n) in seo.iter().take(SHOW_SEO) {
                write!(f, "\n  {:>6}  {}", n, String::from_utf8_lossy(k))?;
            }
            if seo.len() > SHOW_SEO {
                write!(
                    f,
                    "\n  ... and {} more (--find-seo lists them all)",
                    seo.len() - SHOW_SEO
                )?;
            }
        }
        Ok(())
    }
}
