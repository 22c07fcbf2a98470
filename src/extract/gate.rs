//! What a page without posts is: each kind of gate is told apart, never reported as an empty
//! thread. Phrases are Discuz's own (`source/language/lang_message.php`, X and 7.x).

use crate::model::Gate;
use scraper::Html;

/// Classify a page that gave no posts.
pub fn detect(html: &Html, text: &str, status: Option<u16>) -> Gate {
    // What the page is comes before what it says: a guest's view of a listing carries a login
    // form and `您需要登录后才可以发帖` in its quick-post box, and is still a listing.
    if is_listing(text) {
        return Gate::Listing;
    }
    if is_index(text) {
        return Gate::Index;
    }
    // The first 64 KiB, cut on a character boundary (a cut inside one would panic).
    let mut end = text.len().min(64 << 10);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let lower_head = text[..end].to_ascii_lowercase();
    // A browser challenge first: its page may say anything else too.
    const CHALLENGE: [&str; 7] = [
        "cf-browser-verification",
        "challenge-platform",
        "cf_chl_opt",
        "cf-challenge",
        "attention required! | cloudflare",
        "checking your browser before accessing",
        "ddos-guard",
    ];
    if CHALLENGE.iter().any(|m| lower_head.contains(m))
        || (lower_head.contains("just a moment") && lower_head.contains("cloudflare"))
    {
        return Gate::Challenge;
    }
    // Discuz X anti-theft (防采集): an obfuscated script that reloads the URL with `_dsign=`.
    // The obfuscation may spell the name with `\x5f`/`\u005f` escapes, so scripts are read
    // through an unescaper; a thread page that merely links a `_dsign` URL has posts and never
    // gets here.
    if text.contains("_dsign")
        || html
            .select(super::selectors::script())
            .any(|s| unescape_js(&s.text().collect::<String>()).contains("_dsign"))
    {
        return Gate::AntiTheft;
    }
    if status == Some(404)
        || text.contains("指定的主题不存在")
        || text.contains("主题不存在或已被删除")
        || text.contains("指定的主題不存在")
    {
        return Gate::NotFound;
    }
    let login_form = html.select(super::selectors::login_form()).next().is_some();
    // Simplified and traditional (Big5 boards run the TC language pack).
    const LOGIN: [&str; 6] = [
        "尚未登录",
        "您需要登录后才可以",
        "请先登录",
        "尚未登錄",
        "您需要登錄後才可以",
        "請先登錄",
    ];
    if LOGIN.iter().any(|m| text.contains(m)) {
        return Gate::LoginRequired;
    }
    const NO_PERMISSION: [&str; 5] = ["没有权限", "无权访问", "您无权", "沒有權限", "無權訪問"];
    if NO_PERMISSION.iter().any(|m| text.contains(m)) {
        return Gate::NoPermission;
    }
    if login_form && (text.contains("登录") || status == Some(403)) {
        return Gate::LoginRequired;
    }
    if status == Some(403) {
        return Gate::NoPermission;
    }
    Gate::NotDiscuz
}

/// `\xNN` and `\uNNNN` escapes of a script's string literals, decoded; everything else kept.
fn unescape_js(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let width = match tail.as_bytes().first() {
            Some(b'x') => 2,
            Some(b'u') => 4,
            _ => 0,
        };
        let decoded = (width > 0)
            .then(|| tail.get(1..1 + width))
            .flatten()
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[1 + width..];
            }
            None => {
                out.push('\\');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A board listing, by its thread rows (`tbody#normalthread_TID` in X and 6/7 templates, the
/// X table `#threadlisttableid`): a board closed to guests has the listing's body class but no
/// rows, and is a gate.
fn is_listing(text: &str) -> bool {
    text.contains("id=\"normalthread_")
        || text.contains("id=\"stickthread_")
        || text.contains("id=\"threadlisttableid\"")
}

/// A forum index: the X index template's body class, with board blocks in it.
fn is_index(text: &str) -> bool {
    (text.contains("pg_index") && text.contains("id=\"category_"))
        || (text.contains("id=\"category_") && text.contains("class=\"fl_g\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(body: &str) -> Gate {
        detect(&Html::parse_document(body), body, None)
    }

    #[test]
    fn a_character_across_the_64_kib_mark_is_not_cut() {
        // Found by the WARC benchmark: a large page without posts, 落 straddling byte 65536.
        let head = "<html><body><p>";
        let mut page = head.to_string();
        page.push_str(&"a".repeat((64 << 10) - 1 - head.len()));
        page.push_str("落落落</p></body></html>");
        assert!(!page.is_char_boundary(64 << 10));
        assert_eq!(gate(&page), Gate::NotDiscuz);
    }

    #[test]
    fn phrases() {
        assert_eq!(
            gate("<p>抱歉，指定的主题不存在或已被删除或正在被审核</p>"),
            Gate::NotFound
        );
        assert_eq!(
            gate("<p>抱歉，您尚未登录，没有权限访问该版块</p>"),
            Gate::LoginRequired
        );
        assert_eq!(
            gate("<div>您需要登录后才可以回帖</div>"),
            Gate::LoginRequired
        );
        assert_eq!(
            gate("<p>抱歉，您所在的用户组(等待验证会员)没有权限访问该版块</p>"),
            Gate::NoPermission
        );
        assert_eq!(
            gate("<script>location.href=location.href+'&_dsign=1a2b'</script>"),
            Gate::AntiTheft
        );
        assert_eq!(
            gate(r"<script>var a=['\x6c\x6f\x63'];u+'\x5f\x64\x73\x69\x67\x6e='+s</script>"),
            Gate::AntiTheft
        );
        assert_eq!(
            gate(r"<script>var k='\u005f\u0064\u0073\u0069\u0067\u006e';</script>"),
            Gate::AntiTheft
        );
        assert_eq!(unescape_js(r"a\x41\u00e9\q\x4"), "aAé\\q\\x4");
        assert_eq!(gate("<title>Just a moment...</title><script src=/cdn-cgi/challenge-platform/x.js></script>"), Gate::Challenge);
        assert_eq!(gate("<html><body>hello</body></html>"), Gate::NotDiscuz);
        assert_eq!(
            gate("<p>抱歉，指定的主題不存在或已被刪除或正在被審核</p>"),
            Gate::NotFound
        );
        assert_eq!(
            gate("<p>抱歉，您尚未登錄，沒有權限訪問該版塊</p>"),
            Gate::LoginRequired
        );
        assert_eq!(
            gate("<p>抱歉，您所在的用戶組(等待驗證會員)沒有權限訪問該版塊</p>"),
            Gate::NoPermission
        );
    }
}
