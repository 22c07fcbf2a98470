//! The records unjam produces: threads, posts and what hangs off them, and the kinds of pages
//! and gates they come from. Field names are the JSON schema documented in README.md.

use serde::Serialize;
use std::fmt;

/// Which Discuz view a page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// Discuz! X2.5–X3.5 `forum.php?mod=viewthread` / `thread-T-P-1.html`.
    Desktop,
    /// The touch view, `&mobile=2`.
    Mobile,
    /// `action=printable`: every post on one page, no post ids.
    Printable,
    /// `archiver/?tid-T.html`: no jammer, BBCode stripped, no floors.
    Archiver,
    /// Discuz! 6/7 `viewthread.php`.
    Discuz7,
    /// PHPWind 6.x-8.x `read.php`, the Discuz look-alike.
    Phpwind,
    /// Discuz!NT (ASP.NET) `showtopic.aspx`.
    DiscuzNt,
}

impl PageKind {
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Desktop => "desktop",
            PageKind::Mobile => "mobile",
            PageKind::Printable => "printable",
            PageKind::Archiver => "archiver",
            PageKind::Discuz7 => "discuz7",
            PageKind::Phpwind => "phpwind",
            PageKind::DiscuzNt => "discuznt",
        }
    }
}

/// A page that is not a thread page: each is reported as its own error, never as an empty
/// thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    /// The thread does not exist, was deleted or awaits moderation (HTTP 404 page).
    NotFound,
    /// Guests may not read it: log in first (`您需要登录后才可以`, `尚未登录`, the login form).
    LoginRequired,
    /// Logged in, or not, the user group may not read it (`没有权限`).
    NoPermission,
    /// Discuz's anti-theft JavaScript page (a script that reloads the URL with `_dsign=`).
    AntiTheft,
    /// A Cloudflare (or similar) browser challenge.
    Challenge,
    /// Not a Discuz page at all.
    NotDiscuz,
    /// A Discuz board listing (threads of a board), not a thread: `unjam forum` reads it.
    Listing,
    /// A Discuz forum index (the boards of a site), not a thread.
    Index,
}

impl Gate {
    pub fn describe(self) -> &'static str {
        match self {
            Gate::NotFound => "thread not found (deleted, moved or awaiting moderation)",
            Gate::LoginRequired => "login required: guests may not read this thread",
            Gate::NoPermission => "no permission: this user group may not read this thread",
            Gate::AntiTheft => "Discuz anti-theft page (a JavaScript check that reloads with _dsign=); unjam does not run page scripts",
            Gate::Challenge => "browser challenge (Cloudflare or similar); unjam does not solve challenges",
            Gate::NotDiscuz => "not a Discuz thread page",
            Gate::Listing => "a board listing, not a thread: `unjam forum URL` reads it (offline: `unjam forum --list FILE.html`)",
            Gate::Index => "a forum index, not a thread: give `unjam forum` the URL of one of its boards",
        }
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// An image in a post: inline, attached, or a smiley.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Image {
    /// Absolute URL (`file`/`zoomfile` over the `none.gif` placeholder).
    pub url: String,
    /// A smiley (dropped from text, kept here).
    pub smiley: bool,
    /// Attachment id, for attached images.
    pub aid: Option<u64>,
}

/// A file attached to a post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub name: String,
    /// Absolute download URL, when the page shows one.
    pub url: Option<String>,
    /// Size as shown (`5.74 KB`).
    pub size: Option<String>,
    /// The uploader's description, when there is one.
    pub description: Option<String>,
}

/// The post a quote points to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// pid of the quoted post (from the `goto=findpost&pid=` link).
    pub pid: Option<u64>,
    /// Author and time as shown in the quote header (`NAME 发表于 DATE`).
    pub author: Option<String>,
    pub posted_at_text: Option<String>,
    /// The quoted text (Discuz truncates it).
    pub text: String,
}

