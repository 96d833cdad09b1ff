use opora_io::RowError;

/// Errors of the store, by kind: callers (the web layer, the command line)
/// decide what to answer by the variant, never by the message text.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A database failure that is not the caller's fault (connection,
    /// syntax, timeout): an internal error.
    #[error("ошибка базы данных: {0}")]
    Db(sqlx::Error),
    #[error("ошибка миграции базы данных: {0}")]
    Migration(String),
    #[error(transparent)]
    File(#[from] opora_io::IoError),
    /// The file had bad rows; nothing was written. `errors` lists every one
    /// (up to a cap), `count` is the total.
    #[error("импорт файла «{file}» отклонён: {count} {} в данных, ничего не записано", plural_errors(*count))]
    Rejected {
        file: String,
        count: usize,
        errors: Vec<RowError>,
    },
    /// The request itself is wrong (a rule of the domain); the message says why.
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
    /// The same thing exists already (a unique or primary key constraint).
    #[error("{0}")]
    Conflict(String),
    /// A reference to something that does not exist (a foreign key constraint).
    #[error("{0}")]
    ForeignKey(String),
    /// A file of a type that is not accepted.
    #[error("{0}")]
    UnsupportedType(String),
    /// A value read from the database cannot be understood (damaged or
    /// written by a newer version): an internal error, never the caller's.
    #[error("повреждённые сохранённые данные: {0}")]
    InvalidStored(String),
}

impl StoreError {
    /// A stored value that is not one of the known codes.
    pub fn stored(what: &str, value: &str) -> StoreError {
        StoreError::InvalidStored(format!("{what}: неизвестное значение «{value}»"))
    }
}

/// Classifies a database error by its kind (the same on SQLite and
/// PostgreSQL: sqlx maps SQLite's extended result codes and PostgreSQL's
/// SQLSTATE to one `ErrorKind`).
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match &e {
            sqlx::Error::Database(d) => match d.kind() {
                ErrorKind::UniqueViolation => StoreError::Conflict(
                    "такая запись уже есть: повторное сохранение того же самого не выполнено"
                        .into(),
                ),
                ErrorKind::ForeignKeyViolation => StoreError::ForeignKey(
                    "запись ссылается на объект, которого нет (возможно, он удалён)".into(),
                ),
                ErrorKind::NotNullViolation | ErrorKind::CheckViolation => StoreError::Invalid(
                    "не заполнено обязательное поле или значение вне допустимых".into(),
                ),
                _ => StoreError::Db(e),
            },
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                StoreError::InvalidStored(e.to_string())
            }
            _ => StoreError::Db(e),
        }
    }
}

fn plural_errors(n: usize) -> &'static str {
    opora_analytics::text::plural(n as u64, "ошибка", "ошибки", "ошибок")
}

/// JSON in the database (statistics, runs, plan fields) that does not parse.
impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::InvalidStored(format!("JSON: {e}"))
    }
}

impl From<opora_io::records::Errors> for StoreError {
    fn from(e: opora_io::records::Errors) -> Self {
        StoreError::Rejected {
            file: e.file,
            count: e.count,
            errors: e.list,
        }
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
    format!(
        "есть названия, которых ещё нет в системе: {}",
        list.join(", ")
    )
}
