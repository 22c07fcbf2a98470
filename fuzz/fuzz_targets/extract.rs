//! Extraction on arbitrary bytes and on mutated real pages (seeded from fixtures/): it never
//! panics, and no jammer payload (`<font class="jammer">…</font>`, `<span style="display:none">…`)
//! reaches a post's text unless the same string also stands in the page outside the jammer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unjam::extract::{extract_page, listing::extract_listing, Options};

/// Payloads of the jammer elements, entity-decoded as a browser would show them.
fn payloads(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (open, close) in [
        ("<font class=\"jammer\">", "</font>"),
        ("<span style=\"display:none\">", "</span>"),
    ] {
        let mut rest = page;
        while let Some(i) = rest.find(open) {
            rest = &rest[i + open.len()..];
            let Some(j) = rest.find(close) else { break };
            let raw = &rest[..j];
            if !raw.contains('<') {
                let shown = raw
                    .replace("&nbsp;", "\u{a0}")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&");
                out.push((raw.to_owned(), shown));
            }
            rest = &rest[j..];
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let opts = Options::default();
    let _ = extract_listing(data, &opts);
    let Ok(page) = extract_page(data, &opts) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for (raw, shown) in payloads(text) {
        let trimmed = shown.trim_matches(|c: char| c.is_whitespace());
        // Short payloads are common substrings of real text; repeated ones are not proof.
        if trimmed.chars().count() < 12 || text.matches(raw.as_str()).count() > 1 {
            continue;
        }
        for post in &page.posts {
            assert!(
                !post.text.contains(trimmed),
                "jammer payload {trimmed:?} in post {:?}: {:?}",
                post.pid,
                post.text
            );
        }
    }
});
