//! Which thread a URL names, and the URL of each page of it in each view.
//!
//! Discuz writes the same thread many ways: `forum.php?mod=viewthread&tid=T&page=P&extra=…`,
//! the rewritten `thread-T-P-1.html`, 7.x `viewthread.php?tid=T`, the archiver's
//! `archiver/?tid-T.html` and `archiver/tid-T.html`, the touch view's `&mobile=2`, and
//! `forum.php?mod=redirect&goto=findpost&ptid=T&pid=P`. All of them come down to a board root and
//! a tid; page URLs are built from those, in the form the user gave where it matters (rewritten
//! URLs stay rewritten, so a board that only allows those keeps working).

use url::Url;

/// A view of a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `forum.php?mod=viewthread` (7.x: `viewthread.php`), page by page.
    Desktop,
    /// `action=printable`: the whole thread in one page.
    Printable,
    /// `archiver/?tid-T.html`: no jammer, no floors.
    Archiver,
    /// The touch view, `&mobile=2`.
    Mobile,
}

/// Discuz generation, as far as the URL tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generation {
    /// X1–X3.5: `forum.php`.
    X,
    /// 6.x/7.x: `viewthread.php`.
    Legacy,
    /// PHPWind 6.x-8.x `read.php`, in the URL form the user gave (kept for every page).
    Phpwind(PwForm),
    /// Discuz!NT (ASP.NET): `showtopic.aspx?topicid=T`, `showtopic-T[-P].aspx`. Pages are
    /// fetched as `showtopic.aspx?topicid=T&page=P`, which every install serves (the rewritten
    /// form is an option).
    DiscuzNt,
}

/// The URL forms of a PHPWind thread page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PwForm {
    /// `read.php?tid=N&page=P`
    Query,
    /// `read.php?tid-N-page-P.html` (static URLs with `db_dir = '.php?'`)
    Dashed,
    /// `read-htm-tid-N-page-P.html` (static URLs with `db_dir = '-htm-'`)
    Htm,
}

/// A thread on a board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadTarget {
    /// The board's root directory (`https://bbs.example.org/` or `…/bbs/`), ending in `/`.
    pub root: Url,
    pub tid: u64,
    /// The page the URL named, if any.
    pub page: Option<u32>,
    pub generation: Generation,
    /// The user gave a rewritten `thread-T-P-1.html` URL.
    pub rewritten: bool,
    /// The user gave a touch-view URL (`mobile=2`).
    pub mobile: bool,
}

/// Why a URL names no thread.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("not a URL: {0}")]
    NotUrl(String),
    #[error("only http and https URLs can be fetched, not {0}:")]
    Scheme(String),
    #[error("no thread id in this URL (expected forum.php?mod=viewthread&tid=N, thread-N-P-1.html, viewthread.php?tid=N, archiver/?tid-N.html, PHPWind's read.php?tid=N, or Discuz!NT's showtopic.aspx?topicid=N)")]
    NoThread,
}

