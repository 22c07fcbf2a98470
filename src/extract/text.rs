//! A post body, from HTML to text, with the jammer removed structurally.
//!
//! Structural removal comes first: an element is skipped when its class list contains `jammer`,
//! when its inline style hides it (`display:none`, `visibility:hidden`, `font-size:0`/`0px`), or
//! when a class that the page's `<style>` hides is on it. Then the rendering follows what a
//! browser shows (`innerText`): `<br>` and block edges become line breaks, runs of source
//! whitespace become one space, `&nbsp;` becomes a space. Discuz's own structures become fields:
//! code blocks keep their exact lines and indentation (without the `复制代码` button), quotes are
//! marked with `> ` and reported, the edit notice becomes `edited_by`/`edited_at`, hidden-content
//! notices set `hidden`, images and attachments are listed.

use super::dates;
use super::urls::Resolver;
use crate::model::{Attachment, Image, Quote};
use ego_tree::NodeRef;
use scraper::{ElementRef, Node};
use std::collections::HashSet;

/// What a post body holds besides its text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Body {
    pub text: String,
    pub quotes: Vec<Quote>,
    pub images: Vec<Image>,
    pub attachments: Vec<Attachment>,
    pub edited_by: Option<String>,
    pub edited_at: Option<String>,
    pub hidden: bool,
    pub hidden_notice: Option<String>,
}

/// Classes that a page's `<style>` elements hide (DedeCMS-style and custom jammers).
#[derive(Debug, Default, Clone)]
pub struct HiddenClasses(HashSet<String>);

impl HiddenClasses {
    /// Read every `<style>` of the document for rules `.name { ... display: none ... }` (or
    /// `visibility: hidden`, `font-size: 0`) whose selector is a single class.
    pub fn from_document(doc: &scraper::Html) -> Self {
        let mut set = HashSet::new();
        // A flat pass over the node arena: cheaper than a selector walk of the tree.
        let styles = doc
            .tree
            .nodes()
            .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "style"));
        for style in styles {
            let css: String = style
                .children()
                .filter_map(|c| c.value().as_text().map(|t| &**t))
                .collect();
            for rule in css.split('}') {
                let Some((sel, decl)) = rule.split_once('{') else {
                    continue;
                };
                if !hides(decl) {
                    continue;
                }
                for one in sel.split(',') {
                    let one = one.trim();
                    if let Some(name) = one.strip_prefix('.') {
                        if !name.is_empty()
                            && name
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                        {
                            set.insert(name.to_owned());
                        }
                    }
                }
            }
        }
        HiddenClasses(set)
    }
}

/// Does this CSS declaration block (or inline style) hide its element?
pub fn hides(decl: &str) -> bool {
    let d: String = decl
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    d.split(';').any(|p| {
        matches!(p, "display:none" | "visibility:hidden")
            || p.strip_prefix("font-size:").is_some_and(|v| {
                let num = v
                    .trim_end_matches("!important")
                    .trim_end_matches("px")
                    .trim_end_matches("pt")
                    .trim_end_matches("em");
                num.parse::<f32>().is_ok_and(|x| x == 0.0)
            })
    })
}

/// Is this element hidden from readers (and so, possibly, jammer junk)?
pub fn is_hidden(el: &scraper::node::Element, hidden: &HiddenClasses) -> bool {
    if el
        .classes()
        .any(|c| c.to_ascii_lowercase().contains("jammer") || hidden.0.contains(c))
    {
        return true;
    }
    el.attr("style").is_some_and(hides)
}

const BLOCKS: &[&str] = &[
    "div",
    "p",
    "blockquote",
    "li",
    "ul",
    "ol",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dl",
    "dt",
    "dd",
    "pre",
    "hr",
    "center",
    "form",
    "fieldset",
    "address",
    "section",
    "article",
];

fn is_block(name: &str) -> bool {
    BLOCKS.contains(&name)
}

/// Line-oriented output with browser-like whitespace handling.
#[derive(Default)]
struct Out {
    lines: Vec<String>,
    cur: String,
    /// A collapsible space is pending (source whitespace seen since the last text).
    space: bool,
    /// Lines of code (kept exactly) have this prefix instead of being trimmed.
    code: Vec<bool>,
    cur_code: bool,
}

impl Out {
    fn text(&mut self, s: &str) {
        for ch in s.chars() {
            match ch {
                ' ' | '\t' | '\n' | '\r' | '\u{c}' => self.space = true,
                '\u{a0}' => {
                    self.flush_space();
                    self.cur.push(' ');
                }
                _ => {
                    self.flush_space();
                    self.cur.push(ch);
                }
            }
        }
    }

    fn flush_space(&mut self) {
        if self.space && !self.cur.is_empty() && !self.cur.ends_with(' ') {
            self.cur.push(' ');
        }
        self.space = false;
    }

