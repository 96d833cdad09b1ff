//! Reading a table row by row from CSV or XLSX.
//!
//! CSV is streamed with constant memory: the encoding (UTF-8 with or without
//! BOM, else Windows-1251) and the delimiter are detected from the first
//! block. XLSX sheets are read through calamine, which holds one sheet.

use crate::error::IoError;
use encoding_rs::{Decoder, UTF_8, WINDOWS_1251};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// One data row: its 1-based row number in the file and its cells as text
/// (one buffer for all cells: no allocation per cell on the hot path).
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u64,
    pub cells: csv::StringRecord,
}

impl Row {
    /// Whether every cell is empty or blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }

    /// The cells as owned strings.
    pub fn to_strings(&self) -> Vec<String> {
        self.cells.iter().map(str::to_string).collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// XLSX sheet name; the first sheet when absent.
    pub sheet: Option<String>,
}

/// A table opened for reading: its header and an iterator over data rows.
pub struct TableReader {
    pub file_name: String,
    pub header: Vec<String>,
    pub header_row: u64,
    /// Bytes of the input (for progress bars); 0 when unknown.
    pub total_bytes: u64,
    rows: Box<dyn Iterator<Item = Result<Row, IoError>> + Send>,
    /// Shared counter of bytes consumed so far (CSV only).
    pub progress: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Iterator for TableReader {
    type Item = Result<Row, IoError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next()
    }
}

pub fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Opens a CSV or XLSX file (by content: XLSX starts with the ZIP signature).
pub fn open_table(path: &Path, opts: &TableOptions) -> Result<TableReader, IoError> {
    let label = file_label(path);
    let mut f = File::open(path).map_err(|source| IoError::Open {
        file: label.clone(),
        source,
    })?;
    let mut magic = [0u8; 4];
    let got = f.read(&mut magic).map_err(|source| IoError::Open {
        file: label.clone(),
        source,
    })?;
    drop(f);
    if got == 4 && &magic == b"PK\x03\x04" {
        open_xlsx(path, &label, opts)
    } else if got >= 4 && magic == [0xD0, 0xCF, 0x11, 0xE0] {
        Err(IoError::Format { file: label })
    } else {
        open_csv(path, &label)
    }
}

fn skip_blank(
    it: &mut dyn Iterator<Item = Result<Row, IoError>>,
    label: &str,
) -> Result<Row, IoError> {
    for r in it {
        let r = r?;
        if !r.is_blank() {
            return Ok(r);
        }
    }
    Err(IoError::Empty {
        file: label.to_string(),
    })
}

// ---------------------------------------------------------------- CSV

/// Detects the encoding from the first block: a BOM or valid UTF-8 means
/// UTF-8, anything else is taken as Windows-1251 (what Russian Excel saves).
fn detect_encoding(head: &[u8]) -> &'static encoding_rs::Encoding {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return UTF_8;
    }
    // The block may end inside a multi-byte character: ignore a short tail.
    match std::str::from_utf8(head) {
        Ok(_) => UTF_8,
        Err(e) if e.error_len().is_none() => UTF_8,
        Err(_) => WINDOWS_1251,
    }
}

/// Picks the delimiter that occurs most in the first line outside quotes.
fn detect_delimiter(text: &str) -> u8 {
    let line = text.lines().next().unwrap_or("");
    let mut in_quotes = false;
    let (mut semi, mut comma, mut tab) = (0, 0, 0);
    for ch in line.chars() {
        match ch {
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => semi += 1,
            ',' if !in_quotes => comma += 1,
            '\t' if !in_quotes => tab += 1,
            _ => {}
        }
    }
    if tab > semi && tab > comma {
        b'\t'
    } else if semi >= comma && semi > 0 {
        b';'
    } else {
        b','
    }
}

/// Passes bytes through, counting them for the progress bar.
struct CountingReader<R> {
    inner: R,
    consumed: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// A `Read` adapter that turns bytes of any encoding into UTF-8, streaming.
struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    in_buf: Vec<u8>,
    out_buf: Vec<u8>,
    out_pos: usize,
    eof: bool,
    consumed: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.out_pos >= self.out_buf.len() {
            if self.eof {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.in_buf)?;
            self.consumed
                .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
            let last = n == 0;
            self.eof = last;
            self.out_buf.clear();
            self.out_buf.reserve(n * 2 + 16);
            self.out_pos = 0;
            let mut s = String::with_capacity(n * 2 + 16);
            let _ = self
                .decoder
                .decode_to_string(&self.in_buf[..n], &mut s, last);
            self.out_buf.extend_from_slice(s.as_bytes());
        }
        let k = buf.len().min(self.out_buf.len() - self.out_pos);
        buf[..k].copy_from_slice(&self.out_buf[self.out_pos..self.out_pos + k]);
        self.out_pos += k;
        Ok(k)
    }
}

