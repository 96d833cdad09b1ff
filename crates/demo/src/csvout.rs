//! A fast CSV writer: rows are assembled as bytes in one large buffer that is
//! written to the file in megabyte blocks. Integers are formatted by hand, no
//! `format!` per row.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

const FLUSH_AT: usize = 1 << 20;

pub(crate) struct CsvOut {
    file: File,
    buf: Vec<u8>,
    bytes: u64,
    rows: u64,
}

impl CsvOut {
    /// Creates the file and writes the header row.
    pub(crate) fn create(path: &Path, header: &[&str]) -> io::Result<Self> {
        let file = File::create(path)?;
        let mut out = CsvOut {
            file,
            buf: Vec::with_capacity(FLUSH_AT + (64 << 10)),
            bytes: 0,
            rows: 0,
        };
        for (i, name) in header.iter().enumerate() {
            if i > 0 {
                out.comma();
            }
            out.raw(name.as_bytes());
        }
        out.buf.push(b'\n');
        Ok(out)
    }

    #[inline]
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    #[inline]
    pub(crate) fn comma(&mut self) {
        self.buf.push(b',');
    }

    /// A text field, quoted when it holds a comma, a quote or a line break.
    pub(crate) fn text(&mut self, s: &str) {
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.buf.push(b'"');
            for part in s.split('"').enumerate() {
                if part.0 > 0 {
                    self.raw(b"\"\"");
                }
                self.raw(part.1.as_bytes());
            }
            self.buf.push(b'"');
        } else {
            self.raw(s.as_bytes());
        }
    }

    #[inline]
    pub(crate) fn uint(&mut self, v: u64) {
        push_uint(&mut self.buf, v);
    }

    pub(crate) fn int(&mut self, v: i64) {
        if v < 0 {
            self.buf.push(b'-');
        }
        push_uint(&mut self.buf, v.unsigned_abs());
    }

    /// A decimal with a fixed number of fraction digits (point separator).
    pub(crate) fn fixed(&mut self, v: f64, digits: u32) {
        let scale = 10u64.pow(digits);
        let scaled = (v.abs() * scale as f64).round() as u64;
        if v < 0.0 && scaled > 0 {
            self.buf.push(b'-');
        }
        push_uint(&mut self.buf, scaled / scale);
        if digits > 0 {
            self.buf.push(b'.');
            let frac = scaled % scale;
            let mut tmp = [b'0'; 20];
            let mut f = frac;
            for i in (0..digits as usize).rev() {
                tmp[i] = b'0' + (f % 10) as u8;
                f /= 10;
            }
            self.raw(&tmp[..digits as usize]);
        }
    }

    /// Ends the row; writes the buffer out when it is full.
    #[inline]
    pub(crate) fn end_row(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.rows += 1;
        if self.buf.len() >= FLUSH_AT {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        self.file.write_all(&self.buf)?;
        self.bytes += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// Flushes and closes; returns (data rows, bytes written).
    pub(crate) fn finish(mut self) -> io::Result<(u64, u64)> {
        self.flush_buf()?;
        self.file.flush()?;
        Ok((self.rows, self.bytes))
    }
}

/// Appends the decimal digits of `v`.
#[inline]
pub(crate) fn push_uint(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_and_quotes() {
        let dir = std::env::temp_dir().join(format!("opora-demo-csvout-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.csv");
        let mut out = CsvOut::create(&path, &["a", "b"]).unwrap();
        out.uint(0);
        out.comma();
        out.uint(18_446_744_073_709_551_615);
        out.comma();
        out.int(-42);
        out.comma();
        out.fixed(12.345, 1);
        out.comma();
        out.fixed(-0.04, 1);
        out.comma();
        out.fixed(-1.5, 3);
        out.comma();
        out.text("г. Северск, ул. \"Мира\"");
        out.end_row().unwrap();
        assert_eq!(out.finish().unwrap().0, 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "a,b\n0,18446744073709551615,-42,12.3,0.0,-1.500,\"г. Северск, ул. \"\"Мира\"\"\"\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
