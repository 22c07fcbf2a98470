//! Progress on long work (`clean` over big inputs, `extract` over many pages): a bar on stderr,
//! only on a terminal, not with `-q` or `-v` (log lines would tear it), and only once the work
//! has taken a moment, so that short runs never flash one. Never on stdout.

use super::Ui;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long work runs before its bar appears.
const DELAY: Duration = Duration::from_millis(300);

#[derive(Clone)]
pub struct Meter {
    bar: Option<ProgressBar>,
    done: Arc<AtomicBool>,
}

impl Meter {
    /// A meter that shows nothing.
    pub fn off() -> Meter {
        Meter {
            bar: None,
            done: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Bytes read of `total` (unknown: stdin). `stdout_shared`: the data goes to the same
    /// terminal as the bar would, which would tear both, so there is no bar.
    pub fn bytes(ui: &Ui, total: Option<u64>, stdout_shared: bool) -> Meter {
        let style = match total {
            Some(_) => "{msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
            None => "{msg} {spinner} {bytes} {binary_bytes_per_sec}",
        };
        Meter::new(ui, total, style, stdout_shared)
    }

    /// Items (pages) done of `total`.
    pub fn items(ui: &Ui, total: u64, what: &str) -> Meter {
        let style = format!("[{{bar:30}}] {{pos}}/{{len}} {what} {{per_sec}} eta {{eta}}");
        Meter::new(ui, Some(total), &style, false)
    }

    fn new(ui: &Ui, total: Option<u64>, style: &str, stdout_shared: bool) -> Meter {
        let shown = !ui.quiet && ui.verbose == 0 && io::stderr().is_terminal() && !stdout_shared;
        if !shown {
            return Meter::off();
        }
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(style)
                .expect("valid template")
                .progress_chars("=> "),
        );
        let done = Arc::new(AtomicBool::new(false));
        let (b, d) = (bar.clone(), done.clone());
        std::thread::spawn(move || {
            std::thread::sleep(DELAY);
            if !d.load(Ordering::Acquire) {
                b.set_draw_target(ProgressDrawTarget::stderr());
                b.enable_steady_tick(Duration::from_millis(200));
                // The work may have ended between the check and the drawing: clear again.
                if d.load(Ordering::Acquire) {
                    b.finish_and_clear();
                }
            }
        });
        Meter {
            bar: Some(bar),
            done,
        }
    }

    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    pub fn message(&self, msg: impl Into<String>) {
        if let Some(b) = &self.bar {
            b.set_message(msg.into());
        }
    }

    /// Wrap a reader so that what it reads moves the bar.
    pub fn reader<R: Read + Send + 'static>(&self, inner: R) -> Box<dyn Read + Send> {
        match &self.bar {
            None => Box::new(inner),
            Some(_) => Box::new(Metered {
                inner,
                meter: self.clone(),
            }),
        }
    }

    /// Clear the bar (before messages or output that would tear it).
    pub fn finish(&self) {
        self.done.store(true, Ordering::Release);
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

struct Metered<R> {
    inner: R,
    meter: Meter,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.meter.inc(n as u64);
        Ok(n)
    }
}
