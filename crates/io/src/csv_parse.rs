//! A streaming CSV parser over raw bytes that numbers records the way a
//! spreadsheet numbers rows.
//!
//! Fields are split on raw bytes: the delimiter, quotes and line ends are
//! ASCII in UTF-8 and Windows-1251 alike (and never part of a multi-byte
//! UTF-8 character), so each record can be decoded afterwards, and a file
//! whose encoding changes part way can be caught row by row.
//!
//! Row numbers: every line end outside quotes ends a spreadsheet row, be it
//! `\n`, `\r\n` or a lone `\r`; empty lines are rows too (skipped, but
//! counted); a quoted cell spanning several lines stays in one row. Quoting
//! follows RFC 4180 as Excel writes it: a field that starts with `"` runs to
//! the next lone `"`, `""` inside it is one `"`; a `"` anywhere else is
//! literal text. A quote still open at the end of the input is an error.

use std::io::Read;

/// A record longer than this is refused (a spreadsheet cell holds at most
/// 32,767 characters; no real row comes near).
pub(crate) const MAX_RECORD_BYTES: usize = 16 << 20;

#[derive(Debug)]
pub(crate) enum ParseError {
    Io(std::io::Error),
    /// A quoted field opened in `row`, field `column` (0-based), and never
    /// closed (before the end of input or within [`MAX_RECORD_BYTES`]).
    UnclosedQuote {
        row: u64,
        column: usize,
    },
    TooLong {
        row: u64,
    },
}

impl From<std::io::Error> for ParseError {
    fn from(e: std::io::Error) -> Self {
        ParseError::Io(e)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    Start,
    /// Inside an unquoted field (or after a quoted part).
    Unquoted,
    /// Inside quotes.
    Quoted,
    /// Just after a `"` inside quotes: `""` or the end of the quoted part.
    QuoteInQuoted,
}

pub(crate) struct CsvParser<R> {
    input: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    delimiter: u8,
    /// Spreadsheet row at which the next record starts (1-based).
    next_row: u64,
    /// The last line ended with `\r`: a `\n` right after belongs to it.
    after_cr: bool,
    /// The fields of the last record, back to back, and where each ends.
    pub fields: Vec<u8>,
    pub ends: Vec<usize>,
    /// The row of the last record.
    pub row: u64,
}

impl<R: Read> CsvParser<R> {
    pub fn new(input: R, delimiter: u8) -> CsvParser<R> {
        CsvParser {
            input,
            buf: vec![0; 256 * 1024],
            pos: 0,
            len: 0,
            eof: false,
            delimiter,
            next_row: 1,
            after_cr: false,
            fields: Vec::with_capacity(1024),
            ends: Vec::with_capacity(64),
            row: 0,
        }
    }

    /// Whether input bytes are available (refilling the buffer if needed).
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.pos < self.len {
            return Ok(true);
        }
        while !self.eof {
            match self.input.read(&mut self.buf) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.pos = 0;
                    self.len = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    /// The field `i` of the last record.
    pub fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.fields[start..self.ends[i]]
    }

