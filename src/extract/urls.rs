//! Links in pages: resolving relative URLs, and reading ids out of Discuz URL forms.

use url::Url;

/// Resolves links of one page: `<base href>` wins, then the page's own URL.
#[derive(Clone, Debug, Default)]
pub struct Resolver {
    base: Option<Url>,
}

impl Resolver {
    pub fn new(page_url: Option<&str>, base_href: Option<&str>) -> Self {
        let page = page_url.and_then(|u| Url::parse(u).ok());
        let base = match (base_href, &page) {
            (Some(b), Some(p)) => p.join(b).ok(),
            (Some(b), None) => Url::parse(b).ok(),
            (None, p) => p.clone(),
        };
        Resolver {
            base: base.or(page),
        }
    }

    /// The absolute form of `href`, or `href` itself when there is no base to resolve against.
    pub fn resolve(&self, href: &str) -> String {
        let href = href.trim();
        match &self.base {
            Some(b) => b
                .join(href)
                .map(String::from)
                .unwrap_or_else(|_| href.to_owned()),
            None => Url::parse(href)
                .map(String::from)
                .unwrap_or_else(|_| href.to_owned()),
        }
    }

    pub fn base(&self) -> Option<&Url> {
        self.base.as_ref()
    }
}

/// The value of query parameter `key` as a number: `…&tid=5&…` → 5. Works on relative links and
/// on `&amp;` left in attribute text.
pub fn query_u64(href: &str, key: &str) -> Option<u64> {
    // Parameters live after the `?`: `forum.phpxmod=viewthread&tid=5` names no thread (and
    // reading it as one made `with_page` and `page_of` disagree, found by fuzzing).
    // A `?` inside the fragment starts no query.
    let before_frag = href.split('#').next().unwrap_or(href);
    let (_, q) = before_frag.split_once('?')?;
    // `&` separates; `&amp;` left in attribute text leaves an `amp;` prefix, stripped below.
    // (Splitting on `;` too made `page_of` read what `with_page` did not write: fuzzing.)
    q.split('&').find_map(|kv| {
        let kv = kv.strip_prefix("amp;").unwrap_or(kv);
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.parse().ok()).flatten()
    })
}

/// Thread id from any Discuz thread URL form: `forum.php?mod=viewthread&tid=T`,
/// `viewthread.php?tid=T`, `thread-T-P-1.html`, `archiver/?tid-T.html`, `archiver/tid-T.html`,
/// `redirect…&ptid=T`.
pub fn tid_of(href: &str) -> Option<u64> {
    if let Some(t) = query_u64(href, "tid").or_else(|| query_u64(href, "ptid")) {
        return Some(t);
    }
    let path = href.split(['?', '#']).next().unwrap_or(href);
    let file = path.rsplit('/').next().unwrap_or(path);
    // Discuz!NT: `showtopic.aspx?topicid=T`, `showtopic-T[-P].aspx`.
    if file == "showtopic.aspx" {
        return query_u64(href, "topicid");
    }
    if let Some((t, _)) = dnt_static(file) {
        return Some(t);
    }
    if let Some(rest) = file.strip_prefix("thread-") {
        return rest.split('-').next()?.parse().ok();
    }
    // PHPWind static URLs: `read-htm-tid-T-page-P.html`.
    if let Some(rest) = file.strip_prefix("read-htm-tid-") {
        return rest.split(['-', '.']).next()?.parse().ok();
    }
    // archiver: `?tid-5.html`, `tid-5.html`, `?tid-5.html&page=2`
    let tail = href.rsplit(['/', '?']).next().unwrap_or(href);
    tail.strip_prefix("tid-")
        .and_then(|r| r.split(['.', '-', '&']).next()?.parse().ok())
}

/// Forum id from `forumdisplay&fid=F`, `forum-F-P.html`, `archiver/?fid-F.html`.
pub fn fid_of(href: &str) -> Option<u64> {
    if let Some(f) = query_u64(href, "fid") {
        return Some(f);
    }
    let path = href.split(['?', '#']).next().unwrap_or(href);
    let file = path.rsplit('/').next().unwrap_or(path);
    if let Some(rest) = file.strip_prefix("forum-") {
        return rest.split('-').next()?.parse().ok();
    }
    let tail = href.rsplit(['/', '?']).next().unwrap_or(href);
    tail.strip_prefix("fid-")
        .and_then(|r| r.split(['.', '-', '&']).next()?.parse().ok())
}

