//! A scripted Discuz X3.5 board for the crawl tests: threads and posts held in memory, served
//! as listing and thread pages in the board's markup (jammer on), changeable between runs.

use super::server::{Reply, Request};
use std::collections::{BTreeMap, BTreeSet};

pub const FID: u64 = 2;

#[derive(Clone, Debug)]
pub struct Post {
    pub pid: u64,
    pub author: String,
    pub text: String,
    /// `2026-11-29 10:05`
    pub time: String,
}

#[derive(Clone, Debug)]
pub struct Thread {
    pub tid: u64,
    pub title: String,
    pub sticky: bool,
    pub posts: Vec<Post>,
}

#[derive(Clone, Debug)]
pub struct Forum {
    pub threads: BTreeMap<u64, Thread>,
    /// Posts per thread page (Discuz's `ppp`) and threads per listing page (`tpp`).
    pub ppp: usize,
    pub tpp: usize,
    /// Still listed, but the thread page is a 404 (deleted after the listing was cached).
    pub deleted: BTreeSet<u64>,
    /// Behind a login wall.
    pub gated: BTreeSet<u64>,
    /// Extra replies the listing claims for a thread (a stale or bumped listing).
    pub bump: BTreeMap<u64, u32>,
    next_pid: u64,
    minute: u32,
}

impl Forum {
    pub fn new(ppp: usize, tpp: usize) -> Forum {
        Forum {
            threads: BTreeMap::new(),
            ppp,
            tpp,
            deleted: BTreeSet::new(),
            gated: BTreeSet::new(),
            bump: BTreeMap::new(),
            next_pid: 100,
            minute: 0,
        }
    }

    /// Start thread `tid` with `posts` posts.
    pub fn add_thread(&mut self, tid: u64, sticky: bool, posts: usize) {
        self.threads.insert(
            tid,
            Thread {
                tid,
                title: format!("话题 {tid}"),
                sticky,
                posts: Vec::new(),
            },
        );
        self.reply(tid, posts);
    }

    /// Add `n` replies to thread `tid`.
    pub fn reply(&mut self, tid: u64, n: usize) {
        for _ in 0..n {
            self.next_pid += 1;
            self.minute += 1;
            let pid = self.next_pid;
            let time = format!(
                "2026-11-{:02} {:02}:{:02}",
                1 + self.minute / 600,
                (self.minute / 60) % 10 + 10,
                self.minute % 60
            );
            let t = self.threads.get_mut(&tid).expect("thread exists");
            let floor = t.posts.len() + 1;
            t.posts.push(Post {
                pid,
                author: format!("用户{}", pid % 7),
                text: format!("第 {floor} 楼，帖子 {pid} 的正文。\n第二行 {pid}。"),
                time,
            });
        }
    }

    /// Every (tid, pid) the board holds, in thread and floor order.
    pub fn all_posts(&self) -> Vec<(u64, u64)> {
        self.threads
            .values()
            .flat_map(|t| t.posts.iter().map(move |p| (t.tid, p.pid)))
            .collect()
    }

    fn pages_of(&self, t: &Thread) -> usize {
        t.posts.len().div_ceil(self.ppp).max(1)
    }

    /// Threads in listing order: stickies, then by last post, newest first.
    fn listing_order(&self) -> (Vec<&Thread>, Vec<&Thread>) {
        let sticky: Vec<&Thread> = self.threads.values().filter(|t| t.sticky).collect();
        let mut normal: Vec<&Thread> = self.threads.values().filter(|t| !t.sticky).collect();
        normal.sort_by(|a, b| {
            b.posts
                .last()
                .map(|p| p.pid)
                .cmp(&a.posts.last().map(|p| p.pid))
        });
        (sticky, normal)
    }

    pub fn listing_pages(&self) -> usize {
        self.listing_order().1.len().div_ceil(self.tpp).max(1)
    }

    /// Answer a request as the board would.
    pub fn handle(&self, r: &Request) -> Reply {
        let q = |k: &str| -> Option<u64> {
            r.target
                .split(['?', '&'])
                .find_map(|kv| kv.strip_prefix(&format!("{k}="))?.parse().ok())
        };
        if r.target == "/robots.txt" {
            return Reply::status(404);
        }
        if r.target.contains("mod=forumdisplay") && q("fid") == Some(FID) {
            return Reply::html(self.listing(q("page").unwrap_or(1) as usize));
        }
        if r.target.contains("mod=viewthread") {
            let tid = q("tid").unwrap_or(0);
            if self.deleted.contains(&tid) || !self.threads.contains_key(&tid) {
                return Reply::status(404).header("Content-Type", "text/html; charset=utf-8");
            }
            if self.gated.contains(&tid) {
                return Reply::html(LOGIN_WALL);
            }
            return Reply::html(self.thread_page(tid, q("page").unwrap_or(1) as usize));
        }
        Reply::status(404)
    }

