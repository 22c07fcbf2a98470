//! Command-line arguments (clap derive). A field's doc comment is its help text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use unjam::clean::jsonl::FieldPath;

const AFTER_HELP: &str = "\
Exit status:
  0  success (with --check: no junk found)
  1  some input failed (each failure is named on stderr; the rest is still written),
     or --check found junk
  2  usage error (bad arguments)

Data goes to stdout, messages to stderr. Docs: README.md";

/// Scrape Discuz!-style forums into clean text, without the anti-scrape jammer junk.
#[derive(Debug, Parser)]
#[command(name = "unjam", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Strip jammer junk from text that was already scraped (files or stdin, to stdout).
    #[command(after_help = CLEAN_AFTER_HELP)]
    Clean(CleanArgs),
}

const CLEAN_AFTER_HELP: &str = "\
Examples:
  unjam clean post.txt > post.clean.txt
  curl -s URL | html2text | unjam clean
  unjam clean --in-place saved/*.txt
  unjam clean --jsonl --field text < corpus.jsonl > clean.jsonl
  unjam clean --check --stats notes.txt    # exit 1 if junk is present

Exit status: 0 success (--check: no junk), 1 some input failed or --check found junk, 2 usage.";

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Files to clean; none, or `-`, reads stdin. Each file is cleaned as its own document.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Write the output to FILE (atomically: a temp file renamed over FILE at the end).
    #[arg(short, long, value_name = "FILE", conflicts_with_all = ["in_place", "check"])]
    pub output: Option<PathBuf>,

    /// Rewrite each FILE in place, atomically (temp file + rename); unchanged files are not touched.
    #[arg(short = 'i', long, conflicts_with = "check")]
    pub in_place: bool,

    /// Treat the input as JSON Lines and clean the string fields named by --field.
    #[arg(long)]
    pub jsonl: bool,

    /// Field to clean in each JSON Lines record (repeatable; dotted paths such as `meta.title`;
    /// arrays are walked). Default: `text`.
    #[arg(long = "field", value_name = "NAME", requires = "jsonl")]
    pub fields: Vec<FieldPath>,

    /// With --jsonl: pass lines that are not JSON through unchanged (and count them) instead of
    /// stopping with an error.
    #[arg(long, requires = "jsonl")]
    pub skip_invalid: bool,

    /// Worker threads; output order is kept. 0 means one per CPU.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 1)]
    pub threads: usize,

    /// Print counts to stderr: lines, junk strings and bytes removed, by form.
    #[arg(long)]
    pub stats: bool,

    /// Only check: print nothing to stdout, exit 1 if any junk (or boilerplate) was found.
    #[arg(long)]
    pub check: bool,

    /// Wrap what would be removed in ⟦ ⟧ instead of removing it, to audit the cleaner.
    #[arg(long)]
    pub mark: bool,

    /// Keep Discuz boilerplate lines (attachment and edit notices, a lone ×, ...).
    #[arg(long)]
    pub keep_boilerplate: bool,

    /// Keep SEO strings glued to junk (Discuz 2.x-7.x), even when they recur.
    #[arg(long)]
    pub keep_seo: bool,
}
