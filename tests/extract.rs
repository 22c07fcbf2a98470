//! The extract stage through the library: one small page per body element the issue names,
//! built around the X3.5 post markup, so each rule is checked on its own.

use unjam::extract::{extract_page, Options};
use unjam::model::{Gate, PageKind, Post};

/// A desktop thread page with one post whose `td.t_f` holds `body` (raw HTML).
fn page_with(body: &str, head_extra: &str) -> Vec<u8> {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8" />
<title>测试 - 版块 - 论坛 - Powered by Discuz!</title><base href="https://bbs.example.test/" />{head_extra}</head>
<body><div id="postlist" class="pl bm"><span id="thread_subject">测试</span>
<div id="post_9"><table id="pid9" class="plhin"><tr><td class="pls"><div class="pi"><div class="authi"><a href="space-uid-4.html" class="xw1">作者甲</a></div></div></td>
<td class="plc"><div class="pi"><strong><a href="forum.php?mod=redirect&amp;goto=findpost&amp;ptid=5&amp;pid=9" id="postnum9">楼主</a></strong>
<div class="pti"><div class="authi"><em id="authorposton9">发表于 2026-1-2 03:04</em></div></div></div>
<div class="pct"><div class="pcb"><div class="t_fsz"><table><tr><td class="t_f" id="postmessage_9">{body}</td></tr></table></div></div></div></td></tr></table></div>
</div></body></html>"#
    )
    .into_bytes()
}

fn post(body: &str) -> Post {
    post_in(body, "")
}

fn post_in(body: &str, head_extra: &str) -> Post {
    let page = extract_page(&page_with(body, head_extra), &Options::default())
        .unwrap_or_else(|e| panic!("no posts: {e}"));
    assert_eq!(page.kind, PageKind::Desktop);
    assert_eq!(page.posts.len(), 1);
    page.posts.into_iter().next().unwrap()
}

#[test]
fn post_fields_from_the_side_and_head() {
    let p = post("正文");
    assert_eq!(p.pid, Some(9));
    assert_eq!(p.floor, Some(1));
    assert_eq!(p.author.as_deref(), Some("作者甲"));
    assert_eq!(p.author_uid, Some(4));
    assert_eq!(p.posted_at.as_deref(), Some("2026-01-02T03:04:00"));
    assert_eq!(p.text, "正文");
}

#[test]
fn every_hiding_form_is_removed() {
    let p = post_in(
        concat!(
            "一<font class=\"jammer\">8 G, {* O5 w4</font><br />\r\n",
            "二<span style=\"display:none\">1 N z! Q9</span><br />\r\n",
            "三<span style=\"display: none\">u+ F3 v</span><br />\r\n",
            "四<span style=\"visibility:hidden\">q\" L&amp; a!</span><br />\r\n",
            "五<font style=\"font-size:0px;color:#FFF\">$ C+ c0</font><br />\r\n",
            "六<font style=\"font-size: 0\">x7 y8</font><br />\r\n",
            "七<span class=\"xg1 jammer\">k9 C!</span><br />\r\n",
            "八<span class=\"hide3\">p2 W= Q</span><br />\r\n",
            "九<span class=\"visible3\">可见</span>",
        ),
        "<style>.hide3 { display : none } .visible3 { display: inline }</style>",
    );
    assert_eq!(p.text, "一\n二\n三\n四\n五\n六\n七\n八\n九可见");
}

#[test]
fn br_crlf_gives_one_line_break_not_two() {
    let p = post("甲<br />\r\n乙<br />\r\n<br />\r\n丙");
    assert_eq!(p.text, "甲\n乙\n\n丙");
}

#[test]
fn nbsp_becomes_space() {
    let p = post("a&nbsp;b&nbsp;&nbsp;c");
    assert_eq!(p.text, "a b  c");
}

#[test]
fn code_block_keeps_exact_lines_without_the_copy_button() {
    // The jammer lands inside code too: the `\r` of CRLF survives Discuz's `\n`→`<li>` step.
    let p = post(concat!(
        "代码：<br />",
        "<div class=\"blockcode\"><div id=\"code_a\"><ol>",
        "<li>fn main() {<font class=\"jammer\">&nbsp;&nbsp;?1 B: W2</font><br />",
        "<li>&nbsp; &nbsp; println!(\"&lt;hi&gt;\");<br />",
        "<li>}</ol></div><em onclick=\"copycode($('code_a'));\">复制代码</em></div>",
        "完"
    ));
    assert_eq!(
        p.text,
        "代码：\nfn main() {\n    println!(\"<hi>\");\n}\n完"
    );
    assert!(!p.text.contains("复制代码"));
}

#[test]
fn edit_notice_moves_to_fields() {
    let p = post("<i class=\"pstatus\"> 本帖最后由 作者甲 于 2026-1-3 08:09 编辑 </i><br />\r\n<br />\r\n正文");
    assert_eq!(p.edited_by.as_deref(), Some("作者甲"));
    assert_eq!(p.edited_at.as_deref(), Some("2026-01-03T08:09:00"));
    assert_eq!(p.text, "正文");
}

