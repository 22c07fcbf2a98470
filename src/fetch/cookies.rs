//! Browser cookie files (the Netscape `cookies.txt` that browser extensions export and curl and
//! wget read), and which cookies go to which URL.
//!
//! A line is `DOMAIN \t SUBDOMAINS \t PATH \t SECURE \t EXPIRES \t NAME \t VALUE`; `#` starts a
//! comment, except `#HttpOnly_` before a domain. A cookie goes only to its own host (or, when
//! SUBDOMAINS is TRUE, to hosts under its domain), under its path, over https when SECURE, and
//! not after it expires (RFC 6265, 5.1.3, 5.1.4, 5.4). A cookie for host A is never sent to B.

use url::Url;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cookie {
    /// Lowercase, without a leading dot.
    pub domain: String,
    /// Sent to `domain` itself only (SUBDOMAINS FALSE).
    pub host_only: bool,
    pub path: String,
    pub secure: bool,
    pub http_only: bool,
    /// Unix seconds; `None` for a session cookie (0 in the file).
    pub expires: Option<i64>,
    pub name: String,
    pub value: String,
}

/// A line of a cookie file that could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct CookieFileError {
    pub line: usize,
    pub reason: &'static str,
}

impl Cookie {
    /// A cookie from a `Set-Cookie` header of a response to `url` (RFC 6265, 5.2–5.3). `None`
    /// when the header is malformed or names a domain the responding host may not set.
    pub fn from_set_cookie(header: &str, url: &Url, now: i64) -> Option<Cookie> {
        let host = url.host_str()?.to_ascii_lowercase();
        let mut parts = header.split(';');
        let (name, value) = parts.next()?.split_once('=')?;
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let mut c = Cookie {
            domain: host.clone(),
            host_only: true,
            path: default_path(url.path()),
            secure: false,
            http_only: false,
            expires: None,
            name: name.to_owned(),
            value: value.trim().to_owned(),
        };
        let mut max_age = None;
        for attr in parts {
            let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
            let v = v.trim();
            match k.trim().to_ascii_lowercase().as_str() {
                "domain" if !v.is_empty() => {
                    let d = v.trim_start_matches('.').to_ascii_lowercase();
                    // A bare top-level domain (`Domain=com`) would reach every site of it.
                    // (No public-suffix list: `Domain=co.uk` is not caught; see SECURITY.md.)
                    if !d.contains('.') && d != host {
                        return None;
                    }
                    let probe = Cookie {
                        domain: d.clone(),
                        host_only: false,
                        ..c.clone()
                    };
                    if !domain_matches(&probe, &host) {
                        return None;
                    }
                    c.domain = d;
                    c.host_only = false;
                }
                "path" if v.starts_with('/') => c.path = v.to_owned(),
                "secure" => c.secure = true,
                "httponly" => c.http_only = true,
                "max-age" => max_age = v.parse::<i64>().ok(),
                "expires" => {
                    if let Some(t) = crate::extract::dates::parse_http_date(v) {
                        c.expires = Some(t);
                    }
                }
                _ => {}
            }
        }
        if let Some(age) = max_age {
            // Max-Age wins over Expires; zero or less deletes.
            c.expires = Some(if age <= 0 {
                i64::MIN + 1
            } else {
                now.saturating_add(age)
            });
        }
        Some(c)
    }
}

