//! Shared test helpers: run the built binary in a fresh temporary directory with a clean
//! environment, and report everything when an assertion fails.

#![allow(dead_code)]

pub mod forum;
pub mod oracles;
pub mod server;
pub mod socks;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A scratch directory and a way to run `unjam` in it.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Self {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, contents).expect("write fixture");
        p
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).expect("read output")
    }

    /// The built binary, for tests that drive it as a child process (reading its pipes live).
    pub fn bin(&self) -> PathBuf {
        assert_cmd::cargo::cargo_bin("unjam")
    }

    /// `unjam ARGS...` in the scratch directory, with HOME and UNJAM_* cleared.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("unjam").expect("binary built");
        c.current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            // The config file comes from HOME (a test writes one there when it wants one).
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("UNJAM_DEBUG_SEO");
        // Loopback tests must not go through a proxy from the environment.
        for k in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            c.env_remove(k);
        }
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("UNJAM_") {
                c.env_remove(k);
            }
        }
        c.args(args);
        c
    }
}

/// `cmd.assert().success()` and its stdout, for the many tests that check what a successful
/// run wrote.
pub trait OkStdout {
    fn ok_stdout(&mut self) -> Vec<u8>;
}

impl OkStdout for Command {
    fn ok_stdout(&mut self) -> Vec<u8> {
        self.assert().success().get_output().stdout.clone()
    }
}

/// Path of a file in the repository's fixtures/.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}
