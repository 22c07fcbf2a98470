//! The Discuz UI strings the extractor keys on, as data: one table per UI language. Boards run
//! the Simplified Chinese pack (stock), the official Traditional Chinese builds (`TC_BIG5`,
//! `TC_UTF8`), Taiwan/Hong Kong translations (DiscuzX_TW: `本文章最後由 …`, `複製程式碼`) and
//! English (Discuz!ML). The strings come from the language packs: `source/language/forum/
//! lang_misc.php` (`post_edit`), `lang_template.php` (`poston`, `author`, `time`, `subject`,
//! `discuzcode_copyclipboard`), the X default floor names; where an official TC string was not
//! seen verbatim, its SC string converted character by character.

/// The strings of one UI language.
#[derive(Debug)]
pub struct Lang {
    pub name: &'static str,
    /// The printable view's labels: `<b>作者: </b>`, `<b>时间: </b>`, `<b>标题: </b>`.
    pub author: &'static str,
    pub time: &'static str,
    pub subject: &'static str,
    /// "posted at", before a post's time.
    pub posted: &'static [&'static str],
    /// Edit notices as (prefix, between editor and time, suffix).
    pub edited: &'static [(&'static str, &'static str, &'static str)],
    /// Floors 1 to 4 by name (X defaults).
    pub floors: [&'static str; 4],
    /// The label of a code block's copy button.
    pub copy_code: &'static [&'static str],
    /// A quote's header around its author and time (`post_reply_quote`): (prefix, between).
    pub quote: (&'static str, &'static str),
}

pub const SC: Lang = Lang {
    name: "zh-Hans",
    author: "作者",
    time: "时间",
    subject: "标题",
    posted: &["发表于"],
    edited: &[("本帖最后由", " 于 ", "编辑")],
    floors: ["楼主", "沙发", "板凳", "地板"],
    copy_code: &["复制代码"],
    quote: ("", " 发表于 "),
};

/// Official Traditional Chinese builds.
pub const TC: Lang = Lang {
    name: "zh-Hant",
    author: "作者",
    time: "時間",
    subject: "標題",
    posted: &["發表於"],
    edited: &[("本帖最後由", " 於 ", "編輯")],
    floors: ["樓主", "沙發", "板凳", "地板"],
    copy_code: &["複製代碼"],
    quote: ("", " 發表於 "),
};

/// The Taiwan translation (DiscuzX_TW), which says 文章 for 帖.
pub const TW: Lang = Lang {
    name: "zh-TW",
    author: "作者",
    time: "時間",
    subject: "標題",
    posted: &["發表於"],
    edited: &[("本文章最後由", " 於 ", "編輯")],
    floors: ["樓主", "沙發", "板凳", "地板"],
    copy_code: &["複製程式碼"],
    quote: ("", " 發表於 "),
};

/// English (Discuz!ML and other translations).
pub const EN: Lang = Lang {
    name: "en",
    author: "Author",
    time: "Time",
    subject: "Subject",
    posted: &["Post time", "Posted on", "Posted at", "Posted:"],
    edited: &[
        ("This post was last edited by ", " at ", ""),
        ("This post was last edited by ", " on ", ""),
        ("Last edited by ", " at ", ""),
        ("Edited by ", " at ", ""),
        ("Post edited by ", " at ", ""),
    ],
    // The first post's label is `thread_author`; replies are numbered (`2#`).
    floors: ["Author", "", "", ""],
    copy_code: &["Copy the Code", "Copy code"],
    quote: ("Posted by ", " at "),
};

pub const ALL: [&Lang; 4] = [&SC, &TC, &TW, &EN];

/// Which printable-view field a label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Author,
    Time,
    Subject,
}

/// The printable field a bold label (`作者`, `時間`, `Subject`) names, in any language.
pub fn printable_field(label: &str) -> Option<Field> {
    let l = label.trim();
    ALL.iter().find_map(|lang| {
        if l == lang.author {
            Some(Field::Author)
        } else if l == lang.time {
            Some(Field::Time)
        } else if l == lang.subject {
            Some(Field::Subject)
        } else {
            None
        }
    })
}

/// Floors 1 to 4 by name, in any language.
pub fn named_floor(s: &str) -> Option<u32> {
    ALL.iter().find_map(|lang| {
        lang.floors
            .iter()
            .position(|f| !f.is_empty() && *f == s)
            .map(|i| i as u32 + 1)
    })
}

/// `s` without a leading "posted at" label, in any language.
pub fn strip_posted(s: &str) -> &str {
    let t = s.trim_start();
    ALL.iter()
        .flat_map(|l| l.posted.iter())
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t)
        .trim()
}