fn open_csv(path: &Path, label: &str) -> Result<TableReader, IoError> {
    let open = || {
        File::open(path).map_err(|source| IoError::Open {
            file: label.to_string(),
            source,
        })
    };
    let total_bytes = open()?.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = vec![0u8; 64 * 1024];
    let n = read_full(&mut open()?, &mut head).map_err(|source| IoError::Open {
        file: label.to_string(),
        source,
    })?;
    head.truncate(n);
    let encoding = detect_encoding(&head);
    let (head_text, _, _) = encoding.decode(&head);
    let delimiter = detect_delimiter(head_text.trim_start_matches('\u{feff}'));

    let progress = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut file = BufReader::with_capacity(256 * 1024, open()?);
    let reader: Box<dyn Read + Send> = if encoding == UTF_8 {
        // UTF-8 needs no decoding (the CSV reader validates it); skip a BOM.
        if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            let mut bom = [0u8; 3];
            file.read_exact(&mut bom).map_err(|source| IoError::Open {
                file: label.to_string(),
                source,
            })?;
        }
        Box::new(CountingReader {
            inner: file,
            consumed: progress.clone(),
        })
    } else {
        Box::new(DecodingReader {
            inner: file,
            decoder: encoding.new_decoder_without_bom_handling(),
            in_buf: vec![0u8; 256 * 1024],
            out_buf: Vec::new(),
            out_pos: 0,
            eof: false,
            consumed: progress.clone(),
        })
    };
    let csv_reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(reader);
    let file = label.to_string();
    let mut record = csv::StringRecord::new();
    let mut rdr = csv_reader;
    let mut rows: Box<dyn Iterator<Item = Result<Row, IoError>> + Send> =
        Box::new(std::iter::from_fn(move || {
            match rdr.read_record(&mut record) {
                Ok(true) => {
                    let number = record.position().map(|p| p.line()).unwrap_or(0);
                    Some(Ok(Row {
                        number,
                        cells: record.clone(),
                    }))
                }
                Ok(false) => None,
                Err(e) => Some(Err(IoError::Read {
                    file: file.clone(),
                    message: e.to_string(),
                })),
            }
        }));
    let header = skip_blank(&mut rows, label)?;
    Ok(TableReader {
        file_name: label.to_string(),
        header: header.cells.iter().map(|c| c.trim().to_string()).collect(),
        header_row: header.number,
        total_bytes,
        rows,
        progress,
    })
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let k = r.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

// ---------------------------------------------------------------- XLSX

fn open_xlsx(path: &Path, label: &str, opts: &TableOptions) -> Result<TableReader, IoError> {
    use calamine::{open_workbook_auto, Reader};
    let read_err = |e: calamine::Error| IoError::Read {
        file: label.to_string(),
        message: e.to_string(),
    };
    let mut book = open_workbook_auto(path).map_err(read_err)?;
    let names = book.sheet_names().to_vec();
    let sheet = match &opts.sheet {
        Some(s) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(s.trim()))
            .cloned()
            .ok_or_else(|| IoError::NoSheet {
                file: label.to_string(),
                sheet: s.clone(),
                available: names.join(", "),
            })?,
        None => names.first().cloned().ok_or_else(|| IoError::Empty {
            file: label.to_string(),
        })?,
    };
    let range = book.worksheet_range(&sheet).map_err(read_err)?;
    let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    let rows: Vec<Row> = range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            number: first_row + i as u64 + 1,
            cells: csv::StringRecord::from(cells.iter().map(cell_text).collect::<Vec<_>>()),
        })
        .collect();
    let mut rows: Box<dyn Iterator<Item = Result<Row, IoError>> + Send> =
        Box::new(rows.into_iter().map(Ok));
    let header = skip_blank(&mut rows, label)?;
    Ok(TableReader {
        file_name: label.to_string(),
        header: header.cells.iter().map(|c| c.trim().to_string()).collect(),
        header_row: header.number,
        total_bytes: 0,
        rows,
        progress: Default::default(),
    })
}

/// Text of a cell as a person would type it: integral floats without `.0`,
/// dates as dd.mm.yyyy.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(d) => crate::values::excel_serial_to_text(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_windows_1251_and_semicolon() {
        let (bytes, _, _) = WINDOWS_1251.encode("Код ОО;Балл\n1;5\n");
        assert_eq!(detect_encoding(&bytes), WINDOWS_1251);
        assert_eq!(detect_delimiter("Код ОО;Балл"), b';');
    }

    #[test]
    fn utf8_with_bom_and_comma_inside_quotes() {
        assert_eq!(detect_encoding("\u{feff}a,b".as_bytes()), UTF_8);
        assert_eq!(detect_delimiter("\"a;b\",c,d"), b',');
    }
}
