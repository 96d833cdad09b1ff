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
    /// The file names procedures or subjects the system does not know: a
    /// typo would otherwise create a new subject. Nothing was written; the
    /// import is repeated with the names confirmed.
    #[error("в файле «{file}» {}; проверьте написание, а если названия верны, подтвердите их добавление \
             (в командной строке — флаг --new-names, в браузере — отметка на странице проверки файла); ничего не записано",
             describe_new_names(names))]
    NewNames { file: String, names: Vec<NewName> },
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

/// A procedure or subject met in a file for the first time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewName {
    pub kind: NameKind,
    pub name: String,
    /// The first row of the file that names it.
    pub first_row: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum NameKind {
    Procedure,
    Subject,
}

fn describe_new_names(names: &[NewName]) -> String {
    let list: Vec<String> = names
        .iter()
        .map(|n| {
            let what = match n.kind {
                NameKind::Procedure => "процедура",
                NameKind::Subject => "предмет",
            };
            format!("{what} «{}» (впервые в строке {})", n.name, n.first_row)
        })
        .collect();
    format!("есть названия, которых ещё нет в системе: {}", list.join(", "))
}