    /// A `<br>`: always a new line.
    fn br(&mut self) {
        self.space = false;
        self.lines.push(std::mem::take(&mut self.cur));
        self.code.push(std::mem::take(&mut self.cur_code));
    }

    /// A block edge: a new line unless at a line start already.
    fn block(&mut self) {
        self.space = false;
        if !self.cur.is_empty() {
            self.br();
        }
    }

    fn code_line(&mut self, line: String) {
        self.block();
        self.cur = line;
        self.cur_code = true;
        self.br();
    }

    fn finish(mut self) -> Vec<(String, bool)> {
        self.block();
        let mut out: Vec<(String, bool)> = self
            .lines
            .into_iter()
            .zip(self.code)
            .map(|(l, code)| {
                if code {
                    (l.trim_end().to_owned(), true)
                } else {
                    (l.trim().to_owned(), false)
                }
            })
            .collect();
        while out.first().is_some_and(|(l, _)| l.is_empty()) {
            out.remove(0);
        }
        while out.last().is_some_and(|(l, _)| l.is_empty()) {
            out.pop();
        }
        out
    }
}

/// Convert a post body element.
pub fn body_to_text(root: ElementRef<'_>, hidden: &HiddenClasses, urls: &Resolver) -> Body {
    let mut body = Body::default();
    let mut out = Out::default();
    let mut cx = Cx {
        hidden,
        urls,
        body: &mut body,
        depth: 0,
    };
    cx.children(*root, &mut out);
    body.text = join(out.finish(), "");
    body
}

/// Convert a run of sibling nodes (the printable view has no element around each post).
pub fn nodes_to_text(nodes: &[NodeRef<'_, Node>], hidden: &HiddenClasses, urls: &Resolver) -> Body {
    let mut body = Body::default();
    let mut out = Out::default();
    let mut cx = Cx {
        hidden,
        urls,
        body: &mut body,
        depth: 0,
    };
    for &n in nodes {
        cx.node(n, &mut out);
    }
    body.text = join(out.finish(), "");
    body
}

fn join(lines: Vec<(String, bool)>, prefix: &str) -> String {
    let mut s = String::new();
    for (i, (l, _)) in lines.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(prefix);
        s.push_str(l);
    }
    s
}

struct Cx<'a, 'b> {
    hidden: &'a HiddenClasses,
    urls: &'a Resolver,
    body: &'b mut Body,
    /// Elements open above the current one: past [`MAX_DEPTH`] a subtree is taken as plain
    /// text, so that a page nested 100,000 deep cannot overflow the stack.
    depth: usize,
}

/// Deeper than any real post (Discuz bodies nest a few dozen elements at most).
const MAX_DEPTH: usize = 200;

impl Cx<'_, '_> {
    fn children(&mut self, node: NodeRef<'_, Node>, out: &mut Out) {
        if self.depth >= MAX_DEPTH {
            out.text(&plain_text(node, self.hidden));
            return;
        }
        self.depth += 1;
        for child in node.children() {
            self.node(child, out);
        }
        self.depth -= 1;
    }

    fn node(&mut self, node: NodeRef<'_, Node>, out: &mut Out) {
        match node.value() {
            Node::Text(t) => out.text(t),
            Node::Element(el) => self.element(node, el, out),
            _ => {}
        }
    }

