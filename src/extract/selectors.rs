//! Every Discuz selector unjam uses, in one place, as named data. Each comes from the templates
//! named beside it (X3.5 `template/default/forum/viewthread*.htm`, touch `template/default/touch`,
//! 7.2 `templates/default/viewthread*.htm`).

use scraper::Selector;
use std::sync::OnceLock;

macro_rules! selectors {
    ($($(#[$doc:meta])* $name:ident = $css:expr;)*) => {
        $(
            $(#[$doc])*
            pub fn $name() -> &'static Selector {
                static S: OnceLock<Selector> = OnceLock::new();
                S.get_or_init(|| Selector::parse($css).expect(concat!("valid selector: ", $css)))
            }
        )*
        #[cfg(test)]
        pub fn all() -> Vec<&'static Selector> {
            vec![$($name()),*]
        }
    };
}

selectors! {
    style = "style";
    script = "script";
    base = "base[href]";
    canonical = "link[rel=canonical][href]";
    title = "title";
    meta_generator = "meta[name=generator]";

    // ---- Discuz! X desktop (forum/viewthread.htm, viewthread_node.htm)
    /// The thread title.
    x_subject = "#thread_subject";
    /// Body `td.t_f#postmessage_PID`.
    x_body = "td.t_f[id^=postmessage_], div.t_f[id^=postmessage_]";
    /// Author link in the side column.
    x_author = "div.authi a.xw1, div.pi div.authi a";
    /// A guest's or anonymous poster's side column.
    x_side = "div.pi";
    /// Hidden or banned content in place of a body.
    locked = "div.locked";
    /// `em#authorpostonPID`.
    x_posted = "em[id^=authorposton]";
    /// `a#postnumPID`.
    x_postnum = "a[id^=postnum]";
    /// Breadcrumb links.
    /// The breadcrumb, `#pt`; its board links are `.z a` inside.
    x_crumbs_root = "#pt";
    x_crumbs = ".z a";
    /// The pager `div.pg` (the first one: top and bottom pagers agree); the rest are looked
    /// up inside it, which keeps each page to one scan of the document for the pager.
    pager = "div.pg";
    pager_next = "a.nxt";
    pager_label = "label span[title]";
    pager_current = "strong";
    pager_links = "a[href]:not(.nxt):not(.prev)";
    /// Sub-headings of replies.
    x_reply_subject = "div.pct h2, div.pcb h2";

    // ---- touch view (touch/forum/viewthread.htm)
    m_posts = "div.plc[id^=pid]";
    m_body = "div.message";
    m_floor = "li.mtit span.y";
    m_author = "li.mtit span.z a";
    m_author_any = "li.mtit span.z";
    m_time = "li.mtime";
    m_subject = "div.view_tit, h2.view_tit, div.viewthread_title";

    // ---- archiver (archiver/forum/viewthread.htm)
    a_content = "#content";
    a_nav = "#nav a";
    a_pages = "div.page a, .page a";
    /// 5.5/6.0 archiver: one `div.archiver_post` per post.
    a_old_posts = "div.archiver_post";
    /// 4.x/5.0 archiver: one `table.tableborder` per post, author in `td.bold`.
    a_old_tables = "table.tableborder";

    // ---- Discuz! 6/7 (templates/default/viewthread.htm, viewthread_node.htm)
    d7_posts = "table[id^=pid]";
    d7_body = "td.t_msgfont[id^=postmessage_], div.t_msgfont[id^=postmessage_]";
    /// 7.x side column, 7.x author info, 6.0 `td.postauthor cite a`.
    d7_author = "td.postauthor div.postinfo a, div.authorinfo a.posterlink, div.popuserinfo p a, td.postauthor cite a";
    /// 6.0: the line over the body, with `postnum_PID` and `發表於 DATE`.
    d6_postinfo = "td.postcontent div.postinfo";
    d7_title = "#threadtitle h1";
    d7_pages = "div.pages";
    d7_pages_next = "div.pages a.next";
    d7_page_links = "a[href]:not(.next):not(.prev)";
    d7_nav = "#nav a";

    // ---- gates
    login_form = "form#loginform, form[name=login], #messagelogin, form[action*='action=login']";
    message_text = "#messagetext, .alert_error, .alert_info, div.showmessage, #messagetext p";
    // ---- Board listings (X3.5 forum/forumdisplay_list.htm, 7.2 forumdisplay.htm)
    /// The thread table.
    l_table = "table#threadlisttableid, table[summary^=forum_]";
    /// One thread's rows: `tbody#stickthread_T`, `tbody#normalthread_T`.
    l_threads = "tbody[id^=stickthread_], tbody[id^=normalthread_]";
    /// The title link (X `a.xst`, 7.2 `span#thread_T > a`).
    l_title = "a.xst, span[id^=thread_] > a";
    /// Author cell, then last-post cell.
    l_by = "td.by, td.author, td.lastpost";
    l_cite_link = "cite a";
    l_em = "em";
    /// Replies and views (X `td.num a` + `em`, 7.2 `td.nums strong` + `em`).
    l_nums = "td.num, td.nums";
    l_replies = "a, strong";
    l_views = "em";
    /// The board's name in its header.
    l_forum_name = "h1.xs2 > a";
    /// Sub-forum links (X `div#subforum_F`, 7.2 `table[summary=subform]`).
    l_subforums = "div[id^=subforum_] h2 a[href], table[summary=subform] h2 a[href]";

    // ---- PHPWind 6.x-8.x (template/wind/read.htm)
    /// The thread title: `h1#subject_tpc` (6.x/7.x), `.read_h1` (8.x).
    pw_subject = "h1#subject_tpc, div#subject_tpc, h1.read_h1";
    /// 6.x: the line under a post with its floor and `LABEL : DATE | `.
    pw_tipad = "div.tipad";
    /// The pager.
    pw_pages = "div.pages";
    /// Discuz!NT: the body, the author column and what is in it, the floor, the time, the
    /// title, the pager.
    dnt_body = "div.t_msgfont[id^='message']";
    dnt_author = "td.postauthor";
    dnt_poster = "div.poster";
    dnt_profile = "a.public_info[href]";
    dnt_floor = "a.floor";
    dnt_time = "div.postinfo em span[title], div.pi em span[title]";
    dnt_subject = "h1.ts span[title]";
    dnt_pages = "div.pages";
    dnt_next = "a.next[href]";
    gray = "span.gray";
    bold = "b";
    a_any = "a";
    a_href = "a[href]";

}

#[cfg(test)]
mod tests {
    #[test]
    fn all_selectors_parse() {
        assert!(super::all().len() > 20);
    }
}
