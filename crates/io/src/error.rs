use crate::text::{column_letter, preview};
use std::fmt;

/// A problem with one cell (or one row) of an input file. Displayed in
/// Russian: what is wrong, where (file, row, column, value) and how to fix it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowError {
    pub file: String,
    /// 1-based row number as a spreadsheet shows it (the header is row 1 or later).
    pub row: u64,
    /// Column header as written in the file, if the problem is in one cell
    /// (a short escaped preview, see [`crate::text::preview`]).
    pub column: Option<String>,
    /// The cell's value as a short escaped preview: at most
    /// [`crate::text::PREVIEW_CHARS`] characters, then «…».
    pub value: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, строка {}", self.file, self.row)?;
        if let Some(c) = &self.column {
            write!(f, ", столбец «{}»", preview(c))?;
        }
        if let Some(v) = &self.value {
            write!(f, ", значение «{}»", preview(v))?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A column of an input file: its 0-based index and, once the header row is
/// known, its header text. Displayed as «Код ОО» (столбец B), or столбец B.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ColumnRef {
    pub index: usize,
    pub header: Option<String>,
}

impl ColumnRef {
    pub fn new(index: usize, header: Option<&str>) -> ColumnRef {
        ColumnRef {
            index,
            header: header.map(str::to_string),
        }
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self
            .header
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            Some(h) => write!(
                f,
                "«{}» (столбец {})",
                preview(h),
                column_letter(self.index)
            ),
            None => write!(f, "столбец {}", column_letter(self.index)),
        }
    }
}

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TextEncoding {
    Utf8,
    Windows1251,
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Windows1251 => "Windows-1251",
        })
    }
}

/// «; прочитан лист «Лист1». Если данные на другом листе, …» for a workbook
/// of several sheets; nothing for CSV or a single sheet.
fn sheet_hint(sheet: &Option<String>, sheets: &[String]) -> String {
    if sheets.len() < 2 {
        return String::new();
    }
    let read = sheet
        .as_deref()
        .map(|s| format!(" Прочитан лист «{}».", preview(s)))
        .unwrap_or_default();
    let names: Vec<String> = sheets.iter().map(|s| format!("«{}»", preview(s))).collect();
    format!(
        "{read} Если данные на другом листе, выберите его. Листы в книге: {}.",
        names.join(", ")
    )
}

pub(crate) fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|h| format!("«{}»", preview(h)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How to resolve two columns that claim one field.
fn ambiguity_advice(field: &str, first: &ColumnRef, second: &ColumnRef) -> String {
    let same = first
        .header
        .as_deref()
        .map(crate::columns::normalize_header)
        == second
            .header
            .as_deref()
            .map(crate::columns::normalize_header);
    if same {
        "Заголовки одинаковые: удалите лишний столбец или переименуйте один из них".to_string()
    } else {
        format!(
            "Удалите или переименуйте лишний столбец, или укажите, какой столбец брать для поля «{field}»"
        )
    }
}

/// Errors that stop reading a file as a whole.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("не удалось открыть файл «{file}»: {source}")]
    Open {
        file: String,
        source: std::io::Error,
    },
    #[error("ошибка чтения файла «{file}»: {message}")]
    Read { file: String, message: String },
    #[error(
        "в файле «{file}» нет листа «{}»; листы в книге: {available}. Выберите один из них",
        preview(sheet)
    )]
    NoSheet {
        file: String,
        sheet: String,
        available: String,
    },
    #[error("файл «{file}» пуст: нет строки заголовков")]
    Empty { file: String },
    #[error("формат файла «{file}» не поддерживается: ожидается CSV или XLSX")]
    Format { file: String },
    #[error("в файле «{file}» не найдены обязательные столбцы: {missing}. Найдены столбцы: {found}. Переименуйте столбцы, как в шаблоне, или укажите, какой столбец какому полю соответствует.{}", sheet_hint(sheet, sheets))]
    MissingColumns {
        file: String,
        missing: String,
        found: String,
        /// XLSX: the sheet read and the workbook's sheets (empty for CSV);
        /// filled by [`crate::TableReader::resolve`].
        sheet: Option<String>,
        sheets: Vec<String>,
    },
    #[error("на листе «{}» файла «{file}» нет ни одной заполненной ячейки.{}", preview(sheet), sheet_hint(&None, sheets))]
    EmptySheet {
        file: String,
        sheet: String,
        sheets: Vec<String>,
    },
    #[error("в файле «{file}» нет строк с данными: под строкой заголовков (строка {header_row}) нет ни одной заполненной строки. Добавьте строки с данными под заголовками.{}", sheet_hint(sheet, sheets))]
    NoData {
        file: String,
        header_row: u64,
        sheet: Option<String>,
        sheets: Vec<String>,
    },
    #[error("файл «{file}», строка {row}, {column}: кавычка в начале ячейки не закрыта, и всё до конца файла попало бы в одну ячейку. Закройте кавычку; кавычку внутри текста ячейки удвойте (\"\")")]
    UnclosedQuote {
        file: String,
        row: u64,
        column: ColumnRef,
    },
    #[error("файл «{file}», строка {row}: строка длиннее {limit_mb} МБ — это не таблица или файл повреждён. Проверьте, что выбран нужный файл")]
    RowTooLong {
        file: String,
        row: u64,
        limit_mb: usize,
    },
    #[error("файл «{file}» в смешанной кодировке: строки выше в кодировке {expected} (определена по строке {detected_row}), а строка {row} ({column}, значение «{}») — в {found}. Файл, видимо, склеен из частей, сохранённых по-разному. Пересохраните его целиком в одной кодировке (в Excel: «Сохранить как» → «CSV UTF-8»)", preview(value))]
    MixedEncoding {
        file: String,
        /// The first row in the other encoding.
        row: u64,
        column: ColumnRef,
        /// That cell, decoded in the encoding it is really in (a preview).
        value: String,
        /// The file's encoding, decided at `detected_row` (the first row
        /// with non-ASCII text, or row 1 for a BOM).
        expected: TextEncoding,
        detected_row: u64,
        found: TextEncoding,
    },
    #[error("файл «{file}», строка {row}, {column}: недопустимый управляющий символ {} в значении «{}». Такие символы появляются при повреждении файла или выгрузке из другой программы; удалите их и сохраните файл заново", crate::text::describe_char(*character), preview(value))]
    ControlChar {
        file: String,
        row: u64,
        column: ColumnRef,
        character: char,
        /// The cell (a preview).
        value: String,
    },
    #[error("в файле «{file}» к полю {field} подходят два столбца: {first} и {second}; какой из них брать, неизвестно. {}", ambiguity_advice(field, first, second))]
    AmbiguousColumns {
        file: String,
        field: String,
        first: ColumnRef,
        second: ColumnRef,
    },
    #[error("параметр --map: {0}")]
    Mapping(String),
}

impl IoError {
    /// How to resolve the error on the command line, where the page's
    /// column and sheet choosers are not available; the messages themselves
    /// name no interface, as both the site and the command line show them.
    pub fn command_line_hint(&self) -> Option<&'static str> {
        match self {
            IoError::MissingColumns { .. } | IoError::AmbiguousColumns { .. } => {
                Some("Соответствие столбцов задаётся параметром --map поле=\"Заголовок\".")
            }
            IoError::NoSheet { .. } | IoError::EmptySheet { .. } => {
                Some("Лист задаётся параметром --sheet ИМЯ.")
            }
            _ => None,
        }
    }
}
