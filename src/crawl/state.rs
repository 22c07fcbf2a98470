//! The incremental state file (`--state FILE`): what was already output, per thread, so that
//! the next run fetches only what can be new and outputs only posts not seen before.
//!
//! Human-readable, versioned JSON, written atomically (temp file, fsync, rename) after each
//! thread's posts have reached the output. An unreadable file, or one written by a newer
//! unjam, is an error: resetting it silently would output everything again.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The state file format this unjam writes.
pub const VERSION: u32 = 1;

/// Cached robots.txt answers are trusted this long (RFC 9309 suggests at most 24 hours).
pub const ROBOTS_TTL_SECS: i64 = 24 * 3600;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    /// Per thread, by the URL of its first page.
    pub threads: BTreeMap<String, ThreadState>,
    /// robots.txt per origin, so that a rerun within a day asks for nothing but listings.
    #[serde(default)]
    pub robots: BTreeMap<String, RobotsState>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadState {
    pub tid: u64,
    /// The highest post id output: later posts have higher ids (Discuz numbers them in order).
    pub max_pid: Option<u64>,
    /// The highest floor output, and the page it was on: the next run starts there.
    pub max_floor: Option<u32>,
    pub last_page: u32,
    /// Reply count and last-post time as the board listing showed them: unchanged means
    /// nothing to fetch.
    pub replies: Option<u32>,
    pub last_post_at: Option<String>,
    /// Posts output so far (all runs).
    pub posts: u64,
    /// The thread was not found or closed to this user when the listing showed these counts:
    /// it is not asked for again until the listing changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<crate::model::Gate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RobotsState {
    /// Unix seconds.
    pub fetched: i64,
    /// The file's text; `None` for an answer that allows everything (4xx).
    pub body: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{path}: cannot read the state file: {source}")]
    Read { path: String, source: io::Error },
    #[error("{path}: not a state file unjam can read ({why}); move it away to start afresh")]
    Invalid { path: String, why: String },
    #[error("{path}: written by a newer unjam (state version {found}, this one reads {VERSION}); upgrade unjam")]
    Newer { path: String, found: u32 },
    #[error("{path}: cannot write the state file: {source}")]
    Write { path: String, source: io::Error },
    #[error("{path}: another unjam run holds this state file (lock {lock}); it exits when done, or use --wait-lock")]
    Locked { path: String, lock: String },
    #[error("{lock}: cannot lock: {source}")]
    Lock { lock: String, source: io::Error },
}

impl State {
    /// Read `path`; a missing file is a fresh state.
    pub fn load(path: &Path) -> Result<State, StateError> {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(State {
                    version: VERSION,
                    ..State::default()
                })
            }
            Err(e) => {
                return Err(StateError::Read {
                    path: shown,
                    source: e,
                })
            }
        };
        Self::parse(&text).map_err(|e| match e {
            ParseError::Newer(found) => StateError::Newer { path: shown, found },
            ParseError::Invalid(why) => StateError::Invalid { path: shown, why },
        })
    }

    pub fn parse(text: &str) -> Result<State, ParseError> {
        // The version is read first, so that a newer file is named as such even when its
        // fields are not ours.
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        let v: Versioned =
            serde_json::from_str(text).map_err(|e| ParseError::Invalid(e.to_string()))?;
        if v.version > VERSION {
            return Err(ParseError::Newer(v.version));
        }
        if v.version == 0 {
            return Err(ParseError::Invalid("version 0".into()));
        }
        serde_json::from_str(text).map_err(|e| ParseError::Invalid(e.to_string()))
    }

    /// Write atomically: a temp file beside `path`, fsynced, renamed over it.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let mut text = serde_json::to_string_pretty(self).expect("state serialises");
        text.push('\n');
        crate::atomic::write_atomically(path, |w| w.write_all(text.as_bytes())).map_err(|e| {
            StateError::Write {
                path: path.display().to_string(),
                source: e,
            }
        })
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    Newer(u32),
    Invalid(String),
}

/// An exclusive lock on `STATE.lock`, held while the run lasts (released when dropped, and by
/// the kernel if the process dies).
pub struct Lock {
    _file: File,
    path: PathBuf,
}

impl Lock {
    pub fn acquire(state: &Path, wait: bool) -> Result<Lock, StateError> {
        let mut name = state.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        let shown = path.display().to_string();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StateError::Lock {
                lock: shown.clone(),
                source: e,
            })?;
        if wait {
            file.lock().map_err(|e| StateError::Lock {
                lock: shown.clone(),
                source: e,
            })?;
        } else {
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StateError::Locked {
                        path: state.display().to_string(),
                        lock: shown,
                    })
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(StateError::Lock {
                        lock: shown,
                        source: e,
                    })
                }
            }
        }
        Ok(Lock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_version_checks() {
        let mut s = State {
            version: VERSION,
            ..State::default()
        };
        s.threads.insert(
            "http://h/forum.php?mod=viewthread&tid=5".into(),
            ThreadState {
                tid: 5,
                max_pid: Some(40),
                max_floor: Some(20),
                last_page: 2,
                replies: Some(19),
                last_post_at: Some("2026-11-29T09:30:00".into()),
                posts: 20,
                failed: Some(crate::model::Gate::LoginRequired),
            },
        );
        let text = serde_json::to_string_pretty(&s).unwrap();
        assert_eq!(State::parse(&text).unwrap(), s);
        assert_eq!(
            State::parse(r#"{"version": 2, "whatever": []}"#),
            Err(ParseError::Newer(2))
        );
        assert!(matches!(State::parse("{}"), Err(ParseError::Invalid(_))));
        assert!(matches!(
            State::parse("not json"),
            Err(ParseError::Invalid(_))
        ));
        assert!(matches!(
            State::parse(r#"{"version": 1, "threads": 3}"#),
            Err(ParseError::Invalid(_))
        ));
    }

    #[test]
    fn second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("s.json");
        let first = Lock::acquire(&state, false).unwrap();
        assert!(matches!(
            Lock::acquire(&state, false),
            Err(StateError::Locked { .. })
        ));
        drop(first);
        assert!(Lock::acquire(&state, false).is_ok());
    }
}
