#!/usr/bin/env python3
"""Pack pages into WARC / WET files laid out the way Common Crawl writes them (test data for
`unjam extract --warc` and `unjam clean --wet`).

Layout (as CC-MAIN WARC files): a `warcinfo` record, then per capture a `request`, a `response`
and a `metadata` record; every record is its own gzip member; `WARC/1.0` (`--warc-version 1.1`
writes `WARC/1.1` and WARC-Dates with microseconds). Headers as Common Crawl writes them:
WARC-Record-ID (urn:uuid), WARC-Date, WARC-Target-URI, WARC-IP-Address, WARC-Warcinfo-ID,
WARC-Concurrent-To, WARC-Block-Digest / WARC-Payload-Digest (sha1, base32),
WARC-Identified-Payload-Type; metadata records carry `fetchTimeMs`, `charset-detected` and
`languages-cld2` warc-fields.

HTTP payloads: Common Crawl stores them de-chunked and decompressed and renames the original
`Content-Encoding`, `Transfer-Encoding` and `Content-Length` headers with an `X-Crawler-` prefix,
adding a `Content-Length` that is true for the stored payload (commoncrawl/news-crawl#30,
apache/stormcrawler#691). That is the default here. A share of the responses
(`--raw-encoding-share`) is stored the way other crawlers (wget, Heritrix, warcio) store it
instead: real `Content-Encoding: gzip` bytes, real `Transfer-Encoding: chunked` framing, or both
(gzip inside chunks). Discuz pages always get at least one of each of the three forms when the
share is > 0 and there are three or more of them. WARC-Payload-Digest is the sha1 of the stored
bytes after the HTTP head (chunk framing included), which is what warcio computes and checks.

Inputs
  --pages DIR        every *.html in DIR with its sidecar NAME.headers (raw HTTP response head, as
                     `curl -D` writes it) when there is one. URL from DIR/MANIFEST.json (base_url +
                     files[].url, the layout of shared/discuz-pages/x35-*), else from --url-map
                     FILE.json ({"name.html": "url"}; a list of URLs packs the page once per URL,
                     as if several sites served it), else http://bbs.example.test/<name>.
                     Bodies are stored byte for byte; the Content-Type keeps its charset.
                     --only-threads keeps, from a MANIFEST, only 200 thread pages with posts.
  --filler N         N non-Discuz captures: English/Chinese news, blog (WordPress), shop and wiki
                     pages in UTF-8 and GBK, 404s, 301s, PDF- and JPEG-like bodies; some HTML pages
                     carry traps (the word Discuz, a link to another site's
                     forum.php?mod=viewthread&tid=5, display:none spans). Sizes --filler-kb.
  --size-mb M        keep adding filler until the uncompressed WARC reaches M MB (10^6 bytes), with
                     the --pages captures drawn at --discuz-share of the captures (benchmark).
  --wet OUT          also write the matching WET: warcinfo + one `conversion` record per 200 HTML
                     response, text as an extractor that ignores CSS gives it (title first, then
                     body text; script/style/head dropped; display:none and font.jammer text KEPT;
                     block elements and <br> end lines; runs of whitespace collapsed, lines
                     stripped, empty lines dropped).
  --wet-from-texts DIR --variant V --wet OUT --manifest OUT.json
                     a WET whose conversion records are noise-corpus texts: DIR/posts/*/V.noisy.txt
                     (jammed), plus non-jammed records: V.clean.txt (or clean.txt) of a share
                     (--clean-share) of the posts and of every post that has no noisy file, and
                     --filler-texts N filler texts. DIR is repeatable. The manifest maps every
                     record id to its source file, kind (noisy/clean/filler) and sha1.
  --jam-texts DIR    (fixtures) for every DIR/posts/*/post.txt: render it as a Discuz X post with
                     the jammer on (the PHP jammer() of shared/jammer.md, seeded) and extract it
                     with the WET extractor: wet.noisy.txt, and with the jammer off: wet.clean.txt.
                     A post dir holding a file NOJAM gets only clean.txt.
  --jsonl-corpus OUT --from-texts DIR --lines N
                     (fixtures) a JSON Lines corpus {"id","url","lang","text"} drawn from the posts
                     of DIR: fresh jammer draws, clean texts and exact duplicate lines.
  --corrupt truncate|garbage|badheader
                     damage the WARC: cut it in the middle of a gzip member (--cut-at), put raw
                     random bytes (no gzip magic) and then a gzip member of random bytes between two
                     captures in the middle, or spoil three filler responses (a header line with no
                     colon, a Content-Length 200 too large, one 100 too small).
  --expect OUT.json  what was packed, from the inputs (not from unjam): every response's id, URL,
                     date, offset and payload form, the Discuz pages with the pids found in their
                     HTML (id="pidN"), and the damage done.

Output is a pure function of the arguments (seeded random, fixed dates, gzip mtime 0), so
fixtures regenerate byte for byte. See fixtures/warc/README.md for the commands.
"""
import argparse
import base64
import bisect
import datetime as dt
import fnmatch
import glob
import hashlib
import html
import json
import math
import os
import random
import re
import sys
import uuid
import zlib
from urllib.parse import quote, urlsplit
from html.parser import HTMLParser

CRLF = b"\r\n"
BASE_DATE = dt.datetime(2026, 11, 29, 3, 30, 0, tzinfo=dt.timezone.utc)
CRAWL = "CC-MAIN-2026-48"


def sha1_b32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def gzip_bytes(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, 31)  # gzip header with mtime 0: deterministic
    return c.compress(data) + c.flush()


def warc_date(t, version):
    if version == "1.1":
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(t):
    return t.strftime("%a, %d %b %Y %H:%M:%S GMT")


# ----------------------------------------------------------------------------------------------
# WARC writing: one gzip member per record


class WarcOut:
    def __init__(self, path, version="1.0", level=6, gz=True):
        self.f = open(path, "wb")
        self.version = version
        self.level = level
        self.gz = gz
        self.offset = 0  # compressed offset of the next member
        self.raw_bytes = 0  # uncompressed bytes written

    def record(self, headers, block, damage=None):
        """headers: [(name, value)]; a value None for Content-Length / WARC-Block-Digest is filled
        in. Returns (offset, member length)."""
        out = []
        for k, v in headers:
            if k == "Content-Length" and v is None:
                v = str(len(block))
                if damage == "cl-large":
                    v = str(len(block) + 200)
                elif damage == "cl-small":
                    v = str(len(block) - 100)
            elif k == "WARC-Block-Digest" and v is None:
                v = sha1_b32(block)
            line = f"{k}: {v}"
            if damage == "header" and k == "WARC-Date":
                line = f"{k} {v}"  # no colon: unparsable header line
            out.append(line)
        head = (f"WARC/{self.version}\r\n" + "".join(l + "\r\n" for l in out) + "\r\n").encode("utf-8")
        data = head + block + b"\r\n\r\n"
        self.raw_bytes += len(data)
        member = gzip_bytes(data, self.level) if self.gz else data
        off = self.offset
        self.f.write(member)
        self.offset += len(member)
        return off, len(member)

    def raw(self, data):
        off = self.offset
        self.f.write(data)
        self.offset += len(data)
        return off

    def close(self):
        self.f.close()


# ----------------------------------------------------------------------------------------------
# Text extraction that ignores CSS (what lands in a WET file)

BLOCK = set(
    "address article aside blockquote body br center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main menu nav ol p pre "
    "section summary table tbody thead tfoot tr td th ul caption option select textarea".split()
)
SKIP = {"script", "style", "noscript", "template", "svg", "head"}
WS = re.compile(r"[ \t\n\r\f\v]+")


class TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []
        self.cur = []
        self.skip = 0
        self.in_title = False
        self.title = []

    def flush(self):
        line = WS.sub(" ", "".join(self.cur)).strip(" ")
        if line:
            self.lines.append(line)
        self.cur = []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
            return
        if tag in SKIP:
            self.skip += 1
            return
        if tag in BLOCK and not self.skip:
            self.flush()

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK and not self.skip:
            self.flush()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
            return
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in BLOCK and not self.skip:
            self.flush()

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.skip:
            self.cur.append(data)

    def text(self):
        self.flush()
        title = WS.sub(" ", "".join(self.title)).strip(" ")
        return "\n".join(([title] if title else []) + self.lines)


def extract_text(html_str):
    p = TextExtractor()
    p.feed(html_str)
    p.close()
    return p.text()


def py_codec(charset):
    cs = (charset or "utf-8").lower().strip().strip('"')
    if cs in ("gbk", "gb2312", "gb-2312", "x-gbk", "cp936", "gb18030"):
        return "gb18030"
    if cs in ("big5", "big5-hkscs"):
        return "big5hkscs"
    try:
        "".encode(cs)
        return cs
    except LookupError:
        return "utf-8"


def sniff_charset(body, content_type=None):
    m = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    if m:
        return m.group(1)
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.I)
    return m.group(1).decode() if m else "utf-8"


def lang_of(text):
    cjk = sum(1 for c in text[:4000] if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in text[:4000] if c.isascii() and c.isalpha())
    if cjk * 3 > latin:
        return "zho,eng" if latin > cjk else "zho"
    return "eng"


# ----------------------------------------------------------------------------------------------
# Vocabulary for filler pages

EN_WORDS = """the of and to in a is that for it as was with be by on not he this are or his from at
which but have an they you were her she there been one all we their has would when if so no will
more can about out up its into them than some time could only other new these two may first then do
any like my now over such our man me even most made after also did many before must through back
years where much your way well down should because each just those people how too little state good
very make world still own see men work long get here between both life being under never day same
another know while last might us great old year off come since against go came right used take three
states himself few house use during without again place american around however home small found
though thought went say part once general high upon school every does got united left number course
war until always away something fact water less public put think almost hand enough far took head
yet government system better set told nothing night end why called didn't eyes find going look asked
later knew point next program city business give group toward young days let room president side
social present given several order national possible rather second face per among form important
often things looked early white case john become large big need four within felt along children saw
best church ever least power development light thing seemed family interest want members mind country
area others done turned although open god service problem certain kind different thus began door help
means sense whole matter perhaps itself york times law human line above name example action company
hands local show whether five history gave today either act feet across taken past quite anyone
having seen death experience body half really word week free car field money report market price
data online news update review guide product shipping cart account search share comment reply posted
read more category archive tags privacy policy terms contact about page article video photo travel
health science technology sports music food recipe weather climate energy research study university
students teacher storage battery camera phone laptop screen cable charger speaker software release
version install support forum community members login register password email subscribe newsletter
""".split()

ZH_WORDS = """我们 他们 你们 这个 那个 什么 没有 可以 已经 因为 所以 但是 如果 虽然 还是 或者 而且
然后 现在 今天 明天 昨天 时候 地方 问题 工作 学习 生活 发展 经济 社会 国家 政府 企业 市场 公司
技术 产品 服务 用户 数据 网络 信息 系统 平台 管理 建设 项目 城市 地区 人民 群众 记者 报道 新闻
消息 活动 会议 文件 政策 规定 标准 质量 安全 环境 教育 学校 学生 老师 家长 孩子 健康 医院 医生
患者 疫苗 天气 气温 降雨 交通 道路 铁路 机场 旅游 景区 游客 文化 历史 传统 艺术 音乐 电影 图书
作者 读者 编辑 评论 分享 推荐 热门 最新 更多 首页 频道 专题 视频 图片 下载 注册 登录 搜索 联系
我们 关于 隐私 声明 版权 所有 手机 电脑 笔记本 硬盘 内存 屏幕 电池 相机 价格 优惠 包邮 销量 评价
购买 加入 购物车 收藏 店铺 客服 发货 快递 退货 保障 正品 新款 尺码 颜色 规格 参数 型号 品牌 官方
百科 词条 目录 简介 概述 定义 分类 特点 结构 功能 原理 应用 影响 参考 资料 来源 编辑 历史 版本
研究 科学 实验 结果 分析 报告 调查 显示 表示 认为 指出 介绍 提出 进行 开展 加强 推进 实现 提高
增加 减少 保持 支持 推动 促进 完善 落实 重要 主要 全面 积极 有效 进一步 持续 稳定 快速 明显 不断
一个 一些 一种 这些 那些 方面 过程 方式 方法 情况 条件 能力 水平 作用 意义 目标 任务 计划 措施
""".split()

ZH_PUNCT = "，，，，、；"
CSS_PROPS = ["color", "margin", "padding", "font-size", "line-height", "border", "background",
             "display", "width", "max-width", "text-align", "float", "position", "z-index"]
SYL = ["ka", "lo", "mi", "ne", "sa", "tor", "vin", "el", "ra", "ban", "qu", "dex", "ly", "mon",
       "pa", "ri", "son", "tek", "wal", "zen", "ar", "bel", "cor", "dan", "fi", "gal", "hu", "jo"]
SERVERS = ["nginx", "nginx/1.24.0", "Apache/2.4.58 (Ubuntu)", "cloudflare", "openresty",
           "Microsoft-IIS/10.0", "LiteSpeed", "Tengine", "AmazonS3", "Apache"]
TLDS = [".com", ".org", ".net", ".co.uk", ".de", ".cn", ".com.cn", ".io", ".info"]


def zipf_cum(n, s=1.05):
    w = [1.0 / (i + 1) ** s for i in range(n)]
    cum, t = [], 0.0
    for x in w:
        t += x
        cum.append(t)
    return cum


EN_CUM = zipf_cum(len(EN_WORDS))
ZH_CUM = zipf_cum(len(ZH_WORDS))
for _w in ZH_WORDS:
    _w.encode("gbk")  # every filler page must be encodable as GBK