/// Page number from `&page=P`, `thread-T-P-1.html`, archiver `&page=P`.
pub fn page_of(href: &str) -> Option<u32> {
    if let Some(p) = query_u64(href, "page") {
        return u32::try_from(p).ok();
    }
    let path = href.split(['?', '#']).next().unwrap_or(href);
    let file = path.rsplit('/').next().unwrap_or(path);
    if let Some(p) = phpwind_page(href) {
        return Some(p);
    }
    if let Some((_, p)) = dnt_static(file) {
        return p;
    }
    // `thread-T-P-X.html`, the shape `with_page` renumbers.
    let parts: Vec<&str> = file.strip_prefix("thread-")?.splitn(3, '-').collect();
    match parts[..] {
        [t, p, _] if t.parse::<u64>().is_ok() => p.parse().ok(),
        _ => None,
    }
}

/// Discuz!NT's rewritten thread file `showtopic-T.aspx` / `showtopic-T-P.aspx`: (tid, page).
fn dnt_static(file: &str) -> Option<(u64, Option<u32>)> {
    let core = file.strip_prefix("showtopic-")?.strip_suffix(".aspx")?;
    let mut parts = core.split('-');
    let tid = parts.next()?.parse().ok()?;
    let page = match (parts.next(), parts.next()) {
        (None, _) => None,
        (Some(p), None) => Some(p.parse().ok()?),
        _ => return None,
    };
    Some((tid, page))
}

/// PHPWind's static forms: `read.php?tid-T-page-P.html`, `read-htm-tid-T-page-P.html`.
fn phpwind_page(href: &str) -> Option<u32> {
    let before_frag = href.split('#').next().unwrap_or(href);
    let (_, _, tail) = phpwind_tail(before_frag)?;
    let parts: Vec<&str> = tail
        .strip_prefix("tid-")?
        .trim_end_matches(".html")
        .split('-')
        .collect();
    // The same `page-P` pair `phpwind_with_page` renumbers: the first with a number.
    parts
        .windows(2)
        .find_map(|w| (w[0] == "page").then(|| w[1].parse().ok()).flatten())
}

/// The `tid-…` part of a PHPWind static URL, with what precedes it: after `read.php?`, or
/// after `/read-htm-` (the archiver's `?tid-T.html` is not PHPWind's).
fn phpwind_tail(s: &str) -> Option<(&str, &'static str, &str)> {
    let cut = s.rfind(['/', '?'])? + 1;
    let (head, tail) = s.split_at(cut);
    if let Some(rest) = tail.strip_prefix("read-htm-") {
        return head.ends_with('/').then_some((head, "read-htm-", rest));
    }
    head.ends_with("read.php?").then_some((head, "", tail))
}

/// PHPWind's static forms with page `n`: the `-page-P` part renumbered, or added after the tid.
fn phpwind_with_page(s: &str, n: u32) -> Option<String> {
    let (head, prefix, rest) = phpwind_tail(s)?;
    let body = rest.strip_prefix("tid-")?;
    let (core, ext) = match body.strip_suffix(".html") {
        Some(c) => (c, ".html"),
        None => (body, ""),
    };
    let mut parts: Vec<String> = core.split('-').map(str::to_owned).collect();
    parts.first()?.parse::<u64>().ok()?;
    let page = n.to_string();
    match parts
        .windows(2)
        .position(|w| w[0] == "page" && w[1].parse::<u32>().is_ok())
    {
        Some(i) => parts[i + 1] = page,
        None => {
            parts.insert(1, "page".into());
            parts.insert(2, page);
        }
    }
    Some(format!("{head}{prefix}tid-{}{ext}", parts.join("-")))
}

