//! Whole lines of Discuz UI text that ride along with scraped posts.
//!
//! Only whole lines are matched (after the junk on them is gone and the line is trimmed), so a
//! sentence that merely mentions one of these phrases is never touched. The set, with the
//! templates it comes from, is listed in README.md ("Boilerplate lines").

use regex::bytes::Regex;
use std::sync::OnceLock;

/// One alternative per notice; ASCII and full-width punctuation, optional spaces.
const PATTERN: &str = r"(?x)^(?:
    # Attachment block for guests (forum_viewthread attachment templates)
    本帖子中包含更多资源
  | (?:附件[:：]\s*)?您需要\s*登录\s*才可以下载或查看(?:附件)?\s*[,，。.]?\s*没有(?:账|帐)号\s*[?？]?\s*(?:立即)?注册
  | ×
  # Edit notice: 本帖最后由 NAME 于 DATE 编辑; Traditional 本帖最後由 … 於 … 編輯, Taiwan
  # 本文章最後由 …, English `This post was last edited by NAME at DATE` (src/extract/lang.rs)
  | 本帖最后由\s*.{1,60}?\s*于\s*\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s*编辑
  | 本(?:帖|文章)最後由\s*.{1,60}?\s*於\s*\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?\s*編輯
  | (?:This\ post\ was\ last\ edited|Last\ edited|Edited)\ by\s+.{1,60}?\s+(?:at|on)\s+\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?
  # Attachment lines: 下载附件 (12.3 KB) / 2023-6-5 10:20 上传 / 下载次数: 3
  | 下载附件\s*[(（]\s*\d+(?:\.\d+)?\s*(?:[KMG]B|Bytes|bytes|字节)\s*[)）]
  | \d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s*上传
  | 下载次数\s*[:：]\s*\d+
  # Hidden content shown to guests
  | 游客\s*[,，]\s*如果您要查看本帖隐藏内容请\s*回复
  | 遊客\s*[,，]\s*如果您要(?:查看|檢視)本(?:帖|文章)隱藏內容請\s*回(?:復|覆)
  | Guest\s*,\s*if\ you\ want\ to\ see\ the\ hidden\ content,\ please\s*Reply
)$";

fn regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(PATTERN).expect("boilerplate pattern is valid"))
}

/// Longest line worth testing: the edit notice with a long user name.
const MAX_LEN: usize = 256;

/// Is this line (without terminator, junk already removed) a boilerplate line?
pub fn is_boilerplate(line: &[u8]) -> bool {
    let t = trim(line);
    if t.is_empty() || t.len() > MAX_LEN {
        return false;
    }
    may_be_boilerplate(t) && regex().is_match(t)
}

/// A cheap test that a line could be boilerplate: it starts (after whitespace) with a character
/// that some pattern starts with. Junk may still sit later on the line.
pub fn may_be_boilerplate(line: &[u8]) -> bool {
    const FIRST: [&str; 7] = ["本", "您", "附", "下", "游", "遊", "×"];
    // The English UI's notices (Discuz!ML): the only ones starting with an ASCII letter.
    const FIRST_EN: [&str; 4] = [
        "This post was last edited by",
        "Last edited by",
        "Edited by",
        "Guest",
    ];
    // Most lines fail on their first byte: none of these starts with ASCII but a digit or the
    // first letters of the English notices.
    match line.first() {
        Some(b)
            if b.is_ascii()
                && !b.is_ascii_digit()
                && !matches!(b, b' ' | b'\t' | b'\r' | b'T' | b'L' | b'E' | b'G') =>
        {
            return false
        }
        None => return false,
        _ => {}
    }
    let t = trim(line);
    !t.is_empty()
        && (t[0].is_ascii_digit()
            || FIRST.iter().any(|f| t.starts_with(f.as_bytes()))
            || FIRST_EN.iter().any(|f| t.starts_with(f.as_bytes())))
}

fn trim(mut s: &[u8]) -> &[u8] {
    loop {
        match s {
            [b' ' | b'\t' | b'\r', rest @ ..] => s = rest,
            [0xC2, 0xA0, rest @ ..] => s = rest,
            [0xE3, 0x80, 0x80, rest @ ..] => s = rest,
            _ => break,
        }
    }
    loop {
        match s {
            [rest @ .., b' ' | b'\t' | b'\r'] => s = rest,
            [rest @ .., 0xC2, 0xA0] => s = rest,
            [rest @ .., 0xE3, 0x80, 0x80] => s = rest,
            _ => break,
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_lines() {
        for line in [
            "本帖子中包含更多资源",
            "您需要 登录 才可以下载或查看，没有账号？立即注册",
            "您需要 登录 才可以下载或查看,没有账号?立即注册",
            "您需要登录才可以下载或查看，没有帐号？注册",
            "附件: 您需要 登录 才可以下载或查看附件。没有帐号？立即注册",
            "×",
            "  × ",
            "本帖最后由 admin 于 2023-6-5 10:20 编辑",
            "本帖最后由 张三 于 2026-11-28 09:05:33 编辑 ",
            "下载附件 (12.3 KB)",
            "下载附件(1.02 MB)",
            "2023-6-5 10:20 上传",
            "2026-11-28 09:05:00 上传",
            "下载次数: 12",
            "游客，如果您要查看本帖隐藏内容请回复",
            "游客,如果您要查看本帖隐藏内容请 回复",
            "本帖最後由 小明 於 2026-9-6 10:22 編輯",
            "本文章最後由 Amy 於 2026-9-6 10:22 PM 編輯",
            "This post was last edited by kim at 2026-9-6 10:22",
            "Edited by Jo at 2026-9-6 10:22 ",
            "遊客，如果您要查看本帖隱藏內容請回復",
            "遊客，如果您要檢視本文章隱藏內容請回覆",
            "Guest, if you want to see the hidden content, please Reply",
        ] {
            assert!(is_boilerplate(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn sentences_mentioning_them_stay() {
        for line in [
            "本帖子中包含更多资源，请大家下载",
            "他说：您需要 登录 才可以下载或查看，没有账号？立即注册",
            "× 2",
            "2 × 3 = 6",
            "本帖最后由 admin 于 2023-6-5 10:20 编辑，原因：错字",
            // Real English and Traditional text that starts like a notice.
            "Edited by hand at the last minute.",
            "Last edited by the author at 2026-9-6 10:22, see the history for why",
            "This post was last edited by me because of a typo.",
            "Guest speakers, if you want to see the hidden content, please reply.",
            "本文章最後由作者修改過",
            "下载附件之前请先阅读说明",
            "我在 2023-6-5 10:20 上传了照片",
            "",
            "xx",
            "x",
        ] {
            assert!(!is_boilerplate(line.as_bytes()), "{line}");
        }
    }
}
