//! The bytes of a WARC file, gzip member by gzip member.
//!
//! Common Crawl compresses each record as its own gzip member, so that an index can point at
//! one record and a reader can start anywhere. flate2's `MultiGzDecoder` reads such a file as one
//! stream, but it hides where members start and stops for good at the first bad byte. Here a
//! member's end is visible to the record parser (it reads 0 there until told to go on), the
//! compressed offset of the current member is known (errors name it, as CC's index would), and
//! after a corrupt member reading goes on at the next gzip header.

use flate2::bufread::GzDecoder;
use std::io::{self, BufRead, Read};

/// A buffered reader that counts the bytes consumed from it: the compressed offset.
pub struct Counted<R> {
    inner: io::BufReader<R>,
    pos: u64,
}

impl<R: Read> Counted<R> {
    pub fn new(inner: R) -> Self {
        Counted {
            inner: io::BufReader::with_capacity(256 * 1024, inner),
            pos: 0,
        }
    }

    pub fn pos(&self) -> u64 {
        self.pos
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.pos += n as u64;
        self.inner.consume(n);
    }
}

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Whether `head` starts like a gzip file.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&GZIP_MAGIC[..2])
}

enum State<R> {
    /// Between members (or a plain file, which is one long "member").
    Between(Counted<R>),
    In(Box<GzDecoder<Counted<R>>>),
    Plain(Counted<R>),
    /// Only while a state is being replaced.
    Taken,
}

/// The decompressed bytes of a file; `read` returns 0 at the end of each gzip member until
/// [`Members::next_member`] is called.
pub struct Members<R> {
    state: State<R>,
    member_start: u64,
}

/// What [`Members::next_member`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// A member starts at this offset.
    Member(u64),
    /// The file ends.
    End,
    /// Bytes that are not a gzip member start at `at`; the next member, if any, is at `resumed`.
    Garbage { at: u64, resumed: Option<u64> },
}

impl<R: Read> Members<R> {
    /// A reader over `inner`, gzip or not as its first bytes say.
    pub fn new(inner: R) -> io::Result<Self> {
        let mut c = Counted::new(inner);
        let gz = is_gzip(c.fill_buf()?);
        Ok(Members {
            state: if gz {
                State::Between(c)
            } else {
                State::Plain(c)
            },
            member_start: 0,
        })
    }

    pub fn is_gzip(&self) -> bool {
        !matches!(self.state, State::Plain(_))
    }

    /// Offset in the file of the current member (0 for a plain file).
    pub fn member_start(&self) -> u64 {
        self.member_start
    }

    /// Compressed bytes consumed so far.
    pub fn pos(&self) -> u64 {
        match &self.state {
            State::Between(c) | State::Plain(c) => c.pos(),
            State::In(d) => d.get_ref().pos(),
            State::Taken => 0,
        }
    }

    /// Leave the current member (the rest of it unread) and start the next one.
    pub fn next_member(&mut self) -> io::Result<Next> {
        let mut c = match std::mem::replace(&mut self.state, State::Taken) {
            State::In(d) => d.into_inner(),
            State::Between(c) => c,
            State::Plain(c) => {
                self.state = State::Plain(c);
                return Ok(Next::End);
            }
            State::Taken => return Ok(Next::End),
        };
        let at = c.pos();
        let head = c.fill_buf()?;
        if head.is_empty() {
            self.state = State::Between(c);
            return Ok(Next::End);
        }
        if head.starts_with(&GZIP_MAGIC) || (head.len() < 3 && GZIP_MAGIC.starts_with(head)) {
            self.start(c);
            return Ok(Next::Member(at));
        }
        let resumed = skip_to_magic(&mut c)?;
        match resumed {
            Some(_) => self.start(c),
            None => self.state = State::Between(c),
        }
        Ok(Next::Garbage { at, resumed })
    }

    /// After a read error inside a member: go on at the next gzip header after the error.
    pub fn resync(&mut self) -> io::Result<Option<u64>> {
        let mut c = match std::mem::replace(&mut self.state, State::Taken) {
            State::In(d) => d.into_inner(),
            State::Between(c) => c,
            State::Plain(c) => {
                self.state = State::Plain(c);
                return Ok(None);
            }
            State::Taken => return Ok(None),
        };
        // The member's header magic is behind us; any later one is a candidate.
        let found = skip_to_magic(&mut c)?;
        match found {
            Some(_) => self.start(c),
            None => self.state = State::Between(c),
        }
        Ok(found)
    }