/// The URL of page `n` of the thread whose page `href` is: the `page=` parameter or the page
/// part of `thread-T-P-X.html` renumbered; a thread URL without a page part is page 1, and gets
/// `&page=n` for the others. `None` when `href` is no thread URL.
pub fn with_page(href: &str, n: u32) -> Option<String> {
    let (before_frag, frag) = match href.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (href, None),
    };
    let with_frag = |s: String| match frag {
        Some(f) => format!("{s}#{f}"),
        None => s,
    };
    let (path, query) = match before_frag.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_frag, None),
    };
    if let Some(q) = query {
        let mut found = false;
        let parts: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                // `&amp;` left in attribute text reads as a key `amp;page`, as `query_u64`
                // takes it (found by fuzzing).
                Some((k, _)) if k.strip_prefix("amp;").unwrap_or(k) == "page" => {
                    found = true;
                    format!("{}={n}", k)
                }
                _ => kv.to_owned(),
            })
            .collect();
        if found {
            return Some(with_frag(format!("{path}?{}", parts.join("&"))));
        }
    }
    let file_at = path.rfind('/').map_or(0, |i| i + 1);
    let file = &path[file_at..];
    if let Some(rest) = file.strip_prefix("thread-") {
        let mut parts: Vec<&str> = rest.splitn(3, '-').collect();
        if parts.len() == 3 && parts[0].parse::<u64>().is_ok() && parts[1].parse::<u32>().is_ok() {
            let page = n.to_string();
            parts[1] = &page;
            let q = query.map(|q| format!("?{q}")).unwrap_or_default();
            return Some(with_frag(format!(
                "{}thread-{}{q}",
                &path[..file_at],
                parts.join("-")
            )));
        }
    }
    if let Some(renumbered) = phpwind_with_page(before_frag, n) {
        return Some(with_frag(renumbered));
    }
    if let Some((t, _)) = dnt_static(file) {
        let q = query.map(|q| format!("?{q}")).unwrap_or_default();
        let name = if n == 1 {
            format!("showtopic-{t}.aspx")
        } else {
            format!("showtopic-{t}-{n}.aspx")
        };
        return Some(with_frag(format!("{}{name}{q}", &path[..file_at])));
    }
    tid_of(before_frag)?;
    if n == 1 {
        return Some(href.to_owned());
    }
    let sep = if query.is_some() { '&' } else { '?' };
    Some(with_frag(format!("{before_frag}{sep}page={n}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discuz_nt_forms() {
        assert_eq!(tid_of("showtopic.aspx?topicid=77&page=2"), Some(77));
        assert_eq!(tid_of("/bbs/showtopic-77.aspx"), Some(77));
        assert_eq!(tid_of("showtopic-77-3.aspx"), Some(77));
        assert_eq!(tid_of("showtopic-x.aspx"), None);
        assert_eq!(page_of("showtopic-77-3.aspx"), Some(3));
        assert_eq!(page_of("showtopic-77.aspx"), None);
        assert_eq!(
            page_of("showtopic.aspx?topicid=77&forumpage=1&typeid=-1&page=2"),
            Some(2)
        );
        assert_eq!(
            with_page("/bbs/showtopic-77.aspx", 2).as_deref(),
            Some("/bbs/showtopic-77-2.aspx")
        );
        assert_eq!(
            with_page("showtopic-77-2.aspx", 1).as_deref(),
            Some("showtopic-77.aspx")
        );
        assert_eq!(
            with_page("showtopic.aspx?topicid=77", 3).as_deref(),
            Some("showtopic.aspx?topicid=77&page=3")
        );
        // `showforum-2.aspx` is a board, not a thread.
        assert_eq!(tid_of("showforum-2.aspx"), None);
    }

    #[test]
    fn parameters_only_after_the_question_mark() {
        // Found by fuzzing: a path that looks like a query named a thread and a page.
        let odd = "https://bbs.test/forum.phpnmod=viewthread&tid=42&page=3";
        assert_eq!(tid_of(odd), None);
        assert_eq!(page_of(odd), None);
        assert_eq!(with_page(odd, 2), None);
        assert_eq!(tid_of("forum.php?mod=viewthread&tid=42#pid7"), Some(42));
        assert_eq!(page_of("http://bbs.test/thread-42-3"), None);
        assert_eq!(page_of("http://bbs.test/thread-42-3-1.html"), Some(3));
        assert_eq!(page_of("http://h/thread-42-#x?a&page=2"), None);
        let semi = with_page("htm.php?tid-5.(mod=fordis&=;page=2", 3).unwrap();
        assert_eq!(page_of(&semi), Some(3), "{semi}");
        let amp = with_page("forum.php?mod=viewthread&tid=1&amp;page=2&page=x", 4).unwrap();
        assert_eq!(page_of(&amp), Some(4), "{amp}");
    }

    #[test]
    fn renumbered_pages() {
        let q = "https://b.example/forum.php?mod=viewthread&tid=5&extra=page%3D1&page=2";
        assert_eq!(
            with_page(q, 7).as_deref(),
            Some("https://b.example/forum.php?mod=viewthread&tid=5&extra=page%3D1&page=7")
        );
        assert_eq!(
            with_page("https://b.example/thread-5-1-1.html", 3).as_deref(),
            Some("https://b.example/thread-5-3-1.html")
        );
        assert_eq!(
            with_page("https://b.example/forum.php?mod=viewthread&tid=5", 1).as_deref(),
            Some("https://b.example/forum.php?mod=viewthread&tid=5")
        );
        assert_eq!(
            with_page("https://b.example/forum.php?mod=viewthread&tid=5#pid9", 2).as_deref(),
            Some("https://b.example/forum.php?mod=viewthread&tid=5&page=2#pid9")
        );
        assert_eq!(
            with_page("https://b.example/archiver/?tid-5.html", 2).as_deref(),
            Some("https://b.example/archiver/?tid-5.html&page=2")
        );
        assert_eq!(with_page("https://b.example/about.html", 2), None);
    }

    #[test]
    fn ids_from_url_forms() {
        assert_eq!(
            tid_of("forum.php?mod=viewthread&tid=22&extra=page%3D1"),
            Some(22)
        );
        assert_eq!(
            tid_of("forum.php?mod=viewthread&amp;tid=5&amp;page=2"),
            Some(5)
        );
        assert_eq!(tid_of("http://x/thread-5-3-1.html"), Some(5));
        assert_eq!(tid_of("viewthread.php?tid=9"), Some(9));
        assert_eq!(tid_of("archiver/?tid-22.html"), Some(22));
        assert_eq!(tid_of("http://x/archiver/tid-22.html"), Some(22));
        // PHPWind
        assert_eq!(tid_of("http://x/read.php?tid=88&page=2"), Some(88));
        assert_eq!(tid_of("http://x/read.php?tid-88-page-2.html"), Some(88));
        assert_eq!(tid_of("http://x/read-htm-tid-88-page-2.html"), Some(88));
        assert_eq!(page_of("http://x/read.php?tid-88-page-2.html"), Some(2));
        assert_eq!(page_of("http://x/read-htm-tid-88-page-3.html#a"), Some(3));
        assert_eq!(page_of("http://x/read-htm-tid-88.html"), None);
        assert_eq!(
            with_page("http://x/read.php?tid-88-page-3.html#a", 1).as_deref(),
            Some("http://x/read.php?tid-88-page-1.html#a")
        );
        assert_eq!(
            with_page("http://x/read-htm-tid-88.html", 2).as_deref(),
            Some("http://x/read-htm-tid-88-page-2.html")
        );
        assert_eq!(
            tid_of("forum.php?mod=redirect&goto=findpost&ptid=5&pid=29"),
            Some(5)
        );
        assert_eq!(fid_of("forum.php?mod=forumdisplay&fid=2&page=1"), Some(2));
        assert_eq!(fid_of("forum-36-1.html"), Some(36));
        assert_eq!(fid_of("?fid-36.html"), Some(36));
        assert_eq!(page_of("thread-5-3-1.html"), Some(3));
        assert_eq!(page_of("forum.php?mod=viewthread&tid=5&page=4"), Some(4));
        assert_eq!(
            query_u64("a?goto=findpost&amp;pid=112&amp;ptid=22", "pid"),
            Some(112)
        );
    }

    #[test]
    fn base_href_wins() {
        let r = Resolver::new(Some("http://a.example/x/y.html"), Some("http://b.example/"));
        assert_eq!(
            r.resolve("forum.php?tid=1"),
            "http://b.example/forum.php?tid=1"
        );
        let r = Resolver::new(Some("http://a.example/x/y.html"), None);
        assert_eq!(r.resolve("z.gif"), "http://a.example/x/z.gif");
        let r = Resolver::new(None, None);
        assert_eq!(r.resolve("z.gif"), "z.gif");
    }
}
