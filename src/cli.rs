//! Command-line arguments (clap derive). A field's doc comment is its help text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use unjam::clean::jsonl::FieldPath;
use unjam::output::Format;

const AFTER_HELP: &str = "\
Exit status:
  0  success (with --check: no junk found)
  1  some input failed (each failure is named on stderr; the rest is still written),
     or --check found junk
  2  usage error (bad arguments)
  3  thread not found            6  Discuz anti-theft page
  4  login required              7  browser challenge (Cloudflare)
  5  no permission               8  not a Discuz thread page
     (3-8: every page failed on that same gate)
  9  everything disallowed by robots.txt
  10 another unjam run holds the --state file

Data goes to stdout, messages to stderr. Docs: README.md";

/// Scrape Discuz!-style forums into clean text, without the anti-scrape jammer junk.
#[derive(Debug, Parser)]
#[command(name = "unjam", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// More messages on stderr: -v per page (posts, decisions), -vv per request.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Ignore the config file (~/.config/unjam/config.toml, or UNJAM_CONFIG).
    #[arg(long, global = true)]
    pub no_config: bool,

    /// Colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// When to colour output: `--mark` highlights, text post headers, error prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Strip jammer junk from text that was already scraped (files or stdin, to stdout).
    #[command(after_help = CLEAN_AFTER_HELP)]
    Clean(CleanArgs),
    /// Extract the posts of saved Discuz thread pages (files, directories or stdin).
    #[command(after_help = EXTRACT_AFTER_HELP)]
    Extract(ExtractArgs),
    /// Fetch every page of Discuz threads over HTTP and write their posts.
    #[command(after_help = THREAD_AFTER_HELP)]
    Thread(Box<ThreadArgs>),
    /// Crawl a board: list its threads, fetch them, and with --state only what is new.
    #[command(after_help = FORUM_AFTER_HELP)]
    Forum(Box<ForumArgs>),
    /// Print the shell completion script for SHELL (see README, "Install").
    #[command(after_help = COMPLETIONS_AFTER_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write every page with --dir.
    #[command(after_help = MAN_AFTER_HELP)]
    Man(ManArgs),
    /// Print the effective settings (as a config file) and where each one comes from.
    #[command(after_help = CONFIG_AFTER_HELP)]
    Config,
}

const CONFIG_AFTER_HELP: &str = "\
The config file holds options set once: user_agent, cookies, proxy, timeout, wait, retries,
format (TOML, the flags' names with '_'). It is UNJAM_CONFIG if set, else
$XDG_CONFIG_HOME/unjam/config.toml, else ~/.config/unjam/config.toml; --no-config ignores it.
Precedence: default < config file < environment (UNJAM_WAIT, ...) < flag.

Examples:
  unjam config > ~/.config/unjam/config.toml       # start one from the effective settings
  UNJAM_WAIT=5 unjam config                        # see what a cron line would use";

const COMPLETIONS_AFTER_HELP: &str = "\
Examples:
  unjam completions bash > ~/.local/share/bash-completion/completions/unjam
  unjam completions zsh > ~/.zfunc/_unjam        # with fpath+=(~/.zfunc) before compinit
  unjam completions fish > ~/.config/fish/completions/unjam.fish";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const MAN_AFTER_HELP: &str = "\
Examples:
  unjam man | man -l -                             # read it now
  unjam man clean | man -l -                       # one subcommand's page
  unjam man --dir ~/.local/share/man/man1          # unjam.1, unjam-clean.1, ... for `man unjam`";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand whose page to print (clean, extract, thread, forum, ...).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,

    /// Write unjam.1 and a page per subcommand into DIR (created if missing).
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// `--charset LABEL`: any label encoding_rs knows (checked when parsing the arguments), with the
/// labels of Discuz sites offered to shell completion.
#[derive(Clone, Debug)]
pub struct CharsetParser;

/// Offered to completion; any other WHATWG label is accepted too.
const CHARSET_LABELS: [&str; 7] = [
    "utf-8",
    "gbk",
    "gb18030",
    "gb2312",
    "big5",
    "big5-hkscs",
    "shift_jis",
];

impl clap::builder::TypedValueParser for CharsetParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let label = value.to_str().unwrap_or_default();
        if unjam::extract::charset::by_label(label).is_some() {
            return Ok(label.to_string());
        }
        let name = arg.map(|a| a.to_string()).unwrap_or_default();
        Err(clap::Error::raw(
            clap::error::ErrorKind::InvalidValue,
            format!(
                "unknown charset {label:?} for {name} (try {}; any WHATWG label works)\n",
                CHARSET_LABELS.join(", ")
            ),
        )
        .with_cmd(cmd))
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            CHARSET_LABELS.iter().map(clap::builder::PossibleValue::new),
        ))
    }
}