class Filler:
    """Deterministic filler captures: (status, headers, body, mime, charset, text) from a seeded rng."""

    REQUIRED = ["en-news", "404", "wp-blog", "pdf", "zh-news-gbk", "301", "zh-blog", "jpeg", "shop-en",
                "wiki-zh", "wiki-en", "shop-zh"]
    KINDS = [("en-news", 18), ("wp-blog", 18), ("zh-news", 8), ("zh-news-gbk", 6), ("zh-blog", 8),
             ("shop-en", 7), ("shop-zh", 5), ("wiki-en", 7), ("wiki-zh", 5), ("404", 4), ("301", 4),
             ("pdf", 2), ("jpeg", 3)]

    def __init__(self, rng, kb_min, kb_max, trap_share=0.15, bin_kb=60):
        self.rng = rng
        self.bin_kb = bin_kb
        self.kb_min, self.kb_max = kb_min, kb_max
        self.trap_share = trap_share
        self.queue = list(self.REQUIRED)
        # the first HTML pages carry one trap each (so that small fixtures have them all)
        self.traps_queue = ["discuz-word", "viewthread-link", "display-none"] if trap_share > 0 else []
        self.kind_names = [k for k, _ in self.KINDS]
        self.kind_cum = []
        t = 0
        for _, w in self.KINDS:
            t += w
            self.kind_cum.append(t)
        self.n = 0
        self.palette = []

    # --- words
    def en(self, k):
        return self.rng.choices(EN_WORDS, cum_weights=EN_CUM, k=k)

    def zh(self, k):
        return self.rng.choices(ZH_WORDS, cum_weights=ZH_CUM, k=k)

    def name(self):
        r = self.rng
        return "".join(r.choice(SYL) for _ in range(r.randint(2, 3))).capitalize()

    def host(self):
        r = self.rng
        return r.choice(["www.", "", "blog.", "news.", "shop.", "wiki."]) + self.name().lower() + r.choice(TLDS)

    def sentence_en(self):
        r = self.rng
        w = self.en(r.randint(6, 24))
        if r.random() < 0.3:
            w.insert(r.randrange(len(w)), self.name())
        if r.random() < 0.2:
            w.insert(r.randrange(len(w)), str(r.choice([r.randint(1, 99), r.randint(1990, 2026), r.randint(100, 99999)])))
        if r.random() < 0.25:
            w.insert(r.randrange(1, len(w)), w.pop(r.randrange(len(w))) + ",")
        s = " ".join(w)
        return s[0].upper() + s[1:] + r.choice(".....?!")

    def sentence_zh(self):
        r = self.rng
        parts = []
        for _ in range(r.randint(1, 3)):
            w = self.zh(r.randint(3, 10))
            if r.random() < 0.2:
                w.insert(r.randrange(len(w)), str(r.randint(2, 2026)))
            parts.append("".join(w))
        return r.choice(ZH_PUNCT).join(parts) + r.choice("。。。！？")

    def para(self, zh):
        r = self.rng
        if zh:
            return "".join(self.sentence_zh() for _ in range(r.randint(2, 6)))
        return " ".join(self.sentence_en() for _ in range(r.randint(2, 6)))

    def title(self, zh):
        r = self.rng
        if zh:
            return "".join(self.zh(r.randint(3, 7)))
        return " ".join(w.capitalize() for w in self.en(r.randint(3, 9)))

    # --- page parts (each returns html and appends its text lines)
    def css(self):
        r = self.rng
        rules = []
        for _ in range(r.randint(10, 80)):
            cls = "." + self.slug() + r.choice(["", " a", " li", ":hover", " .title", " img"])
            props = "".join(f"{r.choice(CSS_PROPS)}:{r.choice([0, 2, 4, 8, 10, 12, 16, 20, 24, 32])}px;" for _ in range(r.randint(1, 6)))
            rules.append(f"{cls}{{{props}}}")
        return "<style>" + "\n".join(rules) + "</style>"

    def js(self):
        r = self.rng
        lines = ["window.dataLayer=window.dataLayer||[];"]
        for _ in range(r.randint(3, 30)):
            fn = r.choice(SYL) + r.choice(SYL).capitalize() + r.choice(SYL).capitalize()
            lines.append(
                f"function {fn}(e,t){{var n={r.randint(0, 9999)},o=\"{r.choice(SYL)}{r.randint(0, 999)}\";"
                f"if(e&&e.{r.choice(SYL)})return t+n;return o.length>{r.randint(1, 9)}?e:null}}")
        cfg = ",".join(f'"{r.choice(SYL)}{i}":{r.randint(0, 100000)}' for i in range(r.randint(3, 25)))
        lines.append(f"var __cfg={{{cfg}}};")
        return "<script>" + "\n".join(lines) + "</script>"

    def trap(self, kind, zh, text):
        r = self.rng
        if kind == "discuz-word":
            if zh:
                s = f"本站旧论坛原来用 Discuz! X3.4 搭建，{''.join(self.zh(4))}，现在已经迁移到新平台。"
            else:
                s = (f"We moved our old Discuz! board to a new forum engine in {r.randint(2015, 2026)}; "
                     f"the {' '.join(self.en(5))} is kept read-only.")
            text.append(s)
            return f"<p>{html.escape(s)}</p>"
        if kind == "viewthread-link":
            host = "bbs." + self.name().lower() + r.choice(TLDS)
            url = f"http://{host}/forum.php?mod=viewthread&tid=5"
            a = "原帖地址" if zh else "original thread"
            pre = "详见" if zh else "See the"
            text.append(f"{pre} {a} .")
            return f'<p>{pre} <a href="{html.escape(url)}">{a}</a> .</p>'
        # display-none: hidden text inside a paragraph (an extractor that ignores CSS keeps it)
        a, b = (self.sentence_zh(), self.sentence_zh()) if zh else (self.sentence_en(), self.sentence_en())
        hidden = "".join(self.zh(3)) if zh else " ".join(self.en(4))
        text.append(f"{a} {hidden} {b}")
        return f'<p>{html.escape(a)} <span style="display:none">{html.escape(hidden)}</span> {html.escape(b)}</p>'

    def slug(self, fresh=False):
        # a site reuses its category/tag slugs everywhere (menus, cards, image names)
        if self.palette and not fresh and self.rng.random() < 0.85:
            return self.rng.choice(self.palette)
        return "-".join(self.en(self.rng.randint(1, 4))).replace("'", "")

    def label(self, zh, k=(1, 3)):
        r = self.rng
        return "".join(self.zh(r.randint(*k))) if zh else " ".join(self.en(r.randint(*k))).title()

    def menu(self, zh, host, text, n):
        r = self.rng
        items = []
        for _ in range(n):
            i = r.randint(100, 99999)
            label = self.label(zh)
            kind = r.choice(["taxonomy menu-item-object-category", "post_type menu-item-object-page", "custom menu-item-object-custom"])
            items.append(f'<li id="menu-item-{i}" class="menu-item menu-item-type-{kind} menu-item-{i}">'
                         f'<a href="https://{host}/{r.choice(["category", "tag", "topics", "page"])}/{self.slug()}/">{html.escape(label)}</a></li>')
            text.append(label)
        return items

    def cards(self, zh, host, text, n):
        r = self.rng
        out = []
        for _ in range(n):
            i, y, m = r.randint(1000, 99999), r.randint(2018, 2026), r.randint(1, 12)
            s, t = self.slug(), self.title(zh)
            img = f"https://{host}/wp-content/uploads/{y}/{m:02d}/{s}"
            out.append(
                f'<article class="post-card post-{i} post type-post status-publish format-standard has-post-thumbnail '
                f'hentry category-{self.slug()}"><a href="https://{host}/{y}/{m:02d}/{s}/" class="post-thumbnail" aria-hidden="true">'
                f'<img width="300" height="200" src="{img}-300x200.jpg" class="attachment-medium size-medium wp-post-image" '
                f'alt="" loading="lazy" decoding="async" srcset="{img}-300x200.jpg 300w, {img}-768x512.jpg 768w, {img}.jpg 1200w" '
                f'sizes="(max-width: 300px) 100vw, 300px"></a><h3 class="entry-title"><a href="https://{host}/{y}/{m:02d}/{s}/" '
                f'rel="bookmark">{html.escape(t)}</a></h3></article>')
            text.append(t)
        return out

    def svg(self):
        r = self.rng
        syms = []
        for _ in range(r.randint(2, 8)):
            d = "M" + " ".join(f"{r.randint(0, 24)} {r.randint(0, 24)}.{r.randint(0, 9)}"
                               + r.choice(["L", "C", " ", "l", "c"]) for _ in range(r.randint(4, 12))) + "z"
            syms.append(f'<symbol id="icon-{r.choice(SYL)}{r.choice(SYL)}" viewBox="0 0 24 24"><path d="{d}"></path></symbol>')
        return '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">' + "".join(syms) + "</svg>"

    def jsonld(self, title, host, path):
        r = self.rng
        d = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "@id": f"https://{host}{path}", "url": f"https://{host}{path}", "name": title,
             "isPartOf": {"@id": f"https://{host}/#website"}, "datePublished": f"{r.randint(2018, 2026)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}T0{r.randint(0, 9)}:1{r.randint(0, 9)}:00+00:00",
             "breadcrumb": {"@id": f"https://{host}{path}#breadcrumb"}, "inLanguage": "en-US"},
            {"@type": "BreadcrumbList", "@id": f"https://{host}{path}#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": i + 1, "name": self.slug(), "item": f"https://{host}/{self.slug()}/"} for i in range(r.randint(2, 4))]}]}
        return '<script type="application/ld+json">' + json.dumps(d, ensure_ascii=False) + "</script>"

    def page(self, kind, host, path):
        """HTML in the proportions of real pages (markup and script far outweigh the text) and the
        text an extractor that ignores CSS gives for it, line by line in document order."""
        r = self.rng
        zh = kind.startswith("zh") or kind.endswith("-zh")
        target = self.size()
        self.palette = []
        self.palette = [self.slug(True) for _ in range(r.randint(8, 30))]
        title = self.title(zh)
        site = self.name()
        t_head, t_top, t_main, t_side, t_foot = [f"{title} - {site}"], [], [], [], []
        head = ['<!DOCTYPE html>', f'<html lang="{"zh-CN" if zh else "en-US"}">', "<head>",
                '<meta charset="{CHARSET}">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{html.escape(title)} - {site}</title>",
                f'<meta name="description" content="{html.escape(self.sentence_zh() if zh else self.sentence_en())}">',
                f'<link rel="canonical" href="https://{host}{html.escape(path)}">']
        for _ in range(r.randint(2, 8)):
            head.append(f"<link rel='stylesheet' id='{self.slug()}-css' href='https://{host}/wp-content/plugins/{self.slug()}/assets/css/style.min.css?ver={r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)}' media='all' />")
        if kind == "wp-blog":
            head.append(f'<meta name="generator" content="WordPress {r.choice(["6.4.2", "6.5.3", "6.6.1", "5.9.8"])}">')
        head += [self.css(), self.js(), self.jsonld(title, host, path), "</head>"]
        top = [f'<body class="{"-".join(self.en(2))} {kind} wp-custom-logo">', self.svg(), '<div id="page" class="site">',
               f'<header id="masthead" class="site-header"><div class="site-branding"><a href="https://{host}/" rel="home">{site}</a></div>',
               '<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu nav-menu">']
        t_top.append(site)
        top += self.menu(zh, host, t_top, r.randint(6, 30))
        top.append("</ul></nav></header>")
        main = [f'<main id="main" class="site-main"><article class="post type-post status-publish"><header class="entry-header">'
                f'<h1 class="entry-title">{html.escape(title)}</h1>']
        t_main.append(title)
        meta = (f"{r.randint(2019, 2026)}年{r.randint(1, 12)}月{r.randint(1, 28)}日 {''.join(self.zh(2))}"
                if zh else f"Posted on {r.choice(['March', 'June', 'October'])} {r.randint(1, 28)}, {r.randint(2019, 2026)} by {self.name()}")
        main.append(f'<div class="entry-meta"><span class="posted-on">{html.escape(meta)}</span></div></header><div class="entry-content">')
        t_main.append(meta)
        side, foot = [], []
        # chrome (menus, cards, widgets) first, up to its share of the page, then the text
        size = lambda parts: sum(len(x) for x in parts)
        chrome_target = target * r.uniform(0.65, 0.88)
        side.append('<aside id="secondary" class="widget-area">')
        while size(head) + size(top) + size(side) < chrome_target:
            wt = self.label(zh)
            side.append(f'<section class="widget widget_{self.slug()}"><h2 class="widget-title">{html.escape(wt)}</h2>')
            t_side.append(wt)
            if r.random() < 0.5:
                side.append('<div class="related-posts">')
                side += self.cards(zh, host, t_side, r.randint(2, 8))
                side.append("</div>")
            else:
                side.append('<ul class="menu">')
                side += self.menu(zh, host, t_side, r.randint(4, 20))
                side.append("</ul>")
            side.append("</section>")
        side.append("</aside>")
        traps = []
        if self.traps_queue:
            traps.append(self.traps_queue.pop(0))
        elif r.random() < self.trap_share:
            traps.append(r.choice(["discuz-word", "viewthread-link", "display-none"]))
        if kind.startswith("shop"):
            main.append('<div class="products">')
            for _ in range(r.randint(4, 16)):
                pname = self.title(zh)
                price = f"{r.randint(1, 999)}.{r.randint(0, 99):02d}"
                cur = "¥" if zh else "$"
                main.append(f'<div class="product"><img src="/img/{r.randint(10000, 99999)}.jpg" alt="">'
                            f'<h3><a href="/p/{r.randint(1000, 999999)}">{html.escape(pname)}</a></h3>'
                            f'<span class="price">{cur}{price}</span></div>')
                t_main += [pname, f"{cur}{price}"]
            main.append("</div>")
        if kind.startswith("wiki"):
            rows = []
            for _ in range(r.randint(4, 12)):
                k, v = (("".join(self.zh(1)), "".join(self.zh(3))) if zh else
                        (" ".join(self.en(1)).title(), " ".join(self.en(3))))
                rows.append(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>")
                t_main += [k, v]
            main.append('<table class="infobox">' + "".join(rows) + "</table>")
        foot_txt = (f"Copyright {r.randint(2005, 2026)} {site} 版权所有" if zh else
                    f"© {r.randint(2005, 2026)} {site}. All rights reserved.")
        foot_menu = self.menu(zh, host, t_foot, r.randint(4, 16))
        t_foot.append(foot_txt)
        foot = ['<footer id="colophon" class="site-footer"><ul class="footer-menu">'] + foot_menu + \
               [f'</ul><div class="site-info"><p>{html.escape(foot_txt)}</p></div></footer></div>',
                f'<script src="https://{host}/wp-includes/js/app.min.js?ver={r.randint(100000, 999999)}" id="app-js"></script></body></html>']
        fixed = size(head) + size(top) + size(side) + size(foot) + size(main)
        text_bytes = 0
        while fixed + text_bytes < target or not t_main[2:]:
            if traps and r.random() < 0.3:
                s = self.trap(traps.pop(0), zh, t_main)
            elif r.random() < 0.12:
                h = self.title(zh)
                s = f'<h2 class="wp-block-heading" id="{self.slug()}">{html.escape(h)}</h2>'
                t_main.append(h)
            elif r.random() < 0.08:
                items = [self.sentence_zh() if zh else self.sentence_en() for _ in range(r.randint(2, 6))]
                s = '<ul class="wp-block-list">' + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
                t_main.extend(items)
            else:
                p = self.para(zh)
                t_main.append(p)
                s = f"<p>{html.escape(p)}</p>"
            main.append(s)
            text_bytes += len(s.encode("utf-8"))
        for t in traps:
            main.append(self.trap(t, zh, t_main))
        main.append("</div></article></main>")
        page = "\n".join(head + top + main + side + foot) + "\n"
        return page, "\n".join(t_head + t_top + t_main + t_side + t_foot)

    def size(self):
        r = self.rng
        kb = math.exp(r.gauss(math.log(30), 0.8))
        return int(min(max(kb, self.kb_min), self.kb_max) * 1024)

    def next(self, host, path):
        """-> dict(status, reason, headers(list), body, mime, charset, text or None, kind)"""
        r = self.rng
        self.n += 1
        if self.queue:
            kind = self.queue.pop(0)
        else:
            kind = self.kind_names[bisect.bisect(self.kind_cum, r.random() * self.kind_cum[-1])]
        now = None  # filled by caller
        if kind == "404":
            body = (f"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1>"
                    f"</center><hr><center>nginx</center></body></html>\n").encode()
            return dict(kind=kind, status=404, reason="Not Found", body=body, mime="text/html",
                        ctype="text/html", charset=None, text=None)
        if kind == "301":
            loc = f"https://{host}{path}{'/' if not path.endswith('/') else ''}"
            body = (f'<html><head><title>301 Moved Permanently</title></head><body><h1>Moved Permanently</h1>'
                    f'<p>The document has moved <a href="{html.escape(loc)}">here</a>.</p></body></html>\n').encode()
            return dict(kind=kind, status=301, reason="Moved Permanently", body=body, mime="text/html",
                        ctype="text/html; charset=iso-8859-1", charset=None, text=None, location=loc)
        if kind == "pdf":
            n = min(self.size(), int(self.bin_kb * 1024))
            body = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n" +
                    b"4 0 obj\n<</Length %d/Filter/FlateDecode>>\nstream\n" % n + r.randbytes(n) +
                    b"\nendstream\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n")
            return dict(kind=kind, status=200, reason="OK", body=body, mime="application/pdf",
                        ctype="application/pdf", charset=None, text=None)
        if kind == "jpeg":
            n = min(self.size(), int(self.bin_kb * 1024))
            body = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00\xff\xdb\x00\x43\x00"
                    + r.randbytes(n) + b"\xff\xd9")
            return dict(kind=kind, status=200, reason="OK", body=body, mime="image/jpeg",
                        ctype="image/jpeg", charset=None, text=None)
        charset = "gbk" if kind.endswith("-gbk") else "utf-8"
        page, text = self.page(kind, host, path)
        page = page.replace("{CHARSET}", charset)
        body = page.encode(charset)
        return dict(kind=kind, status=200, reason="OK", body=body, mime="text/html",
                    ctype=f"text/html; charset={'GBK' if charset == 'gbk' else 'UTF-8'}",
                    charset=charset, text=text)