    fn listing(&self, page: usize) -> String {
        let pages = self.listing_pages();
        let page = page.clamp(1, pages);
        let (sticky, normal) = self.listing_order();
        let mut rows = String::new();
        // Stickies head every listing page.
        for t in sticky {
            rows.push_str(&self.row(t, "stick"));
        }
        for t in normal.iter().skip((page - 1) * self.tpp).take(self.tpp) {
            rows.push_str(&self.row(t, "normal"));
        }
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\" /><title>测试版块 - 示例论坛</title>\
             <meta name=\"generator\" content=\"Discuz! X3.5\" /></head><body>\
             <div class=\"bm_h cl\"><h1 class=\"xs2\"><a href=\"forum.php?mod=forumdisplay&amp;fid={FID}\">测试版块</a></h1></div>\
             {}<div id=\"threadlist\"><table summary=\"forum_{FID}\" id=\"threadlisttableid\">{rows}</table></div>\
             <div id=\"ft\"><p class=\"xs0\">GMT+8, 2026-11-29 11:00</p></div></body></html>",
            pager(&format!("forum.php?mod=forumdisplay&amp;fid={FID}"), page, pages)
        )
    }

    fn row(&self, t: &Thread, kind: &str) -> String {
        let tid = t.tid;
        let first = &t.posts[0];
        let last = t.posts.last().unwrap();
        let replies = t.posts.len() as u32 - 1 + self.bump.get(&tid).copied().unwrap_or(0);
        format!(
            "<tbody id=\"{kind}thread_{tid}\"><tr><td class=\"icn\"></td><th class=\"common\">\
             <a href=\"forum.php?mod=viewthread&amp;tid={tid}&amp;extra=page%3D1\" class=\"s xst\">{}</a></th>\
             <td class=\"by\"><cite><a href=\"home.php?mod=space&amp;uid=1\">{}</a></cite><em><span>{}</span></em></td>\
             <td class=\"num\"><a href=\"forum.php?mod=viewthread&amp;tid={tid}\" class=\"xi2\">{replies}</a><em>99</em></td>\
             <td class=\"by\"><cite><a href=\"home.php?mod=space&amp;username=x\">{}</a></cite>\
             <em><a href=\"forum.php?mod=redirect&amp;tid={tid}&amp;goto=lastpost#lastpost\">{}</a></em></td></tr></tbody>",
            t.title,
            first.author,
            &first.time[..10],
            last.author,
            last.time
        )
    }

    fn thread_page(&self, tid: u64, page: usize) -> String {
        let t = &self.threads[&tid];
        let pages = self.pages_of(t);
        // Past the end Discuz serves the last page.
        let page = page.clamp(1, pages);
        let mut posts = String::new();
        for (i, p) in t
            .posts
            .iter()
            .enumerate()
            .skip((page - 1) * self.ppp)
            .take(self.ppp)
        {
            let pid = p.pid;
            let body = p.text.replace(
                '\n',
                "<font class=\"jammer\">4 Q( h$ _9 u&amp; \\% M9</font><br />\n",
            );
            posts.push_str(&format!(
                "<div id=\"post_{pid}\"><table id=\"pid{pid}\" class=\"plhin\"><tr>\
                 <td class=\"pls\"><div class=\"pi\"><div class=\"authi\"><a href=\"space-uid-3.html\" class=\"xw1\">{}</a></div></div></td>\
                 <td class=\"plc\"><div class=\"pi\"><strong><a href=\"forum.php?mod=redirect&amp;goto=findpost&amp;ptid={tid}&amp;pid={pid}\" id=\"postnum{pid}\"><em>{}</em><sup>#</sup></a></strong>\
                 <div class=\"pti\"><div class=\"authi\"><em id=\"authorposton{pid}\">发表于 {}</em></div></div></div>\
                 <div class=\"pct\"><div class=\"pcb\"><div class=\"t_fsz\"><table><tr><td class=\"t_f\" id=\"postmessage_{pid}\">\n{body}</td></tr></table></div></div></div></td></tr></table></div>\n",
                p.author,
                i + 1,
                p.time
            ));
        }
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\" /><title>{} - 测试版块</title>\
             <meta name=\"generator\" content=\"Discuz! X3.5\" /></head><body>\
             <div id=\"pt\"><a href=\"forum.php?mod=forumdisplay&amp;fid={FID}\">测试版块</a></div>\
             <div class=\"pgt\">{}</div><div id=\"postlist\" class=\"pl bm\">\
             <table><tr><td><span id=\"thread_subject\">{}</span></td></tr></table>{posts}</div>\
             <div id=\"ft\"><p class=\"xs0\">GMT+8, 2026-11-29 11:00</p></div></body></html>",
            t.title,
            pager(
                &format!("forum.php?mod=viewthread&amp;tid={tid}"),
                page,
                pages
            ),
            t.title
        )
    }
}

fn pager(base: &str, page: usize, pages: usize) -> String {
    if pages <= 1 {
        return String::new();
    }
    let mut s = String::from("<div class=\"pg\">");
    for p in 1..=pages {
        if p == page {
            s.push_str(&format!("<strong>{p}</strong>"));
        } else {
            s.push_str(&format!("<a href=\"{base}&amp;page={p}\">{p}</a>"));
        }
    }
    s.push_str(&format!(
        "<label><span title=\"共 {pages} 页\"> / {pages} 页</span></label>"
    ));
    if page < pages {
        s.push_str(&format!(
            "<a href=\"{base}&amp;page={}\" class=\"nxt\">下一页</a>",
            page + 1
        ));
    }
    s.push_str("</div>");
    s
}

const LOGIN_WALL: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\" /><title>提示信息</title>\
<meta name=\"generator\" content=\"Discuz! X3.5\" /></head><body><div id=\"messagetext\" class=\"alert_info\">\
<p>抱歉，您尚未登录，没有权限访问该版块</p></div><div id=\"messagelogin\"></div>\
<form id=\"loginform\" action=\"member.php?mod=logging&amp;action=login\"></form></body></html>";