const FORUM_AFTER_HELP: &str = "\
Examples:
  unjam forum --list 'https://bbs.example.org/forum-2-1.html' | jq -r .url
  unjam forum --state board2.json -f jsonl URL >> posts.jsonl        # every hour from cron
  unjam forum --state board2.json --output-dir threads/ URL          # threads/TID.jsonl
  unjam forum --since 2026-11-01 --max-threads 50 -f jsonl URL

robots.txt is obeyed by default (--ignore-robots to override, as wget -e robots=off).

Exit status: 0 everything done, 1 some threads or boards failed (the rest written, each
failure named), 2 usage, 3-8 every board failed on that same gate (5: a board closed to
guests), 9 every board disallowed by robots.txt, 10 another run holds the --state file.";

#[derive(Debug, Args)]
pub struct ForumArgs {
    /// Board URLs: forum.php?mod=forumdisplay&fid=N, forum-N-P.html, forumdisplay.php?fid=N,
    /// archiver/?fid-N.html.
    #[arg(value_name = "URL", required = true)]
    pub urls: Vec<String>,

    /// Only list the threads (JSON Lines, one thread per line), fetch none of them.
    #[arg(long)]
    pub list: bool,

    /// Listing pages to read per board (default: all).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_pages: Option<u32>,

    /// Threads to take per run, in listing order (default: all).
    #[arg(long, value_name = "N")]
    pub max_threads: Option<usize>,

    /// Skip threads whose last post is older than DATE (`2026-11-01`, `2026-11-01 08:00`).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Follow the sub-forums the boards list, recursively.
    #[arg(long)]
    pub recurse: bool,

    /// Do not read robots.txt (by default a disallowed board or thread is reported, not fetched).
    #[arg(long)]
    pub ignore_robots: bool,

    /// Output only posts not output before, and remember them in FILE (see README,
    /// "Incremental runs"): unchanged threads are not fetched at all.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// With --state: wait for another run holding FILE to finish instead of exiting with 10.
    #[arg(long, requires = "state")]
    pub wait_lock: bool,

    /// Write each thread's posts to DIR/TID.jsonl (appended, never half-written) instead of stdout.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["output", "list"])]
    pub output_dir: Option<PathBuf>,

    /// Output format (the same records as `unjam thread`).
    #[arg(short, long, value_enum, default_value_t = Format::Text, env = "UNJAM_FORMAT")]
    pub format: Format,

    /// Write to FILE (atomically, at the end) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Keep each fetched thread page's raw bytes and response head in DIR.
    #[arg(long, value_name = "DIR")]
    pub save_html: Option<PathBuf>,

    #[command(flatten)]
    pub http: HttpArgs,
}

const THREAD_AFTER_HELP: &str = "\
Examples:
  unjam thread 'https://bbs.example.org/thread-42-1-1.html'
  unjam thread -f jsonl --cookies cookies.txt URL | jq -r .text
  unjam thread -i urls.txt --wait 2 --random-wait -f jsonl -o posts.jsonl
  unjam thread --source printable --save-html pages/ URL
  unjam thread --respect-robots --cookies cookies.txt -f jsonl URL >> posts.jsonl

Posts are written page by page as they come in; a thread that fails half-way keeps what was
written and is named on stderr. -v logs each page, -vv each request; a progress bar shows on a
terminal.

Exit status: 0 every thread complete, 1 some failed (the others still written), 2 usage,
3 not found, 4 login required, 5 no permission, 6 anti-theft page, 7 browser challenge,
8 not a Discuz thread page (3-8: every thread failed on that same gate), 9 every thread
disallowed by robots.txt (--respect-robots).";

/// Which view of a thread to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceArg {
    /// Desktop pages; the archiver when the first one is an anti-theft page or not a thread.
    Auto,
    /// The normal thread pages, page by page.
    Desktop,
    /// The printable view: the whole thread in one request, where the board allows it.
    Printable,
    /// The archiver: no jammer at all, no floors.
    Archiver,
    /// The touch view (`mobile=2`).
    Mobile,
}

#[derive(Debug, Args)]
pub struct ThreadArgs {
    /// Thread URLs, any Discuz form (forum.php?mod=viewthread&tid=N, thread-N-P-1.html,
    /// viewthread.php?tid=N, archiver/?tid-N.html).
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,

    /// Read URLs from FILE (`-` for stdin), one per line; `#` starts a comment.
    #[arg(short = 'i', long = "input-file", value_name = "FILE")]
    pub input_file: Option<PathBuf>,

    /// Which view to fetch.
    #[arg(long, value_enum, default_value_t = SourceArg::Desktop)]
    pub source: SourceArg,

    /// Pages to fetch: `3`, `2-5` or `4-` (to the end).
    #[arg(long, value_name = "RANGE")]
    pub pages: Option<String>,

