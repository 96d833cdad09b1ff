use std::fmt;

/// A problem with one cell (or one row) of an input file. Displayed in
/// Russian: what is wrong, where (file, row, column, value) and how to fix it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowError {
    pub file: String,
    /// 1-based row number as a spreadsheet shows it (the header is row 1 or later).
    pub row: u64,
    /// Column header as written in the file, if the problem is in one cell.
    pub column: Option<String>,
    pub value: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, строка {}", self.file, self.row)?;
        if let Some(c) = &self.column {
            write!(f, ", столбец «{c}»")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", значение «{v}»")?;
        }
        write!(f, ": {}", self.message)
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
    #[error("в файле «{file}» нет листа «{sheet}»; листы в книге: {available}")]
    NoSheet {
        file: String,
        sheet: String,
        available: String,
    },
    #[error("файл «{file}» пуст: нет строки заголовков")]
    Empty { file: String },
    #[error("формат файла «{file}» не поддерживается: ожидается CSV или XLSX")]
    Format { file: String },
    #[error("в файле «{file}» не найдены обязательные столбцы: {missing}. Найдены столбцы: {found}. Переименуйте столбцы или укажите соответствие параметром --map поле=\"Заголовок\"")]
    MissingColumns {
        file: String,
        missing: String,
        found: String,
    },
    #[error("параметр --map: {0}")]
    Mapping(String),
}
