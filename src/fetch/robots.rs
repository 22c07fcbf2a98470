//! robots.txt: whether a URL may be fetched, and if not, which line of the file says so.
//!
//! The decision is the `robotstxt` crate's (a port of Google's parser and matcher, RFC 9309).
//! That crate does not expose the line that decided, and a user told "blocked by robots.txt"
//! needs it, so [`Robots::check`] finds it with the crate's parser and pattern matcher: the
//! longest matching rule of the group that applies, as the matcher itself chooses.

use robotstxt::matcher::{LongestMatchRobotsMatchStrategy, RobotsMatchStrategy};
use robotstxt::{get_path_params_query, DefaultMatcher, RobotsParseHandler};
use std::fmt;

/// The product token unjam looks for in `User-agent:` lines.
pub const AGENT: &str = "unjam";

/// Google reads the first 500 KiB of a robots.txt and ignores the rest; so does unjam.
pub const MAX_BYTES: usize = 500 << 10;

/// One host's robots.txt, as fetched.
#[derive(Clone, Debug)]
pub enum Robots {
    /// Parsed rules (the file's text, at most [`MAX_BYTES`]).
    Rules(String),
    /// No usable file: a 4xx answer, so RFC 9309 allows everything.
    AllowAll,
    /// The server failed (5xx, network): RFC 9309 says to assume everything disallowed.
    Unreachable(String),
}

const OVERRIDE: &str = "To fetch anyway: `unjam thread` without --respect-robots, or \
                        `unjam forum --ignore-robots` (ask the board's owner if unsure)";

/// Why a URL may not be fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    /// `robots.txt` URL.
    pub robots_url: String,
    /// The rule's line number and text, when a rule decided (not for an unreachable file).
    pub line: Option<(u32, String)>,
    /// The `User-agent` the rule's group names (`*` or `unjam`).
    pub agent: Option<String>,
    /// Why the file could not be read, for an unreachable one.
    pub unreachable: Option<String>,
    /// The file is Discuz! X3.5's stock one (`Disallow: *` for every agent).
    pub stock_discuz: bool,
}

impl Robots {
    /// Parse a fetched body (cut at [`MAX_BYTES`], on a character boundary).
    pub fn from_body(body: &[u8]) -> Robots {
        let body = &body[..body.len().min(MAX_BYTES)];
        Robots::Rules(String::from_utf8_lossy(body).into_owned())
    }

    /// `Ok` when `url` may be fetched by unjam.
    pub fn check(&self, url: &str, robots_url: &str) -> Result<(), Blocked> {
        let body = match self {
            Robots::AllowAll => return Ok(()),
            Robots::Unreachable(why) => {
                return Err(Blocked {
                    robots_url: robots_url.to_owned(),
                    line: None,
                    agent: None,
                    unreachable: Some(why.clone()),
                    stock_discuz: false,
                })
            }
            Robots::Rules(body) => body,
        };
        if DefaultMatcher::default().one_agent_allowed_by_robots(body, AGENT, url) {
            return Ok(());
        }
        let mut groups = Groups::default();
        robotstxt::parse_robotstxt(body, &mut groups);
        let path = get_path_params_query(url);
        let rule = groups.deciding_rule(&path);
        Err(Blocked {
            robots_url: robots_url.to_owned(),
            line: rule.as_ref().map(|&(n, _)| {
                let text = body.lines().nth(n.saturating_sub(1) as usize).unwrap_or("");
                (n, text.trim().to_owned())
            }),
            agent: rule.map(|(_, agent)| agent),
            unreachable: None,
            stock_discuz: groups.stock_discuz(),
        })
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(why) = &self.unreachable {
            return write!(
                f,
                "{} could not be read ({why}); RFC 9309 says to assume the whole site is \
                 disallowed then. {OVERRIDE}",
                self.robots_url
            );
        }
        write!(f, "blocked by {}", self.robots_url)?;
        match (&self.line, &self.agent) {
            (Some((n, text)), Some(agent)) => write!(
                f,
                " line {n} `{text}` (in the group for User-agent: {agent})"
            )?,
            (Some((n, text)), None) => write!(f, " line {n} `{text}`")?,
            _ => {}
        }
        if self.stock_discuz {
            write!(
                f,
                ". This is the robots.txt Discuz! X3.5 ships (`User-agent: *`, \
                 `Allow: /data/avatar/`, `Disallow: *`): it disallows every page of the board to \
                 every robot, whatever the board's owner intended"
            )?;
        }
        write!(f, ". {OVERRIDE}")
    }
}

/// The groups of a robots.txt, with the line number of every rule.
#[derive(Default)]
struct Groups {
    groups: Vec<Group>,
    /// The last line was a rule, so a `User-agent` line starts a new group.
    after_rule: bool,
}

#[derive(Default)]
struct Group {
    agents: Vec<String>,
    /// (line, allow, pattern)
    rules: Vec<(u32, bool, String)>,
}

impl Groups {
    /// The group that applies to unjam: the one naming it, else the `*` ones (RFC 9309 merges
    /// all groups that match, so the rules of every such group are candidates).
    fn applicable(&self) -> Vec<(&Group, String)> {
        let named: Vec<_> = self
            .groups
            .iter()
            .filter_map(|g| {
                g.agents
                    .iter()
                    .find(|a| agent_token(a).eq_ignore_ascii_case(AGENT))
                    .map(|a| (g, a.clone()))
            })
            .collect();
        if !named.is_empty() {
            return named;
        }
        self.groups
            .iter()
            .filter_map(|g| {
                g.agents
                    .iter()
                    .find(|a| agent_token(a) == "*")
                    .map(|a| (g, a.clone()))
            })
            .collect()
    }