    /// Output format (the same records as `unjam extract`).
    #[arg(short, long, value_enum, default_value_t = Format::Text, env = "UNJAM_FORMAT")]
    pub format: Format,

    /// Write to FILE (atomically, at the end) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub http: HttpArgs,

    /// Output only posts not output before, and remember them in FILE (JSON; see README,
    /// "Incremental runs"). A second run at the same time waits or stops (--wait-lock).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// With --state: wait for another run holding FILE to finish instead of exiting with 10.
    #[arg(long, requires = "state")]
    pub wait_lock: bool,

    /// Keep each fetched page's raw bytes and response head in DIR (`unjam extract DIR` reads them).
    #[arg(long, value_name = "DIR")]
    pub save_html: Option<PathBuf>,

    /// Check every URL against its host's robots.txt first (fetched once per host); a thread
    /// it disallows fails with the rule that blocked it. Off by default, as in wget and curl,
    /// for URLs you name yourself.
    #[arg(long)]
    pub respect_robots: bool,
}

/// HTTP settings shared by `thread` and `forum`.
#[derive(Debug, Args)]
#[command(next_help_heading = "HTTP")]
pub struct HttpArgs {
    /// Netscape cookies.txt (as browsers export and curl/wget read).
    #[arg(long, value_name = "FILE", env = "UNJAM_COOKIES")]
    pub cookies: Option<PathBuf>,

    /// Cookies `NAME=VALUE; NAME2=VALUE2`, sent only to the hosts of the URLs given.
    #[arg(long, value_name = "COOKIES")]
    pub cookie: Option<String>,

    /// Save the cookies held at the end (read and set by servers) to FILE, Netscape format.
    #[arg(long, value_name = "FILE")]
    pub cookie_jar: Option<PathBuf>,

    /// User-Agent header (Discuz sends the touch view to mobile user agents).
    #[arg(long, value_name = "UA", env = "UNJAM_USER_AGENT")]
    pub user_agent: Option<String>,

    /// Extra request header `NAME: VALUE` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,

    /// Proxy URL (http://, https://, socks5://); default from HTTP_PROXY/HTTPS_PROXY/NO_PROXY.
    #[arg(long, value_name = "URL", env = "UNJAM_PROXY")]
    pub proxy: Option<String>,

    /// Seconds a request may take, connecting included.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30.0,
        env = "UNJAM_TIMEOUT"
    )]
    pub timeout: f64,

    /// Largest page body accepted, after decompression (`20M`, `512K`, bytes).
    #[arg(long, value_name = "SIZE", default_value = "20M")]
    pub max_size: String,

    /// Seconds between two requests to one host.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 1.0,
        env = "UNJAM_WAIT"
    )]
    pub wait: f64,

    /// Scale each wait by a random factor between 0.5 and 1.5.
    #[arg(long)]
    pub random_wait: bool,

    /// Retries for connection errors, timeouts, 429 and 5xx (with backoff and Retry-After).
    #[arg(long, value_name = "N", default_value_t = 3, env = "UNJAM_RETRIES")]
    pub retries: u32,

    /// Decode pages with this charset whatever they declare.
    #[arg(long, value_name = "LABEL", value_parser = CharsetParser, hide_possible_values = true)]
    pub charset: Option<String>,
}

const EXTRACT_AFTER_HELP: &str = "\
Examples:
  unjam extract page.html                          # a readable thread
  curl -s URL | unjam extract --url URL -f jsonl   # one post per line
  unjam extract -f json saved/ > threads.json      # a directory of pages, grouped by thread
  unjam extract --charset gbk old-page.htm
  unjam extract -f jsonl --stats CC-MAIN-*.warc.gz > posts.jsonl   # Common Crawl WARC files

Exit status: 0 success, 1 some pages failed, 2 usage, 3 not found, 4 login required,
5 no permission, 6 anti-theft page, 7 browser challenge, 8 not a Discuz thread page.";

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Saved pages: files, directories (every .html/.htm inside, recursively, grouped into
    /// threads), or `-` for stdin (the default).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The page's address, for resolving relative links (a `<base href>` in the page wins).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Decode the page with this charset (gbk, gb18030, big5, utf-8, ...), whatever it declares.
    #[arg(long, value_name = "LABEL", value_parser = CharsetParser, hide_possible_values = true)]
    pub charset: Option<String>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Text, env = "UNJAM_FORMAT")]
    pub format: Format,

    /// Write to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Largest page accepted (`20M`, `512K`, bytes): a bigger one is refused, not parsed
    /// (html5ever needs several times a page's size in memory).
    #[arg(long, value_name = "SIZE", default_value = "20M")]
    pub max_size: String,

    /// Pages extracted in parallel; 0 means one per CPU.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Print counts to stderr: pages, threads, posts, failures (with --warc: records read,
    /// skipped and why, corrupt).
    #[arg(long)]
    pub stats: bool,

    /// Read the inputs as web archives (Common Crawl's .warc.gz; plain WARC too): every
    /// response record that is a Discuz thread page gives its posts, with warc_record_id and
    /// warc_date. Files named .warc/.warc.gz, or starting with a WARC header, are read so
    /// without it; stdin needs it.
    #[arg(long)]
    pub warc: bool,
}

