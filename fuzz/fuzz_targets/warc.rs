//! WARC / WET reading: records, HTTP responses inside them, records written back.
//! The property lives in tests/common/oracles.rs, shared with tests/fuzz_regressions.rs.
#![no_main]

#[path = "../../tests/common/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::check_warc(data));