impl ThreadTarget {
    pub fn parse(input: &str) -> Result<ThreadTarget, TargetError> {
        let url = Url::parse(input.trim()).map_err(|_| TargetError::NotUrl(input.to_owned()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TargetError::Scheme(url.scheme().to_owned()));
        }
        let query = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        let num = |key: &str| query(key).and_then(|v| v.trim().parse::<u64>().ok());
        let path = url.path();
        let (dir, file) = match path.rfind('/') {
            Some(i) => (&path[..=i], &path[i + 1..]),
            None => ("/", path),
        };
        let mobile = query("mobile").is_some_and(|m| m != "no" && m != "0");
        let page = num("page")
            .and_then(|p| u32::try_from(p).ok())
            .filter(|&p| p > 0);
        let mut target = ThreadTarget {
            root: root_of(&url, dir),
            tid: 0,
            page,
            generation: Generation::X,
            rewritten: false,
            mobile,
        };
        let tid = if file == "forum.php" {
            num("tid").or_else(|| num("ptid"))
        } else if file == "viewthread.php" || file == "redirect.php" {
            target.generation = Generation::Legacy;
            num("tid").or_else(|| num("ptid"))
        } else if let Some(rest) = file.strip_prefix("thread-") {
            // thread-T-P-X.html
            let mut parts = rest.trim_end_matches(".html").split('-');
            let tid = parts.next().and_then(|t| t.parse().ok());
            target.page = parts.next().and_then(|p| p.parse().ok()).filter(|&p| p > 0);
            target.rewritten = true;
            tid
        } else if file == "read.php" {
            // PHPWind: `read.php?tid=N&page=P` or `read.php?tid-N-page-P.html`.
            if let Some(t) = num("tid") {
                target.generation = Generation::Phpwind(PwForm::Query);
                Some(t)
            } else {
                target.generation = Generation::Phpwind(PwForm::Dashed);
                let (t, p) =
                    dashed_tid_page(url.query().unwrap_or("")).ok_or(TargetError::NoThread)?;
                target.page = p;
                Some(t)
            }
        } else if let Some(rest) = file.strip_prefix("read-htm-") {
            target.generation = Generation::Phpwind(PwForm::Htm);
            let (t, p) = dashed_tid_page(rest).ok_or(TargetError::NoThread)?;
            target.page = p;
            Some(t)
        } else if file == "showtopic.aspx" {
            target.generation = Generation::DiscuzNt;
            num("topicid")
        } else if let Some((t, p)) = file
            .strip_prefix("showtopic-")
            .and_then(|r| r.strip_suffix(".aspx"))
            .and_then(|r| {
                let mut parts = r.split('-');
                let t: u64 = parts.next()?.parse().ok()?;
                let p: Option<u32> = match (parts.next(), parts.next()) {
                    (None, _) => None,
                    (Some(p), None) => Some(p.parse().ok()?),
                    _ => return None,
                };
                Some((t, p))
            })
        {
            target.generation = Generation::DiscuzNt;
            target.rewritten = true;
            target.page = p.filter(|&p| p > 0).or(target.page);
            Some(t)
        } else if let Some(tid) = archiver_tid(&url, dir, file) {
            target.root = root_of(&url, dir.trim_end_matches("archiver/"));
            Some(tid)
        } else {
            None
        };
        target.tid = tid.filter(|&t| t > 0).ok_or(TargetError::NoThread)?;
        Ok(target)
    }

    /// The URL of page `page` in view `source`. The printable view has one page only.
    pub fn page_url(&self, source: Source, page: u32) -> Url {
        let t = self.tid;
        let rel = match (source, self.generation) {
            (Source::Desktop, Generation::X) if self.rewritten => {
                format!("thread-{t}-{page}-1.html")
            }
            (Source::Desktop, Generation::X) => {
                format!("forum.php?mod=viewthread&tid={t}&page={page}")
            }
            (Source::Desktop | Source::Mobile, Generation::Legacy) => {
                format!("viewthread.php?tid={t}&page={page}")
            }
            (Source::Mobile, Generation::X) => {
                format!("forum.php?mod=viewthread&tid={t}&page={page}&mobile=2")
            }
            (Source::Printable, Generation::X) => {
                format!("forum.php?mod=viewthread&action=printable&tid={t}")
            }
            (Source::Printable, Generation::Legacy) => {
                format!("viewthread.php?action=printable&tid={t}")
            }
            // PHPWind has one view here: every source reads its thread pages.
            (_, Generation::Phpwind(PwForm::Query)) => format!("read.php?tid={t}&page={page}"),
            (_, Generation::Phpwind(PwForm::Dashed)) => {
                format!("read.php?tid-{t}-page-{page}.html")
            }
            (_, Generation::Phpwind(PwForm::Htm)) => format!("read-htm-tid-{t}-page-{page}.html"),
            (_, Generation::DiscuzNt) => format!("showtopic.aspx?topicid={t}&page={page}"),
            (Source::Archiver, _) if page <= 1 => format!("archiver/?tid-{t}.html"),
            (Source::Archiver, _) => format!("archiver/?tid-{t}.html&page={page}"),
        };
        self.root
            .join(&rel)
            .expect("a relative path joins any http URL")
    }
}

/// `tid-N[-page-P][-...][.html]`: the thread id and the page, if named.
fn dashed_tid_page(s: &str) -> Option<(u64, Option<u32>)> {
    let s = s.split('&').next()?.trim_end_matches(".html");
    let parts: Vec<&str> = s.split('-').collect();
    let at = |key: &str| {
        parts
            .windows(2)
            .find(|w| w[0] == key)
            .and_then(|w| w[1].parse::<u64>().ok())
    };
    let tid = at("tid").filter(|&t| t > 0)?;
    let page = at("page")
        .and_then(|p| u32::try_from(p).ok())
        .filter(|&p| p > 0);
    Some((tid, page))
}