# ----------------------------------------------------------------------------------------------
# Discuz X jammer (shared/jammer.md) for own fixture texts


def php_jammer(rng):
    s, i = [], 0
    while i < rng.randint(5, 15):  # the loop bound is re-drawn on every test, as in PHP
        s.append(chr(rng.randint(32, 59)) + " " + chr(rng.randint(63, 126)))
        i += 1
    s = "".join(s)
    if rng.randint(0, 1):
        return '<font class="jammer">' + s + "</font>\r\n"
    return '\r\n<span style="display:none">' + s + "</span>"


def render_post(text, rng, jam, pid=1):
    msg = html.escape(text, quote=False).replace("\r\n", "\n").replace("\r", "\n")
    if jam:
        msg = re.sub("\n", lambda m: php_jammer(rng), msg)
    msg = msg.replace("\t", "&nbsp; &nbsp; &nbsp; &nbsp; ").replace("   ", "&nbsp; &nbsp;").replace("  ", "&nbsp;&nbsp;")
    msg = re.sub(r"(\r\n|\n|\r)", r"<br />\1", msg)
    return (f'<html><head><title>t</title></head><body><table><tr><td class="t_f" id="postmessage_{pid}">\r\n'
            f"{msg}</td></tr></table></body></html>")


def post_text(page_html):
    return "\n".join(extract_text(page_html).split("\n")[1:])  # drop the title line