    fn element(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element, out: &mut Out) {
        let name = el.name();
        if matches!(
            name,
            "script"
                | "style"
                | "noscript"
                | "template"
                | "textarea"
                | "select"
                | "input"
                | "button"
        ) {
            return;
        }
        if name == "ignore_js_op" {
            self.attachment_block(node);
            return;
        }
        if is_hidden(el, self.hidden) {
            return;
        }
        let has_class = |c: &str| el.classes().any(|k| k == c);
        match name {
            "br" => out.br(),
            "img" => self.image(el),
            "i" if has_class("pstatus") => self.edit_notice(node),
            "em" if el.attr("onclick").is_some_and(|o| o.contains("copycode")) => {}
            "div" if has_class("blockcode") => self.code_block(node, out),
            "div" if has_class("quote") => {
                // `div.quote > blockquote`: the quote is the blockquote.
                let inner = node.children().find(|c| {
                    c.value()
                        .as_element()
                        .is_some_and(|e| e.name() == "blockquote")
                });
                self.quote(inner.unwrap_or(node), out);
            }
            "blockquote" => self.quote(node, out),
            "div" if has_class("locked") => {
                // `[hide]` content, bought content or a banned author's post: a notice in
                // place of the text.
                self.body.hidden = true;
                out.block();
                let notice = plain_text(node, self.hidden);
                if !notice.is_empty() {
                    self.body.hidden_notice = Some(notice);
                }
            }
            "td" | "th" => {
                // Cells after the first in a row are preceded by a tab.
                if node.prev_siblings().any(|s| {
                    s.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "td" | "th"))
                }) {
                    out.space = false;
                    out.cur.push('\t');
                }
                self.children(node, out);
            }
            _ if is_block(name) => {
                out.block();
                self.children(node, out);
                out.block();
            }
            _ => self.children(node, out),
        }
    }

    fn image(&mut self, el: &scraper::node::Element) {
        let src = el.attr("src").unwrap_or("");
        let smiley = el.attr("smilieid").is_some() || src.contains("/smiley/");
        // Attached images show a placeholder in `src` until JavaScript swaps in `file`.
        let real = el
            .attr("zoomfile")
            .or(el.attr("file"))
            .filter(|f| !f.is_empty())
            .unwrap_or(src);
        if real.is_empty() || real.ends_with("none.gif") {
            return;
        }
        let url = self.urls.resolve(real);
        if !self.body.images.iter().any(|i| i.url == url) {
            let aid = el.attr("aid").and_then(|a| a.parse().ok());
            self.body.images.push(Image { url, smiley, aid });
        }
    }

    fn edit_notice(&mut self, node: NodeRef<'_, Node>) {
        let t = plain_text(node, self.hidden);
        if let Some((who, when)) = parse_edit_notice(&t) {
            self.body.edited_by = Some(who);
            self.body.edited_at = when;
        }
    }

    /// `div.blockcode > div > ol > li`: one line per `li`, text and indentation kept.
    fn code_block(&mut self, node: NodeRef<'_, Node>, out: &mut Out) {
        let mut lines = Vec::new();
        // The lines are the items of the block's list (`div.blockcode ol > li`); items nested
        // in items are text of their line, not lines again (each would repeat its subtree).
        let list = node.descendants().find(|n| {
            n.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "ol" | "ul"))
        });
        for li in list
            .into_iter()
            .flat_map(|l| l.children())
            .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "li"))
        {
            let mut line = String::new();
            code_text(li, self.hidden, &mut line);
            lines.push(
                line.replace('\u{a0}', " ")
                    .trim_end_matches(['\r', '\n'])
                    .to_owned(),
            );
        }
        if lines.is_empty() {
            // A code block without list items (older templates): its text, line by line.
            let mut all = String::new();
            code_text(node, self.hidden, &mut all);
            lines = all
                .replace('\u{a0}', " ")
                .lines()
                .map(str::to_owned)
                .collect();
        }
        for l in lines {
            out.code_line(l);
        }
    }

    fn quote(&mut self, node: NodeRef<'_, Node>, out: &mut Out) {
        let mut inner = Out::default();
        let mut sub = Body::default();
        {
            let mut cx = Cx {
                hidden: self.hidden,
                urls: self.urls,
                body: &mut sub,
                depth: self.depth + 1,
            };
            // The blockquote, whether `node` is it or the `div.quote` around it.
            cx.children(node, &mut inner);
        }
        self.body.images.extend(sub.images);
        self.body.attachments.extend(sub.attachments);
        let lines = inner.finish();
        // Discuz's quote header: `<font size=2><a href="…findpost&pid=N…">NAME 发表于 DATE</a></font>`
        // (`Posted by NAME at DATE` in English, [`lang::quote_header`](super::lang::quote_header)).
        let link = node.descendants().filter_map(ElementRef::wrap).find(|e| {
            e.value().name() == "a"
                && e.value()
                    .attr("href")
                    .is_some_and(|h| h.contains("findpost"))
        });
        let pid = link
            .and_then(|a| a.value().attr("href"))
            .and_then(|h| super::urls::query_u64(h, "pid"));
        let header = link.map(|a| plain_text(*a, self.hidden));
        let (author, posted) = match header.as_deref().and_then(super::lang::quote_header) {
            Some((a, d)) => (Some(a), Some(d)),
            None => (None, None),
        };
        let text_lines: Vec<(String, bool)> = match &header {
            Some(h) if lines.first().is_some_and(|(l, _)| l == h) => lines[1..].to_vec(),
            _ => lines.clone(),
        };
        self.body.quotes.push(Quote {
            pid,
            author,
            posted_at_text: posted,
            text: join(text_lines, ""),
        });
        out.block();
        for (l, _) in lines {
            out.cur = if l.is_empty() {
                ">".to_owned()
            } else {
                format!("> {l}")
            };
            out.br();
        }
    }

    /// `<ignore_js_op>`: an attached image or file, with a hidden pop-up giving its name,
    /// size, download link and description.
    fn attachment_block(&mut self, node: NodeRef<'_, Node>) {
        for n in node.descendants() {
            if let Some(el) = n.value().as_element() {
                if el.name() == "img" {
                    self.image(el);
                }
            }
        }
        let links: Vec<ElementRef<'_>> = node
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| {
                e.value().name() == "a"
                    && e.value()
                        .attr("href")
                        .is_some_and(|h| h.contains("mod=attachment"))
            })
            .collect();
        let strong = node
            .descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "strong");
        let name = strong
            .map(|s| s.text().collect::<String>())
            .or_else(|| {
                links
                    .iter()
                    .map(|a| a.text().collect::<String>())
                    .find(|t| !t.trim().is_empty() && t.trim() != "下载附件")
            })
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let Some(name) = name else { return };
        let url = links
            .first()
            .and_then(|a| a.value().attr("href"))
            .map(|h| self.urls.resolve(h));
        // The pop-up is hidden (`display: none`), so its text is read without the hiding rules.
        let all: String = ElementRef::wrap(node)
            .map(|e| e.text().collect())
            .unwrap_or_default();
        let size = all.split_once('(').and_then(|(_, rest)| {
            let inner = rest.split([',', ')', '，']).next()?.trim();
            inner
                .chars()
                .next()?
                .is_ascii_digit()
                .then(|| inner.to_owned())
        });
        // The description is the paragraph that is none of name, size, link or upload date.
        let description = node
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "p")
            .map(|p| p.text().collect::<String>().trim().to_owned())
            .find(|t| {
                !t.is_empty()
                    && !t.contains(&name)
                    && !t.contains("下载附件")
                    && !t.ends_with("上传")
                    && !t.starts_with('(')
            });
        if !self.body.attachments.iter().any(|a| a.name == name) {
            self.body.attachments.push(Attachment {
                name,
                url,
                size,
                description,
            });
        }
    }
}