    fn start(&mut self, c: Counted<R>) {
        self.member_start = c.pos();
        self.state = State::In(Box::new(GzDecoder::new(c)));
    }
}

/// Consume bytes up to the next gzip magic; its offset, or `None` at the end of the file.
fn skip_to_magic<R: Read>(c: &mut Counted<R>) -> io::Result<Option<u64>> {
    loop {
        let buf = c.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        // The magic may straddle two buffers: keep the last two bytes when none is found.
        match memchr::memmem::find(buf, &GZIP_MAGIC) {
            Some(i) => {
                c.consume(i);
                return Ok(Some(c.pos()));
            }
            None if buf.len() > 2 => {
                let n = buf.len() - 2;
                c.consume(n);
            }
            None => {
                // Fewer than three bytes left and no magic among them: the file ends here.
                let n = buf.len();
                c.consume(n);
            }
        }
    }
}

impl<R: Read> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.state {
            State::In(d) => d.read(buf),
            State::Plain(c) => c.read(buf),
            State::Between(_) | State::Taken => Ok(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn member(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_member<R: Read>(m: &mut Members<R>) -> io::Result<Vec<u8>> {
        let mut v = Vec::new();
        m.read_to_end(&mut v)?;
        Ok(v)
    }

    #[test]
    fn members_end_one_by_one_with_their_offsets() {
        let a = member(b"first");
        let b = member(b"second");
        let file = [a.clone(), b].concat();
        let mut m = Members::new(&file[..]).unwrap();
        assert_eq!(m.next_member().unwrap(), Next::Member(0));
        assert_eq!(read_member(&mut m).unwrap(), b"first");
        assert_eq!(m.next_member().unwrap(), Next::Member(a.len() as u64));
        assert_eq!(m.member_start(), a.len() as u64);
        assert_eq!(read_member(&mut m).unwrap(), b"second");
        assert_eq!(m.next_member().unwrap(), Next::End);
    }

    #[test]
    fn garbage_between_members_is_skipped_and_located() {
        let a = member(b"first");
        let junk = b"not gzip at all, not even close".to_vec();
        let b = member(b"second");
        let file = [a.clone(), junk.clone(), b].concat();
        let mut m = Members::new(&file[..]).unwrap();
        m.next_member().unwrap();
        assert_eq!(read_member(&mut m).unwrap(), b"first");
        let at = a.len() as u64;
        assert_eq!(
            m.next_member().unwrap(),
            Next::Garbage {
                at,
                resumed: Some(at + junk.len() as u64)
            }
        );
        assert_eq!(read_member(&mut m).unwrap(), b"second");
    }

    #[test]
    fn a_corrupt_member_is_left_at_the_next_header() {
        let a = member(&b"first record ".repeat(50));
        let mut bad = member(&b"broken record ".repeat(50));
        let len = bad.len();
        for b in &mut bad[12..len - 8] {
            *b ^= 0x5a;
        }
        let c = member(b"third");
        let file = [a, bad, c].concat();
        let mut m = Members::new(&file[..]).unwrap();
        m.next_member().unwrap();
        read_member(&mut m).unwrap();
        m.next_member().unwrap();
        assert!(read_member(&mut m).is_err());
        assert!(m.resync().unwrap().is_some());
        assert_eq!(read_member(&mut m).unwrap(), b"third");
    }

    #[test]
    fn a_truncated_member_is_an_error_then_the_end() {
        let a = member(&b"some text ".repeat(100));
        let cut = &a[..a.len() / 2];
        let mut m = Members::new(cut).unwrap();
        m.next_member().unwrap();
        let e = read_member(&mut m).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(m.resync().unwrap(), None);
    }

    #[test]
    fn plain_files_pass_through() {
        let mut m = Members::new(&b"WARC/1.0\r\n"[..]).unwrap();
        assert!(!m.is_gzip());
        assert_eq!(read_member(&mut m).unwrap(), b"WARC/1.0\r\n");
        assert_eq!(m.next_member().unwrap(), Next::End);
    }
}