def jam_texts(root, rng):
    for d in sorted(glob.glob(os.path.join(root, "posts", "*"))):
        src = os.path.join(d, "post.txt")
        if not os.path.isfile(src):
            continue
        text = open(src, encoding="utf-8").read().rstrip("\n")
        pid = int(hashlib.sha1(d.encode()).hexdigest()[:6], 16) % 100000
        clean = post_text(render_post(text, rng, False, pid))
        if os.path.exists(os.path.join(d, "NOJAM")):
            write_text(os.path.join(d, "clean.txt"), clean)
            continue
        write_text(os.path.join(d, "wet.noisy.txt"), post_text(render_post(text, rng, True, pid)))
        write_text(os.path.join(d, "wet.clean.txt"), clean)
        print(f"jammed {d}", file=sys.stderr)


def write_text(path, s):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(s)


# ----------------------------------------------------------------------------------------------
# HTTP response blocks


def parse_head(raw):
    """Raw HTTP response head (curl -D) -> (status line, [(name, value)])."""
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    # curl -D with redirects followed writes several heads: keep the last
    heads, cur = [], []
    for l in lines:
        if l.strip() == b"":
            if cur:
                heads.append(cur)
            cur = []
        else:
            cur.append(l.decode("latin-1"))
    if cur:
        heads.append(cur)
    head = heads[-1]
    hdrs = []
    for l in head[1:]:
        if ":" in l:
            k, v = l.split(":", 1)
            hdrs.append((k.strip(), v.strip()))
    return head[0].strip(), hdrs


def chunk(body, rng):
    out, i = [], 0
    while i < len(body):
        n = rng.choice([8192, 4096, rng.randint(1, 16000)])
        part = body[i:i + n]
        out.append(b"%x\r\n" % len(part) + part + b"\r\n")
        i += n
    out.append(b"0\r\n\r\n")
    return b"".join(out)


def response_block(status_line, hdrs, body, form, rng):
    """Build the HTTP response as stored in the WARC. form: cc | gzip | chunked | gzip+chunked.
    hdrs are the headers the server sent (may already name Content-Encoding etc.)."""
    out = []
    if form == "cc":
        # as Common Crawl: payload stored decoded; original headers masked with X-Crawler-
        had_cl = False
        for k, v in hdrs:
            lk = k.lower()
            if lk in ("content-encoding", "transfer-encoding", "content-length"):
                out.append(("X-Crawler-" + k, v))
                if lk == "content-length":
                    out.append(("Content-Length", str(len(body))))
                    had_cl = True
            else:
                out.append((k, v))
        if not had_cl:
            out.append(("Content-Length", str(len(body))))
        payload = body
    else:
        out = [(k, v) for k, v in hdrs if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
        payload = body
        if "gzip" in form:
            payload = gzip_bytes(body, 6)
            out.append(("Content-Encoding", "gzip"))
        if "chunked" in form:
            out.append(("Transfer-Encoding", "chunked"))
            payload = chunk(payload, rng)
        else:
            out.append(("Content-Length", str(len(payload))))
    head = status_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in out) + "\r\n"
    return head.encode("latin-1"), payload


def server_headers(rng, t, cap):
    """Plausible headers as a server sends them (before Common Crawl's masking)."""
    h = [("Date", http_date(t)), ("Server", rng.choice(SERVERS)), ("Content-Type", cap["ctype"])]
    if cap["status"] == 301:
        h.append(("Location", cap["location"]))
    if rng.random() < 0.6:
        h.append(("Vary", "Accept-Encoding"))
    if rng.random() < 0.5:
        h.append(("Cache-Control", rng.choice(["max-age=600", "no-cache", "public, max-age=3600", "private, max-age=0, must-revalidate"])))
    if rng.random() < 0.4:
        h.append(("Last-Modified", http_date(t - dt.timedelta(days=rng.randint(1, 900)))))
        h.append(("ETag", '"%x-%x"' % (rng.getrandbits(32), rng.getrandbits(24))))
    if cap["kind"] == "wp-blog":
        h.append(("Link", f'<https://example/wp-json/>; rel="https://api.w.org/"'))
        h.append(("X-Powered-By", "PHP/8.1.%d" % rng.randint(2, 29)))
    if rng.random() < 0.25:
        h.append(("Set-Cookie", "sid=%x; path=/; HttpOnly" % rng.getrandbits(64)))
    h.append(("Connection", rng.choice(["keep-alive", "close"])))
    compressible = cap["mime"].startswith("text/")
    if compressible and rng.random() < 0.8:
        h.append(("Content-Encoding", "gzip"))
        if rng.random() < 0.5:
            h.append(("Transfer-Encoding", "chunked"))
        else:  # the compressed length the server announced (an estimate: nobody can check it)
            h.append(("Content-Length", str(int(len(cap["body"]) * rng.uniform(0.18, 0.32)))))
    elif rng.random() < 0.3:
        h.append(("Transfer-Encoding", "chunked"))
    else:
        h.append(("Content-Length", str(len(cap["body"]))))
    return h


def request_block(url):
    u = urlsplit(url)
    path = (u.path or "/") + ("?" + u.query if u.query else "")
    return (f"GET {path} HTTP/1.1\r\n"
            "User-Agent: CCBot/2.0 (https://commoncrawl.org/faq/)\r\n"
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            "Accept-Language: en-US,en;q=0.5\r\n"
            "Accept-Encoding: br,gzip\r\n"
            f"Host: {u.netloc}\r\n"
            "Connection: Keep-Alive\r\n\r\n").encode("latin-1")


