//! What a page without posts is: each kind of gate is told apart, never reported as an empty
//! thread. Phrases are Discuz's own (`source/language/lang_message.php`, X and 7.x).

use crate::model::Gate;
use scraper::Html;

/// Classify a page that gave no posts.
pub fn detect(html: &Html, text: &str, status: Option<u16>) -> Gate {
    let lower_head = text[..text.len().min(64 << 10)].to_ascii_lowercase();
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
    if text.contains("_dsign") && html.select(super::selectors::x_body()).next().is_none() {
        return Gate::AntiTheft;
    }
    if status == Some(404)
        || text.contains("指定的主题不存在")
        || text.contains("主题不存在或已被删除")
    {
        return Gate::NotFound;
    }
    let login_form = html.select(super::selectors::login_form()).next().is_some();
    if text.contains("尚未登录") || text.contains("您需要登录后才可以") || text.contains("请先登录")
    {
        return Gate::LoginRequired;
    }
    if text.contains("没有权限") || text.contains("无权访问") || text.contains("您无权")
    {
        return Gate::NoPermission;
    }
    if login_form && (text.contains("登录") || status == Some(403)) && !is_listing(text) {
        return Gate::LoginRequired;
    }
    if status == Some(403) {
        return Gate::NoPermission;
    }
    Gate::NotDiscuz
}

/// A board listing or index is Discuz, but not a thread.
fn is_listing(text: &str) -> bool {
    text.contains("id=\"threadlisttableid\"") || text.contains("mod=forumdisplay")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(body: &str) -> Gate {
        detect(&Html::parse_document(body), body, None)
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
        assert_eq!(gate("<title>Just a moment...</title><script src=/cdn-cgi/challenge-platform/x.js></script>"), Gate::Challenge);
        assert_eq!(gate("<html><body>hello</body></html>"), Gate::NotDiscuz);
    }
}
