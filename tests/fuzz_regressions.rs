//! The fuzz targets' properties (tests/common/oracles.rs) over the seed corpora and every input
//! the fuzzer found failing (fuzz/regressions/TARGET/, kept as regression tests), on stable.

mod common;

use common::oracles;
use std::path::Path;

fn each_input(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![
        root.join("fuzz/seeds").join(target),
        root.join("fuzz/regressions").join(target),
    ];
    if target == "warc" {
        dirs.push(root.join("fixtures/warc"));
    }
    if target == "extract" {
        // Seeded from the fixture pages themselves (as .ci/run does).
        for d in [
            "fixtures/extract",
            "fixtures/extract/gates",
            "fixtures/extract/phpwind",
            "fixtures/extract/dnt",
            "fixtures/forum",
        ] {
            dirs.push(root.join(d));
        }
    }
    let mut n = 0;
    for dir in dirs {
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in rd.flatten().filter(|e| e.path().is_file()) {
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

#[test]
fn warc_inputs() {
    each_input("warc", oracles::check_warc);
}