def cld2(lang, nbytes):
    if lang.startswith("zho"):
        langs = [{"code": "zh", "code-iso-639-3": "zho", "text-covered": 0.96, "score": 1480.0, "name": "Chinese"}]
        if "eng" in lang:
            langs.append({"code": "en", "code-iso-639-3": "eng", "text-covered": 0.03, "score": 820.0, "name": "ENGLISH"})
    else:
        langs = [{"code": "en", "code-iso-639-3": "eng", "text-covered": 0.99, "score": 906.0, "name": "ENGLISH"}]
    return json.dumps({"reliable": True, "text-bytes": nbytes, "languages": langs}, separators=(",", ":"))


# ----------------------------------------------------------------------------------------------
# Inputs: pages


def load_pages(dirs, url_map, only_threads, include):
    pages = []
    for d in dirs:
        manifest = {}
        mpath = os.path.join(d, "MANIFEST.json")
        if os.path.exists(mpath):
            m = json.load(open(mpath, encoding="utf-8"))
            base = m.get("server", {}).get("base_url", "").rstrip("/")
            for f in m.get("files", []):
                manifest[f["file"]] = dict(f, full_url=base + f["url"])
        for p in sorted(glob.glob(os.path.join(d, "*.html"))):
            name = os.path.basename(p)
            if include and not any(fnmatch.fnmatch(name, g) for g in include):
                continue
            info = manifest.get(name)
            if only_threads and manifest:
                if not info or info.get("http_status") != 200 or not info.get("posts") or \
                        info.get("kind") not in ("viewthread", "mobile", "printable", "archiver"):
                    continue
            if name in url_map:
                url = url_map[name]
            elif info:
                url = info["full_url"]
            else:
                url = "http://bbs.example.test/" + name
            body = open(p, "rb").read()
            hp = p[:-5] + ".headers"
            if os.path.exists(hp):
                status, hdrs = parse_head(open(hp, "rb").read())
            else:
                cs = sniff_charset(body)
                status, hdrs = "HTTP/1.1 200 OK", [("Content-Type", f"text/html; charset={cs}")]
            ctype = next((v for k, v in hdrs if k.lower() == "content-type"), "text/html")
            charset = sniff_charset(body, ctype)
            pids = []
            for m_ in re.finditer(rb'id="(?:pid|postmessage_)(\d+)"', body):
                if int(m_.group(1)) not in pids:
                    pids.append(int(m_.group(1)))
            # a url-map value may be a list: the same page captured under each URL (other sites)
            for u in (url if isinstance(url, list) else [url]):
                pages.append(dict(file=os.path.join(d, name), name=name, url=u, body=body, status_line=status,
                                  hdrs=hdrs, charset=charset, pids=pids, kind="discuz", mime="text/html",
                                  status=int(status.split()[1]) if len(status.split()) > 1 else 200))
    return pages


def ip_for(host, rng_seed):
    h = hashlib.sha1(f"{rng_seed}:{host}".encode()).digest()
    return f"{h[0] % 200 + 20}.{h[1]}.{h[2]}.{h[3] % 250 + 1}"


# ----------------------------------------------------------------------------------------------
# Main packing