/// An edit notice, in any language: (editor, the time as written).
pub fn edit_notice(t: &str) -> Option<(String, String)> {
    let t = t
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    ALL.iter()
        .flat_map(|l| l.edited.iter())
        .find_map(|(pre, mid, suf)| {
            let rest = t.strip_prefix(pre)?.trim_start();
            // The editor's name may hold the separator; the time never does.
            let (who, when) = rest.rsplit_once(mid)?;
            let when = when.trim().strip_suffix(suf)?.trim();
            // A time starts with a digit (a year, a month): "Edited by hand, at last." is text.
            let timely = when.starts_with(|c: char| c.is_ascii_digit());
            (timely && !who.trim().is_empty()).then(|| (who.trim().to_owned(), when.to_owned()))
        })
}

/// A quote's header (`NAME 发表于 DATE`, `Posted by NAME at DATE`), in any language: (author,
/// time as written).
pub fn quote_header(h: &str) -> Option<(String, String)> {
    let h = h.trim();
    ALL.iter().find_map(|l| {
        let (pre, mid) = l.quote;
        // A name may hold the separator (`at`); the time does not.
        let (who, when) = h.strip_prefix(pre)?.rsplit_once(mid)?;
        let (who, when) = (who.trim(), when.trim());
        (!who.is_empty() && !when.is_empty()).then(|| (who.to_owned(), when.to_owned()))
    })
}

/// Whether `t` is the label of a code block's copy button.
pub fn is_copy_code(t: &str) -> bool {
    let t = t.trim();
    ALL.iter().any(|l| l.copy_code.contains(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_headers_in_every_language() {
        for (h, who, when) in [
            ("张三 发表于 2026-10-9 22:30", "张三", "2026-10-9 22:30"),
            ("張三 發表於 2026-10-9 22:30", "張三", "2026-10-9 22:30"),
            (
                "Posted by Bob at Home at 2026-10-9 22:30",
                "Bob at Home",
                "2026-10-9 22:30",
            ),
        ] {
            assert_eq!(
                quote_header(h),
                Some((who.to_owned(), when.to_owned())),
                "{h}"
            );
        }
        // A quoted line that names nobody is no header.
        assert_eq!(quote_header("Posted by  at 9"), None);
        assert_eq!(quote_header("just some text"), None);
    }

    #[test]
    fn edit_notices_in_every_language() {
        for (notice, who, when) in [
            (
                "本帖最后由 techfan_88 于 2026-9-6 10:22 编辑",
                "techfan_88",
                "2026-9-6 10:22",
            ),
            (
                "本帖最後由 小明 於 2026-9-6 10:22 編輯",
                "小明",
                "2026-9-6 10:22",
            ),
            (
                "本文章最後由 Amy 於 2026-9-6 10:22 PM 編輯",
                "Amy",
                "2026-9-6 10:22 PM",
            ),
            (
                "[ 本帖最后由 老王 于 2009-3-1 20:15 编辑 ]",
                "老王",
                "2009-3-1 20:15",
            ),
            (
                "This post was last edited by kim at 2026-9-6 10:22",
                "kim",
                "2026-9-6 10:22",
            ),
            ("Edited by Jo at 2026-9-6 10:22", "Jo", "2026-9-6 10:22"),
            // A name holding the separator: the time is after the last one.
            (
                "本帖最后由 a 于 b 于 2026-1-2 03:04:05 编辑",
                "a 于 b",
                "2026-1-2 03:04:05",
            ),
        ] {
            assert_eq!(
                edit_notice(notice),
                Some((who.to_owned(), when.to_owned())),
                "{notice}"
            );
        }
        // Real text that starts like one is not a notice.
        assert_eq!(edit_notice("本帖最后由于篇幅所限，没有写完"), None);
        assert_eq!(edit_notice("Edited by hand, at last."), None);
        assert_eq!(edit_notice("别的文字"), None);
    }

    #[test]
    fn labels_floors_and_posted() {
        assert_eq!(printable_field("時間"), Some(Field::Time));
        assert_eq!(printable_field("Author"), Some(Field::Author));
        assert_eq!(printable_field("标题"), Some(Field::Subject));
        assert_eq!(printable_field("作者们"), None);
        assert_eq!(named_floor("樓主"), Some(1));
        assert_eq!(named_floor("沙發"), Some(2));
        assert_eq!(named_floor(""), None);
        assert_eq!(named_floor("Author"), Some(1));
        assert_eq!(strip_posted("發表於 2026-9-2 21:16"), "2026-9-2 21:16");
        assert_eq!(strip_posted("Post time 2026-9-2 21:16"), "2026-9-2 21:16");
        assert!(is_copy_code("複製程式碼"));
        assert!(!is_copy_code("复制"));
    }
}