/// One post.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Post {
    /// Post id; `None` where the page shows none (printable view).
    pub pid: Option<u64>,
    /// Floor, 1 = 楼主 (first post); `None` where the page shows none (archiver).
    pub floor: Option<u32>,
    pub author: Option<String>,
    pub author_uid: Option<u64>,
    /// Posted by a guest or anonymously.
    pub anonymous: bool,
    /// Time as ISO 8601 local time of the board, without offset (`2026-09-02T21:16:00`).
    pub posted_at: Option<String>,
    /// Time as the page prints it (`发表于 昨天 09:05`).
    pub posted_at_text: Option<String>,
    /// Body text, jammer removed, quotes included and marked with `> `.
    pub text: String,
    /// Quotes in the body, in order.
    pub quotes: Vec<Quote>,
    pub images: Vec<Image>,
    pub attachments: Vec<Attachment>,
    /// From the `本帖最后由 NAME 于 DATE 编辑` notice (removed from `text`).
    pub edited_by: Option<String>,
    pub edited_at: Option<String>,
    /// Part of the post is hidden from this viewer (`[hide]`, purchase, banned author).
    pub hidden: bool,
    /// The notice shown in place of hidden content.
    pub hidden_notice: Option<String>,
    /// Subject of a reply, when it has one (the first post's is the thread title).
    pub subject: Option<String>,
    /// Page of the thread this post was read from.
    pub page: Option<u32>,
    /// The WARC record the post was read from (`unjam extract --warc`).
    pub capture: Option<Capture>,
}

/// Where in a web archive a page was found: its WARC record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Capture {
    /// `WARC-Record-ID`, as the file writes it (`<urn:uuid:…>`).
    pub record_id: Option<String>,
    /// `WARC-Date`: when the page was crawled (UTC, ISO 8601).
    pub date: Option<String>,
    /// `WARC-Target-URI`: the address of the page the post was on.
    pub url: Option<String>,
}

/// What the pager of a page says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pager {
    /// This page's number.
    pub page: Option<u32>,
    /// Pages in the thread (`共 N 页`, `a.last`).
    pub pages: Option<u32>,
    /// Absolute URL of the next page (`a.nxt`).
    pub next: Option<String>,
    /// The numbered page links the pager shows, resolved: `(page, url)`.
    pub links: Vec<(u32, String)>,
}

/// One extracted page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Page {
    pub kind: PageKind,
    /// Encoding the bytes were decoded with.
    pub charset: &'static str,
    /// Where the page came from (`--url`, `<base href>`, the canonical link).
    pub url: Option<String>,
    pub tid: Option<u64>,
    pub title: Option<String>,
    pub forum: Option<String>,
    pub fid: Option<u64>,
    pub pager: Pager,
    pub posts: Vec<Post>,
    /// Junk the plain-text cleaner still found after structural removal (should be 0).
    #[serde(skip)]
    pub guard_removed: u64,
    /// Why the charset was chosen, when the page's own declaration was overruled.
    #[serde(skip)]
    pub charset_note: Option<String>,
}

/// A thread assembled from one or more pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Thread {
    pub tid: Option<u64>,
    pub title: Option<String>,
    pub forum: Option<String>,
    pub fid: Option<u64>,
    /// URL of the thread's first page, when known.
    pub url: Option<String>,
    /// Pages in the thread, as the pager says.
    pub pages: Option<u32>,
    /// The URL of each page: entry `i` is page `i + 1`, `null` where neither a page nor a
    /// pager link nor the thread's URL pattern tells it.
    pub page_urls: Vec<Option<String>>,
    pub kind: PageKind,
    pub charset: &'static str,
    pub posts: Vec<Post>,
}

/// A thread as a board's listing shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListedThread {
    pub tid: u64,
    pub title: String,
    /// The thread's URL as the listing links it (absolute).
    pub url: Option<String>,
    pub author: Option<String>,
    pub author_uid: Option<u64>,
    pub anonymous: bool,
    /// When the thread was started (the listing shows the day only).
    pub posted_at: Option<String>,
    /// Replies and views as shown.
    pub replies: Option<u32>,
    pub views: Option<u32>,
    /// Time of the last post, ISO 8601 local time of the board, and as shown.
    pub last_post_at: Option<String>,
    pub last_post_text: Option<String>,
    pub last_poster: Option<String>,
    /// Pinned to the top (置顶): Discuz shows it on the board's listing pages besides its own place.
    pub sticky: bool,
}

/// A sub-forum linked from a board's listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubForum {
    pub fid: u64,
    pub name: String,
    pub url: String,
}

/// One page of a board's thread listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub fid: Option<u64>,
    /// The board's name.
    pub forum: Option<String>,
    pub url: Option<String>,
    pub charset: &'static str,
    pub pager: Pager,
    pub threads: Vec<ListedThread>,
    pub subforums: Vec<SubForum>,
}
