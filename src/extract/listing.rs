//! A board's thread listing (`forum.php?mod=forumdisplay&fid=F`, `forum-F-P.html`, 7.x
//! `forumdisplay.php?fid=F`): the threads on the page, sticky ones marked, sub-forums, pager.
//!
//! X3.5 (`forum/forumdisplay_list.htm`) and 7.2 (`forumdisplay.htm`) both give each thread a
//! `tbody#stickthread_T` or `tbody#normalthread_T`; the cells differ in class names only.

use super::{charset, dates, gate, own_text, pager_x, selectors, text, text_of, uid_of, urls};
use super::{Doc, ExtractError, Options};
use crate::model::{Gate, ListedThread, Listing, SubForum};
use scraper::{ElementRef, Html};

/// Extract a listing page. A page without the thread table is a gate (or not a board).
pub fn extract_listing(bytes: &[u8], opts: &Options) -> Result<Listing, ExtractError> {
    let (enc, _) = charset::choose(bytes, opts.charset, opts.header_charset);
    let text = charset::decode(bytes, enc);
    if super::too_deep(&text, super::MAX_NESTING) {
        return Err(ExtractError::TooDeep {
            limit: super::MAX_NESTING,
        });
    }
    let html = Html::parse_document(&text);
    let base = html
        .select(selectors::base())
        .next()
        .and_then(|b| b.value().attr("href"));
    let doc = Doc {
        html: &html,
        hidden: text::HiddenClasses::from_document(&html),
        urls: urls::Resolver::new(opts.url.as_deref(), base),
        page_url: opts.url.clone(),
        today: dates::today(&text, opts.date),
    };
    if opts.status == Some(404) {
        return Err(ExtractError::Gate(Gate::NotFound));
    }
    let Some(table) = html.select(selectors::l_table()).next() else {
        return Err(ExtractError::Gate(gate::detect(&html, &text, opts.status)));
    };
    let mut threads = Vec::new();
    for tbody in table.select(selectors::l_threads()) {
        let id = tbody.value().id().unwrap_or("");
        let (sticky, tid) = match id.split_once('_') {
            Some(("stickthread", t)) => (true, t.parse().ok()),
            Some(("normalthread", t)) => (false, t.parse().ok()),
            _ => continue,
        };
        let Some(tid) = tid else { continue };
        threads.push(thread_row(&doc, tbody, tid, sticky));
    }
    let fid = opts
        .url
        .as_deref()
        .and_then(urls::fid_of)
        .or_else(|| {
            table
                .value()
                .attr("summary")?
                .strip_prefix("forum_")?
                .parse()
                .ok()
        })
        .or_else(|| table.value().id()?.strip_prefix("forum_")?.parse().ok());
    let forum = html
        .select(selectors::l_forum_name())
        .next()
        .map(|a| text_of(a, &doc.hidden))
        .filter(|s| !s.is_empty());
    let subforums = html
        .select(selectors::l_subforums())
        .filter_map(|a| {
            let url = doc.urls.resolve(a.value().attr("href")?);
            let sub = urls::fid_of(&url)?;
            (Some(sub) != fid).then(|| SubForum {
                fid: sub,
                name: text_of(a, &doc.hidden),
                url,
            })
        })
        .fold(Vec::<SubForum>::new(), |mut v, s| {
            if !v.iter().any(|x| x.fid == s.fid) {
                v.push(s);
            }
            v
        });
    Ok(Listing {
        fid,
        forum,
        url: opts.url.clone(),
        charset: enc.name(),
        // X's `div.pg`, or 7.x's `div.pages`.
        pager: if html.select(selectors::pager()).next().is_none()
            && html.select(selectors::d7_pages()).next().is_some()
        {
            super::discuz7::pager(&doc)
        } else {
            pager_x(&doc)
        },
        threads,
        subforums,
    })
}

