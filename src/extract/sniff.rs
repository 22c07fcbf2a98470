//! Is this worth parsing? A byte-level look at the start of a body, for inputs where most pages
//! are not Discuz (a Common Crawl WARC holds one forum page in thousands). A false "yes" costs
//! one HTML parse and the extractor then says what the page is; a false "no" loses a page, so
//! every marker Discuz writes early in its pages counts, the structural ones first: the script
//! variables of the X head (`STYLEID`, `STATICURL`, `discuz_uid`), the body ids
//! (`postmessage_`, `pg_viewthread`), and the URL forms of a thread; the product name only
//! as one marker among them (sites rebrand it away, never the script variables). Links to
//! threads do not count: news and blog pages link to forum threads all the time.

use memchr::memmem::Finder;
use std::sync::OnceLock;

/// How much of a body is looked at. Discuz writes its head script variables in the first few
/// KB; 64 KiB also covers pages with long inline style sheets before them.
pub const WINDOW: usize = 64 * 1024;

/// Markers of a page Discuz made, not of a page that links to one: a link to
/// `forum.php?mod=viewthread` or `viewthread.php` is on many pages that are not forums (and
/// would send them all to the parser), so only the URL of the page itself counts for those.
const MARKERS: &[&str] = &[
    "discuz_uid",
    "STYLEID",
    "STATICURL",
    "postmessage_",
    "pg_viewthread",
    // Generator meta, title and footer; the archiver has nothing else.
    "Discuz!",
];

fn markers() -> &'static [Finder<'static>] {
    // One SIMD substring search per marker. One Aho-Corasick automaton over all of them took
    // 30 % of a WARC run (its prefilter does not fit markers with different first bytes); the
    // six searches take 6 % (perf, the 1 GB benchmark file).
    static FINDERS: OnceLock<Vec<Finder<'static>>> = OnceLock::new();
    FINDERS.get_or_init(|| MARKERS.iter().map(|m| Finder::new(m.as_bytes())).collect())
}

/// Whether `body` (or the first [`WINDOW`] bytes of it), at `url`, may be a Discuz page.
pub fn may_be_discuz(body: &[u8], url: Option<&str>) -> bool {
    if url.is_some_and(is_thread_url) {
        return true;
    }
    let window = &body[..body.len().min(WINDOW)];
    markers().iter().any(|f| f.find(window).is_some())
}

/// The URL forms of a Discuz thread page (any view).
fn is_thread_url(url: &str) -> bool {
    let path = url.split('#').next().unwrap_or(url);
    (path.contains("mod=viewthread")
        || path.contains("viewthread.php")
        || path.contains("/thread-")
        || path.contains("/archiver/"))
        && super::urls::tid_of(path).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discuz_heads_and_urls_are_candidates() {
        let head = b"<html><head><script>var STYLEID = '1', STATICURL = 'static/'</script>";
        assert!(may_be_discuz(head, None));
        assert!(may_be_discuz(b"<div id=\"postmessage_12\">", None));
        assert!(may_be_discuz(
            b"<html>",
            Some("http://bbs.example.org/thread-5-1-1.html")
        ));
        assert!(may_be_discuz(
            b"",
            Some("http://x.test/forum.php?mod=viewthread&tid=5&page=2")
        ));
    }

    #[test]
    fn other_pages_are_not() {
        // A news page that names discuz in passing, links threads elsewhere (both URL forms),
        // hides spans.
        let news = b"<html><body><p>discuz is a forum package</p>\
            <a href=\"http://other.test/thread-5-1-1.html\">x</a>\
            <a href=\"http://bbs.test/forum.php?mod=viewthread&tid=5\">y</a>\
            <a href=\"http://old.test/viewthread.php?tid=5\">z</a> <a href=\"/archiver/\">a</a>\
            <span style=\"display:none\">junk</span></body></html>";
        assert!(!may_be_discuz(
            news,
            Some("http://news.test/2024/05/article.html")
        ));
        // A page whose URL has a `tid` but no Discuz form.
        assert!(!may_be_discuz(
            b"<html>",
            Some("http://shop.test/item?tid=5")
        ));
    }

    #[test]
    fn only_the_window_is_read() {
        let mut late = vec![b' '; WINDOW];
        late.extend_from_slice(b"postmessage_1");
        assert!(!may_be_discuz(&late, None));
    }
}