def pack(args):
    rng = random.Random(args.seed)
    ver = args.warc_version
    url_map = json.load(open(args.url_map, encoding="utf-8")) if args.url_map else {}
    pages = load_pages(args.pages, url_map, args.only_threads, args.include) if args.pages else []
    filler = Filler(random.Random(args.seed * 7919 + 1), args.kb_min, args.kb_max, args.trap_share, args.binary_kb)

    def new_id():
        return f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>"

    # raw-encoding forms for the Discuz pages: at least one of each when the share is > 0
    forms = ["gzip", "chunked", "gzip+chunked"]
    discuz_raw = {}
    if args.raw_encoding_share > 0 and pages:
        k = max(min(3, len(pages)), round(args.raw_encoding_share * len(pages)))
        picks = rng.sample(range(len(pages)), k)
        for j, i in enumerate(sorted(picks)):
            discuz_raw[i] = forms[j % 3]

    # the capture plan: Discuz pages spread evenly between the filler (or drawn at --discuz-share)
    plan = []
    if args.size_mb is None:
        n = args.filler + len(pages)
        slots = sorted({round((i + 0.5) * n / max(1, len(pages))) for i in range(len(pages))})
        pi = 0
        for i in range(n):
            if pi < len(pages) and (i in slots or n - i <= len(pages) - pi):
                plan.append(("page", pi))
                pi += 1
            else:
                plan.append(("filler", None))
    out = WarcOut(args.out, ver, args.level)
    wet = WarcOut(args.wet, ver, args.level) if args.wet else None
    t = BASE_DATE
    info_id = new_id()
    fname = os.path.basename(args.out)
    info = (f"isPartOf: {CRAWL}\r\npublisher: Common Crawl\r\n"
            f"description: Synthetic crawl in the Common Crawl layout (unjam tools/warc/make_warc.py, seed {args.seed})\r\n"
            f"operator: unjam test data\r\nhostname: ip-10-0-0-1.ec2.internal\r\n"
            f"software: unjam make_warc.py (Common Crawl record layout)\r\n"
            f"robots: checked via crawler-commons 1.4 (https://github.com/crawler-commons/crawler-commons)\r\n"
            f"format: WARC File Format {ver}\r\n"
            f"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-{ver}/\r\n").encode()
    out.record([("WARC-Type", "warcinfo"), ("WARC-Date", warc_date(t, ver)), ("WARC-Filename", fname),
                ("WARC-Record-ID", info_id), ("Content-Type", "application/warc-fields"),
                ("Content-Length", None)], info)
    if wet:
        wet_info_id = new_id()
        wi = (f"Software-Info: unjam make_warc.py (text extraction ignoring CSS)\r\n"
              f"Extracted-Date: {http_date(t)}\r\nrobots: checked via crawler-commons\r\n"
              f"isPartOf: {CRAWL}\r\noperator: unjam test data\r\n"
              f"description: WET of {fname}\r\npublisher: Common Crawl\r\n").encode()
        wet.record([("WARC-Type", "warcinfo"), ("WARC-Date", warc_date(t, ver)),
                    ("WARC-Filename", os.path.basename(args.wet)), ("WARC-Record-ID", wet_info_id),
                    ("Content-Type", "application/warc-fields"), ("Content-Length", None)], wi)

    expect = dict(generator="tools/warc/make_warc.py", argv=sys.argv[1:], warc=fname, warc_version=ver,
                  records=1, captures=0, responses=[], discuz=[], wet_records=0, damage=[])
    damaged = {}
    n_filler_html = 0
    if args.corrupt == "badheader":
        pass  # chosen below among filler responses as they come
    total_captures = len(plan) if plan else None
    garbage_at = (total_captures // 2) if (args.corrupt == "garbage" and plan) else None
    if garbage_at is not None:
        # make sure a Discuz capture follows the garbage: swap the next page slot to garbage_at
        for j in range(garbage_at, len(plan)):
            if plan[j][0] == "page":
                plan[garbage_at], plan[j] = plan[j], plan[garbage_at]
                break
    bad_kinds = ["header", "cl-large", "cl-small"]
    dpi = 0
    ci = 0
    truncate_target = None
    while True:
        if plan:
            if ci >= len(plan):
                break
            what, pi = plan[ci]
        else:
            if out.raw_bytes >= args.size_mb * 1e6:
                break
            if pages and rng.random() < args.discuz_share:
                if dpi % len(pages) == 0:  # every page once per round, in a seeded order
                    order = rng.sample(range(len(pages)), len(pages))
                what, pi = "page", order[dpi % len(pages)]
                dpi += 1
            else:
                what, pi = "filler", None
        if garbage_at is not None and ci == garbage_at:
            g = bytearray(rng.randbytes(2048))
            for j in range(len(g) - 1):
                if g[j] == 0x1F and g[j + 1] == 0x8B:
                    g[j + 1] = 0x8A
            off = out.raw(bytes(g))
            gz = gzip_bytes(rng.randbytes(1500))
            off2 = out.raw(gz)
            expect["damage"].append(dict(kind="garbage-bytes", offset=off, length=len(g),
                                         note="raw random bytes, no gzip magic, between two captures"))
            expect["damage"].append(dict(kind="garbage-member", offset=off2, length=len(gz),
                                         note="a valid gzip member whose content is random bytes, not a WARC record"))
        ci += 1
        t = t + dt.timedelta(seconds=rng.randint(0, 20), microseconds=rng.randint(0, 999999) if ver == "1.1" else 0)
        if what == "page":
            p = pages[pi]
            url, body, status_line, hdrs = p["url"], p["body"], p["status_line"], p["hdrs"]
            if plan:
                form = discuz_raw.get(pi, "cc")
            else:
                form = "cc" if rng.random() >= args.raw_encoding_share else rng.choice(forms)
            cap = dict(kind="discuz", mime="text/html", charset=p["charset"], text=None, status=p["status"], body=body)
        else:
            host = filler.host()
            path = "/" + "/".join(quote(w) for w in filler.en(rng.randint(1, 4))) + rng.choice(["", "/", ".html", ".php?id=%d" % rng.randint(1, 99999)])
            cap = filler.next(host, path)
            url = f"{'https' if rng.random() < 0.8 else 'http'}://{host}{path}"
            status_line = f"HTTP/1.1 {cap['status']} {cap['reason']}"
            hdrs = server_headers(rng, t - dt.timedelta(seconds=1), cap)
            body = cap["body"]
            form = "cc" if rng.random() >= args.raw_encoding_share else rng.choice(forms)
        host = re.sub(r"^\w+://([^/:]+).*$", r"\1", url)
        ip = ip_for(host, args.seed)
        http_head, payload = response_block(status_line, hdrs, body, form, rng)
        block = http_head + payload
        req_id, resp_id, meta_id = new_id(), new_id(), new_id()
        wd = warc_date(t, ver)
        req = request_block(url)
        out.record([("WARC-Type", "request"), ("WARC-Date", wd), ("WARC-Record-ID", req_id),
                    ("Content-Length", None), ("Content-Type", "application/http; msgtype=request"),
                    ("WARC-Warcinfo-ID", info_id), ("WARC-IP-Address", ip), ("WARC-Target-URI", url),
                    ("WARC-Block-Digest", None)], req)
        damage = None
        if args.corrupt == "badheader" and what == "filler" and cap["mime"] == "text/html" and bad_kinds:
            n_filler_html += 1
            if n_filler_html % 2 == 0:
                damage = bad_kinds.pop(0)
        if args.corrupt == "truncate" and truncate_target is None and plan and ci > len(plan) * args.cut_at:
            truncate_target = resp_id
        hh = [("WARC-Type", "response"), ("WARC-Date", wd), ("WARC-Record-ID", resp_id),
              ("Content-Length", None), ("Content-Type", "application/http; msgtype=response"),
              ("WARC-Warcinfo-ID", info_id), ("WARC-Concurrent-To", req_id), ("WARC-IP-Address", ip),
              ("WARC-Target-URI", url), ("WARC-Payload-Digest", sha1_b32(payload)),
              ("WARC-Block-Digest", None), ("WARC-Identified-Payload-Type", cap["mime"])]
        off, mlen = out.record(hh, block, damage)
        if damage:
            expect["damage"].append(dict(kind=damage, offset=off, length=mlen, warc_record_id=resp_id, url=url))
        if truncate_target == resp_id and "cut" not in damaged:
            damaged["cut"] = (off, mlen, resp_id, url)
        is_html = cap["mime"] == "text/html" and cap["status"] == 200
        text = None
        if is_html:  # the text: for the WET and for the metadata record's languages-cld2
            text = cap["text"]
            if text is None or args.self_check:
                parsed = extract_text(body.decode(py_codec(cap["charset"]), errors="replace"))
                if text is not None and parsed != text:
                    raise SystemExit(f"self-check: model text != parsed text for {url}\n{text[:300]!r}\n{parsed[:300]!r}")
                text = parsed
        lang = lang_of(text) if text else None
        mfields = f"fetchTimeMs: {rng.randint(15, 2500)}\r\n"
        if is_html:
            cs = {"gbk": "GB18030", "gb2312": "GB18030"}.get((cap["charset"] or "utf-8").lower(), (cap["charset"] or "UTF-8").upper())
            mfields += f"charset-detected: {cs}\r\nlanguages-cld2: {cld2(lang, len(text.encode()))}\r\n"
        out.record([("WARC-Type", "metadata"), ("WARC-Date", wd), ("WARC-Record-ID", meta_id),
                    ("Content-Length", None), ("Content-Type", "application/warc-fields"),
                    ("WARC-Warcinfo-ID", info_id), ("WARC-Concurrent-To", resp_id), ("WARC-Target-URI", url)],
                   mfields.encode())
        expect["records"] += 3
        expect["captures"] += 1
        if wet and is_html:
            tb = text.encode("utf-8")
            wet.record([("WARC-Type", "conversion"), ("WARC-Target-URI", url), ("WARC-Date", wd),
                        ("WARC-Record-ID", new_id()), ("WARC-Refers-To", resp_id), ("WARC-Block-Digest", None),
                        ("WARC-Identified-Content-Language", lang), ("Content-Type", "text/plain"),
                        ("Content-Length", None)], tb)
            expect["wet_records"] += 1
        r = dict(warc_record_id=resp_id, warc_date=wd, url=url, offset=off, length=mlen, status=cap["status"],
                 mime=cap["mime"], payload_form=form, discuz=what == "page", kind=cap.get("kind"))
        if plan or len(expect["responses"]) < 5000:
            expect["responses"].append(r)
        if what == "page":
            expect["discuz"].append(dict(r, file=os.path.relpath(pages[pi]["file"]), pids=pages[pi]["pids"]))
    out.close()
    if wet:
        wet.close()
    if args.corrupt == "truncate":
        off, mlen, rid, url = damaged["cut"]
        cut = off + mlen // 2
        os.truncate(args.out, cut)
        expect["damage"].append(dict(kind="truncate", offset=off, length=mlen, cut_at=cut, warc_record_id=rid, url=url,
                                     note="file cut in the middle of this response's gzip member; nothing follows"))
        for r in expect["responses"]:
            r["readable"] = r["offset"] + r["length"] <= cut
        for r in expect["discuz"]:
            r["readable"] = r["offset"] + r["length"] <= cut
    expect["uncompressed_bytes"] = out.raw_bytes
    expect["compressed_bytes"] = os.path.getsize(args.out)
    if args.expect:
        with open(args.expect, "w", encoding="utf-8") as f:
            json.dump(expect, f, ensure_ascii=False, indent=1)
            f.write("\n")
    print(f"make_warc: {args.out}: {expect['captures']} captures ({len(expect['discuz'])} Discuz), "
          f"{expect['records']} records, {out.raw_bytes / 1e6:.1f} MB uncompressed, "
          f"{expect['compressed_bytes'] / 1e6:.1f} MB gzip" + (f"; {args.wet}: {expect['wet_records']} conversion records" if wet else ""),
          file=sys.stderr)
    return expect


# ----------------------------------------------------------------------------------------------
# WET from noise-corpus texts


def wet_from_texts(args):
    rng = random.Random(args.seed)
    ver = args.warc_version

    def new_id():
        return f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>"

    items = []
    for root in args.wet_from_texts:
        for d in sorted(glob.glob(os.path.join(root, "posts", "*"))):
            pid = os.path.basename(d)
            noisy = os.path.join(d, f"{args.variant}.noisy.txt")
            clean = next((c for c in (os.path.join(d, f"{args.variant}.clean.txt"), os.path.join(d, "clean.txt"))
                          if os.path.exists(c)), None)
            if os.path.exists(noisy):
                items.append(("noisy", pid, noisy))
                if clean and rng.random() < args.clean_share:
                    items.append(("clean", pid, clean))
            elif clean:
                items.append(("clean", pid, clean))
    filler = Filler(random.Random(args.seed + 17), 2, 6)
    for i in range(args.filler_texts):
        zh = i % 2 == 1
        items.append(("filler", f"filler-{i + 1}", "\n".join(filler.para(zh) for _ in range(rng.randint(2, 5)))))
    rng.shuffle(items)
    w = WarcOut(args.wet, ver, args.level)
    t = BASE_DATE
    w.record([("WARC-Type", "warcinfo"), ("WARC-Date", warc_date(t, ver)), ("WARC-Filename", os.path.basename(args.wet)),
              ("WARC-Record-ID", new_id()), ("Content-Type", "application/warc-fields"), ("Content-Length", None)],
             (f"Software-Info: unjam make_warc.py --wet-from-texts (variant {args.variant})\r\n"
              f"isPartOf: {CRAWL}\r\npublisher: Common Crawl\r\n").encode())
    manifest = {}
    for kind, pid, src in items:
        t = t + dt.timedelta(seconds=rng.randint(1, 30))
        if kind == "filler":
            text, source = src, None
        else:
            text, source = open(src, "rb").read().decode("utf-8"), src
        url = f"http://corpus.test/{pid}" + ("/clean" if kind == "clean" else "")
        rid = new_id()
        tb = text.encode("utf-8")
        off, mlen = w.record([("WARC-Type", "conversion"), ("WARC-Target-URI", url), ("WARC-Date", warc_date(t, ver)),
                              ("WARC-Record-ID", rid), ("WARC-Refers-To", new_id()), ("WARC-Block-Digest", None),
                              ("WARC-Identified-Content-Language", lang_of(text)), ("Content-Type", "text/plain"),
                              ("Content-Length", None)], tb)
        manifest[rid] = dict(kind=kind, post=pid, source=source, url=url, sha1=hashlib.sha1(tb).hexdigest(),
                             bytes=len(tb), offset=off)
    w.close()
    if args.manifest:
        with open(args.manifest, "w", encoding="utf-8") as f:
            json.dump(dict(generator="tools/warc/make_warc.py", argv=sys.argv[1:], variant=args.variant,
                           records=manifest), f, ensure_ascii=False, indent=1)
            f.write("\n")
    kinds = [k for k, _, _ in items]
    print(f"make_warc: {args.wet}: {len(items)} conversion records ({kinds.count('noisy')} noisy, "
          f"{kinds.count('clean')} clean, {kinds.count('filler')} filler)", file=sys.stderr)


def jsonl_corpus(args):
    rng = random.Random(args.seed)
    posts = []
    for root in args.from_texts:
        for d in sorted(glob.glob(os.path.join(root, "posts", "*"))):
            src = os.path.join(d, "post.txt")
            if os.path.exists(src):
                posts.append((os.path.basename(d), open(src, encoding="utf-8").read().rstrip("\n"),
                              os.path.exists(os.path.join(d, "NOJAM"))))
    if not posts:
        raise SystemExit("make_warc: --jsonl-corpus: no posts/*/post.txt under --from-texts")
    lines = []
    n = 0
    while len(lines) < args.lines:
        n += 1
        if lines and rng.random() < 0.15:
            lines.append(rng.choice(lines))  # an exact duplicate
            continue
        pid, text, nojam = rng.choice(posts)
        jam = not nojam and rng.random() < 0.7
        paras = text.split("\n\n")
        if len(paras) > 1 and rng.random() < 0.4:
            text = rng.choice(paras)
        body = post_text(render_post(text, rng, jam, n))
        rec = dict(id=f"c{n:03d}", url=f"http://corpus.test/{pid}?r={n}", lang=lang_of(body), jammed=jam, text=body)
        lines.append(json.dumps(rec, ensure_ascii=False))
    with open(args.jsonl_corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"make_warc: {args.jsonl_corpus}: {len(lines)} lines ({len(lines) - len(set(lines))} duplicates)", file=sys.stderr)


def verify(path):
    """Read the file back with warcio, checking digests: count records by type."""
    from warcio.archiveiterator import ArchiveIterator
    counts = {}
    with open(path, "rb") as f:
        it = ArchiveIterator(f, check_digests=True)
        for rec in it:
            rec.content_stream().read()
            counts[rec.rec_type] = counts.get(rec.rec_type, 0) + 1
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="the WARC to write (.warc.gz)")
    ap.add_argument("--pages", action="append", default=[], metavar="DIR")
    ap.add_argument("--url-map", metavar="FILE.json")
    ap.add_argument("--only-threads", action="store_true")
    ap.add_argument("--include", action="append", default=[], metavar="GLOB")
    ap.add_argument("--filler", type=int, default=0, metavar="N")
    ap.add_argument("--filler-kb", default="5-120", help="filler HTML size range in KB (default 5-120)")
    ap.add_argument("--binary-kb", type=float, default=60, help="largest PDF/JPEG filler body in KB (default 60)")
    ap.add_argument("--trap-share", type=float, default=0.15)
    ap.add_argument("--size-mb", type=float)
    ap.add_argument("--discuz-share", type=float, default=0.01)
    ap.add_argument("--raw-encoding-share", type=float, default=0.1)
    ap.add_argument("--warc-version", choices=["1.0", "1.1"], default="1.0")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--level", type=int, default=6, help="gzip level (default 6)")
    ap.add_argument("--wet", metavar="OUT.warc.wet.gz")
    ap.add_argument("--corrupt", choices=["truncate", "garbage", "badheader"])
    ap.add_argument("--cut-at", type=float, default=0.6, help="truncate: fraction of the captures (default 0.6)")
    ap.add_argument("--expect", metavar="OUT.json")
    ap.add_argument("--self-check", action="store_true", help="parse filler pages too and compare with the model text")
    ap.add_argument("--verify", action="store_true", help="read the output back with warcio (digests checked)")
    ap.add_argument("--wet-from-texts", action="append", default=[], metavar="DIR")
    ap.add_argument("--variant", default="innertext")
    ap.add_argument("--clean-share", type=float, default=0.3)
    ap.add_argument("--filler-texts", type=int, default=0)
    ap.add_argument("--manifest", metavar="OUT.json")
    ap.add_argument("--jam-texts", metavar="DIR")
    ap.add_argument("--jsonl-corpus", metavar="OUT.jsonl")
    ap.add_argument("--from-texts", action="append", default=[], metavar="DIR")
    ap.add_argument("--lines", type=int, default=50)
    args = ap.parse_args()
    args.kb_min, args.kb_max = (float(x) for x in args.filler_kb.split("-"))
    if args.jam_texts:
        jam_texts(args.jam_texts, random.Random(args.seed))
        return
    if args.jsonl_corpus:
        jsonl_corpus(args)
        return
    if args.wet_from_texts:
        if not args.wet:
            ap.error("--wet-from-texts needs --wet OUT")
        wet_from_texts(args)
        if args.verify:
            print(f"verify {args.wet}: {verify(args.wet)}", file=sys.stderr)
        return
    if not args.out:
        ap.error("--out is needed")
    if not args.pages and not args.filler and args.size_mb is None:
        ap.error("nothing to pack: give --pages, --filler or --size-mb")
    pack(args)
    if args.verify:
        if args.corrupt:
            print("verify: skipped for a --corrupt file", file=sys.stderr)
        else:
            print(f"verify {args.out}: {verify(args.out)}", file=sys.stderr)
            if args.wet:
                print(f"verify {args.wet}: {verify(args.wet)}", file=sys.stderr)


if __name__ == "__main__":
    main()
