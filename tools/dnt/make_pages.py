#!/usr/bin/env python3
"""Write Discuz!NT 3.x thread pages (fixtures/extract/dnt/), built from the 3.6 sources.

What each part follows (CyranoChen/DiscuzNT, 3.6.711):
- the page: templates/default/showtopic.htm (post tables `table#PID`, `td.postauthor` with the
  hidden `userinfopanel` pop-up and `div.poster`, `a.floor` "N<sup>#</sup>", `发表于` with the
  absolute time in a span's title, body `div#messagePID.t_msgfont`, `div#firstpost` on floor 1),
  _pageheader.htm (meta generator, dnt.css), the pager of Utils.GetPageNumbers (current page in
  a `<span>`, others `showtopic.aspx?topicid=T&forumpage=F&typeid=-1&page=N`, raw `&`) and the
  rewritten next link `showtopic-T-P.aspx`;
- the jammer: Caches.GetJammer (10 characters of U+0001..U+00FF, the host, 10 more,
  HttpUtility.HtmlEncode'd, in `<span class="jammer">`, one string cached for 12 minutes: the
  same on every post of both pages) and ForumUtils.AddJammer after UBB (every `<br/>` becomes
  JAMMER<br />, and one more JAMMER at the end of the message); `.jammer{color:#FFF}` in
  dnt.css, so the junk is white, not hidden.

Also writes the posts as a scraper that ignores CSS sees them (the jammer's text kept at every
line end, one post per paragraph) and as they were written: CLEAN_PREFIX.noisy.txt and
.clean.txt, for `unjam clean`.

Usage: tools/dnt/make_pages.py OUT_DIR [CLEAN_PREFIX]
"""
import html
import os
import random
import sys

HOST = "bbs.example.test"


def html_encode(s):
    # HttpUtility.HtmlEncode (.NET 4): the five specials, and U+00A0..U+00FF as numeric refs.
    out = []
    for c in s:
        o = ord(c)
        if c == "<":
            out.append("&lt;")
        elif c == ">":
            out.append("&gt;")
        elif c == "&":
            out.append("&amp;")
        elif c == '"':
            out.append("&quot;")
        elif c == "'":
            out.append("&#39;")
        elif 0xA0 <= o <= 0xFF:
            out.append("&#%d;" % o)
        else:
            out.append(c)
    return "".join(out)


def jammer(rng):
    r = lambda: "".join(chr(rng.randint(1, 255)) for _ in range(10))
    return '<span class="jammer">%s</span>' % html_encode(r() + HOST + r())


def message(lines, jam):
    # UBB with HTML off turns line breaks into <br/>; AddJammer puts the jammer before each.
    return (jam + "<br />").join(lines) + jam


POSTS = [
    # pid, uid, author, floor, title attr, shown time, lines
    (1001, 51, "林间", 1, "2011-03-05 14:22", "2011-03-05 14:22",
     ["Discuz!NT 的防采集会在每个换行前插入同一串干扰码。", "第二行：主机名夹在二十个随机字符中间。", "", "第四行，空行之后。"]),
    (1002, 52, "ivy_k", 2, "2011-03-05 16:40", "2011-03-05 16:40",
     ["It is white text on a white page, not hidden:", "    the class name gives it away."]),
    (1005, 53, "老王", 3, "2011-03-06 09:05", "昨天 09:05",
     ["回复：缓存十二分钟，所以整页都是同一串。"]),
    (1010, 51, "林间", 4, "2011-03-07 21:30", "3小时前",
     ["第二页的回复，干扰码依旧。", "最后一行"]),
]


