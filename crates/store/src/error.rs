use opora_io::RowError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("ошибка базы данных: {0}")]
    Db(#[from] sqlx::Error),
    #[error("ошибка миграции базы данных: {0}")]
    Migration(String),
    #[error(transparent)]
    File(#[from] opora_io::IoError),
    /// The file had bad rows; nothing was written. `errors` lists every one
    /// (up to a cap), `count` is the total.
    #[error("импорт файла «{file}» отклонён: {count} {} в данных, ничего не записано", plural_errors(*count))]
    Rejected { file: String, count: usize, errors: Vec<RowError> },
    #[error("{0}")]
    Invalid(String),
    #[error("не найдено: {0}")]
    NotFound(String),
}

fn plural_errors(n: usize) -> &'static str {
    match (n % 10, n % 100) {
        (1, 11) => "ошибок",
        (1, _) => "ошибка",
        (2..=4, 12..=14) => "ошибок",
        (2..=4, _) => "ошибки",
        _ => "ошибок",
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Invalid(format!("повреждённые данные статистики: {e}"))
    }
}

impl From<opora_io::records::Errors> for StoreError {
    fn from(e: opora_io::records::Errors) -> Self {
        StoreError::Rejected { file: e.file, count: e.count, errors: e.list }
    }
}