#[test]
fn quote_is_marked_and_points_to_its_post() {
    let p = post(concat!(
        "<div class=\"quote\"><blockquote><font size=\"2\"><a href=\"forum.php?mod=redirect&amp;goto=findpost&amp;pid=7&amp;ptid=5\">",
        "<font color=\"#999999\">乙 发表于 2026-1-1 10:00</font></a></font><br />",
        "<span style=\"display:none\">9 [. x8</span>原话第一行<br />原话第二行</blockquote></div>",
        "回复正文"
    ));
    assert_eq!(
        p.text,
        "> 乙 发表于 2026-1-1 10:00\n> 原话第一行\n> 原话第二行\n回复正文"
    );
    assert_eq!(p.quotes.len(), 1);
    let q = &p.quotes[0];
    assert_eq!(q.pid, Some(7));
    assert_eq!(q.author.as_deref(), Some("乙"));
    assert_eq!(q.text, "原话第一行\n原话第二行");
}

#[test]
fn images_resolve_file_over_placeholder_and_smilies_leave_text() {
    let p = post(concat!(
        "图：<img id=\"aimg_3\" aid=\"3\" src=\"static/image/common/none.gif\" zoomfile=\"data/attachment/a.jpg\" file=\"data/attachment/a.jpg\" />",
        "<img src=\"https://img.example.org/b.png\" />",
        "好<img src=\"static/image/smiley/default/smile.gif\" smilieid=\"1\" alt=\"\" />"
    ));
    assert_eq!(p.text, "图：好");
    let urls: Vec<_> = p
        .images
        .iter()
        .map(|i| (i.url.as_str(), i.smiley))
        .collect();
    assert_eq!(
        urls,
        [
            ("https://bbs.example.test/data/attachment/a.jpg", false),
            ("https://img.example.org/b.png", false),
            (
                "https://bbs.example.test/static/image/smiley/default/smile.gif",
                true
            ),
        ]
    );
    assert_eq!(p.images[0].aid, Some(3));
}

#[test]
fn attachment_link_with_name_and_size() {
    let p = post(concat!(
        "附件：<br /><ignore_js_op><span id=\"attach_12\"><img src=\"static/image/filetype/zip.gif\" border=\"0\" class=\"vm\" alt=\"\" />",
        "<a href=\"forum.php?mod=attachment&amp;aid=MTJ8YWJj\" target=\"_blank\">驱动.zip</a></span>",
        "<em class=\"xg1\">(1.5 MB, 下载次数: 7)</em></ignore_js_op>"
    ));
    assert_eq!(p.attachments.len(), 1);
    let a = &p.attachments[0];
    assert_eq!(a.name, "驱动.zip");
    assert_eq!(
        a.url.as_deref(),
        Some("https://bbs.example.test/forum.php?mod=attachment&aid=MTJ8YWJj")
    );
    assert_eq!(a.size.as_deref(), Some("1.5 MB"));
    assert!(!p.text.contains("下载次数"), "{:?}", p.text);
}

#[test]
fn hidden_content_and_banned_author_are_flagged() {
    let p = post(
        "前<div class=\"locked\">游客，如果您要查看本帖隐藏内容请<a href=\"x\">回复</a></div>后",
    );
    assert!(p.hidden);
    assert_eq!(
        p.hidden_notice.as_deref(),
        Some("游客，如果您要查看本帖隐藏内容请回复")
    );
    assert_eq!(p.text, "前\n后");
    let banned = post("<div class=\"locked\">提示: <em>作者被禁止或删除 内容自动屏蔽</em></div>");
    assert!(banned.hidden);
    assert_eq!(banned.text, "");
}

#[test]
fn lists_and_tables_become_lines() {
    let p = post(
        "<ul><li>一<font class=\"jammer\">x1 Y2</font><li>二</ul><table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>",
    );
    assert_eq!(p.text, "一\n二\na\tb\nc\td");
}

#[test]
fn relative_date_resolved_from_span_title_and_from_the_footer() {
    let page = r#"<html><head><meta charset="utf-8"></head><body><div id="postlist"><span id="thread_subject">t</span>
<div id="post_1"><table id="pid1"><tr><td class="pls"><div class="authi"><a href="space-uid-1.html" class="xw1">a</a></div></td><td class="plc">
<div class="pi"><a id="postnum1"><em>1</em></a><em id="authorposton1">发表于 <span title="2026-11-28 09:05:00">昨天&nbsp;09:05</span></em></div>
<table><tr><td class="t_f" id="postmessage_1">x</td></tr></table></td></tr></table></div>
<div id="post_2"><table id="pid2"><tr><td class="pls"><div class="authi"><a href="space-uid-2.html" class="xw1">b</a></div></td><td class="plc">
<div class="pi"><a id="postnum2"><em>2</em></a><em id="authorposton2">发表于 前天 23:59</em></div>
<table><tr><td class="t_f" id="postmessage_2">y</td></tr></table></td></tr></table></div>
</div><div id="ft"><p class="xs0">GMT+8, 2026-11-29 11:23</p></div></body></html>"#;
    let page = extract_page(page.as_bytes(), &Options::default()).unwrap();
    assert_eq!(
        page.posts[0].posted_at.as_deref(),
        Some("2026-11-28T09:05:00")
    );
    assert_eq!(page.posts[0].posted_at_text.as_deref(), Some("昨天 09:05"));
    assert_eq!(
        page.posts[1].posted_at.as_deref(),
        Some("2026-11-27T23:59:00")
    );
    assert_eq!(page.posts[1].floor, Some(2));
}

