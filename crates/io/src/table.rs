//! Reading a table row by row from CSV or XLSX.
//!
//! CSV is streamed with constant memory ([`crate::csv_parse`]): the
//! delimiter is detected from the first line; the encoding is UTF-8 when the
//! file starts with a UTF-8 BOM, UTF-16 with a UTF-16 BOM (Excel's «Текст в
//! Юникоде»), else it is decided by the first row with non-ASCII bytes
//! (valid UTF-8 → UTF-8, else Windows-1251) and every later row is checked
//! against it: a file that changes encoding part way is refused at the first
//! row in the other encoding (see docs/formats.md). XLSX sheets are read
//! through calamine, which holds one sheet.
//!
//! Both give rows numbered as a spreadsheet shows them, refuse cells with
//! control characters, skip blank rows, and refuse a table whose header has
//! no data row under it.

use crate::csv_parse::{CsvParser, ParseError, MAX_RECORD_BYTES};
use crate::error::{quoted_list, ColumnRef, IoError, TextEncoding};
use crate::text::{forbidden_control, preview};
use crate::{ColumnMap, Schema};
use encoding_rs::{Decoder, Encoding, WINDOWS_1251};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One data row: its 1-based row number as a spreadsheet shows it and its
/// cells as text (one buffer for all cells: no allocation per cell on the
/// hot path).
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

type Rows = Box<dyn Iterator<Item = Result<Row, IoError>> + Send>;

/// A table opened for reading: its header and an iterator over its data
/// rows (blank rows skipped). Opening fails when there is no data row.
pub struct TableReader {
    pub file_name: String,
    /// The header cells, trimmed.
    pub header: Vec<String>,
    /// The header's row number (rows above it were blank).
    pub header_row: u64,
    /// Bytes of the input (for progress bars); 0 when unknown.
    pub total_bytes: u64,
    /// Shared counter of bytes consumed so far (CSV only).
    pub progress: Arc<AtomicU64>,
    /// XLSX: the sheet read; `None` for CSV.
    pub sheet: Option<String>,
    /// XLSX: the workbook's sheets, in order; empty for CSV.
    pub sheets: Vec<String>,
    rows: Rows,
    /// Data rows read ahead when opening.
    pending: std::collections::VecDeque<Row>,
    done: bool,
}

