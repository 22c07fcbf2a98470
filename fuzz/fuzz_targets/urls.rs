//! URL normalisation and page numbering: thread and board URLs parse without panicking, and the
//! page URLs built from a parsed target parse back to the same thread and page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unjam::extract::urls::{page_of, tid_of, with_page};
use unjam::fetch::target::{BoardTarget, Source, ThreadTarget};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let n = 1 + (data.len() % 7) as u32;
    if let Ok(t) = ThreadTarget::parse(s) {
        for source in [Source::Desktop, Source::Mobile, Source::Archiver] {
            let u = t.page_url(source, n);
            let back = ThreadTarget::parse(u.as_str()).expect("a page URL we built parses");
            assert_eq!(back.tid, t.tid, "{s:?} -> {u}");
            assert_eq!(tid_of(u.as_str()), Some(t.tid), "{u}");
            if source != Source::Archiver {
                assert_eq!(page_of(u.as_str()), Some(n), "{u}");
            }
        }
    }
    if let Ok(b) = BoardTarget::parse(s) {
        let u = b.listing_url(n);
        assert_eq!(BoardTarget::parse(u.as_str()).map(|x| x.fid), Ok(b.fid), "{u}");
    }
    let _ = tid_of(s);
    if let Some(u) = with_page(s, n) {
        // A thread URL without a page part is page 1.
        assert_eq!(page_of(&u).unwrap_or(1), n, "{s:?} -> {u:?}");
    }
});