fn thread_row(doc: &Doc<'_>, tbody: ElementRef<'_>, tid: u64, sticky: bool) -> ListedThread {
    let title_link = tbody.select(selectors::l_title()).next();
    let by: Vec<ElementRef<'_>> = tbody.select(selectors::l_by()).collect();
    // Author cell first, last-post cell second (X: two `td.by`; 7.x: `td.author`, `td.lastpost`).
    let who = |cell: Option<&ElementRef<'_>>| {
        let a = cell?.select(selectors::l_cite_link()).next()?;
        Some((
            text_of(a, &doc.hidden),
            a.value().attr("href").and_then(uid_of),
        ))
    };
    let when = |cell: Option<&ElementRef<'_>>| {
        let em = cell?.select(selectors::l_em()).next()?;
        Some(super::posted(em, &doc.hidden, doc.today))
    };
    let author = who(by.first());
    let anonymous = author.is_none()
        && by
            .first()
            .is_some_and(|c| text_of(*c, &doc.hidden).contains("匿名"));
    let (last_post_at, last_post_text) = when(by.get(1)).unwrap_or((None, None));
    let nums = tbody.select(selectors::l_nums()).next();
    let count = |sel: &scraper::Selector| {
        nums.and_then(|n| n.select(sel).next())
            .and_then(|e| own_text(e).replace(',', "").parse().ok())
    };
    ListedThread {
        tid,
        title: title_link
            .map(|a| text_of(a, &doc.hidden))
            .unwrap_or_default(),
        url: title_link
            .and_then(|a| a.value().attr("href"))
            .map(|h| doc.urls.resolve(h)),
        author: author.as_ref().map(|a| a.0.clone()),
        author_uid: author.and_then(|a| a.1),
        anonymous,
        posted_at: when(by.first()).and_then(|w| w.0),
        replies: count(selectors::l_replies()),
        views: count(selectors::l_views()),
        last_post_at,
        last_post_text,
        last_poster: who(by.get(1)).map(|a| a.0),
        sticky,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(name: &str, url: &str) -> Result<Listing, ExtractError> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/forum")
            .join(name);
        let bytes = std::fs::read(path).unwrap();
        extract_listing(
            &bytes,
            &Options {
                url: Some(url.into()),
                ..Options::default()
            },
        )
    }

    #[test]
    fn x35_listing_rows() {
        let l = listing(
            "f2-p1.html",
            "http://bbs.test/forum.php?mod=forumdisplay&fid=2",
        )
        .unwrap();
        assert_eq!(l.fid, Some(2));
        assert_eq!(l.forum.as_deref(), Some("综合讨论区"));
        assert_eq!(l.pager.page, Some(1));
        assert_eq!(l.pager.pages, Some(2));
        let t: Vec<(u64, bool)> = l.threads.iter().map(|t| (t.tid, t.sticky)).collect();
        assert_eq!(t, [(1, true), (5, false), (33, false), (29, false)]);
        let five = &l.threads[1];
        assert_eq!(five.title, "聊聊你们小时候的零食，还记得几个？");
        assert_eq!(five.author.as_deref(), Some("老王头"));
        assert_eq!(five.author_uid, Some(2));
        assert_eq!(five.replies, Some(34));
        assert_eq!(five.views, Some(918));
        assert_eq!(five.last_post_at.as_deref(), Some("2026-11-29T09:30:00"));
        assert_eq!(five.last_poster.as_deref(), Some("码农张三"));
        assert_eq!(
            five.url.as_deref(),
            Some("http://bbs.test/forum.php?mod=viewthread&tid=5&extra=page%3D1")
        );
        assert_eq!(l.subforums.len(), 1);
        assert_eq!(l.subforums[0].fid, 38);
        assert_eq!(l.subforums[0].name, "二手交易");
    }

    #[test]
    fn discuz7_listing_in_gbk() {
        let l = listing("d7-f2-p1.html", "http://old.test/forumdisplay.php?fid=2").unwrap();
        assert_eq!(l.charset, "gb18030");
        assert_eq!((l.pager.page, l.pager.pages), (Some(1), Some(2)));
        let t: Vec<(u64, bool)> = l.threads.iter().map(|t| (t.tid, t.sticky)).collect();
        assert_eq!(t, [(1, true), (77, false)]);
        let old = &l.threads[1];
        assert_eq!(old.title, "旧帖子的标题");
        assert_eq!(old.author.as_deref(), Some("老会员"));
        assert_eq!(old.author_uid, Some(12));
        assert_eq!((old.replies, old.views), (Some(1024), Some(20480)));
        assert_eq!(old.last_post_at.as_deref(), Some("2010-03-09T08:07:00"));
        assert_eq!(old.last_poster.as_deref(), Some("回帖人"));
        assert_eq!(
            old.url.as_deref(),
            Some("http://old.test/viewthread.php?tid=77&extra=page%3D1")
        );
        assert_eq!(l.subforums.len(), 1);
        assert_eq!(
            (l.subforums[0].fid, l.subforums[0].name.as_str()),
            (9, "灌水区")
        );
    }

    #[test]
    fn closed_board_is_a_gate() {
        let e = listing(
            "f37-noperm.html",
            "http://bbs.test/forum.php?mod=forumdisplay&fid=37",
        )
        .unwrap_err();
        assert!(
            matches!(e.gate(), Some(Gate::NoPermission | Gate::LoginRequired)),
            "{e:?}"
        );
    }
}