#[test]
fn charset_from_meta_gbk_reported_as_gb18030() {
    let (bytes, _, _) = encoding_rs::GB18030.encode(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\" /></head>",
    );
    let mut page = bytes.into_owned();
    let body = page_with("镕堃喆，繁體字也行", "");
    let body = String::from_utf8(body).unwrap();
    let body = body.split_once("<body>").unwrap().1;
    page.extend_from_slice(&encoding_rs::GB18030.encode(&format!("<body>{body}")).0);
    let p = extract_page(&page, &Options::default()).unwrap();
    assert_eq!(p.charset, "gb18030");
    assert_eq!(p.posts[0].text, "镕堃喆，繁體字也行");
    // Told UTF-8 explicitly, the same bytes decode lossily but never panic.
    let opts = Options {
        charset: Some(encoding_rs::UTF_8),
        ..Options::default()
    };
    let p = extract_page(&page, &opts).unwrap();
    assert_eq!(p.charset, "UTF-8");
    assert!(p.posts[0].text.contains('\u{fffd}'));
}

#[test]
fn big5_page_decodes() {
    let html = String::from_utf8(page_with("繁體中文測試，香港", "")).unwrap();
    // A Big5 board runs the traditional-Chinese language pack.
    let mut html = html.replace("charset=\"utf-8\"", "charset=\"big5\"");
    for (simplified, traditional) in [
        ("测试", "測試"),
        ("版块", "版塊"),
        ("论坛", "論壇"),
        ("发表于", "發表於"),
        ("楼主", "樓主"),
    ] {
        html = html.replace(simplified, traditional);
    }
    let (bytes, _, unmappable) = encoding_rs::BIG5.encode(&html);
    assert!(!unmappable);
    let p = extract_page(&bytes, &Options::default()).unwrap();
    assert_eq!(p.charset, "Big5");
    assert_eq!(p.posts[0].text, "繁體中文測試，香港");
    assert_eq!(p.posts[0].posted_at_text.as_deref(), Some("2026-1-2 03:04"));
    assert_eq!(p.title.as_deref(), Some("測試"));
    assert_eq!(p.posts[0].floor, Some(1));
}

#[test]
fn gates_are_errors_never_empty_threads() {
    let cases: [(&str, Option<u16>, Gate); 6] = [
        (
            "<div id=\"messagetext\"><p>抱歉，指定的主题不存在或已被删除或正在被审核</p></div>",
            None,
            Gate::NotFound,
        ),
        (
            "<html><body>whatever</body></html>",
            Some(404),
            Gate::NotFound,
        ),
        (
            "<div id=\"messagetext\"><p>抱歉，您尚未登录，没有权限访问该版块</p></div>",
            None,
            Gate::LoginRequired,
        ),
        (
            "<div id=\"messagetext\"><p>抱歉，您所在的用户组(新手上路)没有权限访问该版块</p></div>",
            None,
            Gate::NoPermission,
        ),
        (
            "<script>location.replace(location.href+'&_dsign=7e3f0a1c')</script>",
            None,
            Gate::AntiTheft,
        ),
        (
            "<title>Just a moment...</title><script>window._cf_chl_opt={}</script>",
            Some(403),
            Gate::Challenge,
        ),
    ];
    for (html, status, want) in cases {
        let opts = Options {
            status,
            ..Options::default()
        };
        match extract_page(html.as_bytes(), &opts) {
            Err(e) => assert_eq!(e.gate(), Some(want), "{html}"),
            Ok(p) => panic!("{html}: expected {want:?}, got {} posts", p.posts.len()),
        }
    }
}

/// A thread page with posts whose HTTP status is 404 (a stale mirror) is still "not found".
#[test]
fn status_404_beats_a_page_with_posts() {
    let opts = Options {
        status: Some(404),
        ..Options::default()
    };
    let err = extract_page(&page_with("x", ""), &opts).unwrap_err();
    assert_eq!(err.gate(), Some(Gate::NotFound));
}

#[test]
fn url_option_resolves_links_when_the_page_has_no_base() {
    let html = String::from_utf8(page_with("<img src=\"data/a.png\" />", "")).unwrap();
    let html = html.replace("<base href=\"https://bbs.example.test/\" />", "");
    let opts = Options {
        url: Some("http://mirror.example/bbs/forum.php?mod=viewthread&tid=5".into()),
        ..Options::default()
    };
    let p = extract_page(html.as_bytes(), &opts).unwrap();
    assert_eq!(
        p.posts[0].images[0].url,
        "http://mirror.example/bbs/data/a.png"
    );
    assert_eq!(p.tid, Some(5));
}
