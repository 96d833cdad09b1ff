//! Command-line interface (Russian help, examples in each subcommand).

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "opora",
    version,
    about = "Опора — выявление и адресная поддержка школ с низкими образовательными результатами (ШНОР) и школ в неблагоприятных социальных условиях (ШНСУ)",
    after_help = "Примеры:\n  opora serve --demo                         демонстрационный регион в браузере\n  opora import schools schools.xlsx          загрузить реестр школ\n  opora import results vpr-2024.csv          загрузить результаты ВПР\n  DATABASE_URL=postgres://… opora migrate    подготовить базу PostgreSQL"
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Args, Clone)]
pub struct DbArgs {
    /// Папка данных для встроенной базы SQLite
    #[arg(long, global = true, env = "OPORA_DATA", default_value = "./opora-data")]
    pub data: PathBuf,
    /// Сервер PostgreSQL (postgres://…); без него используется SQLite в папке данных
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub async fn open(&self) -> Result<opora_store::Db> {
        let db = opora_store::Db::open(self.database_url.as_deref(), &self.data).await?;
        Ok(db)
    }
    pub fn describe(&self) -> String {
        match self.database_url.as_deref().filter(|u| !u.is_empty()) {
            Some(u) => format!("PostgreSQL ({})", u.split('@').last().unwrap_or(u)),
            None => format!("SQLite, {}", self.data.join("opora.db").display()),
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Запустить веб-интерфейс
    #[command(after_help = "Примеры:\n  opora serve --demo\n  opora serve --addr 0.0.0.0:8080")]
    Serve(ServeArgs),
    /// Загрузить файл (CSV или XLSX): реестр школ, результаты, контекст, чек-лист, шкалы
    #[command(after_help = "Примеры:\n  opora import schools schools.csv\n  opora import results vpr.xlsx --sheet \"5 класс\"\n  opora import results vpr.csv --map score=\"Первичный балл\" --map school_id=Логин\n\nФайл с ошибками не загружается целиком; перечисляются все ошибочные строки.\nПовторная загрузка того же файла ничего не меняет.\nФорматы и синонимы заголовков: docs/formats.md")]
    Import(ImportArgs),
    /// Создать демонстрационный регион (в базе или файлами)
    #[command(after_help = "Примеры:\n  opora demo                                 загрузить регион в базу\n  opora demo --out demo-files                только файлы CSV\n  opora demo --scale national --out /tmp/nat файлы для замеров: 40 000 школ")]
    Demo(DemoArgs),
    /// Создать или обновить структуру базы данных
    Migrate,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Адрес и порт
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Загрузить демонстрационный регион в пустую базу и показать демо-логины
    #[arg(long)]
    pub demo: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ImportKindArg {
    /// реестр школ
    Schools,
    /// результаты оценочных процедур (уровень обучающихся или ОО)
    Results,
    /// показатели контекста
    Context,
    /// данные чек-листа критериев
    Checklist,
    /// максимальные баллы и пороги отметок
    Scales,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct ImportArgs {
    /// Что загружается
    pub kind: ImportKindArg,
    /// Файл CSV (UTF-8 или Windows-1251, разделитель «,» или «;») или XLSX
    pub file: PathBuf,
    /// Лист книги XLSX (по умолчанию первый)
    #[arg(long)]
    pub sheet: Option<String>,
    /// Соответствие столбцов: поле="Заголовок в файле" (можно несколько раз)
    #[arg(long = "map", value_name = "ПОЛЕ=ЗАГОЛОВОК")]
    pub map: Vec<String>,
    /// Формат отчёта
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ScaleArg {
    /// регион: 10 муниципалитетов, около 250 школ
    Region,
    /// страна: 40 000 школ, десятки миллионов результатов (для замеров)
    National,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Масштаб
    #[arg(long, value_enum, default_value = "region")]
    pub scale: ScaleArg,
    /// Записать файлы CSV в эту папку вместо загрузки в базу
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Зерно генератора: тот же номер — те же данные
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
}
