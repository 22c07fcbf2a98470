//! The config file: the options a person sets once (user agent, cookies, waits, retries, proxy,
//! timeout, output format), so that cron lines stay short, as `.wgetrc` and `.curlrc` do.
//!
//! Where: `UNJAM_CONFIG` if set (then it must exist), else `$XDG_CONFIG_HOME/unjam/config.toml`,
//! else `~/.config/unjam/config.toml` (missing is fine). `--no-config` ignores it.
//! Precedence, lowest first: built-in default < config file < environment (`UNJAM_WAIT`, ...)
//! < command-line flag. A value that came from the environment or a flag is never replaced.

use crate::cli::{Cli, Command};
use clap::parser::ValueSource;
use clap::{ArgMatches, ValueEnum};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;
use unjam::output::Format;

/// The file's keys, each with its environment variable; the same names as the flags.
pub const KEYS: [(&str, &str); 7] = [
    ("user_agent", "UNJAM_USER_AGENT"),
    ("cookies", "UNJAM_COOKIES"),
    ("proxy", "UNJAM_PROXY"),
    ("timeout", "UNJAM_TIMEOUT"),
    ("wait", "UNJAM_WAIT"),
    ("retries", "UNJAM_RETRIES"),
    ("format", "UNJAM_FORMAT"),
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Values {
    user_agent: Option<Spanned<String>>,
    cookies: Option<Spanned<PathBuf>>,
    proxy: Option<Spanned<String>>,
    timeout: Option<Spanned<f64>>,
    wait: Option<Spanned<f64>>,
    retries: Option<Spanned<u32>>,
    format: Option<Spanned<String>>,
}

/// A config file, read and checked.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    text: String,
    values: Values,
    format: Option<Format>,
}

/// Where the config file is, and whether the user named it (`UNJAM_CONFIG`).
pub fn location() -> Option<(PathBuf, bool)> {
    if let Some(p) = std::env::var_os("UNJAM_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some((base.join("unjam").join("config.toml"), false))
}

/// The config file, if there is one; an error names the file and the line.
pub fn load() -> Result<Option<Config>, String> {
    let Some((path, named)) = location() else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => return Ok(None),
        Err(e) => return Err(format!("config file {}: {e}", path.display())),
    };
    let values: Values = toml::from_str(&text).map_err(|e| {
        format!(
            "config file {}: {}",
            path.display(),
            e.to_string().trim_end()
        )
    })?;
    let mut config = Config {
        path,
        text,
        values,
        format: None,
    };
    config.check()?;
    Ok(Some(config))
}

impl Config {
    fn line(&self, span: std::ops::Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn bad(&self, span: std::ops::Range<usize>, key: &str, why: &str) -> String {
        format!(
            "config file {}, line {}: {key}: {why}",
            self.path.display(),
            self.line(span)
        )
    }

    fn check(&mut self) -> Result<(), String> {
        let v = &self.values;
        for (key, x) in [("timeout", &v.timeout), ("wait", &v.wait)] {
            if let Some(x) = x {
                let ok = x.get_ref().is_finite()
                    && *x.get_ref() >= 0.0
                    && (key == "wait" || *x.get_ref() > 0.0);
                if !ok {
                    return Err(self.bad(x.span(), key, "expected a number of seconds"));
                }
            }
        }
        if let Some(f) = &v.format {
            match Format::from_str(f.get_ref(), false) {
                Ok(format) => self.format = Some(format),
                Err(_) => {
                    return Err(self.bad(
                        f.span(),
                        "format",
                        "expected one of text, json, jsonl, markdown",
                    ))
                }
            }
        }
        Ok(())
    }

    /// The value of `key` as TOML and its line, if the file sets it.
    pub fn get(&self, key: &str) -> Option<(String, usize)> {
        let v = &self.values;
        let (value, span) = match key {
            "user_agent" => v
                .user_agent
                .as_ref()
                .map(|x| (toml_str(x.get_ref()), x.span())),
            "cookies" => v
                .cookies
                .as_ref()
                .map(|x| (toml_str(&x.get_ref().to_string_lossy()), x.span())),
            "proxy" => v.proxy.as_ref().map(|x| (toml_str(x.get_ref()), x.span())),
            "timeout" => v
                .timeout
                .as_ref()
                .map(|x| (x.get_ref().to_string(), x.span())),
            "wait" => v.wait.as_ref().map(|x| (x.get_ref().to_string(), x.span())),
            "retries" => v
                .retries
                .as_ref()
                .map(|x| (x.get_ref().to_string(), x.span())),
            "format" => v.format.as_ref().map(|x| (toml_str(x.get_ref()), x.span())),
            _ => None,
        }?;
        Some((value, self.line(span)))
    }

    /// Fill in what neither a flag nor the environment gave.
    pub fn apply(&self, cli: &mut Cli, matches: &ArgMatches) {
        let Some((_, sub)) = matches.subcommand() else {
            return;
        };
        let unset = |id: &str| {
            !matches!(
                sub.value_source(id),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        };
        let (http, format) = match &mut cli.command {
            Command::Thread(a) => (Some(&mut a.http), Some(&mut a.format)),
            Command::Forum(a) => (Some(&mut a.http), Some(&mut a.format)),
            Command::Extract(a) => (None, Some(&mut a.format)),
            _ => (None, None),
        };
        if let (Some(format), Some(f)) = (format, self.format) {
            if unset("format") {
                *format = f;
            }
        }
        let Some(http) = http else {
            return;
        };
        let v = &self.values;
        if let Some(x) = v.user_agent.as_ref().filter(|_| unset("user_agent")) {
            http.user_agent = Some(x.get_ref().clone());
        }
        if let Some(x) = v.cookies.as_ref().filter(|_| unset("cookies")) {
            http.cookies = Some(expand_home(x.get_ref()));
        }
        if let Some(x) = v.proxy.as_ref().filter(|_| unset("proxy")) {
            http.proxy = Some(x.get_ref().clone());
        }
        if let Some(x) = v.timeout.as_ref().filter(|_| unset("timeout")) {
            http.timeout = *x.get_ref();
        }
        if let Some(x) = v.wait.as_ref().filter(|_| unset("wait")) {
            http.wait = *x.get_ref();
        }
        if let Some(x) = v.retries.as_ref().filter(|_| unset("retries")) {
            http.retries = *x.get_ref();
        }
    }
}

/// `~/cookies.txt` in a config file means the home directory, as a shell would read it.
fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => Path::new(&home).join(rest),
        _ => p.to_path_buf(),
    }
}

pub fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
