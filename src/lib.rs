//! unjam: scrape Discuz!-style forums into clean text.
//!
//! The crate follows the pipeline; each stage is usable on its own:
//!
//! ```text
//!   (crawl) ──> thread URLs
//!   (fetch) ──> page bytes ──> (extract) ──> posts ──> (output)
//!                                                 ╲
//!   already-scraped text ───────────────────────> clean ──> text
//! ```
//!
//! * [`clean`]: strip the anti-scrape "jammer" junk from text that was already scraped, as a
//!   stream (stdin to stdout, files, JSON Lines fields).
//! * [`extract`]: posts out of saved Discuz pages, the jammer removed structurally; the
//!   [`model`] types it produces and [`output`] formats for them.
//! * [`fetch`]: the HTTP stage: thread URLs, the client (cookies, retries, politeness,
//!   robots.txt) and the page-by-page walk of a thread.
//! * [`crawl`]: a whole board: its listing pages, and the incremental state of what was output.
//! * [`warc`]: web archives in: Common Crawl's WARC files (pages for `extract`) and WET files
//!   (text for `clean`), record by record, corrupt records reported and skipped.
//! * [`atomic`]: write files by temp file + rename, so readers never see half a file.
//!
//! The `unjam` binary is a thin front end over these modules.

pub mod atomic;
pub mod clean;
pub mod crawl;
pub mod extract;
pub mod fetch;
pub mod model;
pub mod output;
pub mod warc;
