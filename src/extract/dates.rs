//! Discuz dates: `2026-9-2 21:16:00`, `2026-9-2 21:16`, and relative ones (`1 小时前`,
//! `昨天 09:05`) whose absolute time Discuz puts in a `title` attribute.
//!
//! Times are the board's local time; Discuz prints no offset, so none is invented: the ISO
//! form is `2026-09-02T21:16:00`.

/// Without the `发表于 ` ("posted at") label, in any UI language ([`super::lang`]).
pub fn strip_posted_label(s: &str) -> &str {
    super::lang::strip_posted(s)
}

/// Parse an absolute Discuz date (`Y-n-j H:i[:s]`, also with `/` or leading zeros, or a date
/// alone) into ISO 8601 local time.
pub fn parse_absolute(s: &str) -> Option<String> {
    let s = s.trim().replace('\u{a0}', " ");
    let s = strip_posted_label(&s);
    let (date, time) = match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let mut dp = date.split(['-', '/']);
    let y: u32 = dp.next()?.parse().ok()?;
    let m: u32 = dp.next()?.parse().ok()?;
    let d: u32 = dp.next()?.parse().ok()?;
    if dp.next().is_some()
        || !(1900..=2999).contains(&y)
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    // 12-hour times (`07:24 AM`, `12:23 AM`): English and Hong Kong boards print them.
    let (time, pm) = match time.map(|t| t.trim()) {
        Some(t) => match t
            .strip_suffix("AM")
            .map(|x| (x, Some(false)))
            .or_else(|| t.strip_suffix("PM").map(|x| (x, Some(true))))
        {
            Some((x, half)) => (Some(x.trim()), half),
            None => (Some(t), None),
        },
        None => (None, None),
    };
    let (hh, mm, ss) = match time {
        None => (0, 0, 0),
        Some(t) => {
            let mut tp = t.split(':');
            let hh: u32 = tp.next()?.parse().ok()?;
            let mm: u32 = tp.next()?.parse().ok()?;
            let ss: u32 = match tp.next() {
                Some(x) => x.parse().ok()?,
                None => 0,
            };
            if tp.next().is_some() || hh > 23 || mm > 59 || ss > 60 {
                return None;
            }
            let hh = match pm {
                None => hh,
                Some(_) if !(1..=12).contains(&hh) => return None,
                Some(false) => hh % 12,
                Some(true) => hh % 12 + 12,
            };
            (hh, mm, ss)
        }
    };
    Some(format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}"))
}

/// Is this a relative date as Discuz prints them (`N 秒前`, `N 分钟前`, `N 小时前`, `N 天前`,
/// `半小时前`, `刚刚`, `昨天 09:05`, `前天 21:00`)?
pub fn is_relative(s: &str) -> bool {
    let s = s.trim();
    s.ends_with('前') || s.starts_with("昨天") || s.starts_with("前天") || s == "刚刚"
}

