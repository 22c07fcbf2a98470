//! The fuzz targets' properties (tests/common/oracles.rs) over the seed corpora and every input
//! the fuzzer found failing (fuzz/regressions/TARGET/, kept as regression tests), on stable.

mod common;

use common::oracles;
use std::path::Path;

fn each_input(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for e in rd.flatten() {
            let data = std::fs::read(e.path()).unwrap();
            let r = std::panic::catch_unwind(|| check(&data));
            assert!(r.is_ok(), "{}: property failed", e.path().display());
            n += 1;
        }
    }
    assert!(n > 0, "no inputs for {target}");
}

#[test]
fn clean_inputs() {
    each_input("clean", oracles::check_clean);
}

#[test]
fn extract_inputs() {
    each_input("extract", oracles::check_extract);
}

#[test]
fn url_inputs() {
    each_input("urls", oracles::check_urls);
}

#[test]
fn parser_inputs() {
    each_input("parsers", oracles::check_parsers);
}
