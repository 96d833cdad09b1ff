//! From a document (DOCX or XLSX) to a [`Plan`]: find the plan table, map its
//! columns by their headers, recognise section rows, merge rows continued
//! across a page break, and read the title, period, goal, tasks and approving
//! document from the text around the table. The rules are in docs/plans.md.

use crate::deadline::{
    normalize_space, parse_deadline, try_parse_deadline, DeadlineKind, ImpossibleDate, Period,
};
use crate::document::{Block, Document, Table, VMerge};
use crate::model::*;
use crate::{Date, PlanError};
use std::fmt;
use std::path::Path;

/// What the user can tell the importer.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// File name for messages.
    pub file_name: String,
    /// The plan's period when the document does not say it (or says it wrong).
    pub period: Option<Period>,
    pub level: Option<Level>,
    pub title: Option<String>,
    pub owner: Option<String>,
}

/// Reads a DOCX or XLSX file (by its content, whatever its extension).
pub fn import_file(path: &Path, opts: &ImportOptions) -> Result<Plan, PlanError> {
    let bytes = std::fs::read(path)
        .map_err(|e| PlanError::Io(format!("файл «{}» не читается: {e}", path.display())))?;
    let mut opts = opts.clone();
    if opts.file_name.is_empty() {
        opts.file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    import_bytes(&bytes, &opts)
}

/// Reads a DOCX or XLSX file from memory.
pub fn import_bytes(bytes: &[u8], opts: &ImportOptions) -> Result<Plan, PlanError> {
    let format = detect_format(bytes)?;
    let doc = match format {
        "docx" => crate::docx::read_docx(bytes)?,
        _ => crate::xlsx::read_xlsx(bytes)?,
    };
    plan_from_document(&doc, opts, format)
}

fn detect_format(bytes: &[u8]) -> Result<&'static str, PlanError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(PlanError::Format(
            "это файл старого формата (DOC или XLS); сохраните его как DOCX или XLSX и загрузите снова".into(),
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(PlanError::Format(
            "файл не является документом DOCX или книгой XLSX".into(),
        ));
    }
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| PlanError::Format(format!("архив DOCX/XLSX повреждён: {e}")))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok())
        .map(|n| n.into_owned())
        .collect();
    if names.iter().any(|n| n.starts_with("word/")) {
        Ok("docx")
    } else if names.iter().any(|n| n.starts_with("xl/")) {
        Ok("xlsx")
    } else {
        Err(PlanError::Format(
            "архив не похож ни на документ Word (DOCX), ни на книгу Excel (XLSX)".into(),
        ))
    }
}

// ---------------------------------------------------------------------------
// Columns

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Number,
    Text,
    Deadline,
    Responsible,
    Form,
    Result,
    Note,
}

impl Field {
    fn title(&self) -> &'static str {
        match self {
            Field::Number => "номер",
            Field::Text => "мероприятие",
            Field::Deadline => "срок",
            Field::Responsible => "ответственные",
            Field::Form => "форма проведения",
            Field::Result => "ожидаемый результат",
            Field::Note => "примечание",
        }
    }
}

fn norm(s: &str) -> String {
    let s = s.to_lowercase().replace('ё', "е");
    normalize_space(
        &s.chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '№' || c == '/' {
                    c
                } else {
                    ' '
                }
            })
            .collect::<String>(),
    )
}

/// The field a column header names (aliases in docs/plans.md).
fn field_of_header(h: &str) -> Option<Field> {
    let n = norm(h);
    if n.is_empty() {
        return None;
    }
    let words: Vec<&str> = n.split(' ').collect();
    let word_starts = |p: &str| words.iter().any(|w| w.starts_with(p));
    if n.starts_with('№')
        || n.contains("п/п")
        || matches!(n.as_str(), "n" | "no" | "nn" | "номер" | "пп" | "n п п")
    {
        return Some(Field::Number);
    }
    if word_starts("срок")
        || word_starts("дата")
        || word_starts("даты")
        || n == "период"
        || n.starts_with("период ")
        || n == "когда"
    {
        return Some(Field::Deadline);
    }
    if word_starts("ответствен") || word_starts("исполнител") || word_starts("соисполнител")
    {
        return Some(Field::Responsible);
    }
    if word_starts("результат")
        || word_starts("продукт")
        || word_starts("выход")
        || word_starts("отчет")
        || n.contains("итоговый документ")
        || n.contains("подтверждающ")
        || word_starts("эффект")
    {
        return Some(Field::Result);
    }
    if word_starts("форм") {
        return Some(Field::Form);
    }
    if word_starts("мероприят")
        || word_starts("содержани")
        || word_starts("наименовани")
        || word_starts("действи")
        || word_starts("тема")
        || word_starts("направлени")
        || n.contains("вид работ")
        || n.contains("виды работ")
        || n == "работа"
        || n == "задачи"
        || word_starts("деятельност")
    {
        return Some(Field::Text);
    }
    Some(Field::Note)
}

#[derive(Clone, Debug)]
struct Col {
    idx: usize,
    field: Field,
    header: String,
    part: Option<String>,
}

#[derive(Clone, Debug)]
struct Mapping {
    cols: Vec<Col>,
    width: usize,
    /// Normalised header rows, to skip their repeats on later pages.
    headers: Vec<String>,
    guessed: bool,
}

impl Mapping {
    fn col(&self, f: Field) -> Option<usize> {
        self.cols.iter().find(|c| c.field == f).map(|c| c.idx)
    }
    fn cols_of(&self, f: Field) -> impl Iterator<Item = &Col> {
        self.cols.iter().filter(move |c| c.field == f)
    }
}

/// A table row laid on the grid: one text per grid column.
#[derive(Clone, Debug)]
struct GRow {
    cells: Vec<String>,
    /// Span of the cell that starts at each column (0 where a span covers it).
    spans: Vec<usize>,
    /// Text of the cell above for vertically merged cells.
    above: Vec<Option<String>>,
    repeat_header: bool,
    table: usize,
    row: usize,
}

