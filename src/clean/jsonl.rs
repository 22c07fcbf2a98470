//! Cleaning string fields of JSON Lines records (pretraining corpora and the like).
//!
//! Each record is parsed, the named fields are cleaned (each field value is one document), and
//! the record is written back with every other field and the key order as they were. A record in
//! which nothing changed is copied byte for byte; a changed one is re-serialised compactly.

use super::block::{Cleaner, Edges, Options};
use super::stats::Stats;
use super::stream::Processor;
use serde_json::Value;
use std::fmt;
use std::io;
use std::str::FromStr;

/// A dotted path to a field: `text`, `meta.title`. A path segment that meets an array applies to
/// each element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath(Vec<String>);

impl FromStr for FieldPath {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("a field path is empty".into());
        }
        let parts: Vec<String> = s.split('.').map(str::to_owned).collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(format!(
                "field path {s:?} has an empty segment (write it as `a.b.c`)"
            ));
        }
        Ok(FieldPath(parts))
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// Why a JSON Lines stream could not be cleaned.
#[derive(Debug, thiserror::Error)]
pub enum JsonlError {
    #[error(
        "line {line}: not a JSON value: {source} (use --skip-invalid to pass such lines through)"
    )]
    Invalid {
        line: u64,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Counts for a JSON Lines run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonlStats {
    pub records: u64,
    pub records_changed: u64,
    pub invalid_skipped: u64,
    /// Field values that were strings and were cleaned.
    pub fields_cleaned: u64,
    pub clean: Stats,
}

/// The JSON Lines processor.
pub struct JsonlCleaner {
    cleaner: Cleaner,
    fields: Vec<FieldPath>,
    skip_invalid: bool,
    buf: Vec<u8>,
}

impl JsonlCleaner {
    pub fn new(opts: Options, fields: Vec<FieldPath>, skip_invalid: bool) -> Self {
        JsonlCleaner {
            cleaner: Cleaner::new(opts),
            fields,
            skip_invalid,
            buf: Vec::new(),
        }
    }

    /// Clean the fields of one record in place; true when something changed.
    fn clean_value(&mut self, v: &mut Value, stats: &mut JsonlStats) -> bool {
        let mut changed = false;
        for i in 0..self.fields.len() {
            let path = std::mem::take(&mut self.fields[i].0);
            changed |= self.clean_path(v, &path, stats);
            self.fields[i].0 = path;
        }
        changed
    }

    fn clean_path(&mut self, v: &mut Value, path: &[String], stats: &mut JsonlStats) -> bool {
        match (v, path) {
            (Value::Array(items), _) => {
                let mut changed = false;
                for item in items {
                    changed |= self.clean_path(item, path, stats);
                }
                changed
            }
            (Value::String(s), []) => {
                stats.fields_cleaned += 1;
                self.buf.clear();
                super::stream::clean_slice(
                    s.as_bytes(),
                    &mut self.cleaner,
                    &mut self.buf,
                    &mut stats.clean,
                );
                if self.buf != s.as_bytes() {
                    // Only ASCII and whole U+00A0 characters are removed: the text stays UTF-8.
                    *s = String::from_utf8(self.buf.clone()).expect("cleaning keeps UTF-8 valid");
                    true
                } else {
                    false
                }
            }
            (Value::Object(map), [first, rest @ ..]) => match map.get_mut(first) {
                Some(child) => self.clean_path(child, rest, stats),
                None => false,
            },
            _ => false,
        }
    }
}

impl Processor for JsonlCleaner {
    type Stats = JsonlStats;
    type Error = JsonlError;
    const SPLIT_LONG_LINES: bool = false;
    const LINE_NUMBERS: bool = true;

    fn process(
        &mut self,
        block: &[u8],
        _edges: Edges,
        first_line: u64,
        out: &mut Vec<u8>,
        stats: &mut JsonlStats,
    ) -> Result<(), JsonlError> {
        for (this, line) in (first_line..).zip(block.split_inclusive(|&b| b == b'\n')) {
            let content_len = line.len()
                - line
                    .iter()
                    .rev()
                    .take_while(|&&b| b == b'\n' || b == b'\r')
                    .count();
            let content = &line[..content_len];
            if content.iter().all(u8::is_ascii_whitespace) {
                out.extend_from_slice(line);
                continue;
            }
            stats.records += 1;
            let mut value: Value = match serde_json::from_slice(content) {
                Ok(v) => v,
                Err(source) if self.skip_invalid => {
                    let _ = source;
                    stats.invalid_skipped += 1;
                    out.extend_from_slice(line);
                    continue;
                }
                Err(source) => return Err(JsonlError::Invalid { line: this, source }),
            };
            if self.clean_value(&mut value, stats) {
                stats.records_changed += 1;
                serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
                out.extend_from_slice(&line[content_len..]);
            } else {
                out.extend_from_slice(line);
            }
        }
        Ok(())
    }

    fn merge(into: &mut JsonlStats, from: JsonlStats) {
        into.records += from.records;
        into.records_changed += from.records_changed;
        into.invalid_skipped += from.invalid_skipped;
        into.fields_cleaned += from.fields_cleaned;
        into.clean.merge(&from.clean);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, fields: &[&str], skip: bool) -> Result<(String, JsonlStats), JsonlError> {
        let fields: Vec<FieldPath> = fields.iter().map(|f| f.parse().unwrap()).collect();
        let mut out = Vec::new();
        let stats = super::super::stream::run(input.as_bytes(), &mut out, 1, None, || {
            JsonlCleaner::new(Options::default(), fields.clone(), skip)
        })?;
        Ok((String::from_utf8(out).unwrap(), stats))
    }

    #[test]
    fn cleans_named_fields_and_keeps_the_rest() {
        let input = "{\"id\":7,\"text\":\"深燃8 G, {* O5 w4 X) s6 w\\n正文\",\"n\":1.50}\n{\"id\":8,\"text\":\"clean\"}\n";
        let (out, stats) = run(input, &["text"], false).unwrap();
        assert_eq!(
            out,
            "{\"id\":7,\"text\":\"深燃\\n正文\",\"n\":1.50}\n{\"id\":8,\"text\":\"clean\"}\n"
        );
        assert_eq!((stats.records, stats.records_changed), (2, 1));
    }

    #[test]
    fn nested_paths_and_arrays() {
        let input = r#"{"meta":{"title":"标题8 G, {* O5 w4 X) s6 w"},"paras":[{"t":"甲8 G, {* O5 w4 X) s6 w"},{"t":"乙"}]}"#;
        let (out, _) = run(input, &["meta.title", "paras.t"], false).unwrap();
        assert_eq!(
            out,
            r#"{"meta":{"title":"标题"},"paras":[{"t":"甲"},{"t":"乙"}]}"#
        );
    }

    #[test]
    fn invalid_line_is_an_error_with_its_number_unless_skipped() {
        let input = "{\"text\":\"a\"}\n\n{oops\n";
        match run(input, &["text"], false) {
            Err(JsonlError::Invalid { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
        let (out, stats) = run(input, &["text"], true).unwrap();
        assert_eq!(out, input);
        assert_eq!(stats.invalid_skipped, 1);
    }
}