impl Iterator for TableReader {
    type Item = Result<Row, IoError>;
    fn next(&mut self) -> Option<Self::Item> {
        if let Some(row) = self.pending.pop_front() {
            return Some(Ok(row));
        }
        if self.done {
            return None;
        }
        match next_data_row(&mut self.rows, &self.file_name, Some(&self.header)) {
            Ok(Some(row)) => Some(Ok(row)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl TableReader {
    /// Resolves the header against `schema` ([`ColumnMap::resolve`]); for a
    /// workbook, a missing column's message also names the sheet read and
    /// the other sheets, in case the data is on another one.
    pub fn resolve(
        &self,
        schema: &Schema,
        explicit: &[(String, String)],
    ) -> Result<ColumnMap, IoError> {
        ColumnMap::resolve(&self.file_name, &self.header, schema, explicit).map_err(|e| match e {
            IoError::MissingColumns {
                file,
                missing,
                found,
                ..
            } => IoError::MissingColumns {
                file,
                missing,
                found,
                sheet: self.sheet.clone(),
                sheets: self.sheets.clone(),
            },
            e => e,
        })
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
    let got = read_full(&mut f, &mut magic).map_err(|source| IoError::Open {
        file: label.clone(),
        source,
    })?;
    drop(f);
    if got == 4 && &magic == b"PK\x03\x04" {
        open_xlsx_guarded(path, &label, opts)
    } else if got >= 4 && magic == [0xD0, 0xCF, 0x11, 0xE0] {
        Err(IoError::Format { file: label })
    } else {
        open_csv(path, &label)
    }
}

/// The next row that is not blank, its cells checked for control
/// characters; `header` names the columns in errors once it is known.
fn next_data_row(
    rows: &mut Rows,
    file: &str,
    header: Option<&[String]>,
) -> Result<Option<Row>, IoError> {
    let column =
        |index: usize| ColumnRef::new(index, header.and_then(|h| h.get(index)).map(String::as_str));
    for r in rows {
        let row = r.map_err(|e| match e {
            IoError::UnclosedQuote {
                file,
                row,
                column: c,
            } => IoError::UnclosedQuote {
                file,
                row,
                column: column(c.index),
            },
            IoError::MixedEncoding {
                file,
                row,
                column: c,
                value,
                expected,
                detected_row,
                found,
            } => IoError::MixedEncoding {
                file,
                row,
                column: column(c.index),
                value,
                expected,
                detected_row,
                found,
            },
            e => e,
        })?;
        if forbidden_control(row.cells.as_slice()).is_some() {
            for (i, cell) in row.cells.iter().enumerate() {
                if let Some(character) = forbidden_control(cell) {
                    return Err(IoError::ControlChar {
                        file: file.to_string(),
                        row: row.number,
                        column: column(i),
                        character,
                        value: preview(cell),
                    });
                }
            }
        }
        if !row.is_blank() {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// At most this many title rows are looked for above the header.
const MAX_TITLE_ROWS: usize = 10;

/// How many cells of a row are filled.
fn filled(row: &Row) -> usize {
    row.cells.iter().filter(|c| !c.trim().is_empty()).count()
}

/// Reads the header (after any title rows) and the first data row.
fn start(
    file: &str,
    mut rows: Rows,
    total_bytes: u64,
    progress: Arc<AtomicU64>,
    sheet: Option<String>,
    sheets: Vec<String>,
) -> Result<TableReader, IoError> {
    let Some(mut header_cells) = next_data_row(&mut rows, file, None)? else {
        return Err(match sheet {
            Some(sheet) => IoError::EmptySheet {
                file: file.to_string(),
                sheet,
                sheets,
            },
            None => IoError::Empty {
                file: file.to_string(),
            },
        });
    };
    // Title rows above the header («Результаты ВПР, 2024» in the first cell
    // and nothing else) are passed over: rows with one filled cell followed
    // by a row with more are titles. In a one-column file they are not.
    let trimmed =
        |row: &Row| -> Vec<String> { row.cells.iter().map(|c| c.trim().to_string()).collect() };
    let mut pending = std::collections::VecDeque::new();
    let mut header = trimmed(&header_cells);
    if filled(&header_cells) <= 1 {
        while pending.len() <= MAX_TITLE_ROWS {
            let Some(row) = next_data_row(&mut rows, file, Some(&header))? else {
                break;
            };
            if filled(&row) > 1 {
                // The titles end here: this row is the header.
                pending.clear();
                header_cells = row;
                header = trimmed(&header_cells);
                break;
            }
            pending.push_back(row);
        }
    }
    if pending.is_empty() {
        pending.extend(next_data_row(&mut rows, file, Some(&header))?);
    }
    if pending.is_empty() {
        return Err(IoError::NoData {
            file: file.to_string(),
            header_row: header_cells.number,
            sheet,
            sheets,
        });
    }
    Ok(TableReader {
        file_name: file.to_string(),
        header,
        header_row: header_cells.number,
        total_bytes,
        progress,
        sheet,
        sheets,
        rows,
        pending,
        done: false,
    })
}

// ---------------------------------------------------------------- CSV

/// Picks the delimiter that occurs most outside quotes in the first line
/// that has any (blank lines and a title line without delimiters above the
/// header are passed over); `,` when none has.
fn detect_delimiter(text: &str) -> u8 {
    for line in text.split(['\n', '\r']).take(50) {
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
            return b'\t';
        } else if semi >= comma && semi > 0 {
            return b';';
        } else if comma > 0 {
            return b',';
        }
    }
    b','
}

/// Passes bytes through, counting them for the progress bar.
struct CountingReader<R> {
    inner: R,
    consumed: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A `Read` adapter that turns UTF-16 into UTF-8, streaming.
struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    in_buf: Vec<u8>,
    out_buf: Vec<u8>,
    out_pos: usize,
    eof: bool,
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.out_pos >= self.out_buf.len() {
            if self.eof {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.in_buf)?;
            let last = n == 0;
            self.eof = last;
            let mut s = String::with_capacity(n * 2 + 16);
            let _ = self
                .decoder
                .decode_to_string(&self.in_buf[..n], &mut s, last);
            self.out_buf = s.into_bytes();
            self.out_pos = 0;
        }
        let k = buf.len().min(self.out_buf.len() - self.out_pos);
        buf[..k].copy_from_slice(&self.out_buf[self.out_pos..self.out_pos + k]);
        self.out_pos += k;
        Ok(k)
    }
}

/// How the rows of a CSV file are decoded.
#[derive(Debug, Clone, Copy)]
enum Decoding {
    /// Only ASCII so far.
    Undecided,
    /// Decided at row `since` (row 1 for a BOM).
    Utf8 {
        since: u64,
    },
    Windows1251 {
        since: u64,
    },
}

/// Rows of a CSV file, decoded and checked for a change of encoding.
struct CsvRows<R> {
    parser: CsvParser<R>,
    decoding: Decoding,
    file: String,
    done: bool,
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<Row, IoError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let row = match self.parser.read_record() {
            Ok(false) => {
                self.done = true;
                return None;
            }
            Ok(true) => self.decode(),
            Err(ParseError::Io(e)) => Err(IoError::Read {
                file: self.file.clone(),
                message: e.to_string(),
            }),
            Err(ParseError::UnclosedQuote { row, column }) => Err(IoError::UnclosedQuote {
                file: self.file.clone(),
                row,
                column: ColumnRef::new(column, None),
            }),
            Err(ParseError::TooLong { row }) => Err(IoError::RowTooLong {
                file: self.file.clone(),
                row,
                limit_mb: MAX_RECORD_BYTES >> 20,
            }),
        };
        self.done = row.is_err();
        Some(row)
    }
}

/// Whether `s` has a letter of the Russian alphabet.
fn has_russian_letter(s: &str) -> bool {
    s.chars().any(|c| matches!(c, 'А'..='я' | 'Ё' | 'ё'))
}

impl<R: Read> CsvRows<R> {
    fn decode(&mut self) -> Result<Row, IoError> {
        let p = &self.parser;
        let n = p.ends.len();
        let mut cells = csv::StringRecord::with_capacity(p.fields.len(), n);
        let number = p.row;
        if p.fields.is_ascii() {
            for i in 0..n {
                cells.push_field(std::str::from_utf8(p.field(i)).expect("ASCII is UTF-8"));
            }
            return Ok(Row { number, cells });
        }
        // Valid UTF-8 as a whole and split at character boundaries: then
        // every field is valid UTF-8 (one validation per row, not per field).
        let utf8 = std::str::from_utf8(&p.fields)
            .ok()
            .filter(|text| p.ends.iter().all(|&e| text.is_char_boundary(e)));
        if let Decoding::Undecided = self.decoding {
            self.decoding = if utf8.is_some() {
                Decoding::Utf8 { since: number }
            } else {
                Decoding::Windows1251 { since: number }
            };
        }
        let mixed =
            |column: usize, value: String, expected, detected_row, found| IoError::MixedEncoding {
                file: self.file.clone(),
                row: number,
                column: ColumnRef::new(column, None),
                value,
                expected,
                detected_row,
                found,
            };
        match self.decoding {
            Decoding::Undecided => unreachable!("decided above"),
            Decoding::Utf8 { since } => {
                let Some(text) = utf8 else {
                    let i = (0..n)
                        .find(|&i| std::str::from_utf8(p.field(i)).is_err())
                        .unwrap_or(0);
                    let value = preview(&WINDOWS_1251.decode_without_bom_handling(p.field(i)).0);
                    return Err(mixed(
                        i,
                        value,
                        TextEncoding::Utf8,
                        since,
                        TextEncoding::Windows1251,
                    ));
                };
                let mut start = 0;
                for &end in &p.ends {
                    cells.push_field(&text[start..end]);
                    start = end;
                }
            }
            Decoding::Windows1251 { since } => {
                // A Russian letter in Windows-1251 (but Ё, ё) is a byte that
                // UTF-8 allows only before continuation bytes, which in 1251
                // are signs (« » № – …) and Ё, ё: so real 1251 text is not
                // valid UTF-8, and a valid UTF-8 row with Russian letters in
                // a 1251 file is UTF-8 (docs/formats.md).
                if let Some(text) = utf8.filter(|t| has_russian_letter(t)) {
                    let mut start = 0;
                    for (i, &end) in p.ends.iter().enumerate() {
                        if has_russian_letter(&text[start..end]) {
                            let value = preview(&text[start..end]);
                            return Err(mixed(
                                i,
                                value,
                                TextEncoding::Windows1251,
                                since,
                                TextEncoding::Utf8,
                            ));
                        }
                        start = end;
                    }
                }
                for i in 0..n {
                    cells.push_field(&WINDOWS_1251.decode_without_bom_handling(p.field(i)).0);
                }
            }
        }
        Ok(Row { number, cells })
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
    let bom = Encoding::for_bom(&head);
    let head_text = match bom {
        Some((enc, len)) => enc.decode_without_bom_handling(&head[len..]).0,
        None => String::from_utf8_lossy(&head),
    };
    let delimiter = detect_delimiter(&head_text);

    let progress = Arc::new(AtomicU64::new(0));
    let mut file = CountingReader {
        inner: BufReader::with_capacity(256 * 1024, open()?),
        consumed: progress.clone(),
    };
    if let Some((_, len)) = bom {
        let mut skip = [0u8; 3];
        file.read_exact(&mut skip[..len])
            .map_err(|source| IoError::Open {
                file: label.to_string(),
                source,
            })?;
    }
    let (reader, decoding): (Box<dyn Read + Send>, Decoding) = match bom {
        None => (Box::new(file), Decoding::Undecided),
        Some((enc, _)) if enc == encoding_rs::UTF_8 => {
            (Box::new(file), Decoding::Utf8 { since: 1 })
        }
        Some((enc, _)) => (
            Box::new(DecodingReader {
                inner: file,
                decoder: enc.new_decoder_without_bom_handling(),
                in_buf: vec![0u8; 256 * 1024],
                out_buf: Vec::new(),
                out_pos: 0,
                eof: false,
            }),
            Decoding::Utf8 { since: 1 },
        ),
    };
    let rows = CsvRows {
        parser: CsvParser::new(reader, delimiter),
        decoding,
        file: label.to_string(),
        done: false,
    };
    start(
        label,
        Box::new(rows),
        total_bytes,
        progress,
        None,
        Vec::new(),
    )
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

/// [`open_xlsx`], with a panic of the workbook reader (calamine overflows
/// on some damaged cell references, found by fuzzing) turned into the
/// file's read error: a damaged upload is a message, never a crash.
fn open_xlsx_guarded(
    path: &Path,
    label: &str,
    opts: &TableOptions,
) -> Result<TableReader, IoError> {
    std::panic::catch_unwind(|| open_xlsx(path, label, opts)).unwrap_or_else(|_| {
        Err(IoError::Read {
            file: label.to_string(),
            message: "книга повреждена; откройте её в Excel, сохраните заново и загрузите снова"
                .into(),
        })
    })
}

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
            .find(|n| n.trim().to_lowercase() == s.trim().to_lowercase())
            .cloned()
            .ok_or_else(|| IoError::NoSheet {
                file: label.to_string(),
                sheet: s.clone(),
                available: quoted_list(&names),
            })?,
        None => names.first().cloned().ok_or_else(|| IoError::Empty {
            file: label.to_string(),
        })?,
    };
    let rows = match &mut book {
        // Cell by cell: memory follows the filled cells, not the rectangle
        // between the first and the last (a workbook with A1 and XFD1048576
        // filled would otherwise ask for 17 billion cells).
        calamine::Sheets::Xlsx(xlsx) => {
            let mut reader = xlsx
                .worksheet_cells_reader(&sheet)
                .map_err(|e| read_err(e.into()))?;
            let mut cells = Vec::new();
            while let Some(cell) = reader.next_cell().map_err(|e| read_err(e.into()))? {
                let (row, col) = cell.get_position();
                let text = cell_text(&calamine::Data::from(cell.get_value().clone()));
                if text.is_empty() {
                    continue;
                }
                if col as usize >= MAX_COLUMNS {
                    return Err(IoError::Read {
                        file: label.to_string(),
                        message: too_wide(&sheet, row, col),
                    });
                }
                cells.push((row, col as usize, text));
            }
            sparse_rows(cells)
        }
        // Other workbook kinds have no cell reader: read the sheet whole.
        other => {
            let range = other.worksheet_range(&sheet).map_err(read_err)?;
            // The range starts at the first filled cell: cells are put back
            // in their columns (so that column letters in messages are
            // right) and rows are numbered from the sheet's top.
            let (first_row, first_col) = range
                .start()
                .map(|(r, c)| (r as u64, c as usize))
                .unwrap_or((0, 0));
            range
                .rows()
                .enumerate()
                .map(|(i, cells)| Row {
                    number: first_row + i as u64 + 1,
                    cells: std::iter::repeat_n(String::new(), first_col)
                        .chain(cells.iter().map(cell_text))
                        .collect(),
                })
                .collect()
        }
    };
    start(
        label,
        Box::new(rows.into_iter().map(Ok)),
        0,
        Default::default(),
        Some(sheet),
        names,
    )
}

/// The widest table a workbook may hold (column ALL): import tables have
/// tens of columns; a cell far to the right is a damaged or hostile file.
pub const MAX_COLUMNS: usize = 1000;

/// The message for a filled cell beyond [`MAX_COLUMNS`] (0-based row and
/// column).
fn too_wide(sheet: &str, row: u32, col: u32) -> String {
    format!(
        "на листе «{sheet}» заполнена ячейка {}{}: таблица должна быть не шире {MAX_COLUMNS} столбцов; удалите лишнее и сохраните книгу заново",
        crate::text::column_letter(col as usize),
        row + 1
    )
}

/// The most cells a sheet read whole (as the rectangle from its first to
/// its last cell) may span: plan tables and campaign sheets are read that
/// way, with per-cell bookkeeping.
pub const MAX_SHEET_CELLS: u64 = 2_000_000;

/// Checks, cell by cell and before a sheet is read whole, that it is no
/// wider than [`MAX_COLUMNS`] and spans no more than [`MAX_SHEET_CELLS`]:
/// two cells far apart would otherwise make the reader allocate the whole
/// rectangle between them. The message (Russian) names the sheet and the
/// cell.
pub fn check_sheet_extent<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
) -> Result<(), String> {
    let unreadable = |e: calamine::XlsxError| format!("лист «{sheet}» не читается: {e}");
    let mut reader = book.worksheet_cells_reader(sheet).map_err(unreadable)?;
    let (mut top, mut left, mut bottom, mut right) = (u32::MAX, u32::MAX, 0u32, 0u32);
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        if c as usize >= MAX_COLUMNS {
            return Err(too_wide(sheet, r, c));
        }
        (top, left) = (top.min(r), left.min(c));
        (bottom, right) = (bottom.max(r), right.max(c));
    }
    if top <= bottom {
        let cells = u64::from(bottom - top + 1) * u64::from(right - left + 1);
        if cells > MAX_SHEET_CELLS {
            return Err(format!(
                "лист «{sheet}» занимает строки {}–{}: слишком большой прямоугольник таблицы; удалите ячейки далеко за таблицей и сохраните книгу заново",
                top + 1,
                bottom + 1
            ));
        }
    }
    Ok(())
}

/// Rows from filled cells (row, column, text) in reading order: each row
/// holds its cells in their columns; rows without a filled cell are left
/// out (the table reader passes over blank rows anyway).
fn sparse_rows(mut cells: Vec<(u32, usize, String)>) -> Vec<Row> {
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for (r, c, text) in cells {
        let number = u64::from(r) + 1;
        if rows.last().is_none_or(|(last, _)| *last != number) {
            rows.push((number, Vec::new()));
        }
        let (_, row) = rows.last_mut().expect("pushed above");
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    rows.into_iter()
        .map(|(number, cells)| Row {
            number,
            cells: cells.into_iter().collect(),
        })
        .collect()
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
    fn delimiter_is_the_commonest_outside_quotes() {
        assert_eq!(detect_delimiter("Код ОО;Балл\r1;5"), b';');
        assert_eq!(detect_delimiter("\"a;b\",c,d"), b',');
        assert_eq!(detect_delimiter("a\tb\tc;d"), b'\t');
        assert_eq!(
            detect_delimiter("\r\nРезультаты ВПР\r\n\r\nКод ОО;Балл"),
            b';'
        );
        assert_eq!(detect_delimiter("Код ОО"), b',');
    }
}
