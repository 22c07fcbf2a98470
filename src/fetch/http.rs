//! The HTTP client: one GET at a time per host, politely spaced, retried on the failures that
//! are worth it, redirects followed by hand (so that every hop is checked and gets only its own
//! cookies), bodies capped after decompression.

use super::backoff::{self, Policy};
use super::cookies::{Cookie, Jar};
use super::robots::{Blocked, Robots};
use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use url::Url;

#[derive(Clone, Debug)]
pub struct Config {
    pub user_agent: String,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_size: u64,
    /// Wait between two requests to one host.
    pub wait: Duration,
    /// Scale each wait by a random factor in 0.5–1.5 (as wget's `--random-wait`).
    pub random_wait: bool,
    pub retry: Policy,
    /// `--proxy`; else reqwest reads `HTTP(S)_PROXY`/`NO_PROXY`.
    pub proxy: Option<String>,
    pub max_redirects: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            user_agent: format!(
                "unjam/{} (+{})",
                env!("CARGO_PKG_VERSION"),
                env!("CARGO_PKG_REPOSITORY")
            ),
            headers: Vec::new(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_size: 20 << 20,
            wait: Duration::from_secs(1),
            random_wait: false,
            retry: Policy::default(),
            proxy: None,
            max_redirects: 10,
        }
    }
}

/// A fetched page.
#[derive(Clone, Debug)]
pub struct Response {
    /// Where the body came from, after redirects.
    pub url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    /// The `Date` header, as Unix seconds.
    pub date: Option<i64>,
    /// The response head as text (status line and headers), for `--save-html` sidecars.
    pub head: String,
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: {message}")]
    Transport { url: String, message: String },
    #[error("{url}: HTTP {status}{}", if *attempts > 1 { format!(" after {attempts} attempts") } else { String::new() })]
    Status {
        url: String,
        status: u16,
        attempts: u32,
    },
    #[error("{url}: body larger than {limit} bytes (--max-size)")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: redirect loop")]
    RedirectLoop { url: String },
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: String, limit: u32 },
    #[error("{url}: redirect to {to}: only http and https are followed")]
    RedirectScheme { url: String, to: String },
    #[error("invalid setting: {0}")]
    Setup(String),
}