impl GRow {
    fn get(&self, i: usize) -> &str {
        self.cells.get(i).map(|s| s.as_str()).unwrap_or("")
    }
    fn non_empty(&self) -> Vec<usize> {
        (0..self.cells.len())
            .filter(|i| !self.cells[*i].trim().is_empty())
            .collect()
    }
    fn joined(&self) -> String {
        self.cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn grid(t: &Table, table_no: usize) -> Vec<GRow> {
    let width = t.columns();
    let mut above: Vec<Option<String>> = vec![None; width];
    let mut out = Vec::new();
    for (ri, r) in t.rows.iter().enumerate() {
        let mut g = GRow {
            cells: vec![String::new(); width],
            spans: vec![0; width],
            above: vec![None; width],
            repeat_header: r.repeat_header,
            table: table_no,
            row: ri + 1,
        };
        let mut col = 0;
        for c in &r.cells {
            if col >= width {
                break;
            }
            let span = c.span.max(1).min(width - col);
            let text = c.text.trim().to_string();
            match c.vmerge {
                VMerge::Continue => {
                    g.above[col] = above[col].clone();
                }
                _ => {
                    g.cells[col] = text.clone();
                    for a in above.iter_mut().skip(col).take(span) {
                        *a = Some(text.clone());
                    }
                }
            }
            g.spans[col] = span;
            col += span;
        }
        for s in g.spans.iter_mut().skip(col) {
            *s = 1;
        }
        out.push(g);
    }
    out
}

/// A header row's mapping, if `r` is one.
fn header_mapping(r: &GRow, next: Option<&GRow>) -> Option<(Mapping, bool)> {
    let filled = r.non_empty();
    if filled.len() < 2 || filled.iter().any(|i| r.cells[*i].chars().count() > 100) {
        return None;
    }
    let fields: Vec<(usize, Field)> = filled
        .iter()
        .filter_map(|i| field_of_header(&r.cells[*i]).map(|f| (*i, f)))
        .collect();
    let has = |f: Field| fields.iter().any(|(_, x)| *x == f);
    let known = fields.iter().filter(|(_, f)| *f != Field::Note).count();
    if !has(Field::Text)
        || !(has(Field::Deadline) || has(Field::Responsible) || has(Field::Result))
        || known * 2 < filled.len()
    {
        return None;
    }
    let mut cols: Vec<Col> = Vec::new();
    let mut used_sub = false;
    // A second header row under spanned header cells («Ответственные» over
    // «ОО, оказывающая поддержку» | «ОО, которой оказывается поддержка»).
    // Without merged cells (text taken from a page) a header cell followed by
    // empty header cells spans them.
    let spans: Vec<usize> = if filled.iter().any(|i| r.spans[*i] > 1) {
        r.spans.clone()
    } else {
        let mut v = vec![1; r.cells.len()];
        for (k, i) in filled.iter().enumerate() {
            v[*i] = filled.get(k + 1).copied().unwrap_or(r.cells.len()) - i;
        }
        v
    };
    let sub = next.filter(|n| {
        let spanned: Vec<usize> = filled.iter().copied().filter(|i| spans[*i] > 1).collect();
        !spanned.is_empty()
            && n.non_empty().iter().all(|j| {
                spanned.iter().any(|i| *j >= *i && *j < i + spans[*i])
                    && n.cells[*j].chars().count() <= 80
            })
            && !n.non_empty().is_empty()
    });
    for (i, f) in &fields {
        let span = spans[*i].max(1);
        let header = normalize_space(&r.cells[*i]);
        match sub {
            Some(n) if span > 1 => {
                used_sub = true;
                for j in *i..(*i + span).min(r.cells.len()) {
                    let s = normalize_space(n.get(j));
                    if s.is_empty() {
                        continue;
                    }
                    let field = match (f, field_of_header(&s)) {
                        (Field::Note, Some(g)) => g,
                        _ => *f,
                    };
                    cols.push(Col {
                        idx: j,
                        field,
                        header: format!("{header}: {s}"),
                        part: Some(s),
                    });
                }
            }
            _ => cols.push(Col {
                idx: *i,
                field: *f,
                header,
                part: None,
            }),
        }
    }
    // One text column: «Мероприятие» rather than «Направление» or «Задачи»
    // (the others are kept as notes).
    let rank = |h: &str| {
        let n = norm(h);
        if n.contains("мероприят") {
            3
        } else if n.contains("содержани")
            || n.contains("наименовани")
            || n.contains("действи")
            || n.contains("работ")
        {
            2
        } else {
            1
        }
    };
    if let Some(best) = cols
        .iter()
        .filter(|c| c.field == Field::Text)
        .max_by_key(|c| (rank(&c.header), std::cmp::Reverse(c.idx)))
        .map(|c| c.idx)
    {
        for c in cols
            .iter_mut()
            .filter(|c| c.field == Field::Text && c.idx != best)
        {
            c.field = Field::Note;
        }
    }
    // One number column; further ones are notes.
    for f in [Field::Number] {
        let mut seen = false;
        for c in cols.iter_mut().filter(|c| c.field == f) {
            if seen {
                c.field = Field::Note;
            }
            seen = true;
        }
    }
    // Several responsible columns: each one's header is the part it plays.
    let n_resp = cols
        .iter()
        .filter(|c| c.field == Field::Responsible)
        .count();
    if n_resp > 1 {
        for c in cols
            .iter_mut()
            .filter(|c| c.field == Field::Responsible && c.part.is_none())
        {
            c.part = Some(c.header.clone());
        }
    }
    let mut headers = vec![norm(&r.joined())];
    if used_sub {
        if let Some(n) = next {
            headers.push(norm(&n.joined()));
        }
    }
    Some((
        Mapping {
            cols,
            width: r.cells.len(),
            headers,
            guessed: false,
        },
        used_sub,
    ))
}

/// A first column with no header that holds numbers («1.», «1.1.») is the
/// number column.
fn complete_mapping(m: &mut Mapping, rows: &[GRow]) {
    if m.col(Field::Number).is_some() || m.cols.iter().any(|c| c.idx == 0) {
        return;
    }
    let cells: Vec<&str> = rows
        .iter()
        .map(|r| r.get(0).trim())
        .filter(|s| !s.is_empty())
        .collect();
    let numeric = cells
        .iter()
        .filter(|s| number_path(s).is_some() && s.chars().count() <= 8)
        .count();
    if !cells.is_empty() && numeric * 2 >= cells.len() {
        m.cols.insert(
            0,
            Col {
                idx: 0,
                field: Field::Number,
                header: String::new(),
                part: None,
            },
        );
    }
}

/// A row of column numbers under the header («1 | 2 | 3 | 4 | 5»).
fn is_column_numbers(r: &GRow) -> bool {
    let filled = r.non_empty();
    filled.len() >= 3
        && filled
            .iter()
            .enumerate()
            .all(|(k, i)| r.cells[*i].trim().trim_end_matches('.') == (k + 1).to_string())
}

/// Guesses columns from content when no header row is found.
fn guess_mapping(rows: &[GRow]) -> Option<Mapping> {
    let width = rows.iter().map(|r| r.cells.len()).max()?;
    if width < 2 || rows.len() < 2 {
        return None;
    }
    let cells = |c: usize| {
        rows.iter()
            .map(move |r| r.get(c).trim())
            .filter(|s| !s.is_empty())
    };
    let share = |c: usize, f: &dyn Fn(&str) -> bool| {
        let n = cells(c).count();
        if n == 0 {
            0.0
        } else {
            cells(c).filter(|s| f(s)).count() as f64 / n as f64
        }
    };
    let number =
        (share(0, &|s| number_path(s).is_some() && s.chars().count() <= 8) >= 0.5).then_some(0);
    let deadline = (0..width)
        .filter(|c| Some(*c) != number)
        .map(|c| {
            (
                c,
                share(c, &|s| {
                    !matches!(
                        parse_deadline(s, None).kind,
                        DeadlineKind::Text | DeadlineKind::Empty
                    )
                }),
            )
        })
        .filter(|(_, s)| *s >= 0.4)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)?;
    let avg_len = |c: usize| {
        let n = cells(c).count().max(1);
        cells(c).map(|s| s.chars().count()).sum::<usize>() as f64 / n as f64
    };
    let text = (0..width)
        .filter(|c| Some(*c) != number && *c != deadline)
        .max_by(|a, b| avg_len(*a).total_cmp(&avg_len(*b)))?;
    let mut cols = Vec::new();
    let mut push = |idx: usize, field: Field| {
        cols.push(Col {
            idx,
            field,
            header: String::new(),
            part: None,
        })
    };
    if let Some(n) = number {
        push(n, Field::Number);
    }
    push(text, Field::Text);
    push(deadline, Field::Deadline);
    let rest: Vec<usize> = (0..width)
        .filter(|c| Some(*c) != number && *c != text && *c != deadline)
        .collect();
    if let Some(first) = rest
        .iter()
        .copied()
        .find(|c| *c > deadline)
        .or(rest.first().copied())
    {
        push(first, Field::Responsible);
        if let Some(last) = rest.iter().copied().filter(|c| *c != first).max() {
            push(last, Field::Result);
        }
    }
    Some(Mapping {
        cols,
        width,
        headers: Vec::new(),
        guessed: true,
    })
}

// ---------------------------------------------------------------------------
// Dates that do not exist

/// A deadline cell with a date that does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImpossibleDateCell {
    /// The table of the document (the sheet of a workbook), from 1.
    pub table: usize,
    /// The row of that table, from 1, header rows included.
    pub row: usize,
    /// The column, from 1.
    pub column: usize,
    /// The column's header as written (empty when there is no header).
    pub header: String,
    /// The cell's text.
    pub value: String,
    pub error: ImpossibleDate,
}

/// The import is refused: deadlines name dates that do not exist. Every
/// such cell is listed, so that one correction fixes them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImpossibleDates {
    pub file: String,
    /// The tables are sheets of an Excel workbook.
    pub workbook: bool,
    pub cells: Vec<ImpossibleDateCell>,
}

impl std::error::Error for ImpossibleDates {}

impl fmt::Display for ImpossibleDates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.file.is_empty() {
            "в документе".to_string()
        } else {
            format!("в файле «{}»", self.file)
        };
        let one = self.cells.len() == 1;
        match one {
            true => writeln!(f, "{place} в сроке указана несуществующая дата:")?,
            false => writeln!(
                f,
                "{place} в сроках указаны несуществующие даты ({}):",
                self.cells.len()
            )?,
        }
        let table = if self.workbook {
            "лист"
        } else {
            "таблица"
        };
        for (k, c) in self.cells.iter().enumerate() {
            let header = if c.header.is_empty() {
                String::new()
            } else {
                format!(" «{}»", c.header)
            };
            let end = if k + 1 == self.cells.len() { '.' } else { ';' };
            writeln!(
                f,
                "— {table} {}, строка {}, столбец {}{header}: «{}» — {}{end}",
                c.table, c.row, c.column, c.value, c.error
            )?;
        }
        match one {
            true => write!(f, "Исправьте дату в этой ячейке и загрузите файл снова."),
            false => write!(f, "Исправьте даты в этих ячейках и загрузите файл снова."),
        }
    }
}