    /// The rule that decides `path`: the longest matching pattern, an `Allow` winning a tie.
    /// Returns its line and its group's agent, when it is a `Disallow`.
    fn deciding_rule(&self, path: &str) -> Option<(u32, String)> {
        let mut best: Option<(usize, bool, u32, String)> = None;
        for (group, agent) in self.applicable() {
            for (line, allow, pattern) in &group.rules {
                if pattern.is_empty()
                    || !<LongestMatchRobotsMatchStrategy as RobotsMatchStrategy>::matches(
                        path, pattern,
                    )
                {
                    continue;
                }
                let better = match &best {
                    None => true,
                    Some((len, best_allow, ..)) => {
                        pattern.len() > *len || (pattern.len() == *len && *allow && !best_allow)
                    }
                };
                if better {
                    best = Some((pattern.len(), *allow, *line, agent.clone()));
                }
            }
        }
        best.filter(|b| !b.1)
            .map(|(_, _, line, agent)| (line, agent))
    }

    /// Discuz! X3.5's stock file: the `*` group allows avatars and disallows everything else.
    fn stock_discuz(&self) -> bool {
        self.applicable().iter().any(|(g, agent)| {
            agent_token(agent) == "*"
                && g.rules.iter().any(|(_, allow, p)| !allow && p == "*")
                && g.rules
                    .iter()
                    .any(|(_, allow, p)| *allow && p == "/data/avatar/")
        })
    }
}

/// `unjam/1.0 (+url)` names the agent `unjam`.
fn agent_token(a: &str) -> &str {
    let a = a.trim();
    let end = a
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '*'))
        .unwrap_or(a.len());
    &a[..end]
}

impl RobotsParseHandler for Groups {
    fn handle_robots_start(&mut self) {}
    fn handle_robots_end(&mut self) {}
    fn handle_user_agent(&mut self, _line: u32, agent: &str) {
        if self.after_rule || self.groups.is_empty() {
            self.groups.push(Group::default());
            self.after_rule = false;
        }
        if let Some(g) = self.groups.last_mut() {
            g.agents.push(agent.to_owned());
        }
    }
    fn handle_allow(&mut self, line: u32, value: &str) {
        self.rule(line, true, value);
    }
    fn handle_disallow(&mut self, line: u32, value: &str) {
        self.rule(line, false, value);
    }
    fn handle_sitemap(&mut self, _line: u32, _value: &str) {}
    fn handle_unknown_action(&mut self, _line: u32, _action: &str, _value: &str) {}
}

impl Groups {
    fn rule(&mut self, line: u32, allow: bool, value: &str) {
        // Rules before any User-agent line belong to no group and are ignored, as Google does.
        if let Some(g) = self.groups.last_mut() {
            g.rules.push((line, allow, value.to_owned()));
            self.after_rule = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STOCK_X35: &str =
        "#\n# robots.txt for Discuz! X3\n#\n\nUser-agent: *\nAllow: /data/avatar/\nDisallow: *\n";

    fn check(body: &str, url: &str) -> Result<(), Blocked> {
        Robots::from_body(body.as_bytes()).check(url, "http://h/robots.txt")
    }

    #[test]
    fn stock_discuz_blocks_threads_and_says_so() {
        let b = check(STOCK_X35, "http://h/forum.php?mod=viewthread&tid=1").unwrap_err();
        assert_eq!(b.line, Some((7, "Disallow: *".to_owned())));
        assert_eq!(b.agent.as_deref(), Some("*"));
        assert!(b.stock_discuz);
        let msg = b.to_string();
        assert!(msg.contains("line 7 `Disallow: *`"), "{msg}");
        assert!(msg.contains("Discuz! X3.5 ships"), "{msg}");
        assert!(msg.contains("--respect-robots"), "{msg}");
        assert!(check(
            STOCK_X35,
            "http://h/data/avatar/000/00/00/01_avatar_small.jpg"
        )
        .is_ok());
    }

    #[test]
    fn longest_rule_decides_and_is_named() {
        let body = "User-agent: *\nDisallow: /forum.php\nAllow: /forum.php?mod=viewthread\n\
                    Disallow: /forum.php?mod=viewthread&tid=13\n";
        assert!(check(body, "http://h/forum.php?mod=viewthread&tid=1").is_ok());
        let b = check(body, "http://h/forum.php?mod=viewthread&tid=13").unwrap_err();
        assert_eq!(b.line.unwrap().0, 4);
        assert!(!b.stock_discuz);
        assert_eq!(
            check(body, "http://h/forum.php?mod=forumdisplay")
                .unwrap_err()
                .line
                .unwrap()
                .0,
            2
        );
    }

    #[test]
    fn a_group_naming_unjam_wins_over_star() {
        let body = "User-agent: *\nDisallow: /\n\nUser-agent: unjam\nDisallow: /admin\n";
        assert!(check(body, "http://h/thread-1-1-1.html").is_ok());
        let b = check(body, "http://h/admin/x").unwrap_err();
        assert_eq!(b.agent.as_deref(), Some("unjam"));
        assert_eq!(b.line.unwrap().0, 5);
    }

    #[test]
    fn empty_file_and_4xx_allow_and_5xx_blocks() {
        assert!(check("", "http://h/x").is_ok());
        assert!(Robots::AllowAll.check("http://h/x", "r").is_ok());
        let b = Robots::Unreachable("HTTP 503".into())
            .check("http://h/x", "http://h/robots.txt")
            .unwrap_err();
        assert!(b.to_string().contains("RFC 9309"));
    }
}