/// Resolve the relative dates that name a day and a time (`今天 08:00`, `昨天 09:05`,
/// `前天 21:00`) against the board's current date. `N 小时前`, `N 天前` and the like are not
/// exact and stay unresolved.
pub fn resolve_relative(s: &str, today: Option<(i32, u32, u32)>) -> Option<String> {
    let (y, m, d) = today?;
    let s = s.trim().replace('\u{a0}', " ");
    let s = strip_posted_label(&s);
    let (back, rest) = [("今天", 0), ("昨天", 1), ("前天", 2)]
        .iter()
        .find_map(|&(w, n)| Some((n, s.strip_prefix(w)?)))?;
    let (hh, mm) = rest.trim().split_once(':')?;
    let (hh, mm): (u32, u32) = (hh.parse().ok()?, mm.trim().get(..2)?.parse().ok()?);
    if hh > 23 || mm > 59 {
        return None;
    }
    let (y, m, d) = civil_from_days(days_from_civil(y, m, d) - back);
    Some(format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:00"))
}

/// The board's current date: the footer of desktop pages prints it (`GMT+8, 2026-11-29 11:23`);
/// otherwise the HTTP `Date` shifted by the footer's offset, or by GMT+8 (Discuz's default).
pub fn today(page: &str, http_date: Option<i64>) -> Option<(i32, u32, u32)> {
    // The footer is at the end of the page; a post quoting "GMT+8" earlier must not count.
    let bytes = page.as_bytes();
    let last = |hay: &[u8]| {
        memchr::memmem::rfind(hay, b"GMT+")
            .into_iter()
            .chain(memchr::memmem::rfind(hay, b"GMT-"))
            .max()
    };
    // Reverse search is not vectorised: look in the last 16 KiB (where the footer is) first.
    let tail = bytes.len().saturating_sub(16 << 10);
    let at = last(&bytes[tail..])
        .map(|i| i + tail)
        .or_else(|| last(&bytes[..tail]));
    let mut offset_hours = 8;
    if let Some(i) = at {
        let sign = if bytes[i + 3] == b'-' { -1 } else { 1 };
        let digits: String = page[i + 4..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .take(2)
            .collect();
        if let Ok(h) = digits.parse::<i64>() {
            offset_hours = sign * h;
        }
        let after = &page[i..];
        let mut end = after.len().min(40);
        while !after.is_char_boundary(end) {
            end -= 1;
        }
        let after = &after[..end];
        if let Some((_, rest)) = after.split_once(", ") {
            let date = rest.split_whitespace().next().unwrap_or("");
            if let Some(iso) = parse_absolute(date) {
                return Some((
                    iso[..4].parse().ok()?,
                    iso[5..7].parse().ok()?,
                    iso[8..10].parse().ok()?,
                ));
            }
        }
    }
    let t = http_date? + offset_hours * 3600;
    Some(civil_from_days(t.div_euclid(86_400)))
}

/// Unix seconds from an HTTP date (`Sun, 29 Nov 2026 03:23:16 GMT`).
pub fn parse_http_date(s: &str) -> Option<i64> {
    let mut p = s.split_whitespace().skip(1);
    let d: u32 = p.next()?.parse().ok()?;
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let name = p.next()?;
    let m = mon.iter().position(|x| *x == name)? as u32 + 1;
    let y: i32 = p.next()?.parse().ok()?;
    let mut hms = p.next()?.split(':').map(|x| x.parse::<i64>().ok());
    let (hh, mm, ss) = (hms.next()??, hms.next()??, hms.next()??);
    // Out-of-range parts are no date (and would overflow: found by fuzzing).
    if !(1..=31).contains(&d) || !(0..=9999).contains(&y) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    if hh < 0 || mm < 0 || ss < 0 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_hour_times() {
        assert_eq!(
            parse_absolute("2018-4-5 12:23 AM").as_deref(),
            Some("2018-04-05T00:23:00")
        );
        assert_eq!(
            parse_absolute("2018-4-5 07:24 AM").as_deref(),
            Some("2018-04-05T07:24:00")
        );
        assert_eq!(
            parse_absolute("2018-4-5 12:05 PM").as_deref(),
            Some("2018-04-05T12:05:00")
        );
        assert_eq!(
            parse_absolute("2018-4-5 07:24 PM").as_deref(),
            Some("2018-04-05T19:24:00")
        );
        // 13 PM is no time; 24-hour times are as before.
        assert_eq!(parse_absolute("2018-4-5 13:00 PM"), None);
        assert_eq!(
            parse_absolute("2018-4-5 13:00").as_deref(),
            Some("2018-04-05T13:00:00")
        );
    }

    #[test]
    fn today_from_the_last_footer_stamp() {
        let page =
            "<p>东京是 GMT+9, 2020-1-1 00:00</p> ... <p class=xs0>GMT+8, 2026-11-29 11:23</p>";
        assert_eq!(today(page, None), Some((2026, 11, 29)));
        // A stamp cut short by the end of the page, multi-byte text after it: no panic.
        assert_eq!(today("GMT+8, 二〇二六年", None), None);
        assert_eq!(today("GMT-", Some(0)), Some((1970, 1, 1)));
        // No stamp: the HTTP date, in GMT+8.
        assert_eq!(today("", Some(1_795_922_596)), Some((2026, 11, 29)));
    }

    #[test]
    fn relative_days() {
        let today = Some((2026, 3, 1));
        assert_eq!(
            resolve_relative("昨天\u{a0}09:05", today).as_deref(),
            Some("2026-02-28T09:05:00")
        );
        assert_eq!(
            resolve_relative("前天 21:00", today).as_deref(),
            Some("2026-02-27T21:00:00")
        );
        assert_eq!(resolve_relative("1 小时前", today), None);
        assert_eq!(resolve_relative("昨天 09:05", None), None);
    }

    #[test]
    fn today_from_footer_or_http_date() {
        assert_eq!(
            today("<p>GMT+8, 2026-11-29 11:23</p>", None),
            Some((2026, 11, 29))
        );
        assert_eq!(
            parse_http_date("Wed, 10 Oct 2026 07:6666666666666666:00 GMT"),
            None
        );
        assert_eq!(parse_http_date("Wed, 99 Oct 2026 07:00:00 GMT"), None);
        let t = parse_http_date("Sun, 29 Nov 2026 20:23:16 GMT").unwrap();
        assert_eq!(today("no footer", Some(t)), Some((2026, 11, 30)));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    #[test]
    fn absolute() {
        assert_eq!(
            parse_absolute("2026-9-2 21:16:00").as_deref(),
            Some("2026-09-02T21:16:00")
        );
        assert_eq!(
            parse_absolute("发表于 2026-10-9 22:30").as_deref(),
            Some("2026-10-09T22:30:00")
        );
        assert_eq!(
            parse_absolute("2026-11-28").as_deref(),
            Some("2026-11-28T00:00:00")
        );
        assert_eq!(
            parse_absolute("2008/5/16 15:15:13").as_deref(),
            Some("2008-05-16T15:15:13")
        );
        assert_eq!(parse_absolute("昨天 09:05"), None);
        assert_eq!(parse_absolute("2026-13-1 10:00"), None);
        assert_eq!(parse_absolute("2026-1-1 25:00"), None);
    }

    #[test]
    fn relative() {
        assert!(is_relative("1\u{a0}小时前"));
        assert!(is_relative("昨天 09:05"));
        assert!(!is_relative("2026-9-2 21:16"));
    }
}