    /// Reads the next record that is not an empty line into `fields`,
    /// `ends` and `row`; `false` at the end of input.
    pub fn read_record(&mut self) -> Result<bool, ParseError> {
        self.fields.clear();
        self.ends.clear();
        self.row = self.next_row;
        let mut state = State::Start;
        loop {
            if !self.fill()? {
                return match state {
                    State::Quoted => Err(ParseError::UnclosedQuote {
                        row: self.row,
                        column: self.ends.len(),
                    }),
                    State::Start if self.ends.is_empty() => Ok(false),
                    _ => {
                        self.ends.push(self.fields.len());
                        self.next_row += 1;
                        Ok(true)
                    }
                };
            }
            if self.after_cr {
                self.after_cr = false;
                if self.buf[self.pos] == b'\n' {
                    self.pos += 1;
                    continue;
                }
            }
            match state {
                State::Start | State::Unquoted => {
                    if state == State::Start && self.buf[self.pos] == b'"' {
                        self.pos += 1;
                        state = State::Quoted;
                        continue;
                    }
                    let d = self.delimiter;
                    let slice = &self.buf[self.pos..self.len];
                    match slice
                        .iter()
                        .position(|&b| b == d || b == b'\n' || b == b'\r')
                    {
                        None => {
                            self.fields.extend_from_slice(slice);
                            self.pos = self.len;
                            state = State::Unquoted;
                        }
                        Some(k) => {
                            let b = slice[k];
                            self.fields.extend_from_slice(&slice[..k]);
                            let empty_line = state == State::Start
                                && k == 0
                                && self.ends.is_empty()
                                && self.fields.is_empty();
                            self.pos += k + 1;
                            if b == d {
                                self.ends.push(self.fields.len());
                                state = State::Start;
                            } else {
                                self.after_cr = b == b'\r';
                                self.next_row += 1;
                                if empty_line {
                                    self.row = self.next_row;
                                    continue;
                                }
                                self.ends.push(self.fields.len());
                                return Ok(true);
                            }
                        }
                    }
                    if self.fields.len() > MAX_RECORD_BYTES {
                        return Err(ParseError::TooLong { row: self.row });
                    }
                }
                State::Quoted => {
                    let slice = &self.buf[self.pos..self.len];
                    match slice.iter().position(|&b| b == b'"') {
                        None => {
                            self.fields.extend_from_slice(slice);
                            self.pos = self.len;
                        }
                        Some(k) => {
                            self.fields.extend_from_slice(&slice[..k]);
                            self.pos += k + 1;
                            state = State::QuoteInQuoted;
                        }
                    }
                    if self.fields.len() > MAX_RECORD_BYTES {
                        return Err(ParseError::UnclosedQuote {
                            row: self.row,
                            column: self.ends.len(),
                        });
                    }
                }
                State::QuoteInQuoted => {
                    if self.buf[self.pos] == b'"' {
                        self.fields.push(b'"');
                        self.pos += 1;
                        state = State::Quoted;
                    } else {
                        // The quoted part is over; whatever follows up to the
                        // delimiter is kept as text (as spreadsheets do).
                        state = State::Unquoted;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &[u8], chunk: usize) -> Result<Vec<(u64, Vec<String>)>, String> {
        /// Feeds the parser `chunk` bytes at a time, to cross buffer ends.
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut p = CsvParser::new(Chunks(input, chunk), b',');
        let mut out = Vec::new();
        loop {
            match p.read_record() {
                Ok(false) => return Ok(out),
                Ok(true) => out.push((
                    p.row,
                    (0..p.ends.len())
                        .map(|i| String::from_utf8_lossy(p.field(i)).into_owned())
                        .collect(),
                )),
                Err(e) => return Err(format!("{e:?}")),
            }
        }
    }

    fn rec(row: u64, cells: &[&str]) -> (u64, Vec<String>) {
        (row, cells.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn rows_are_counted_alike_for_every_line_end_and_chunking() {
        let lf = "t,\n\na,b\n1,\"x\ny\"\n\n3,\"q\"\"r\"\n5,6";
        let want = vec![
            rec(1, &["t", ""]),
            rec(3, &["a", "b"]),
            rec(4, &["1", "x\ny"]),
            rec(6, &["3", "q\"r"]),
            rec(7, &["5", "6"]),
        ];
        for chunk in [1, 2, 3, 1000] {
            assert_eq!(
                records(lf.as_bytes(), chunk).unwrap(),
                want,
                "LF, chunk {chunk}"
            );
            let crlf = lf.replace('\n', "\r\n");
            let got = records(crlf.as_bytes(), chunk).unwrap();
            assert_eq!(
                got.iter().map(|r| r.0).collect::<Vec<_>>(),
                vec![1, 3, 4, 6, 7],
                "CRLF, chunk {chunk}: {got:?}"
            );
            let cr = "t,\r\ra,b\r1,2\r\r3,4\r";
            assert_eq!(
                records(cr.as_bytes(), chunk)
                    .unwrap()
                    .iter()
                    .map(|r| r.0)
                    .collect::<Vec<_>>(),
                vec![1, 3, 4, 6]
            );
        }
    }

    #[test]
    fn quotes_inside_and_after_text_and_unclosed_quotes() {
        assert_eq!(
            records(b"a\"b,\"c\"d\n", 7).unwrap(),
            vec![rec(1, &["a\"b", "cd"])]
        );
        assert_eq!(
            records(b"a,b\n1,2\n3,\"open\n4,5\n", 4).unwrap_err(),
            "UnclosedQuote { row: 3, column: 1 }"
        );
        assert_eq!(records(b"\"\"\n", 1).unwrap(), vec![rec(1, &[""])]);
        assert_eq!(records(b"", 1).unwrap(), vec![]);
        assert_eq!(records(b"\n\r\n", 1).unwrap(), vec![]);
    }
}