/// `archiver/?tid-T.html[&page=P]` or `archiver/tid-T.html`.
fn archiver_tid(url: &Url, dir: &str, file: &str) -> Option<u64> {
    if !dir.ends_with("/archiver/") {
        return None;
    }
    let named = if file.is_empty() || file == "index.php" {
        url.query()?.split('&').next()?
    } else {
        file
    };
    named
        .strip_prefix("tid-")?
        .trim_end_matches(".html")
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// A board (forum) on a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardTarget {
    /// The board's root directory, ending in `/`.
    pub root: Url,
    pub fid: u64,
    pub generation: Generation,
    /// The user gave a rewritten `forum-F-P.html` URL.
    pub rewritten: bool,
}

/// Why a URL names no board.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BoardError {
    #[error("not a URL: {0}")]
    NotUrl(String),
    #[error("only http and https URLs can be fetched, not {0}:")]
    Scheme(String),
    #[error("no forum id in this URL (expected forum.php?mod=forumdisplay&fid=N, forum-N-P.html, forumdisplay.php?fid=N or archiver/?fid-N.html)")]
    NoBoard,
}

impl BoardTarget {
    /// `forum.php?mod=forumdisplay&fid=F[&page=P]`, `forum-F-P.html`, 7.x
    /// `forumdisplay.php?fid=F`, `archiver/?fid-F.html` (read through the normal listing, which
    /// has the reply counts and times that incremental runs need).
    pub fn parse(input: &str) -> Result<BoardTarget, BoardError> {
        let url = Url::parse(input.trim()).map_err(|_| BoardError::NotUrl(input.to_owned()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BoardError::Scheme(url.scheme().to_owned()));
        }
        let fid_param = url
            .query_pairs()
            .find(|(k, _)| k == "fid")
            .and_then(|(_, v)| v.trim().parse::<u64>().ok());
        let path = url.path();
        let (dir, file) = match path.rfind('/') {
            Some(i) => (&path[..=i], &path[i + 1..]),
            None => ("/", path),
        };
        let mut board = BoardTarget {
            root: root_of(&url, dir),
            fid: 0,
            generation: Generation::X,
            rewritten: false,
        };
        let fid = if file == "forum.php" {
            fid_param
        } else if file == "forumdisplay.php" {
            board.generation = Generation::Legacy;
            fid_param
        } else if let Some(rest) = file.strip_prefix("forum-") {
            board.rewritten = true;
            rest.split('-').next().and_then(|f| f.parse().ok())
        } else if dir.ends_with("/archiver/") {
            board.root = root_of(&url, dir.trim_end_matches("archiver/"));
            let named = if file.is_empty() || file == "index.php" {
                url.query().and_then(|q| q.split('&').next()).unwrap_or("")
            } else {
                file
            };
            named
                .strip_prefix("fid-")
                .and_then(|r| r.trim_end_matches(".html").split('-').next())
                .and_then(|f| f.parse().ok())
        } else {
            None
        };
        board.fid = fid.filter(|&f| f > 0).ok_or(BoardError::NoBoard)?;
        Ok(board)
    }

    /// The URL of listing page `page`.
    pub fn listing_url(&self, page: u32) -> Url {
        let f = self.fid;
        let rel = match self.generation {
            Generation::X if self.rewritten => format!("forum-{f}-{page}.html"),
            Generation::X => format!("forum.php?mod=forumdisplay&fid={f}&page={page}"),
            Generation::Legacy => format!("forumdisplay.php?fid={f}&page={page}"),
            // Boards are crawled on Discuz only; a PHPWind thread's board is `thread.php`.
            Generation::Phpwind(_) => format!("thread.php?fid={f}&page={page}"),
            // Likewise Discuz!NT's `showforum.aspx`.
            Generation::DiscuzNt => format!("showforum.aspx?forumid={f}&page={page}"),
        };
        self.root
            .join(&rel)
            .expect("a relative path joins any http URL")
    }

    /// The same site's board `fid` (a sub-forum), in the same URL style.
    pub fn with_fid(&self, fid: u64) -> BoardTarget {
        BoardTarget {
            fid,
            ..self.clone()
        }
    }