pub struct Client {
    http: reqwest::blocking::Client,
    config: Config,
    jar: Mutex<Jar>,
    last: Mutex<HashMap<String, Instant>>,
    /// robots.txt per origin, fetched once, with when (Unix seconds).
    robots: Mutex<HashMap<String, (Robots, i64)>>,
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Client {
    pub fn new(config: Config, jar: Jar) -> Result<Client, FetchError> {
        let mut b = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .gzip(true)
            .brotli(true)
            .deflate(true);
        if let Some(p) = &config.proxy {
            let proxy = reqwest::Proxy::all(p)
                .map_err(|e| FetchError::Setup(format!("--proxy {p}: {e}")))?;
            b = b.proxy(proxy);
        }
        let http = b
            .build()
            .map_err(|e| FetchError::Setup(format!("HTTP client: {e}")))?;
        Ok(Client {
            http,
            config,
            jar: Mutex::new(jar),
            last: Mutex::new(HashMap::new()),
            robots: Mutex::new(HashMap::new()),
        })
    }

    /// The cookies now held (those read at start and those the servers set).
    pub fn jar(&self) -> Jar {
        self.jar.lock().expect("jar lock").clone()
    }

    /// May `url` be fetched, by its host's robots.txt? The file is fetched once per origin
    /// (scheme, host and port), politely like any page.
    pub fn robots_allow(&self, url: &Url) -> Result<(), Blocked> {
        let origin = url.origin().ascii_serialization();
        let robots_url = format!("{origin}/robots.txt");
        let cached = self
            .robots
            .lock()
            .expect("robots lock")
            .get(&origin)
            .map(|(r, _)| r.clone());
        let robots = match cached {
            Some(r) => r,
            None => {
                let r = match Url::parse(&robots_url) {
                    Ok(u) => match self.get(&u) {
                        Ok(resp) if (200..300).contains(&resp.status) => {
                            Robots::from_body(&resp.body)
                        }
                        // 3xx without a Location, 4xx: no rules (RFC 9309 2.3.1.3).
                        Ok(resp) if resp.status < 500 => Robots::AllowAll,
                        Ok(resp) => Robots::Unreachable(format!("HTTP {}", resp.status)),
                        Err(FetchError::Status {
                            status, attempts, ..
                        }) => Robots::Unreachable(format!(
                            "HTTP {status}, {attempts} attempt{}",
                            if attempts == 1 { "" } else { "s" }
                        )),
                        Err(e) => Robots::Unreachable(e.to_string()),
                    },
                    Err(e) => Robots::Unreachable(e.to_string()),
                };
                log::debug!(
                    "{robots_url}: {}",
                    match &r {
                        Robots::Rules(body) => format!("{} bytes of rules", body.len()),
                        Robots::AllowAll => "none (4xx): everything allowed".into(),
                        Robots::Unreachable(why) => format!("unreachable: {why}"),
                    }
                );
                self.robots
                    .lock()
                    .expect("robots lock")
                    .insert(origin, (r.clone(), now_unix()));
                r
            }
        };
        robots.check(url.as_str(), &robots_url)
    }

    /// Take robots.txt answers kept from an earlier run (`--state`), those younger than a day.
    pub fn robots_restore(
        &self,
        kept: &std::collections::BTreeMap<String, crate::crawl::state::RobotsState>,
        now: i64,
    ) {
        let mut cache = self.robots.lock().expect("robots lock");
        for (origin, k) in kept {
            if now - k.fetched < crate::crawl::state::ROBOTS_TTL_SECS && k.fetched <= now {
                let r = match &k.body {
                    Some(b) => Robots::from_body(b.as_bytes()),
                    None => Robots::AllowAll,
                };
                cache.insert(origin.clone(), (r, k.fetched));
            }
        }
    }

    /// The robots.txt answers worth keeping for the next run: readable ones younger than a day.
    pub fn robots_keep(
        &self,
        now: i64,
    ) -> std::collections::BTreeMap<String, crate::crawl::state::RobotsState> {
        let cache = self.robots.lock().expect("robots lock");
        cache
            .iter()
            .filter(|(_, (_, at))| now - at < crate::crawl::state::ROBOTS_TTL_SECS)
            .filter_map(|(origin, (r, at))| {
                let body = match r {
                    Robots::Rules(b) => Some(b.clone()),
                    Robots::AllowAll => None,
                    Robots::Unreachable(_) => return None,
                };
                Some((
                    origin.clone(),
                    crate::crawl::state::RobotsState { fetched: *at, body },
                ))
            })
            .collect()
    }

    /// GET `url`, following redirects, retrying what is worth retrying. A non-2xx final status
    /// that is not retryable is returned as a response (a 404 page is an answer to look at).
    pub fn get(&self, url: &Url) -> Result<Response, FetchError> {
        let mut attempt = 0;
        loop {
            match self.get_once(url) {
                Ok(r) if backoff::retryable_status(r.status) => {
                    attempt += 1;
                    if attempt > self.config.retry.retries {
                        return Err(FetchError::Status {
                            url: url.to_string(),
                            status: r.status,
                            attempts: attempt,
                        });
                    }
                    let ra = header_value(&r.head, "retry-after")
                        .and_then(|v| backoff::parse_retry_after(&v, now_unix()));
                    let delay = self.config.retry.delay(attempt, ra, fastrand::f64());
                    log::info!(
                        "{url}: HTTP {}, retry {attempt} of {} in {:.1}s",
                        r.status,
                        self.config.retry.retries,
                        delay.as_secs_f64()
                    );
                    std::thread::sleep(delay);
                }
                Ok(r) => return Ok(r),
                Err(FetchError::Transport { url: u, message }) => {
                    attempt += 1;
                    if attempt > self.config.retry.retries {
                        return Err(FetchError::Transport {
                            url: u,
                            message: if attempt == 1 {
                                message
                            } else {
                                format!("{message} (after {attempt} attempts)")
                            },
                        });
                    }
                    let delay = self.config.retry.delay(attempt, None, fastrand::f64());
                    log::info!(
                        "{u}: {message}, retry {attempt} of {} in {:.1}s",
                        self.config.retry.retries,
                        delay.as_secs_f64()
                    );
                    std::thread::sleep(delay);
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn get_once(&self, start: &Url) -> Result<Response, FetchError> {
        let mut url = start.clone();
        let mut seen = vec![url.clone()];
        for _ in 0..=self.config.max_redirects {
            self.pace(&url);
            let started = Instant::now();
            let mut req = self.http.get(url.clone());
            for (k, v) in &self.config.headers {
                req = req.header(k, v);
            }
            if let Some(c) = self
                .jar
                .lock()
                .expect("jar lock")
                .header_for(&url, now_unix())
            {
                req = req.header(reqwest::header::COOKIE, c);
            }
            let resp = req.send().map_err(|e| FetchError::Transport {
                url: url.to_string(),
                message: describe(&e),
            })?;
            let status = resp.status().as_u16();
            log::debug!("GET {url} -> {status}");
            let mut head = format!("HTTP/1.1 {}\r\n", resp.status());
            for (k, v) in resp.headers() {
                head.push_str(&format!(
                    "{}: {}\r\n",
                    k,
                    String::from_utf8_lossy(v.as_bytes())
                ));
            }
            let now = now_unix();
            {
                let mut jar = self.jar.lock().expect("jar lock");
                for v in resp.headers().get_all(reqwest::header::SET_COOKIE) {
                    if let Some(c) =
                        Cookie::from_set_cookie(&String::from_utf8_lossy(v.as_bytes()), &url, now)
                    {
                        jar.insert(c);
                    }
                }
            }
            if resp.status().is_redirection() {
                let Some(loc) = resp.headers().get(reqwest::header::LOCATION) else {
                    return self.finish(url, status, head, resp, started);
                };
                let to = url
                    .join(&String::from_utf8_lossy(loc.as_bytes()))
                    .map_err(|_| FetchError::Transport {
                        url: url.to_string(),
                        message: "redirect to an invalid Location".into(),
                    })?;
                if !matches!(to.scheme(), "http" | "https") {
                    return Err(FetchError::RedirectScheme {
                        url: url.to_string(),
                        to: to.to_string(),
                    });
                }
                if seen.contains(&to) {
                    return Err(FetchError::RedirectLoop {
                        url: start.to_string(),
                    });
                }
                seen.push(to.clone());
                url = to;
                continue;
            }
            return self.finish(url, status, head, resp, started);
        }
        Err(FetchError::TooManyRedirects {
            url: start.to_string(),
            limit: self.config.max_redirects,
        })
    }

    fn finish(
        &self,
        url: Url,
        status: u16,
        head: String,
        mut resp: reqwest::blocking::Response,
        started: Instant,
    ) -> Result<Response, FetchError> {
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let date = resp
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::extract::dates::parse_http_date);
        let limit = self.config.max_size;
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit,
            });
        }
        // The cap counts decompressed bytes: a small gzip bomb stops at the limit. The timeout
        // is a deadline for the whole body: reqwest's applies to each read, which a server
        // trickling a byte a second never trips.
        let deadline = started + self.config.timeout;
        let mut body = Vec::new();
        let mut buf = vec![0u8; 64 << 10];
        loop {
            if Instant::now() > deadline {
                return Err(FetchError::Transport {
                    url: url.to_string(),
                    message: "timed out (--timeout) reading the body".into(),
                });
            }
            let n = resp.read(&mut buf).map_err(|e| FetchError::Transport {
                url: url.to_string(),
                message: format!("reading the body: {e}"),
            })?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&buf[..n]);
            if body.len() as u64 > limit {
                return Err(FetchError::TooLarge {
                    url: url.to_string(),
                    limit,
                });
            }
        }
        Ok(Response {
            url,
            status,
            content_type,
            date,
            head,
            body,
        })
    }

    /// Sleep until this host's next request is due.
    fn pace(&self, url: &Url) {
        let host = url.host_str().unwrap_or("").to_owned();
        let wait = if self.config.random_wait {
            self.config.wait.mul_f64(0.5 + fastrand::f64())
        } else {
            self.config.wait
        };
        let due = {
            let last = self.last.lock().expect("pace lock");
            last.get(&host).map(|t| *t + wait)
        };
        if let Some(due) = due {
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        self.last
            .lock()
            .expect("pace lock")
            .insert(host, Instant::now());
    }
}

fn header_value(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

/// A transport error in a line a user can act on.
fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut msg = if e.is_timeout() {
        "timed out (--timeout)".to_owned()
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    msg
}