/// Text of a subtree, hidden parts skipped, whitespace collapsed, one line.
pub fn plain_text(node: NodeRef<'_, Node>, hidden: &HiddenClasses) -> String {
    let mut s = String::new();
    walk_text(node, &mut s, |el| {
        if matches!(el.name(), "script" | "style") || is_hidden(el, hidden) {
            Visit::Skip
        } else if el.name() == "br" {
            Visit::Space
        } else {
            Visit::Enter
        }
    });
    s.replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text of a code line: exact, hidden parts skipped, `<br>` ignored (one `li` is one line).
fn code_text(node: NodeRef<'_, Node>, hidden: &HiddenClasses, s: &mut String) {
    walk_text(node, s, |el| {
        let copy = el.name() == "em" && el.attr("onclick").is_some_and(|o| o.contains("copycode"));
        if matches!(el.name(), "script" | "style" | "br") || copy || is_hidden(el, hidden) {
            Visit::Skip
        } else {
            Visit::Enter
        }
    });
}

enum Visit {
    Enter,
    Skip,
    /// A space, and nothing inside (`<br>`).
    Space,
}

/// The text nodes under `node` in document order, elements filtered by `visit`. Iterative: a
/// page nested 100,000 elements deep must not overflow the stack.
fn walk_text(
    node: NodeRef<'_, Node>,
    s: &mut String,
    visit: impl Fn(&scraper::node::Element) -> Visit,
) {
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in node.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) => {
                if skipping.is_some() {
                    continue;
                }
                match n.value() {
                    Node::Text(t) => s.push_str(t),
                    Node::Element(el) if n != node => match visit(el) {
                        Visit::Enter => {}
                        Visit::Skip => skipping = Some(n.id()),
                        Visit::Space => {
                            s.push(' ');
                            skipping = Some(n.id());
                        }
                    },
                    _ => {}
                }
            }
            ego_tree::iter::Edge::Close(n) => {
                if skipping == Some(n.id()) {
                    skipping = None;
                }
            }
        }
    }
}

/// `本帖最后由 NAME 于 2026-9-6 10:22 编辑` → (NAME, ISO time).
pub fn parse_edit_notice(t: &str) -> Option<(String, Option<String>)> {
    let (who, when) = super::lang::edit_notice(t)?;
    Some((who, dates::parse_absolute(&when)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_that_hides() {
        assert!(hides("display:none"));
        assert!(hides("position: absolute; display: none"));
        assert!(hides("font-size:0px;color:#F7F7F7"));
        assert!(hides("FONT-SIZE: 0"));
        assert!(hides("visibility:hidden"));
        assert!(!hides("font-size:10px"));
        assert!(!hides("display:block"));
    }

    #[test]
    fn edit_notice() {
        assert_eq!(
            parse_edit_notice(" 本帖最后由 techfan_88 于 2026-9-6 10:22 编辑 "),
            Some(("techfan_88".into(), Some("2026-09-06T10:22:00".into())))
        );
        assert_eq!(
            parse_edit_notice("本帖最后由 a 于 b 于 2026-1-2 03:04:05 编辑")
                .unwrap()
                .0,
            "a 于 b"
        );
        assert_eq!(parse_edit_notice("别的文字"), None);
    }
}