/// RFC 6265 5.1.4: the directory of the request path.
fn default_path(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => path[..i].to_owned(),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Jar {
    pub cookies: Vec<Cookie>,
}

impl Jar {
    /// Read a Netscape cookie file. Bad lines are errors naming the line, not skipped: a cookie
    /// silently lost is a login silently lost.
    pub fn parse_netscape(text: &str) -> Result<Jar, CookieFileError> {
        let mut jar = Jar::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches('\r').trim_start();
            let (line, http_only) = match line.strip_prefix("#HttpOnly_") {
                Some(rest) => (rest, true),
                None => (line, false),
            };
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |reason| CookieFileError {
                line: i + 1,
                reason,
            };
            let f: Vec<&str> = line.split('\t').collect();
            if !(6..=7).contains(&f.len()) {
                return Err(err("expected 7 tab-separated fields"));
            }
            // A cookie cannot hold control characters (RFC 6265); a stray CR would not even
            // survive being written back (found by fuzzing).
            if f.iter().any(|x| x.chars().any(|c| c.is_control())) {
                return Err(err("a control character in a field"));
            }
            let flag = |s: &str| match s.to_ascii_uppercase().as_str() {
                "TRUE" => Ok(true),
                "FALSE" => Ok(false),
                _ => Err(err("a flag field is neither TRUE nor FALSE")),
            };
            let domain = f[0].trim().trim_start_matches('.').to_ascii_lowercase();
            if domain.is_empty() {
                return Err(err("empty domain"));
            }
            // Found by fuzzing: a domain such as `#httponly_x` is written back as a comment.
            if domain.chars().any(|c| {
                c.is_ascii() && !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            }) {
                return Err(err("the domain has characters a host name cannot have"));
            }
            let expires: i64 = f[4]
                .trim()
                .parse()
                .map_err(|_| err("the expiry is not a number"))?;
            jar.cookies.push(Cookie {
                host_only: !flag(f[1].trim())? && !f[0].starts_with('.'),
                domain,
                path: Some(f[2].trim())
                    .filter(|p| p.starts_with('/'))
                    .unwrap_or("/")
                    .to_owned(),
                secure: flag(f[3].trim())?,
                http_only,
                expires: (expires > 0).then_some(expires),
                name: f[5].to_owned(),
                value: f.get(6).copied().unwrap_or("").to_owned(),
            });
        }
        Ok(jar)
    }

    /// The jar as a Netscape cookie file (what `--cookie-jar` writes).
    pub fn to_netscape(&self) -> String {
        let mut out = String::from("# Netscape HTTP Cookie File\n# Written by unjam.\n\n");
        for c in &self.cookies {
            let domain = if c.host_only {
                c.domain.clone()
            } else {
                format!(".{}", c.domain)
            };
            out.push_str(&format!(
                "{}{domain}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                if c.http_only { "#HttpOnly_" } else { "" },
                if c.host_only { "FALSE" } else { "TRUE" },
                c.path,
                if c.secure { "TRUE" } else { "FALSE" },
                c.expires.unwrap_or(0),
                c.name,
                c.value
            ));
        }
        out
    }

    /// Put `cookie` in the jar, replacing one of the same name, domain and path; an expired
    /// one only removes.
    pub fn insert(&mut self, cookie: Cookie) {
        self.cookies.retain(|c| {
            !(c.name == cookie.name && c.domain == cookie.domain && c.path == cookie.path)
        });
        if cookie.expires.is_none_or(|e| e > 0) {
            self.cookies.push(cookie);
        }
    }

    /// The `Cookie` header for a request to `url` at Unix time `now`, or `None` when no cookie
    /// applies. Longer paths first, as browsers send them.
    pub fn header_for(&self, url: &Url, now: i64) -> Option<String> {
        let host = url.host_str()?.to_ascii_lowercase();
        let https = url.scheme() == "https";
        let mut hits: Vec<&Cookie> = self
            .cookies
            .iter()
            .filter(|c| domain_matches(c, &host))
            .filter(|c| path_matches(&c.path, url.path()))
            .filter(|c| https || !c.secure)
            .filter(|c| c.expires.is_none_or(|e| e > now))
            .collect();
        if hits.is_empty() {
            return None;
        }
        hits.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        Some(
            hits.iter()
                .map(|c| format!("{}={}", c.name, c.value))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }
}

fn domain_matches(c: &Cookie, host: &str) -> bool {
    if host == c.domain {
        return true;
    }
    // A domain cookie reaches subdomains, never an IP address by suffix.
    !c.host_only
        && host.parse::<std::net::IpAddr>().is_err()
        && host.len() > c.domain.len()
        && host.ends_with(&c.domain)
        && host.as_bytes()[host.len() - c.domain.len() - 1] == b'.'
}

fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// `--cookie 'a=b; c=d'`: cookies for the hosts of the URLs the user named (host-only, path
/// `/`), never for hosts a redirect leads to.
pub fn from_header_value(value: &str, hosts: &[String]) -> Result<Vec<Cookie>, &'static str> {
    let mut out = Vec::new();
    for pair in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, val) = pair.split_once('=').ok_or("expected NAME=VALUE pairs")?;
        let name = name.trim();
        if name.is_empty() {
            return Err("a cookie has an empty name");
        }
        for host in hosts {
            out.push(Cookie {
                domain: host.to_ascii_lowercase(),
                host_only: true,
                path: "/".into(),
                secure: false,
                http_only: false,
                expires: None,
                name: name.to_owned(),
                value: val.trim().to_owned(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Netscape HTTP Cookie File\n\
        .bbs-a.example\tTRUE\t/\tFALSE\t0\tvR0I_2132_auth\tabc%2Fdef\n\
        #HttpOnly_bbs-a.example\tFALSE\t/\tTRUE\t4102444800\tvR0I_2132_saltkey\tk1\n\
        bbs-a.example\tFALSE\t/forum\tFALSE\t1000\told\tgone\n\
        \n\
        # a comment\n\
        other.example\tFALSE\t/\tFALSE\t0\tsid\tzzz\r\n";

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn reads_a_browser_export() {
        let jar = Jar::parse_netscape(FILE).unwrap();
        assert_eq!(jar.cookies.len(), 4);
        assert!(!jar.cookies[0].host_only);
        assert!(jar.cookies[1].http_only && jar.cookies[1].secure && jar.cookies[1].host_only);
        assert_eq!(jar.cookies[3].value, "zzz");
        // Round trip.
        assert_eq!(Jar::parse_netscape(&jar.to_netscape()).unwrap(), jar);
    }

    #[test]
    fn control_characters_and_extra_fields_are_errors() {
        // Found by fuzzing: a value ending in CRs did not read back the same.
        let e = Jar::parse_netscape(".a.test\tTRUE\t/\tFALSE\t0\tsid\txy\r\rz\n").unwrap_err();
        assert_eq!((e.line, e.reason), (1, "a control character in a field"));
        let e = Jar::parse_netscape("a.test\tFALSE\t/\tFALSE\t0\tsid\txyz\tmore\n").unwrap_err();
        assert_eq!(e.reason, "expected 7 tab-separated fields");
        let e = Jar::parse_netscape("a.test#x\tFALSE\t/\tFALSE\t0\tsid\txyz\n").unwrap_err();
        assert_eq!(
            e.reason,
            "the domain has characters a host name cannot have"
        );
        // An indented #HttpOnly_ line is still one.
        let jar = Jar::parse_netscape(" #HttpOnly_a.test\tFALSE\t/\tFALSE\t0\tsid\txyz\n").unwrap();
        assert!(jar.cookies[0].http_only);
        // A CRLF file is fine: the CR ends the line.
        assert!(Jar::parse_netscape("a.test\tFALSE\t/\tFALSE\t0\tsid\txyz\r\n").is_ok());
    }

    #[test]
    fn a_cookie_for_host_a_never_goes_to_host_b() {
        let jar = Jar::parse_netscape(FILE).unwrap();
        let now = 2000;
        assert_eq!(
            jar.header_for(&u("https://bbs-a.example/forum.php"), now)
                .as_deref(),
            Some("vR0I_2132_auth=abc%2Fdef; vR0I_2132_saltkey=k1")
        );
        // The domain cookie reaches a subdomain; the host-only ones do not.
        assert_eq!(
            jar.header_for(&u("https://m.bbs-a.example/"), now)
                .as_deref(),
            Some("vR0I_2132_auth=abc%2Fdef")
        );
        // Not a suffix at a label boundary, not another host.
        assert_eq!(jar.header_for(&u("https://xbbs-a.example/"), now), None);
        assert_eq!(jar.header_for(&u("https://bbs-a.example.evil/"), now), None);
        assert_eq!(
            jar.header_for(&u("http://other.example/"), now).as_deref(),
            Some("sid=zzz")
        );
        // The secure cookie stays off plain http.
        assert_eq!(
            jar.header_for(&u("http://bbs-a.example/"), now).as_deref(),
            Some("vR0I_2132_auth=abc%2Fdef")
        );
    }

    #[test]
    fn path_and_expiry() {
        let jar = Jar::parse_netscape(FILE).unwrap();
        let h = |url: &str, now| jar.header_for(&u(url), now);
        assert!(h("http://bbs-a.example/forum/x", 999)
            .unwrap()
            .contains("old=gone"));
        assert!(!h("http://bbs-a.example/forum/x", 1000)
            .unwrap()
            .contains("old=gone"));
        assert!(!h("http://bbs-a.example/forumx", 999)
            .unwrap()
            .contains("old=gone"));
        assert!(path_matches("/", "/anything"));
        assert!(path_matches("/a/", "/a/b"));
        assert!(!path_matches("/a/b", "/a"));
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(
            Jar::parse_netscape("a.example\tTRUE\t/\n"),
            Err(CookieFileError {
                line: 1,
                reason: "expected 7 tab-separated fields"
            })
        );
        assert_eq!(
            Jar::parse_netscape("# c\na.example\tyes\t/\tFALSE\t0\tn\tv\n")
                .unwrap_err()
                .line,
            2
        );
        assert!(Jar::parse_netscape("a.example\tTRUE\t/\tFALSE\tsoon\tn\tv\n").is_err());
    }

    #[test]
    fn set_cookie_headers() {
        let url = u("https://bbs.example.org/forum/forum.php?mod=viewthread");
        let c = Cookie::from_set_cookie(
            "vR0I_2132_sid=hoT9IP; expires=Mon, 30 Nov 2026 03:23:18 GMT; Max-Age=86400; path=/",
            &url,
            1_000,
        )
        .unwrap();
        assert_eq!(
            (c.name.as_str(), c.value.as_str()),
            ("vR0I_2132_sid", "hoT9IP")
        );
        assert!(c.host_only);
        assert_eq!(c.domain, "bbs.example.org");
        assert_eq!(c.expires, Some(87_400));
        let d =
            Cookie::from_set_cookie("a=1; Domain=.example.org; Secure; HttpOnly", &url, 0).unwrap();
        assert!(!d.host_only && d.secure && d.http_only);
        assert_eq!(d.path, "/forum");
        // A host may not set a cookie for another domain.
        assert_eq!(
            Cookie::from_set_cookie("a=1; Domain=evil.example", &url, 0),
            None
        );
        assert_eq!(Cookie::from_set_cookie("novalue", &url, 0), None);
        // Max-Age=0 deletes.
        let mut jar = Jar::default();
        jar.insert(Cookie::from_set_cookie("a=1; Path=/", &url, 0).unwrap());
        assert_eq!(jar.cookies.len(), 1);
        jar.insert(Cookie::from_set_cookie("a=; Max-Age=0; Path=/", &url, 0).unwrap());
        assert!(jar.cookies.is_empty());
    }

    #[test]
    fn cookie_option_is_for_named_hosts_only() {
        let cookies = from_header_value("a=1; b = 2 ;", &["bbs.example".into()]).unwrap();
        let jar = Jar { cookies };
        assert_eq!(
            jar.header_for(&u("https://bbs.example/x"), 0).as_deref(),
            Some("a=1; b=2")
        );
        assert_eq!(jar.header_for(&u("https://cdn.example/x"), 0), None);
        assert!(from_header_value("novalue", &[]).is_err());
    }
}