/// Deadline cells of the plan's rows with dates that do not exist.
fn impossible_dates(rows: &[(GRow, Mapping)]) -> Vec<ImpossibleDateCell> {
    let mut out = Vec::new();
    for (r, m) in rows {
        for c in m.cols_of(Field::Deadline) {
            let value = normalize_space(r.get(c.idx));
            if let Err(error) = try_parse_deadline(&value, None) {
                out.push(ImpossibleDateCell {
                    table: r.table,
                    row: r.row,
                    column: c.idx + 1,
                    header: c.header.clone(),
                    value,
                    error,
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Numbers and headings

fn roman_value(s: &str) -> Option<u32> {
    let s: String = s
        .trim()
        .trim_end_matches(['.', ')'])
        .chars()
        .map(|c| match c {
            'І' | 'і' | 'l' => 'I',
            'Х' | 'х' => 'X',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    if s.is_empty() || s.len() > 5 || !s.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
        return None;
    }
    let val = |c: char| match c {
        'I' => 1,
        'V' => 5,
        _ => 10,
    };
    let chars: Vec<u32> = s.chars().map(val).collect();
    let mut total = 0i64;
    for (k, v) in chars.iter().enumerate() {
        if chars.get(k + 1).is_some_and(|n| n > v) {
            total -= *v as i64;
        } else {
            total += *v as i64;
        }
    }
    (1..=30).contains(&total).then_some(total as u32)
}

/// «1.2.», «3,2», «2)», «IV» → [1, 2], [3, 2], [2], [4].
fn number_path(s: &str) -> Option<Vec<u32>> {
    let s = s.trim();
    if let Some(r) = roman_value(s) {
        return Some(vec![r]);
    }
    let s = s.trim_end_matches(['.', ')']);
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let parts: Option<Vec<u32>> = s
        .split(['.', ','])
        .map(|p| p.parse::<u32>().ok().filter(|v| *v < 1000))
        .collect();
    parts.filter(|p| !p.is_empty() && p.len() <= 6)
}

/// Splits a heading into its number and title: «I. Организационно-…»,
/// «1.1. Достижение…», «3,2. Эффективность…», «Раздел 2. …».
fn split_heading(s: &str) -> Option<(Option<String>, String)> {
    let s = normalize_space(s);
    let lower = s.to_lowercase();
    for word in ["раздел", "блок", "модуль", "направление", "часть"]
    {
        if lower.starts_with(word) {
            let rest = s[word.len()..].trim_start();
            // «Раздел 2. Название» or «Раздел II: Название» or «Раздел. Название»
            let mut num_end = 0;
            for (i, c) in rest.char_indices() {
                if c.is_ascii_digit() || matches!(c, '.' | ',' | 'I' | 'V' | 'X') {
                    num_end = i + c.len_utf8();
                } else {
                    break;
                }
            }
            let num = rest[..num_end].trim_end_matches(['.', ',']).to_string();
            let title = rest[num_end..]
                .trim_start_matches([':', '.', ' ', '–', '-'])
                .trim()
                .to_string();
            if num.is_empty() {
                return Some((None, s.clone()));
            }
            return Some((Some(num), if title.is_empty() { s.clone() } else { title }));
        }
    }
    // Leading number: digits with dots/commas, or a Roman numeral, then a
    // separator, then a letter.
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit()
            || matches!(c, '.' | ',' | ')')
            || matches!(c, 'I' | 'V' | 'X' | 'І' | 'Х')
        {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    if end == 0 {
        return None;
    }
    let num = s[..end].to_string();
    let rest = &s[end..];
    let title = rest.trim_start();
    let first = title.chars().next()?;
    // A Roman numeral needs a separator before the title («I. Орг…», «II Раздел»),
    // digits may run into it («3.1.Объективность»).
    let roman = roman_value(&num).is_some() && !num.chars().any(|c| c.is_ascii_digit());
    if !first.is_alphabetic()
        || (roman && !(num.ends_with('.') || num.ends_with(')') || rest.starts_with(' ')))
    {
        return None;
    }
    if roman && first.is_lowercase() {
        return None;
    }
    number_path(&num)?;
    Some((Some(num.trim().replace(',', ".")), title.to_string()))
}

fn known_section_title(s: &str) -> bool {
    let l = s.to_lowercase();
    (l.contains("инвариантн")
        || l.contains("вариативн")
        || l.starts_with("мониторинг эффективности")
        || l.starts_with("мониторинг результативности")
        || is_monitoring_block(&l))
        && s.chars().count() <= 120
}

/// A block of a programme («Инвариантная часть», «Вариативный блок»,
/// «Мониторинг»): it holds sections and is held by none.
fn is_block_title(title: &str) -> bool {
    let l = title.to_lowercase();
    known_section_title(title)
        || l.contains("часть")
        || l.split(|c: char| !c.is_alphabetic()).any(|w| w == "блок")
}

fn starts_lower(s: &str) -> bool {
    match s.trim_start().chars().next() {
        None => true,
        Some(c) if c.is_alphabetic() => c.is_lowercase(),
        Some(c) if c.is_ascii_digit() || matches!(c, '«' | '"' | '„' | '“') => false,
        Some(_) => true,
    }
}

fn starts_abbreviation(s: &str) -> bool {
    let w: String = s
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    let n = w.chars().count();
    (2..=5).contains(&n) && w.chars().all(|c| c.is_uppercase())
}

fn ends_sentence(s: &str) -> bool {
    matches!(
        s.trim_end().chars().last(),
        Some('.' | '!' | '?' | ';' | '»' | '"' | ')')
    )
}

fn ends_open(s: &str) -> bool {
    matches!(
        s.trim_end().chars().last(),
        Some(',' | ':' | '-' | '–' | '(' | '/')
    )
}

// ---------------------------------------------------------------------------
// Rows to sections and activities

#[derive(Clone, Debug, Default)]
struct RawActivity {
    number: Option<String>,
    text: String,
    deadline: String,
    /// (text, part)
    responsibles: Vec<(String, Option<String>)>,
    form: String,
    result: String,
    notes: Vec<(String, String)>,
    source: SourceRef,
    /// The text of the last row merged in (to recognise a repeated fragment).
    last_fragment: String,
}

/// How a section nests: blocks («Инвариантная часть») hold everything,
/// Roman numerals hold Arabic numbers and plain headings, «1.» holds «1.1.».
#[derive(Debug, Clone, PartialEq)]
enum Nest {
    Container,
    Roman,
    /// A heading without a number: a sibling of «1.», a parent of «1.1».
    Plain,
    Arabic(Vec<u32>),
}

impl Nest {
    fn can_contain(&self, child: &Nest) -> bool {
        match (self, child) {
            (Nest::Container, Nest::Container) => false,
            (Nest::Container, _) => true,
            (Nest::Roman, Nest::Container | Nest::Roman) => false,
            (Nest::Roman, _) => true,
            (Nest::Plain, Nest::Arabic(p)) => p.len() >= 2,
            (Nest::Plain, _) => false,
            (Nest::Arabic(tp), Nest::Arabic(p)) => tp.len() < p.len() && p.starts_with(tp),
            (Nest::Arabic(_), _) => false,
        }
    }
}

#[derive(Debug)]
struct SecNode {
    number: Option<String>,
    title: String,
    nest: Nest,
    activities: Vec<RawActivity>,
    children: Vec<usize>,
}

#[derive(Default)]
struct Builder {
    nodes: Vec<SecNode>,
    top: Vec<usize>,
    top_activities: Vec<RawActivity>,
    stack: Vec<usize>,
    /// The last thing added was an activity (rows may continue it).
    last_is_activity: bool,
}

impl Builder {
    fn add_section(&mut self, number: Option<String>, title: String) {
        let path = number.as_deref().and_then(number_path);
        let kind = match (&number, &path) {
            (Some(n), Some(_)) if roman_value(n).is_some() => Nest::Roman,
            (_, Some(p)) => Nest::Arabic(p.clone()),
            _ if is_block_title(&title) => Nest::Container,
            _ => Nest::Plain,
        };
        while let Some(t) = self.stack.last() {
            if self.nodes[*t].nest.can_contain(&kind) {
                break;
            }
            self.stack.pop();
        }
        let idx = self.nodes.len();
        self.nodes.push(SecNode {
            number,
            title,
            nest: kind,
            activities: Vec::new(),
            children: Vec::new(),
        });
        match self.stack.last() {
            Some(parent) => self.nodes[*parent].children.push(idx),
            None => self.top.push(idx),
        }
        self.stack.push(idx);
        self.last_is_activity = false;
    }

    fn add_activity(&mut self, a: RawActivity) {
        match self.stack.last() {
            Some(s) => self.nodes[*s].activities.push(a),
            None => self.top_activities.push(a),
        }
        self.last_is_activity = true;
    }

    fn last_activity(&mut self) -> Option<&mut RawActivity> {
        if !self.last_is_activity {
            return None;
        }
        match self.stack.last() {
            Some(s) => self.nodes[*s].activities.last_mut(),
            None => self.top_activities.last_mut(),
        }
    }
}

/// Joins a continued cell: «Отдел образования … муниципального» + «района».
fn join_cell(a: &str, b: &str) -> String {
    let (a, b) = (a.trim(), b.trim());
    if b.is_empty() {
        a.to_string()
    } else if a.is_empty() {
        b.to_string()
    } else if a == b || a.ends_with(b) {
        a.to_string()
    } else {
        format!("{a} {b}")
    }
}

/// Joins text that may repeat the end of the previous part (a scanned page
/// repeating lines): the longest overlap (at least 20 characters) is kept once.
fn join_overlapping(a: &str, b: &str) -> String {
    let (a, b) = (a.trim(), b.trim());
    if a.contains(b) {
        return a.to_string();
    }
    if b.contains(a) {
        return b.to_string();
    }
    let bc: Vec<(usize, char)> = b.char_indices().collect();
    for k in (20..bc.len()).rev() {
        let cut = bc.get(k).map(|(i, _)| *i).unwrap_or(b.len());
        if a.ends_with(&b[..cut]) {
            return format!("{a}{}", &b[cut..]);
        }
    }
    join_cell(a, b)
}

/// True when row text `b` repeats part of activity text `a` (a scanned page
/// repeating lines): `b` starts with 30 characters found in `a`, or contains
/// the first 30 characters of the last row merged into `a`.
fn overlaps(a: &str, last: &str, b: &str) -> bool {
    let head = |s: &str| -> String { normalize_space(s).chars().take(30).collect() };
    let (hb, hl) = (head(b), head(last));
    (hb.chars().count() >= 30 && normalize_space(a).contains(&hb))
        || (hl.chars().count() >= 30 && normalize_space(b).contains(&hl))
}

struct RowFields {
    number: String,
    text: String,
    deadline: String,
    responsibles: Vec<(String, Option<String>)>,
    form: String,
    result: String,
    notes: Vec<(String, String)>,
}

impl RowFields {
    fn own_fields(&self) -> bool {
        !self.deadline.is_empty()
            || self.responsibles.iter().any(|(t, _)| !t.is_empty())
            || !self.form.is_empty()
            || !self.result.is_empty()
    }
}

fn fields(r: &GRow, m: &Mapping, inherit: bool) -> RowFields {
    let get = |c: &Col| {
        let own = r.get(c.idx).trim().to_string();
        if own.is_empty() && inherit {
            r.above.get(c.idx).cloned().flatten().unwrap_or_default()
        } else {
            own
        }
    };
    let join = |f: Field, sep: &str| {
        m.cols_of(f)
            .map(get)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let mut notes = Vec::new();
    for c in m.cols_of(Field::Note) {
        let v = get(c);
        if !v.is_empty() {
            notes.push((
                if c.header.is_empty() {
                    format!("столбец {}", c.idx + 1)
                } else {
                    c.header.clone()
                },
                v,
            ));
        }
    }
    // Unmapped columns keep their content as notes: nothing is lost.
    for (i, v) in r.cells.iter().enumerate() {
        if !v.trim().is_empty() && !m.cols.iter().any(|c| c.idx == i) {
            notes.push((format!("столбец {}", i + 1), v.trim().to_string()));
        }
    }
    RowFields {
        number: m
            .col(Field::Number)
            .map(|c| r.get(c).trim().to_string())
            .unwrap_or_default(),
        text: m
            .col(Field::Text)
            .map(|c| r.get(c).trim().to_string())
            .unwrap_or_default(),
        deadline: join(Field::Deadline, " – "),
        responsibles: m
            .cols_of(Field::Responsible)
            .map(|c| (get(c), c.part.clone()))
            .collect(),
        form: join(Field::Form, "; "),
        result: join(Field::Result, "; "),
        notes,
    }
}

/// A section heading in a row, if the row is one.
/// What came before a row (for headings without numbers).
#[derive(Default, Clone, Copy)]
struct RowContext<'a> {
    prev_is_activity: bool,
    prev_ends_sentence: bool,
    /// Number of the last numbered activity.
    prev_number: Option<&'a str>,
}

/// A capitalised short line that does not read as a sentence continued.
fn is_title_like(s: &str) -> bool {
    let s = s.trim();
    !starts_lower(s)
        && !starts_abbreviation(s)
        && s.chars().count() <= 150
        && !ends_open(s)
        && !s.ends_with(';')
}

fn section_of_row(
    r: &GRow,
    m: &Mapping,
    f: &RowFields,
    next_number: Option<&str>,
    ctx: RowContext<'_>,
) -> Option<(Option<String>, String)> {
    let filled = r.non_empty();
    let first = *filled.first()?;
    let number_col = m.col(Field::Number);
    let text_col = m.col(Field::Text);
    let own = f.own_fields();
    // One cell across the table.
    let wide =
        filled.len() == 1 && r.spans[first] >= 2 && r.spans[first] * 2 >= r.cells.len().max(2);
    let joined = normalize_space(&r.joined());
    if wide && !(starts_lower(&joined) && split_heading(&joined).is_none()) {
        // (A lowercase line across the table continues the text above.)
        return Some(split_heading(&joined).unwrap_or((None, joined)));
    }
    if known_section_title(&f.text) && !own {
        let num = number_col
            .map(|c| r.get(c).trim().to_string())
            .filter(|n| !n.is_empty() && number_path(n).is_some());
        return Some(match num {
            Some(n) => (Some(n), f.text.clone()),
            None => split_heading(&f.text).unwrap_or((None, f.text.clone())),
        });
    }
    if let Some(nc) = number_col {
        let num = r.get(nc).trim();
        // «I. Организационно-управленческие мероприятия» in the number cell.
        if !num.is_empty() && num.chars().any(|c| c.is_alphabetic()) && roman_value(num).is_none() {
            if let Some((n, title)) = split_heading(num) {
                if !own && (f.text.is_empty() || n.is_some()) {
                    let title = if f.text.is_empty() {
                        title
                    } else {
                        format!("{title} {}", f.text)
                    };
                    return Some((n, title));
                }
            }
            if !own && f.text.is_empty() && known_section_title(num) {
                return Some((None, num.to_string()));
            }
        }
        // A Roman numeral in the number cell.
        if roman_value(num).is_some() && !f.text.is_empty() && !own {
            return Some((Some(num.to_string()), f.text.clone()));
        }
        // «1.» with a title and nothing else, followed by «1.1.»: a section.
        if let (Some(p), Some(next)) = (number_path(num), next_number.and_then(number_path)) {
            if !own && !f.text.is_empty() && next.len() > p.len() && next.starts_with(&p) {
                return Some((Some(num.to_string()), f.text.clone()));
            }
        }
        // Only the text cell, starting with «Раздел …».
        if num.is_empty() && !own && f.text.to_lowercase().starts_with("раздел") {
            return split_heading(&f.text);
        }
        // Only the text, a capitalised title («Работа с педагогическими кадрами»),
        // where a new block of numbers begins: a heading without a number.
        if num.is_empty()
            && !own
            && filled.len() == 1
            && Some(first) == text_col
            && is_title_like(&f.text)
        {
            let starts_block = match (
                ctx.prev_number.and_then(number_path),
                next_number.and_then(number_path),
            ) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(p), Some(n)) => p.first() != n.first() || n.len() < p.len(),
            };
            let short = f.text.chars().count() <= 80 && next_number.is_some();
            if starts_block || !ctx.prev_is_activity || (ctx.prev_ends_sentence && short) {
                return Some(split_heading(&f.text).unwrap_or((None, f.text.clone())));
            }
        }
        return None;
    }
    // No number column: a numbered heading in the first cell and no date.
    if let Some(tc) = text_col {
        if first != tc && !(first < tc && r.get(first).trim().is_empty()) {
            return None;
        }
        let deadline_has_date = !matches!(
            parse_deadline(&f.deadline, None).kind,
            DeadlineKind::Text | DeadlineKind::Empty
        );
        if deadline_has_date {
            return None;
        }
        let short_rest = filled
            .iter()
            .filter(|i| **i != tc)
            .all(|i| r.cells[*i].chars().count() <= 40);
        if let Some((n, title)) = split_heading(&f.text) {
            if n.is_some() && short_rest && (f.text.chars().count() <= 150) {
                let rest: Vec<&str> = filled
                    .iter()
                    .filter(|i| **i != tc)
                    .map(|i| r.cells[*i].trim())
                    .collect();
                let title = if rest.is_empty() {
                    title
                } else {
                    format!("{title} {}", rest.join(" "))
                };
                return Some((n, normalize_space(&title)));
            }
        }
        if f.text.to_lowercase().starts_with("раздел") && !own {
            return split_heading(&f.text);
        }
    }
    None
}

/// True when a row has cells of its own besides the text — typed in it or
/// merged down into it: a deadline, a responsible, a form or a result.
fn has_own_cells(r: &GRow, m: &Mapping) -> bool {
    let filled = |c: &Col| {
        let merged_down = r
            .above
            .get(c.idx)
            .and_then(|a| a.as_deref())
            .is_some_and(|t| !t.trim().is_empty());
        !r.get(c.idx).trim().is_empty() || merged_down
    };
    m.cols
        .iter()
        .filter(|c| {
            matches!(
                c.field,
                Field::Deadline | Field::Responsible | Field::Form | Field::Result
            )
        })
        .any(filled)
}

/// A row without a number in a table with a number column (numbered or left
/// empty) continues the activity above only when what it adds cannot stand
/// alone: no text of its own, text going on mid-sentence (a lower-case
/// start), or text after an unfinished sentence with no cells of its own.
/// A row with its own deadline, responsible, form or result is an activity.
fn continues_in_numbered_table(prev: &RawActivity, r: &GRow, m: &Mapping, f: &RowFields) -> bool {
    f.text.is_empty()
        || starts_lower(&f.text)
        || (!ends_sentence(&prev.text) && !has_own_cells(r, m))
}

/// A row of a table without a number column (often a scanned page, where
/// every line of a cell is a row of its own) continues the activity above
/// by how its text reads.
fn continues_without_numbers(prev: &RawActivity, f: &RowFields, table_start: bool) -> bool {
    if f.text.is_empty() {
        true
    } else if !starts_lower(&f.text) {
        // «ОУ» continuing «… руководителей всех»: an abbreviation
        // after an unfinished phrase, with no deadline of its own.
        starts_abbreviation(&f.text) && f.deadline.is_empty() && !ends_sentence(&prev.text)
    } else if !f.deadline.is_empty() && !prev.deadline.is_empty() && !ends_open(&prev.text) {
        // A row with its own deadline after one that had one starts
        // a new activity, unless the previous text stops mid-phrase.
        false
    } else if table_start {
        // Right after a page break: only an unfinished sentence continues.
        !ends_sentence(&prev.text)
    } else {
        true
    }
}

/// Adds a continued row's cells to the activity above (`repeated`: its text
/// repeats the end of the activity's text, kept once).
fn merge_row(prev: &mut RawActivity, r: &GRow, m: &Mapping, repeated: bool) {
    let row = fields(r, m, false);
    prev.text = if repeated {
        join_overlapping(&prev.text, &row.text)
    } else {
        join_cell(&prev.text, &row.text)
    };
    prev.deadline = join_cell(&prev.deadline, &row.deadline);
    for (i, (t, part)) in row.responsibles.iter().enumerate() {
        match prev.responsibles.get_mut(i) {
            Some(p) => p.0 = join_cell(&p.0, t),
            None => prev.responsibles.push((t.clone(), part.clone())),
        }
    }
    prev.form = join_cell(&prev.form, &row.form);
    prev.result = join_cell(&prev.result, &row.result);
    for (h, v) in row.notes {
        match prev.notes.iter_mut().find(|(ph, _)| *ph == h) {
            Some(n) => n.1 = join_cell(&n.1, &v),
            None => prev.notes.push((h, v)),
        }
    }
    prev.source.rows.push([r.table, r.row]);
    prev.last_fragment = normalize_space(&row.text);
}

/// Builds the plan's tree from the plan tables' rows.
struct Reader<'a> {
    b: Builder,
    info: &'a mut ImportInfo,
    table_started: bool,
    /// Number of the last numbered activity.
    last_number: Option<String>,
}

impl Reader<'_> {
    fn row(&mut self, r: &GRow, m: &Mapping, next_number: Option<&str>) {
        let f = fields(r, m, false);
        let prev_number = self.last_number.clone();
        let ctx = match self.b.last_activity() {
            Some(prev) => RowContext {
                prev_is_activity: true,
                prev_ends_sentence: ends_sentence(&prev.text),
                prev_number: prev_number.as_deref(),
            },
            None => RowContext {
                prev_number: prev_number.as_deref(),
                ..Default::default()
            },
        };
        if let Some((number, title)) = section_of_row(r, m, &f, next_number, ctx) {
            self.b.add_section(number, title);
            self.table_started = false;
            return;
        }
        let has_number_col = m.col(Field::Number).is_some();
        let table_start = std::mem::take(&mut self.table_started);
        let mut text = f.text.clone();
        let mut number = f.number.clone();
        if !has_number_col {
            // A number written at the start of the text («1.2. Провести …»).
            if let Some((Some(n), t)) = split_heading(&text) {
                if number_path(&n).is_some_and(|p| p.len() >= 2 || n.ends_with('.')) {
                    number = n;
                    text = t;
                }
            }
        }
        if number.is_empty() {
            if let Some(prev) = self.b.last_activity() {
                let continued = if has_number_col {
                    continues_in_numbered_table(prev, r, m, &f)
                } else {
                    continues_without_numbers(prev, &f, table_start)
                };
                let repeated = !has_number_col
                    && !f.text.is_empty()
                    && overlaps(&prev.text, &prev.last_fragment, &f.text);
                if continued || repeated {
                    merge_row(prev, r, m, repeated);
                    self.info.merged_rows += 1;
                    return;
                }
            }
        }
        // A new activity: merged cells from above fill empty cells.
        let f = fields(r, m, true);
        if text.is_empty()
            && f.deadline.is_empty()
            && f.responsibles.iter().all(|(t, _)| t.is_empty())
            && f.result.is_empty()
        {
            // A number with nothing else: keep it as an activity so nothing is lost.
            if number.is_empty() {
                return;
            }
        }
        if !number.is_empty() {
            self.last_number = Some(number.clone());
        }
        self.b.add_activity(RawActivity {
            number: (!number.is_empty()).then_some(number),
            text: normalize_space(&text),
            deadline: f.deadline,
            responsibles: f.responsibles,
            form: f.form,
            result: f.result,
            notes: f.notes,
            source: SourceRef {
                rows: vec![[r.table, r.row]],
            },
            last_fragment: normalize_space(&text),
        });
    }
}

// ---------------------------------------------------------------------------
// The text around the table

/// A line of text around the table: spaces normalised, a tab kept (it
/// separates a position from a signature).
fn clean_line(s: &str) -> String {
    s.replace('*', "")
        .split('\t')
        .map(normalize_space)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\t")
}

const TITLE_STARTS: &[&str] = &[
    "дорожная карта",
    "план мероприятий",
    "план работы",
    "план по",
    "план действий",
    "комплексный план",
    "программа",
    "адресная программа",
    "комплекс мер",
    "перечень мероприятий",
    "мероприятия по",
    "план",
];

fn title_start(line: &str) -> bool {
    let l = line
        .trim_start_matches(['«', '"', '„', '“', ' '])
        .to_lowercase();
    TITLE_STARTS.iter().any(|t| {
        l.starts_with(t)
            && l[t.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphabetic())
    })
}

fn find_title(lines: &[String]) -> Option<String> {
    let start = lines
        .iter()
        .rposition(|l| title_start(l) && l.chars().count() <= 300)?;
    let mut parts = vec![lines[start].clone()];
    let mut i = start + 1;
    // «Дорожная карта» alone, a blank line, then «по повышению …».
    if lines[start].chars().count() < 30 {
        while i < lines.len() && lines[i].is_empty() {
            i += 1;
        }
        if i < lines.len() && !starts_lower(&lines[i]) {
            i = start + 1;
        }
    }
    while i < lines.len() && parts.len() < 6 {
        let l = &lines[i];
        let low = l.to_lowercase();
        if l.is_empty()
            || low.starts_with("цел")
            || low.starts_with("задач")
            || low.starts_with('№')
            || l.chars().count() > 300
        {
            break;
        }
        parts.push(l.clone());
        i += 1;
    }
    Some(normalize_space(&parts.join(" ")))
}

/// «Сроки реализации программы: 2021-2024 гг.» (or the period on the next
/// line, as in a passport table) anywhere before the plan table.
fn period_of_lines(lines: &[String]) -> Option<Period> {
    for (i, l) in lines.iter().enumerate() {
        let low = l.to_lowercase();
        let label = [
            "сроки реализации",
            "срок реализации",
            "период реализации",
            "сроки и этапы реализации",
            "срок действия",
        ]
        .iter()
        .any(|p| low.starts_with(p));
        if !label {
            continue;
        }
        let rest = strip_label(l);
        let text = if rest.chars().any(|c| c.is_ascii_digit()) {
            rest
        } else if let Some(tab) = l.split_once('\t') {
            tab.1.to_string()
        } else {
            lines.get(i + 1).cloned().unwrap_or_default()
        };
        if let Some(mut p) = Period::parse(&text) {
            p.text = normalize_space(&text);
            return Some(p);
        }
    }
    None
}

fn period_of_title(title: &str) -> Option<Period> {
    let l = title.to_lowercase();
    let years_follow = |marker: &str| {
        l.match_indices(marker).any(|(i, _)| {
            l[i + marker.len()..]
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    };
    let hint = l.contains("учебн")
        || l.contains(" год")
        || l.contains("гг")
        || [" на ", " в ", " период ", " с "]
            .iter()
            .any(|m| years_follow(m));
    if !hint {
        return None;
    }
    // From the first year that follows a marker (not «ГИА-2023»).
    let start = [" на ", " в ", " период ", " с "]
        .iter()
        .filter_map(|m| {
            l.match_indices(m)
                .find(|(i, _)| {
                    l[i + m.len()..]
                        .trim_start()
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit())
                })
                .map(|(i, _)| i)
        })
        .min();
    let text = match start {
        Some(i) => {
            &title[title
                .char_indices()
                .map(|(b, _)| b)
                .find(|b| *b >= i)
                .unwrap_or(0)..]
        }
        None => title,
    };
    Period::parse(text).map(|mut p| {
        p.text = normalize_space(text.trim());
        p
    })
}

fn strip_label(line: &str) -> String {
    // «Цель программы: …», «Цель организации деятельности – …»
    let head: String = line.chars().take(60).collect();
    for sep in [':', '–', '—', '-'] {
        if let Some(pos) = head.find(sep) {
            let rest = line[pos + sep.len_utf8()..].trim();
            if !rest.is_empty() {
                return rest.to_string();
            }
        }
    }
    String::new()
}

fn strip_list_marker(s: &str) -> String {
    let mut s = s.trim().to_string();
    loop {
        let t = s
            .trim_start_matches(['-', '–', '—', '•', '·', '*', '▪', ' '])
            .trim_start()
            .to_string();
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        let t = if !digits.is_empty() && t[digits.len()..].starts_with(['.', ')']) {
            t[digits.len() + 1..].trim_start().to_string()
        } else {
            t
        };
        if t == s {
            return s;
        }
        s = t;
    }
}

fn is_list_item(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with(['-', '–', '—', '•', '·', '*', '▪']) || {
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        !digits.is_empty() && digits.len() <= 2 && t[digits.len()..].starts_with(['.', ')'])
    }
}

fn find_goal_tasks(lines: &[String]) -> (Option<String>, Vec<String>) {
    let mut goal = None;
    let mut tasks = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let low = l.to_lowercase();
        if goal.is_none() && (low.starts_with("цель") || low.starts_with("цели")) {
            let g = strip_label(l);
            goal = if g.is_empty() {
                lines.get(i + 1).filter(|n| !n.is_empty()).cloned()
            } else {
                Some(g)
            };
        }
        if tasks.is_empty() && low.starts_with("задач") {
            let inline = strip_label(l);
            if !inline.is_empty() {
                tasks.extend(
                    inline
                        .split(';')
                        .map(strip_list_marker)
                        .filter(|t| !t.is_empty()),
                );
            }
            let mut j = i + 1;
            while j < lines.len() {
                let n = &lines[j];
                if n.is_empty() {
                    // A blank line inside the list is allowed; stop at one followed by non-list text.
                    if lines.get(j + 1).is_some_and(|x| is_list_item(x))
                        || tasks.is_empty()
                            && lines
                                .get(j + 1)
                                .is_some_and(|x| !x.is_empty() && !is_heading_like(x))
                    {
                        j += 1;
                        continue;
                    }
                    break;
                }
                if !is_list_item(n) && !tasks.is_empty() {
                    break;
                }
                if is_heading_like(n) {
                    break;
                }
                tasks.push(strip_list_marker(n));
                j += 1;
            }
        }
    }
    (goal, tasks)
}

fn is_heading_like(s: &str) -> bool {
    let l = s.to_lowercase();
    l.starts_with("мероприятия")
        || l.starts_with('№')
        || l.starts_with("ожидаемые")
        || l.starts_with("целевые")
}

fn dates_in(s: &str) -> Vec<Date> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let w: String = chars[i..].iter().take(10).collect();
            if let Some(d) = Date::parse(&w) {
                out.push(d);
                i += 10;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// «№ 130», «№8» → «130», «8» (the last «№»: «приказом МБОУ «СОШ № 7» от … № 112-од»).
fn number_after_sign(s: &str) -> Option<String> {
    let pos = s.rfind('№')?;
    let rest = s[pos + '№'.len_utf8()..].trim_start();
    let n: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',' && *c != ';')
        .collect();
    let n = n.trim_end_matches(['.', ')']).to_string();
    (!n.is_empty() && n.chars().any(|c| c.is_alphanumeric())).then_some(n)
}

fn find_approval(lines: &[String]) -> Option<Approval> {
    let non_empty: Vec<&String> = lines.iter().filter(|l| !l.is_empty()).collect();
    // «ПРИКАЗ» then «27.06.2022 № 130».
    for (k, l) in non_empty.iter().enumerate() {
        let low = l.to_lowercase();
        if low == "приказ"
            || low.starts_with("приказ ") && l.chars().count() < 60
            || low == "распоряжение"
            || low == "постановление"
        {
            let mut window: Vec<&String> = non_empty.iter().skip(k).take(3).copied().collect();
            if let Some(end) = window
                .iter()
                .position(|w| !dates_in(w).is_empty() || number_after_sign(w).is_some())
            {
                window.truncate(end + 1);
            }
            let text = window
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let date = dates_in(&text).first().copied();
            let number = number_after_sign(&text);
            if date.is_some() || number.is_some() {
                return Some(Approval {
                    document: low.split(' ').next().unwrap_or("приказ").to_string(),
                    number,
                    date,
                    by: None,
                    text,
                });
            }
        }
    }
    // «Утверждена приказом … от 01.09.2022 № 5», also over two lines
    // («УТВЕРЖДЕНО» / «приказом … от 30.08.2024 № 112-од»).
    for (k, l) in non_empty.iter().enumerate() {
        let mut low = l.to_lowercase();
        let mut l = l.to_string();
        if low.starts_with("утвержд") && !low.starts_with("утверждаю") && l.chars().count() < 20
        {
            if let Some(next) = non_empty.get(k + 1) {
                l = format!("{l} {next}");
                low = l.to_lowercase();
            }
        }
        let l = &l;
        if low.contains("утвержд")
            && (low.contains("приказ") || low.contains("протокол") || low.contains("решени"))
        {
            let date = dates_in(l).first().copied();
            let number = number_after_sign(l);
            if date.is_some() || number.is_some() {
                let document = if low.contains("приказ") {
                    "приказ"
                } else if low.contains("протокол") {
                    "протокол"
                } else {
                    "решение"
                };
                return Some(Approval {
                    document: document.into(),
                    number,
                    date,
                    by: None,
                    text: l.to_string(),
                });
            }
        }
    }
    // «УТВЕРЖДАЮ», a position and a signature, a date.
    for (k, l) in non_empty.iter().enumerate() {
        if l.to_lowercase().starts_with("утверждаю") {
            let mut window: Vec<&String> = non_empty.iter().skip(k).take(6).copied().collect();
            if let Some(end) = window.iter().position(|w| !dates_in(w).is_empty()) {
                window.truncate(end + 1);
            }
            let text = window
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let date = window.iter().flat_map(|w| dates_in(w)).next();
            let by = window.iter().skip(1).find(|w| {
                let lw = w.to_lowercase();
                lw.starts_with("директор")
                    || lw.starts_with("начальник")
                    || lw.starts_with("руководител")
                    || lw.starts_with("заведующ")
                    || lw.starts_with("министр")
                    || lw.starts_with("глава")
                    || lw.starts_with("председател")
            });
            let number = window
                .iter()
                .find(|w| w.to_lowercase().contains("приказ"))
                .and_then(|w| number_after_sign(w));
            return Some(Approval {
                document: "утверждено".into(),
                number,
                date,
                by: by.map(|s| s.to_string()),
                text,
            });
        }
    }
    None
}

const AUTHORITY: &[&str] = &[
    "управлени",
    "отдел",
    "министерств",
    "комитет",
    "департамент",
];
const SCHOOL_WORDS: &[&str] = &[
    "моу",
    "мбоу",
    "маоу",
    "мкоу",
    "гбоу",
    "гоу",
    "чоу",
    "сош",
    "оош",
    "школ",
    "лицей",
    "гимнази",
    "оу «",
    "оу \"",
];

fn to_nominative_org(s: &str) -> String {
    let mut words: Vec<String> = s.split_whitespace().map(str::to_string).collect();
    if let Some(w) = words.first_mut() {
        let repl = match w.to_lowercase().as_str() {
            "отдела" => Some("Отдел"),
            "управления" => Some("Управление"),
            "комитета" => Some("Комитет"),
            "министерства" => Some("Министерство"),
            "департамента" => Some("Департамент"),
            _ => None,
        };
        if let Some(r) = repl {
            *w = r.to_string();
        }
    }
    words.join(" ")
}

/// Drops a signature's name from «МБОУ «СОШ № 7» И.И. Петрова».
fn strip_signature(s: &str) -> String {
    let s = s.split('\t').next().unwrap_or(s);
    let mut words: Vec<&str> = s.split_whitespace().collect();
    let initials = |w: &str| {
        w.contains('.')
            && w.chars().all(|c| c.is_alphabetic() || c == '.')
            && w.chars().filter(|c| c.is_alphabetic()).count() <= 3
    };
    let surname = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_uppercase())
            && w.chars().all(|c| c.is_alphabetic() || c == '-')
    };
    let n = words.len();
    if n >= 3
        && ((initials(words[n - 2]) && surname(words[n - 1]))
            || (surname(words[n - 2]) && initials(words[n - 1])))
    {
        words.truncate(n - 2);
    }
    words.join(" ")
}

fn find_owner(pre: &[String], post: &[String], approval: Option<&Approval>) -> String {
    // An authority's letterhead in capitals.
    for l in pre.iter().take(15) {
        let letters: Vec<char> = l.chars().filter(|c| c.is_alphabetic()).collect();
        let caps = letters.len() >= 10 && letters.iter().all(|c| c.is_uppercase());
        let low = l.to_lowercase();
        if caps && AUTHORITY.iter().any(|a| low.starts_with(a)) {
            return l.clone();
        }
    }
    // «Директор МОУ «Средняя школа № 46»».
    if let Some(by) = approval.and_then(|a| a.by.as_ref()) {
        for pos in ["директор ", "начальник ", "руководитель ", "заведующий "]
        {
            if let Some(rest) = by.to_lowercase().strip_prefix(pos) {
                let org = &by[by.len() - rest.len()..];
                return to_nominative_org(&strip_signature(org.trim()));
            }
        }
    }
    // The signature under the table: «Начальник отдела образования …».
    for l in post.iter().chain(pre.iter()) {
        let low = l.to_lowercase();
        for pos in ["начальник ", "директор ", "руководитель ", "председатель "]
        {
            if let Some(rest) = low.strip_prefix(pos) {
                if AUTHORITY.iter().any(|a| rest.starts_with(a))
                    || SCHOOL_WORDS.iter().any(|w| rest.contains(w))
                {
                    return to_nominative_org(&strip_signature(l[l.len() - rest.len()..].trim()));
                }
            }
        }
    }
    String::new()
}

fn find_level(owner: &str, title: &str, approval: Option<&Approval>) -> Level {
    let o = owner.to_lowercase();
    let by = approval
        .and_then(|a| a.by.as_deref())
        .unwrap_or("")
        .to_lowercase();
    let municipal = |s: &str| {
        s.contains("муниципальн")
            || s.contains("район")
            || s.contains("округ")
            || s.contains("городск")
            || s.contains("города")
    };
    let regional = |s: &str| {
        s.contains("министерств")
            || s.contains("региональн")
            || s.contains("област")
            || s.contains("края")
            || s.contains("республик")
    };
    if !o.is_empty() {
        if AUTHORITY.iter().any(|a| o.contains(a)) {
            if municipal(&o) || o.starts_with("отдел") {
                return Level::Municipality;
            }
            if regional(&o) {
                return Level::Region;
            }
            return Level::Municipality;
        }
        if SCHOOL_WORDS.iter().any(|w| o.contains(w)) || by.starts_with("директор") {
            return Level::School;
        }
    }
    let t = title.to_lowercase();
    if t.contains("муниципальн") || t.contains("района") || t.contains("округа")
    {
        Level::Municipality
    } else if t.contains("региональн")
        || t.contains("области")
        || t.contains("края")
        || t.contains("республики")
    {
        Level::Region
    } else {
        Level::School
    }
}

/// The academic year that most explicitly dated deadlines fall in.
fn infer_period(deadlines: &[&str]) -> Option<Period> {
    let mut counts: std::collections::BTreeMap<i32, usize> = Default::default();
    let mut total = 0;
    for d in deadlines {
        let p = parse_deadline(d, None);
        let Some(s) = p.start.or(p.end) else { continue };
        total += 1;
        let y = if s.month() >= 9 {
            s.year()
        } else {
            s.year() - 1
        };
        *counts.entry(y).or_default() += 1;
    }
    let (y, n) = counts
        .iter()
        .max_by_key(|(y, n)| (**n, -**y))
        .map(|(y, n)| (*y, *n))?;
    if n * 2 < total {
        return None;
    }
    let mut p = Period::academic_years(y, y + 1)?;
    p.inferred = true;
    Some(p)
}

fn build_activity(r: RawActivity, period: Option<&Period>) -> Activity {
    let deadline = parse_deadline(&r.deadline, period);
    let mut responsibles = Vec::new();
    let several = r.responsibles.iter().filter(|(t, _)| !t.is_empty()).count() > 1;
    let mut texts = Vec::new();
    for (t, part) in &r.responsibles {
        if t.is_empty() {
            continue;
        }
        for x in Responsible::split(t, part.as_deref()) {
            if !responsibles
                .iter()
                .any(|y: &Responsible| y.name == x.name && y.part == x.part)
            {
                responsibles.push(x);
            }
        }
        texts.push(match part {
            Some(p) if several => format!("{p}: {}", normalize_space(t)),
            _ => normalize_space(t),
        });
    }
    let result = normalize_space(&r.result);
    let mut a = Activity::new(&r.text, deadline);
    a.number = r.number;
    a.responsible_text = texts.join("; ");
    a.responsibles = responsibles;
    a.form = Some(normalize_space(&r.form)).filter(|s| !s.is_empty());
    a.result_document = DocumentType::detect(&result);
    a.result = Some(result).filter(|s| !s.is_empty());
    a.notes = r
        .notes
        .into_iter()
        .map(|(h, v)| format!("{h}: {}", normalize_space(&v)))
        .collect();
    a.source = Some(r.source);
    a
}

fn to_section(b: &mut Builder, idx: usize, period: Option<&Period>) -> Section {
    let acts = std::mem::take(&mut b.nodes[idx].activities);
    let children = b.nodes[idx].children.clone();
    let mut s = Section::new(b.nodes[idx].number.clone(), &b.nodes[idx].title);
    s.activities = acts
        .into_iter()
        .map(|a| build_activity(a, period))
        .collect();
    s.sections = children
        .into_iter()
        .map(|c| to_section(b, c, period))
        .collect();
    s
}

fn numbering_warnings(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut prev: Option<Vec<u32>> = None;
    for l in plan.all_activities() {
        let Some(n) = &l.activity.number else {
            continue;
        };
        let Some(p) = number_path(n) else { continue };
        if !seen.insert(p.clone()) {
            out.push(format!("номер {n} встречается в таблице несколько раз"));
        }
        if let Some(q) = &prev {
            if q.len() == p.len()
                && q[..q.len() - 1] == p[..p.len() - 1]
                && p[p.len() - 1] > q[q.len() - 1] + 1
            {
                let missing: Vec<String> = (q[q.len() - 1] + 1..p[p.len() - 1])
                    .map(|k| {
                        let mut m = p.clone();
                        *m.last_mut().unwrap() = k;
                        m.iter()
                            .map(|x| x.to_string())
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .collect();
                out.push(format!(
                    "в нумерации пропуск: после {} идёт {n} (нет {})",
                    q.iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join("."),
                    missing.join(", ")
                ));
            }
        }
        prev = Some(p);
    }
    out
}

/// Turns a document into a plan. Fails only when there is no plan table.
pub fn plan_from_document(
    doc: &Document,
    opts: &ImportOptions,
    format: &str,
) -> Result<Plan, PlanError> {
    let mut info = ImportInfo {
        file: opts.file_name.clone(),
        format: format.to_string(),
        ..Default::default()
    };
    // Tables on the grid.
    let mut tables: Vec<(usize, Vec<GRow>)> = Vec::new(); // (block index, rows)
    for (bi, b) in doc.blocks.iter().enumerate() {
        if let Block::Table(t) = b {
            let no = tables.len() + 1;
            tables.push((bi, grid(t, no)));
        }
    }
    // The first table with a header row starts the plan.
    let mut first: Option<(usize, usize, Mapping, bool)> = None; // (table, row, mapping, sub-header used)
    'find: for (ti, (_, rows)) in tables.iter().enumerate() {
        for (ri, r) in rows.iter().enumerate() {
            if let Some((mut m, sub)) = header_mapping(r, rows.get(ri + 1)) {
                complete_mapping(&mut m, &rows[ri + 1..]);
                first = Some((ti, ri, m, sub));
                break 'find;
            }
        }
    }
    if first.is_none() {
        // No header: the largest table, columns guessed from content.
        let best = tables
            .iter()
            .enumerate()
            .filter(|(_, (_, rows))| rows.len() >= 2)
            .max_by_key(|(_, (_, rows))| rows.len());
        if let Some((ti, (_, rows))) = best {
            if let Some(m) = guess_mapping(rows) {
                info.warnings.push(format!(
                    "заголовок таблицы («Мероприятия», «Сроки», «Ответственные» …) не найден; столбцы определены по содержимому: {}",
                    m.cols.iter().map(|c| format!("{} — {}", c.idx + 1, c.field.title())).collect::<Vec<_>>().join(", ")
                ));
                first = Some((ti, usize::MAX, m, false));
            }
        }
    }
    let Some((first_table, header_row, mut mapping, sub_used)) = first else {
        return Err(PlanError::NoTable(if tables.is_empty() {
            format!(
                "в файле «{}» нет таблиц: план мероприятий ожидается таблицей",
                opts.file_name
            )
        } else {
            format!(
                "в файле «{}» не найдена таблица плана: нужны столбцы «Мероприятия» (или «Содержание работы»), «Сроки», «Ответственные»",
                opts.file_name
            )
        }));
    };
    info.columns = mapping
        .cols
        .iter()
        .map(|c| {
            (
                if c.header.is_empty() {
                    format!("столбец {}", c.idx + 1)
                } else {
                    c.header.clone()
                },
                c.field.title().to_string(),
            )
        })
        .collect();

    // Paragraph lines before the plan table (and title rows inside it), and after.
    let mut pre: Vec<String> = Vec::new();
    let first_block = tables[first_table].0;
    for b in &doc.blocks[..first_block] {
        match b {
            Block::Paragraph(p) => pre.extend(p.split('\n').map(clean_line)),
            Block::Table(t) => {
                for r in &t.rows {
                    for c in &r.cells {
                        pre.extend(c.text.split('\n').map(clean_line));
                    }
                }
                pre.push(String::new());
            }
        }
    }

    let mut reader = Reader {
        b: Builder::default(),
        info: &mut info,
        table_started: false,
        last_number: None,
    };
    let mut plan_tables = 0;
    let mut last_plan_block = first_block;
    let mut data_rows: Vec<(GRow, Mapping)> = Vec::new();
    for (ti, (bi, rows)) in tables.iter().enumerate().skip(first_table) {
        let mut start = 0;
        if ti == first_table {
            if header_row != usize::MAX {
                // Rows above the header: sections («1. Результаты обучения») or title lines.
                for r in &rows[..header_row] {
                    let f = fields(r, &mapping, false);
                    let numbered = |(n, _): &(Option<String>, String)| n.is_some();
                    let section = section_of_row(r, &mapping, &f, None, RowContext::default())
                        .filter(|s| numbered(s) || known_section_title(&s.1));
                    if section.is_some() {
                        data_rows.push((r.clone(), mapping.clone()));
                    } else {
                        pre.push(clean_line(&r.joined()));
                    }
                }
                start = header_row + 1 + usize::from(sub_used);
            }
        } else {
            // A later table: its own header, or a continuation of the plan
            // table on the next page (same columns, or deadlines in the deadline column).
            let own =
                rows.iter().enumerate().take(5).find_map(|(ri, r)| {
                    header_mapping(r, rows.get(ri + 1)).map(|(m, s)| (ri, m, s))
                });
            match own {
                Some((ri, mut m, s)) => {
                    complete_mapping(&mut m, &rows[ri + 1..]);
                    mapping = m;
                    start = ri + 1 + usize::from(s);
                }
                None => {
                    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
                    let dl = mapping.col(Field::Deadline);
                    let cells: Vec<&str> = rows
                        .iter()
                        .filter_map(|r| dl.map(|c| r.get(c)))
                        .filter(|s| !s.trim().is_empty())
                        .collect();
                    let dated = cells
                        .iter()
                        .filter(|s| {
                            !matches!(
                                parse_deadline(s, None).kind,
                                DeadlineKind::Text | DeadlineKind::Empty
                            )
                        })
                        .count();
                    let same = width == mapping.width;
                    let fits = width > mapping.col(Field::Text).unwrap_or(0)
                        && !cells.is_empty()
                        && dated * 2 >= cells.len();
                    // A header of another kind («№ | Показатель | Значение»): another table.
                    let other_header = rows.iter().take(2).any(|r| {
                        let f = r.non_empty();
                        f.len() >= 2
                            && f.iter().all(|i| r.cells[*i].chars().count() <= 60)
                            && f.iter()
                                .any(|i| field_of_header(&r.cells[*i]) == Some(Field::Number))
                    });
                    if !(same || fits) || other_header {
                        break;
                    }
                }
            }
        }
        plan_tables += 1;
        last_plan_block = *bi;
        let mut first_row = true;
        for r in &rows[start..] {
            if r.non_empty().is_empty() || !r.joined().chars().any(|c| c.is_alphanumeric()) {
                continue;
            }
            let is_header_repeat = r.repeat_header && data_rows.is_empty()
                || mapping.headers.contains(&norm(&r.joined()))
                || header_mapping(r, None).is_some();
            if is_header_repeat || is_column_numbers(r) {
                reader.info.skipped_rows += 1;
                continue;
            }
            let mut r = r.clone();
            if first_row {
                // Marks the first data row of a table (a page break before it).
                r.repeat_header = true;
            }
            first_row = false;
            data_rows.push((r, mapping.clone()));
        }
    }
    let impossible = impossible_dates(&data_rows);
    if !impossible.is_empty() {
        return Err(ImpossibleDates {
            file: opts.file_name.clone(),
            workbook: format == "xlsx",
            cells: impossible,
        }
        .into());
    }
    // Rows to the tree, with a look ahead at the next number for «1.» over «1.1.».
    let numbers: Vec<String> = data_rows
        .iter()
        .map(|(r, m)| {
            m.col(Field::Number)
                .map(|c| r.get(c).trim().to_string())
                .unwrap_or_default()
        })
        .collect();
    for (k, (r, m)) in data_rows.iter().enumerate() {
        let next = numbers[k + 1..]
            .iter()
            .find(|n| !n.is_empty())
            .map(|s| s.as_str());
        reader.table_started = r.repeat_header;
        reader.row(r, m, next);
    }
    reader.info.rows = data_rows.len();
    reader.info.tables = plan_tables;
    let mut b = std::mem::take(&mut reader.b);

    let mut post: Vec<String> = Vec::new();
    for blk in &doc.blocks[last_plan_block + 1..] {
        if let Block::Paragraph(p) = blk {
            post.extend(p.split('\n').map(clean_line));
        }
    }

    // Text around the table.
    let title = opts
        .title
        .clone()
        .or_else(|| find_title(&pre))
        .unwrap_or_else(|| {
            info.warnings
                .push("название плана не найдено в тексте перед таблицей; взято имя файла".into());
            Path::new(&opts.file_name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "План мероприятий".into())
        });
    let (goal, tasks) = find_goal_tasks(&pre);
    let approval = find_approval(&pre);
    let owner = opts
        .owner
        .clone()
        .unwrap_or_else(|| find_owner(&pre, &post, approval.as_ref()));
    let level = opts
        .level
        .unwrap_or_else(|| find_level(&owner, &title, approval.as_ref()));

    // The period: given, written in the title, or inferred from the deadlines.
    let raw_deadlines: Vec<String> = {
        let mut v: Vec<String> = b
            .top_activities
            .iter()
            .map(|a| a.deadline.clone())
            .collect();
        v.extend(
            b.nodes
                .iter()
                .flat_map(|n| n.activities.iter().map(|a| a.deadline.clone())),
        );
        v
    };
    let period = match opts.period.clone() {
        Some(p) => Some(p),
        None => match period_of_title(&title).or_else(|| period_of_lines(&pre)) {
            Some(p) => Some(p),
            None => {
                let refs: Vec<&str> = raw_deadlines.iter().map(|s| s.as_str()).collect();
                let p = infer_period(&refs);
                match &p {
                    Some(p) => info.warnings.push(format!(
                        "период плана в названии не указан; по срокам мероприятий это {} — месяцы без года отнесены к нему",
                        p.text
                    )),
                    None => info.warnings.push(
                        "период плана не найден: месяцы без года оставлены без дат; укажите период (например, --period 2022-2023)".into(),
                    ),
                }
                p
            }
        },
    };

    let activities = std::mem::take(&mut b.top_activities)
        .into_iter()
        .map(|a| build_activity(a, period.as_ref()))
        .collect();
    let sections = b
        .top
        .clone()
        .into_iter()
        .map(|i| to_section(&mut b, i, period.as_ref()))
        .collect();
    let status = if approval
        .as_ref()
        .is_some_and(|a| a.date.is_some() || a.number.is_some())
    {
        PlanStatus::Approved
    } else {
        PlanStatus::Draft
    };
    let mut plan = Plan {
        id: None,
        level,
        owner,
        title,
        period,
        goal,
        tasks,
        approval,
        status,
        activities,
        sections,
        import: None,
    };

    if mapping.guessed {
        info.warnings
            .push("проверьте соответствие столбцов: заголовок таблицы не распознан".into());
    }
    let unparsed: Vec<String> = plan
        .all_activities()
        .iter()
        .filter(|l| l.activity.deadline.kind == DeadlineKind::Text)
        .map(|l| {
            format!(
                "{}«{}»",
                l.activity
                    .number
                    .as_ref()
                    .map(|n| format!("{n} "))
                    .unwrap_or_default(),
                l.activity.deadline.text
            )
        })
        .collect();
    if !unparsed.is_empty() {
        info.warnings.push(format!(
            "сроки без дат сохранены текстом ({}): {}",
            unparsed.len(),
            unparsed.join("; ")
        ));
    }
    let empty_text = plan
        .all_activities()
        .iter()
        .filter(|l| l.activity.text.is_empty())
        .count();
    if empty_text > 0 {
        info.warnings.push(format!(
            "мероприятий без текста: {empty_text} (проверьте таблицу)"
        ));
    }
    info.warnings.extend(numbering_warnings(&plan));
    if plan.activity_count() == 0 {
        return Err(PlanError::NoTable(format!(
            "в таблице плана файла «{}» не найдено ни одного мероприятия",
            opts.file_name
        )));
    }
    plan.import = Some(info);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let cases = [
            ("№ п/п", Some(Field::Number)),
            ("№", Some(Field::Number)),
            ("Мероприятия", Some(Field::Text)),
            ("Содержание работы", Some(Field::Text)),
            ("Наименование раздела/мероприятия", Some(Field::Text)),
            ("Сроки", Some(Field::Deadline)),
            ("Срок исполнения", Some(Field::Deadline)),
            ("Ответственные", Some(Field::Responsible)),
            ("Ответственный исполнитель", Some(Field::Responsible)),
            ("Форма проведения", Some(Field::Form)),
            ("Планируемый результат", Some(Field::Result)),
            ("Ожидаемый результат", Some(Field::Result)),
            (
                "Представление результатов оценочной деятельности",
                Some(Field::Result),
            ),
            ("Примечание", Some(Field::Note)),
            ("", None),
        ];
        for (h, f) in cases {
            assert_eq!(field_of_header(h), f, "{h}");
        }
    }

    #[test]
    fn headings() {
        assert_eq!(
            split_heading("I. Организационно-управленческие мероприятия"),
            Some((
                Some("I.".into()),
                "Организационно-управленческие мероприятия".into()
            ))
        );
        assert_eq!(
            split_heading("1.1. Достижение минимального уровня"),
            Some((Some("1.1.".into()), "Достижение минимального уровня".into()))
        );
        assert_eq!(
            split_heading("3,2. Эффективность"),
            Some((Some("3.2.".into()), "Эффективность".into()))
        );
        assert_eq!(
            split_heading("3.1.Объективность оценочных"),
            Some((Some("3.1.".into()), "Объективность оценочных".into()))
        );
        assert_eq!(
            split_heading("Раздел 2. Работа с кадрами"),
            Some((Some("2".into()), "Работа с кадрами".into()))
        );
        assert_eq!(split_heading("Инвариантная часть"), None);
        assert_eq!(split_heading("2020-2021"), None);
        assert_eq!(split_heading("IVанов"), None);
        assert_eq!(number_path("1.2."), Some(vec![1, 2]));
        assert_eq!(number_path("IV"), Some(vec![4]));
        assert_eq!(number_path("3,2."), Some(vec![3, 2]));
        assert_eq!(number_path("2020 - 2021"), None);
    }

    #[test]
    fn joins() {
        assert_eq!(
            join_cell("Отдел образования администрации", "района"),
            "Отдел образования администрации района"
        );
        assert_eq!(join_cell("РМК", "РМК"), "РМК");
        let a =
            "Создание условий для повышения компетентности педагогов в области практики развития";
        let b = "компетентности педагогов в области практики развития функциональной грамотности";
        assert_eq!(join_overlapping(a, b), "Создание условий для повышения компетентности педагогов в области практики развития функциональной грамотности");
        assert!(overlaps(a, a, b));
        assert!(!overlaps(
            "Анализ результатов ВПР",
            "Анализ результатов ВПР",
            "Проведение совещания"
        ));
        let p58 = "Разработка и утверждение программ по работе со слабоуспевающими обучающимися в 2022-2023 учебном году.";
        let p59 = "Проведение совещания с руководителями ОУ округа по реализации программ по работе со слабоуспевающими обучающимися в 2022-2023 учебном году.";
        assert!(!overlaps(p58, p58, p59));
    }
}
