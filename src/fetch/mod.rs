//! Stage 1: Discuz pages over HTTP (issue #4, in progress).
//!
//! What is here so far are the parts that need no network: which thread a URL names and the URL
//! of each of its pages in each view ([`target`]), browser cookie files ([`cookies`]), and the
//! retry schedule ([`backoff`]). The HTTP client and `unjam thread` build on them.

pub mod backoff;
pub mod cookies;
pub mod http;
pub mod robots;
pub mod target;
pub mod thread;
