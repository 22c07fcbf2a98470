//! Extraction on arbitrary bytes and mutated real pages: no panic, no jammer payload in a post.
//! The property lives in tests/common/oracles.rs, shared with tests/fuzz_regressions.rs.
#![no_main]

#[path = "../../tests/common/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::check_extract(data));