def post_html(p, jam, tid):
    pid, uid, author, floor, title, shown, lines = p
    body = message(lines, jam)
    if floor == 1:
        body = '<div id="firstpost">%s </div>' % body
    return f'''<table id="{pid}" summary="{pid}" cellspacing="0" cellpadding="0"><tbody><tr>
<td class="postauthor" rowspan="3">
<div class="popupmenu_popup userinfopanel" id="{uid}{floor}" style="display:none; position:absolute;margin-top: -11px;">
<div class="popuserinfo"><dl class="s_clear"><dt>UID</dt><dd>{uid}&nbsp;</dd><dt>精华</dt><dd>0&nbsp;</dd><dt>帖子</dt><dd>12&nbsp;</dd></dl></div>
<p><a href="userinfo-{uid}.aspx" target="_blank" class="public_info">查看公共资料</a></p>
</div>
<div class="poster"><span class="onlineyes" title="在线">{author}</span></div>
<div class="avatar"><img src="avatars/common/0.gif" onerror="this.onerror=null;" /></div>
<p><em>新手上路</em></p>
</td>
<td class="postcontent">
<div class="pi"><strong><a href="###" class="floor" title="复制帖子链接到剪贴板" onclick="copypostlayer({tid},{pid},'/')">{floor}<sup>#</sup></a></strong>
<div class="postinfo"><em>发表于 <span title="{title}">{shown}</span></em> <span class="xg1">|</span> <a href="showtopic.aspx?topicid={tid}&postid={pid}#{pid}">只看该作者</a></div></div>
<div class="postmessage defaultpost">
<div id="topictag"></div>
<div id="message{pid}" class="t_msgfont">{body}</div>
</div>
</td></tr>
<tr><td class="postfooter"><div class="postactions"><a href="postreply.aspx?topicid={tid}&postid={pid}&quote=yes">引用</a></div></td></tr>
</tbody></table>
'''


def page(posts, jam, tid, n, pages):
    links = []
    for i in range(1, pages + 1):
        if i == n:
            links.append("<span>%d</span>" % i)
        else:
            links.append('<a href="showtopic.aspx?topicid=%d&forumpage=1&typeid=-1&page=%d">%d</a>' % (tid, i, i))
    nxt = '<a href="showtopic-%d-%d.aspx" class="next">下一页</a>' % (tid, n + 1) if n < pages else ""
    pager = ('<div class="pages_btns cl"><div class="pages"><cite class="pageback">'
             '<a id="visitedforums" href="showforum-2.aspx">返回列表</a></cite>%s%s</div></div>'
             % ("".join(links), nxt))
    body = "".join(post_html(p, jam, tid) for p in posts)
    return f'''<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Discuz!NT 下的测试帖 - 站务 - 示例论坛  - Powered by Discuz!NT</title>
<meta name="generator" content="Discuz!NT 3.6.711" />
<meta name="author" content="Discuz!NT Team and Comsenz UI Team" />
<link rel="stylesheet" href="templates/default/dnt.css" type="text/css" media="all" />
<script type="text/javascript">var forumpath = "/";var aspxrewrite = 1;var IMGDIR = 'templates/default/images';var rooturl="/";</script>
</head>
<body>
<div id="nav"><a href="index.aspx">示例论坛</a> &raquo; <a href="showforum-2.aspx">站务</a> &raquo; <span title="Discuz!NT 下的测试帖">Discuz!NT 下的测试帖</span></div>
{pager}
<form method="post" name="postsform" id="postsform" action="">
<div id="postsContainer">
<table class="posttopic" cellspacing="0" cellpadding="0"><tr><td class="posttopic"><h1 class="ts z"><span title="Discuz!NT 下的测试帖" style="cursor:pointer;">Discuz!NT 下的测试帖</span></h1></td></tr></table>
{body}</div>
</form>
{pager}
<script type="text/javascript" src="javascript/template_showtopic.js"></script>
<script type="text/javascript">var topictitle = 'Discuz!NT 下的测试帖';var maxpage = {pages};var pageid = {n};</script>
<div id="footer"><p id="copyright">Powered by <strong><a href="http://nt.discuz.net" target="_blank">Discuz!NT</a></strong> <em class="f_bold">3.6.711</em></p></div>
</body>
</html>
'''


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(711)
    jam = jammer(rng)
    tid = 77
    for n, posts in ((1, POSTS[:3]), (2, POSTS[3:])):
        with open(os.path.join(out, "showtopic-p%d.html" % n), "w", encoding="utf-8", newline="") as f:
            f.write(page(posts, jam, tid, n, 2))
    if len(sys.argv) > 2:
        text = html.unescape(jam.split(">", 1)[1].rsplit("<", 1)[0])
        noisy = "\n\n".join("\n".join(l + text for l in p[6]) for p in POSTS)
        clean = "\n\n".join("\n".join(p[6]) for p in POSTS)
        for ext, body in (("noisy", noisy), ("clean", clean)):
            with open("%s.%s.txt" % (sys.argv[2], ext), "w", encoding="utf-8", newline="") as f:
                f.write(body + "\n")


main()
