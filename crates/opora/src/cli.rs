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
    /// Выявить ШНОР и ШНСУ (методика: контекстная регрессия, чек-лист, признаки необъективности)
    #[command(after_help = "Примеры:\n  opora identify --results vpr.csv --results oge.csv --context context.csv --out run1\n  opora identify --results ks4.csv --context census.csv --select all --weights n --out run2\n  opora identify --db --out run3          по данным в базе; расчёт сохраняется\n\nВ папке --out: schools.csv, model.json, objectivity.csv, checklist.csv (если задан --checklist), scatter.svg, report.xlsx.")]
    Identify(IdentifyArgs),
    /// Создать или обновить структуру базы данных
    Migrate,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum SelectArg {
    /// пошаговое исключение факторов с наибольшим p
    Backward,
    /// оставить все факторы
    All,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum WeightsArg {
    /// без весов
    None,
    /// веса — число результатов школы
    N,
}

#[derive(Args)]
pub struct IdentifyArgs {
    /// Файл результатов (уровень обучающихся: столбец score; уровень ОО: n и mean_score); можно несколько
    #[arg(long = "results", value_name = "ФАЙЛ")]
    pub results: Vec<PathBuf>,
    /// Файл контекста: school_id, [year], по столбцу на фактор
    #[arg(long, value_name = "ФАЙЛ")]
    pub context: Option<PathBuf>,
    /// Данные чек-листа критериев
    #[arg(long, value_name = "ФАЙЛ")]
    pub checklist: Option<PathBuf>,
    /// Реестр школ (названия для графика, тип ОО для признака O5)
    #[arg(long, value_name = "ФАЙЛ")]
    pub schools: Option<PathBuf>,
    /// Лист книги XLSX
    #[arg(long)]
    pub sheet: Option<String>,
    /// Папка для результатов
    #[arg(long, value_name = "ПАПКА")]
    pub out: Option<PathBuf>,
    /// Рассчитать по данным в базе (расчёт сохраняется)
    #[arg(long, conflicts_with_all = ["results", "context", "checklist", "schools"])]
    pub db: bool,
    /// Доля школ с самыми низкими эффектами (P, %)
    #[arg(long, default_value_t = 10.0)]
    pub low_percent: f64,
    /// Доля школ с самым низким социальным индексом (Q, %)
    #[arg(long, default_value_t = 10.0)]
    pub shnsu_percent: f64,
    /// Правило лет K/Y: условие в K из последних Y лет
    #[arg(long, default_value = "2/3")]
    pub years: String,
    /// Минимум результатов у школы
    #[arg(long, default_value_t = 10)]
    pub min_results: u64,
    /// Отбор факторов
    #[arg(long, value_enum, default_value = "backward")]
    pub select: SelectArg,
    /// Порог p для исключения фактора
    #[arg(long, default_value_t = 0.05)]
    pub p_remove: f64,
    /// Веса регрессии
    #[arg(long, value_enum, default_value = "none")]
    pub weights: WeightsArg,
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
