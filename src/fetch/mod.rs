//! Stage 1: Discuz pages over HTTP.
//!
//! Which thread or board a URL names and the URL of each page in each view ([`target`]);
//! browser cookie files ([`cookies`]); the retry schedule ([`backoff`]); robots.txt
//! ([`robots`]); the client that puts them together ([`http`]); and the walk along a thread's
//! pager that hands out each page's posts as they come ([`thread`]).

pub mod backoff;
pub mod cookies;
pub mod http;
pub mod robots;
pub mod target;
pub mod thread;
