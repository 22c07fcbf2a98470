//! The cleaner on arbitrary bytes: it never panics, its output is its input with spans removed
//! (every output byte comes from the input, in order), and cleaning twice changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unjam::clean::stream::clean_stream;
use unjam::clean::Options;

fn clean(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    clean_stream(data, &mut out, &Options::default(), 1).expect("in-memory streams do not fail");
    out
}

/// Is `small` a subsequence of `big`?
fn subsequence(small: &[u8], big: &[u8]) -> bool {
    let mut it = big.iter();
    small.iter().all(|b| it.any(|c| c == b))
}

fuzz_target!(|data: &[u8]| {
    let once = clean(data);
    assert!(subsequence(&once, data), "output bytes not taken from the input in order");
    let twice = clean(&once);
    assert!(
        twice == once,
        "not idempotent:\n  input  {:?}\n  once   {:?}\n  twice  {:?}",
        String::from_utf8_lossy(data),
        String::from_utf8_lossy(&once),
        String::from_utf8_lossy(&twice)
    );
});