const CLEAN_AFTER_HELP: &str = "\
Examples:
  unjam clean post.txt > post.clean.txt
  curl -s URL | html2text | unjam clean
  unjam clean --in-place saved/*.txt
  unjam clean --jsonl --field text < corpus.jsonl > clean.jsonl
  unjam clean --check --stats notes.txt    # exit 1 if junk is present
  unjam clean --find-seo posts/*.txt > seo.txt && unjam clean --seo-list seo.txt -i posts/*.txt
  unjam clean CC-MAIN-*.warc.wet.gz > docs.jsonl       # Common Crawl WET: one record per line
  unjam clean --format wet --only-jammed x.warc.wet.gz | gzip > jammed.warc.wet.gz

Exit status: 0 success (--check: no junk), 1 some input failed or --check found junk, 2 usage.";

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Files to clean; none, or `-`, reads stdin. Each file is cleaned as its own document.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Write the output to FILE (atomically: a temp file renamed over FILE at the end).
    #[arg(short, long, value_name = "FILE", conflicts_with_all = ["in_place", "check"])]
    pub output: Option<PathBuf>,

    /// Rewrite each FILE in place, atomically (temp file + rename); unchanged files are not touched.
    #[arg(short = 'i', long, conflicts_with = "check")]
    pub in_place: bool,

    /// Treat the input as JSON Lines and clean the string fields named by --field.
    #[arg(long)]
    pub jsonl: bool,

    /// Documents in the input are separated by NUL bytes (as `find -print0` and `grep -z`
    /// write them): each is cleaned on its own. Without it, an input is one document, read in
    /// windows of about 1 MiB.
    #[arg(short = 'z', long = "null-data", conflicts_with = "jsonl")]
    pub null_data: bool,

    /// Field to clean in each JSON Lines record (repeatable; dotted paths such as `meta.title`;
    /// arrays are walked). Default: `text`.
    #[arg(long = "field", value_name = "NAME", requires = "jsonl")]
    pub fields: Vec<FieldPath>,

    /// With --jsonl: pass lines that are not JSON through unchanged (and count them) instead of
    /// stopping with an error.
    #[arg(long, requires = "jsonl")]
    pub skip_invalid: bool,

    /// Worker threads; output order is kept. 0 means one per CPU.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 1)]
    pub threads: usize,

    /// Print counts to stderr: lines, junk strings and bytes removed, by form.
    #[arg(long)]
    pub stats: bool,

    /// Only check: print nothing to stdout, exit 1 if any junk (or boilerplate) was found.
    #[arg(long)]
    pub check: bool,

    /// Wrap what would be removed in ⟦ ⟧ instead of removing it, to audit the cleaner.
    #[arg(long)]
    pub mark: bool,

    /// Keep Discuz boilerplate lines (attachment and edit notices, a lone ×, ...).
    #[arg(long)]
    pub keep_boilerplate: bool,

    /// Keep SEO strings glued to junk (Discuz 2.x-7.x), even when they recur.
    #[arg(long, conflicts_with_all = ["seo_list", "find_seo"])]
    pub keep_seo: bool,

    /// SEO strings of the sites the text comes from (site name, host, keywords, description),
    /// one per line, as --find-seo prints them: removed next to junk even where they occur
    /// once in a document. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub seo_list: Vec<PathBuf>,

    /// Print the SEO strings found next to junk in all inputs, one per line, most frequent
    /// first, instead of the text: the list for --seo-list, learned from a whole corpus.
    #[arg(long, conflicts_with_all = ["in_place", "check", "mark"])]
    pub find_seo: bool,

    /// Read the inputs as WET files (Common Crawl's .warc.wet.gz): each conversion record is
    /// cleaned as its own document. Files named .wet/.wet.gz are read so without it.
    #[arg(long, conflicts_with_all = ["jsonl", "null_data", "in_place", "find_seo"])]
    pub wet: bool,

    /// With WET input: JSON Lines records {url, warc_date, warc_record_id, text} (default), or
    /// WET again (records with nothing removed byte for byte as read).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<WetFormat>,

    /// With WET input: output only the records where jammer junk was found.
    #[arg(long)]
    pub only_jammed: bool,
}

/// What `unjam clean --wet` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WetFormat {
    /// One JSON object per record: url, warc_date, warc_record_id, text.
    Jsonl,
    /// WARC/1.0 conversion records, Content-Length and digests fixed where the text changed.
    Wet,
}