    /// The site's thread `tid`, in the URL style of this board.
    pub fn thread(&self, tid: u64) -> ThreadTarget {
        ThreadTarget {
            root: self.root.clone(),
            tid,
            page: None,
            generation: self.generation,
            rewritten: self.rewritten,
            mobile: false,
        }
    }
}

fn root_of(url: &Url, dir: &str) -> Url {
    let mut root = url.clone();
    root.set_path(if dir.is_empty() { "/" } else { dir });
    root.set_query(None);
    root.set_fragment(None);
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phpwind_thread_urls_keep_their_form() {
        for (given, tid, page, page2) in [
            (
                "http://pw.test/bbs/read.php?tid=88",
                88,
                None,
                "http://pw.test/bbs/read.php?tid=88&page=2",
            ),
            (
                "http://pw.test/read.php?tid=88&fpage=0&page=3",
                88,
                Some(3),
                "http://pw.test/read.php?tid=88&page=2",
            ),
            (
                "http://pw.test/read.php?tid-88-page-3.html",
                88,
                Some(3),
                "http://pw.test/read.php?tid-88-page-2.html",
            ),
            (
                "http://pw.test/read.php?tid-88.html",
                88,
                None,
                "http://pw.test/read.php?tid-88-page-2.html",
            ),
            (
                "http://pw.test/read-htm-tid-88-page-5.html",
                88,
                Some(5),
                "http://pw.test/read-htm-tid-88-page-2.html",
            ),
            (
                "http://pw.test/read-htm-tid-88.html",
                88,
                None,
                "http://pw.test/read-htm-tid-88-page-2.html",
            ),
        ] {
            let t = ThreadTarget::parse(given).unwrap();
            assert_eq!((t.tid, t.page), (tid, page), "{given}");
            assert_eq!(t.page_url(Source::Desktop, 2).as_str(), page2, "{given}");
            assert!(matches!(t.generation, Generation::Phpwind(_)));
        }
        // Not threads: a board, a read.php without a tid.
        assert!(ThreadTarget::parse("http://pw.test/thread.php?fid=12").is_err());
        assert!(ThreadTarget::parse("http://pw.test/read.php?fid-12.html").is_err());
    }

    #[test]
    fn discuz_nt_thread_urls() {
        for (given, page) in [
            ("http://nt.test/bbs/showtopic.aspx?topicid=77", None),
            (
                "http://nt.test/bbs/showtopic.aspx?topicid=77&page=3",
                Some(3),
            ),
            ("http://nt.test/bbs/showtopic-77.aspx", None),
            ("http://nt.test/bbs/showtopic-77-3.aspx", Some(3)),
        ] {
            let t = ThreadTarget::parse(given).unwrap();
            assert_eq!((t.tid, t.page), (77, page), "{given}");
            assert_eq!(t.generation, Generation::DiscuzNt);
            assert_eq!(
                t.page_url(Source::Desktop, 2).as_str(),
                "http://nt.test/bbs/showtopic.aspx?topicid=77&page=2"
            );
        }
        assert!(ThreadTarget::parse("http://nt.test/showtopic.aspx?forumid=2").is_err());
        assert!(ThreadTarget::parse("http://nt.test/showforum-2.aspx").is_err());
    }

    #[test]
    fn board_url_forms() {
        let b = |s: &str| BoardTarget::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let x = b("https://bbs.test/bbs/forum.php?mod=forumdisplay&fid=2&page=3");
        assert_eq!((x.fid, x.root.as_str()), (2, "https://bbs.test/bbs/"));
        assert_eq!(
            x.listing_url(2).as_str(),
            "https://bbs.test/bbs/forum.php?mod=forumdisplay&fid=2&page=2"
        );
        let rw = b("https://bbs.test/forum-7-2.html");
        assert_eq!(
            rw.listing_url(1).as_str(),
            "https://bbs.test/forum-7-1.html"
        );
        assert_eq!(
            rw.thread(5).page_url(Source::Desktop, 2).as_str(),
            "https://bbs.test/thread-5-2-1.html"
        );
        let d7 = b("http://old.test/forumdisplay.php?fid=9");
        assert_eq!(
            d7.listing_url(2).as_str(),
            "http://old.test/forumdisplay.php?fid=9&page=2"
        );
        let arch = b("http://bbs.test/archiver/?fid-2.html");
        assert_eq!(
            arch.listing_url(1).as_str(),
            "http://bbs.test/forum.php?mod=forumdisplay&fid=2&page=1"
        );
        assert_eq!(
            BoardTarget::parse("http://bbs.test/forum.php?mod=viewthread&tid=1"),
            Err(BoardError::NoBoard)
        );
        assert!(matches!(
            BoardTarget::parse("ftp://x/forum-1-1.html"),
            Err(BoardError::Scheme(_))
        ));
    }

    fn t(s: &str) -> ThreadTarget {
        ThreadTarget::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn every_url_form_names_the_thread() {
        let forms = [
            (
                "https://bbs.example.org/forum.php?mod=viewthread&tid=42",
                None,
            ),
            (
                "https://bbs.example.org/forum.php?mod=viewthread&tid=42&extra=page%3D1&page=3",
                Some(3),
            ),
            ("https://bbs.example.org/thread-42-2-1.html", Some(2)),
            (
                "https://bbs.example.org/forum.php?mod=viewthread&tid=42&mobile=2",
                None,
            ),
            ("https://bbs.example.org/archiver/?tid-42.html", None),
            (
                "https://bbs.example.org/archiver/?tid-42.html&page=2",
                Some(2),
            ),
            ("https://bbs.example.org/archiver/tid-42.html", None),
            (
                "https://bbs.example.org/forum.php?mod=redirect&goto=findpost&ptid=42&pid=7",
                None,
            ),
        ];
        for (url, page) in forms {
            let got = t(url);
            assert_eq!(got.tid, 42, "{url}");
            assert_eq!(got.root.as_str(), "https://bbs.example.org/", "{url}");
            assert_eq!(got.page, page, "{url}");
        }
        assert!(t("https://bbs.example.org/forum.php?mod=viewthread&tid=42&mobile=2").mobile);
        assert!(t("https://bbs.example.org/thread-42-2-1.html").rewritten);
    }

    #[test]
    fn board_in_a_subdirectory_and_7x() {
        let got = t("http://old.example.cn/bbs/viewthread.php?tid=314&extra=page%3D1");
        assert_eq!(got.generation, Generation::Legacy);
        assert_eq!(got.root.as_str(), "http://old.example.cn/bbs/");
        assert_eq!(
            got.page_url(Source::Desktop, 2).as_str(),
            "http://old.example.cn/bbs/viewthread.php?tid=314&page=2"
        );
        assert_eq!(
            got.page_url(Source::Printable, 1).as_str(),
            "http://old.example.cn/bbs/viewthread.php?action=printable&tid=314"
        );
        let arch = t("http://old.example.cn/bbs/archiver/tid-314.html");
        assert_eq!(arch.root.as_str(), "http://old.example.cn/bbs/");
    }

    #[test]
    fn page_urls_per_view() {
        let x = t("https://b.example/forum.php?mod=viewthread&tid=5&extra=x");
        assert_eq!(
            x.page_url(Source::Desktop, 4).as_str(),
            "https://b.example/forum.php?mod=viewthread&tid=5&page=4"
        );
        assert_eq!(
            x.page_url(Source::Mobile, 1).as_str(),
            "https://b.example/forum.php?mod=viewthread&tid=5&page=1&mobile=2"
        );
        assert_eq!(
            x.page_url(Source::Archiver, 1).as_str(),
            "https://b.example/archiver/?tid-5.html"
        );
        assert_eq!(
            x.page_url(Source::Archiver, 3).as_str(),
            "https://b.example/archiver/?tid-5.html&page=3"
        );
        let rw = t("https://b.example/thread-5-1-1.html");
        assert_eq!(
            rw.page_url(Source::Desktop, 9).as_str(),
            "https://b.example/thread-5-9-1.html"
        );
    }

    #[test]
    fn what_is_not_a_thread() {
        assert_eq!(
            ThreadTarget::parse("ftp://b.example/thread-1-1-1.html"),
            Err(TargetError::Scheme("ftp".into()))
        );
        assert!(matches!(
            ThreadTarget::parse("bbs.example.org/thread-1-1-1.html"),
            Err(TargetError::NotUrl(_))
        ));
        for bad in [
            "https://b.example/forum.php?mod=forumdisplay&fid=2",
            "https://b.example/thread-x-1-1.html",
            "https://b.example/forum.php?mod=viewthread&tid=0",
            "https://b.example/about.html",
        ] {
            assert_eq!(
                ThreadTarget::parse(bad),
                Err(TargetError::NoThread),
                "{bad}"
            );
        }
    }
}
