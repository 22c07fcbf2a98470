//! When to try a request again, and how long to wait first.
//!
//! Connect errors, timeouts, 429 and 500/502/503/504 are worth another try; everything else is
//! an answer. The wait doubles per attempt from `base`, capped at `max`, with full jitter (a
//! random fraction of it, so many clients do not retry in step); a server's `Retry-After` wins
//! when it asks for longer, capped at `max_retry_after` so a hostile value cannot park a cron
//! job for a day.

use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Policy {
    /// Attempts after the first.
    pub retries: u32,
    pub base: Duration,
    pub max: Duration,
    pub max_retry_after: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            retries: 3,
            base: Duration::from_millis(500),
            max: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// Statuses that ask to come back later.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

impl Policy {
    /// The wait before attempt `attempt` (1 = the first retry). `unit` is a random number in
    /// [0, 1) for the jitter.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.max);
        let jittered = exp.mul_f64(unit.clamp(0.0, 1.0));
        match retry_after {
            Some(ra) => ra.min(self.max_retry_after).max(jittered),
            None => jittered,
        }
    }
}

/// `Retry-After`: delta seconds or an HTTP date (`now` in Unix seconds for the latter).
pub fn parse_retry_after(value: &str, now: i64) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = crate::extract::dates::parse_http_date(v)?;
    Some(Duration::from_secs(u64::try_from(at - now).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_with_jitter_and_caps() {
        let p = Policy::default();
        assert_eq!(p.delay(1, None, 1.0), Duration::from_millis(500));
        assert_eq!(p.delay(3, None, 1.0), Duration::from_secs(2));
        assert_eq!(p.delay(3, None, 0.5), Duration::from_secs(1));
        assert_eq!(p.delay(40, None, 1.0), Duration::from_secs(30));
        assert_eq!(p.delay(1, None, 0.0), Duration::ZERO);
    }

    #[test]
    fn retry_after_wins_within_its_cap() {
        let p = Policy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(7)), 1.0),
            Duration::from_secs(7)
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(86_400)), 1.0),
            Duration::from_secs(300)
        );
        assert_eq!(
            parse_retry_after(" 120 ", 0),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 29 Nov 2026 03:23:26 GMT", 1_795_922_596),
            Some(Duration::from_secs(10))
        );
        // A date in the past means now.
        assert_eq!(
            parse_retry_after("Sun, 29 Nov 2026 03:23:06 GMT", 1_795_922_596),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", 0), None);
    }

    #[test]
    fn which_statuses_retry() {
        for s in [429, 500, 502, 503, 504] {
            assert!(retryable_status(s));
        }
        for s in [200, 301, 403, 404, 501] {
            assert!(!retryable_status(s));
        }
    }
}
