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
    #[arg(
        long,
        global = true,
        env = "OPORA_DATA",
        default_value = "./opora-data"
    )]
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
            Some(u) => format!("PostgreSQL ({})", u.rsplit('@').next().unwrap_or(u)),
            None => format!("SQLite, {}", self.data.join("opora.db").display()),
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Запустить веб-интерфейс
    #[command(after_help = "Примеры:\n  opora serve --demo\n  opora serve --addr 0.0.0.0:8080")]
    Serve(ServeArgs),
    /// Загрузить файл (CSV или XLSX): реестр школ, результаты, контекст, чек-лист, шкалы, педагоги, курсы, диагностика
    #[command(
        after_help = "Примеры:\n  opora import schools schools.csv\n  opora import results vpr.xlsx --sheet \"5 класс\"\n  opora import results vpr.csv --map score=\"Первичный балл\" --map school_id=Логин\n\nФайл с ошибками не загружается целиком; перечисляются все ошибочные строки.\nПовторная загрузка того же файла ничего не меняет.\nФорматы и синонимы заголовков: docs/formats.md"
    )]
    Import(ImportArgs),
    /// Создать демонстрационный регион (в базе или файлами)
    #[command(
        after_help = "Примеры:\n  opora demo                                 загрузить регион в базу\n  opora demo --out demo-files                только файлы CSV\n  opora demo --scale national --out /tmp/nat файлы для замеров: 40 000 школ"
    )]
    Demo(DemoArgs),
    /// Выявить ШНОР и ШНСУ (методика: контекстная регрессия, чек-лист, признаки необъективности)
    #[command(
        after_help = "Примеры:\n  opora identify --results vpr.csv --results oge.csv --context context.csv --out run1\n  opora identify --results ks4.csv --context census.csv --select all --weights n --out run2\n  opora identify --db --out run3          по данным в базе; расчёт сохраняется\n\nВ папке --out: schools.csv, model.json, objectivity.csv, checklist.csv (если задан --checklist), scatter.svg, report.xlsx."
    )]
    Identify(IdentifyArgs),
    /// Создать или обновить структуру базы данных
    Migrate,
    /// Сохранить всю базу в переносимый архив (SQLite и PostgreSQL читают его одинаково)
    #[command(
        after_help = "Примеры:\n  opora backup opora-2025-06-01.zip\n  DATABASE_URL=postgres://… opora backup region.zip\n\nКопия делается из одного согласованного снимка; сервер можно не останавливать.\nНе сохраняются входы пользователей (сессии) и счётчики неудачных входов.\nФормат архива: docs/backup.md"
    )]
    Backup(BackupArgs),
    /// Восстановить базу из архива opora backup (только в пустую базу той же версии схемы)
    #[command(
        after_help = "Примеры:\n  OPORA_DATA=./new-data opora restore opora-2025-06-01.zip                  в новую базу SQLite\n  DATABASE_URL=postgres://…/opora opora restore opora-2025-06-01.zip     из SQLite в PostgreSQL\n\nБаза должна быть пустой (новая папка данных или новая база PostgreSQL).\nВсё восстанавливается одной транзакцией и сверяется по контрольным суммам:\nпри любой ошибке база остаётся пустой."
    )]
    Restore(RestoreArgs),
    /// Планы мероприятий (дорожные карты, программы): загрузка из Word и Excel, статусы, просрочки, отчёты
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Показатели программ: загрузка набора показателей из паспорта программы (Word, Excel)
    #[command(subcommand)]
    Indicators(IndicatorsCommand),
    /// Сайты школ: есть ли обязательные разделы и документы программы поддержки
    #[command(subcommand)]
    Sites(SitesCommand),
    /// Педагоги: повышение квалификации (правило «курсы не реже раза в три года»)
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Аналитическая справка школы, муниципалитета или региона (DOCX или PDF)
    #[command(
        after_help = "Примеры:\n  opora note --school 0412 --out справка.docx\n  opora note --municipality \"г. Северск\" --out справка.pdf --date 01.12.2026\n  opora note --region --out регион.pdf\n\nФормат — по расширению файла (.docx или .pdf). Справка сохраняется в базе как выпущенная версия."
    )]
    Note(NoteArgs),
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("subject").required(true).args(["school", "municipality", "region"])))]
pub struct NoteArgs {
    /// Код ОО школы
    #[arg(long, value_name = "КОД")]
    pub school: Option<String>,
    /// Название муниципалитета, как в реестре школ
    #[arg(long, value_name = "НАЗВАНИЕ")]
    pub municipality: Option<String>,
    /// Справка по региону целиком
    #[arg(long)]
    pub region: bool,
    /// Файл справки: .docx или .pdf
    #[arg(long, value_name = "ФАЙЛ")]
    pub out: std::path::PathBuf,
    /// Дата справки (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД); по умолчанию сегодня
    #[arg(long, value_name = "ДАТА")]
    pub date: Option<String>,
}

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Педагоги, у которых последние курсы закончились больше трёх лет назад (или курсов нет)
    #[command(
        after_help = "Примеры:\n  opora staff due\n  opora staff due --on 01.09.2026 --format json\n\nСписок педагогов загружается командой opora import teachers, курсы — opora import courses."
    )]
    Due(StaffDueArgs),
}

#[derive(Args)]
pub struct StaffDueArgs {
    /// Дата, на которую считать (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД); по умолчанию сегодня
    #[arg(long, value_name = "ДАТА")]
    pub on: Option<String>,
    /// Формат вывода
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct BackupArgs {
    /// Файл архива (ZIP), который будет создан
    pub file: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// Файл архива, созданный opora backup
    pub file: PathBuf,
}

#[derive(Subcommand)]
pub enum IndicatorsCommand {
    /// Прочитать показатели из таблицы паспорта программы (DOCX или XLSX)
    #[command(
        after_help = "Примеры:\n  opora indicators import passport.docx --dry-run                 показать прочитанные показатели\n  opora indicators import passport.xlsx --dry-run --format json   то же в JSON\n  opora indicators import passport.docx --plan 3                  сохранить как показатели программы № 3 (opora plan list)\n\nПовторная загрузка того же паспорта ничего не меняет; исправленный паспорт меняет только отличия.\n\nТаблица ищется по заголовкам «Показатели» | «Индикаторы» или «Показатель» | «Целевое значение».\nСтроки без целевого значения (например, «По оценке процессов управления качеством образования»)\nстановятся группами показателей под ними. Целевые значения: «100%», «20 %», «0,5», «не менее 4», «Да»."
    )]
    Import(IndicatorsImportArgs),
}

#[derive(Args)]
pub struct IndicatorsImportArgs {
    /// Файл DOCX или XLSX с таблицей показателей
    pub file: PathBuf,
    /// Только показать, что прочитано; в базу ничего не записывается
    #[arg(long)]
    pub dry_run: bool,
    /// Номер программы (плана региона или муниципалитета), которой принадлежат показатели
    #[arg(long, value_name = "НОМЕР", required_unless_present = "dry_run")]
    pub plan: Option<i64>,
    /// Формат вывода
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Subcommand)]
pub enum SitesCommand {
    /// Проверить сайт школы: подразделы «Сведения об образовательной организации» и документы программы поддержки ШНОР/ШНСУ
    #[command(
        after_help = "Примеры:\n  opora sites check https://school1.ru\n  opora sites check school1.ru --format json\n  opora sites check https://edu.city.ru/school12/ --max-pages 100 --delay-ms 500\n\nОбход вежливый: сначала robots.txt (закрытые адреса не запрашиваются), пауза между\nзапросами, только этот сайт (ссылки на другие сайты не открываются), документы не\nскачиваются целиком. Что считается найденным: docs/sites.md"
    )]
    Check(SitesCheckArgs),
    /// Проверить сайты всех школ реестра (или одной) и сохранить результаты в базе
    #[command(
        after_help = "Примеры:\n  opora sites audit                          все школы, у которых в реестре указан сайт\n  opora sites audit --school S001            одна школа\n  opora sites audit --format json --delay-ms 500\n\nСайты проверяются по одному, так же вежливо, как opora sites check. Сайт, который не\nудалось проверить, не останавливает обход: причина сохраняется и выводится.\nРезультаты видны на странице «Сайты школ» и в /api/sites. Правила: docs/sites.md"
    )]
    Audit(SitesAuditArgs),
}

#[derive(Args)]
pub struct SitesAuditArgs {
    /// Только эта школа (код ОО)
    #[arg(long, value_name = "КОД")]
    pub school: Option<String>,
    /// Формат вывода
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Пауза между запросами к сайту, мс
    #[arg(long, value_name = "МС", default_value_t = 200)]
    pub delay_ms: u64,
    /// Не больше стольких запросов страниц на один сайт
    #[arg(long, value_name = "ЧИСЛО", default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_pages: u32,
}

#[derive(Args)]
pub struct SitesCheckArgs {
    /// Адрес сайта (без http:// подставляется https://)
    #[arg(value_name = "АДРЕС")]
    pub url: String,
    /// Формат вывода
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Пауза между запросами к сайту, мс
    #[arg(long, value_name = "МС", default_value_t = 200)]
    pub delay_ms: u64,
    /// Не больше стольких запросов страниц
    #[arg(long, value_name = "ЧИСЛО", default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_pages: u32,
}

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Загрузить план из таблицы Word (DOCX) или Excel (XLSX)
    #[command(
        after_help = "Примеры:\n  opora plan import roadmap.docx --dry-run                 показать, что прочитано, ничего не записывая\n  opora plan import roadmap.docx --dry-run --format json   то же в JSON: разделы, мероприятия, сроки как написаны и как поняты\n  opora plan import plan.xlsx --school S001                сохранить как план школы\n  opora plan import roadmap.docx --municipality \"Алексеевский район\" --period 2020-2021\n\nТаблица ищется по заголовкам столбцов: «№ п/п», «Мероприятия» (или «Содержание работы»),\n«Сроки», «Ответственные», «Форма проведения», «Планируемый результат». Строки разделов\n(«I. …», «1. …» над «1.1.», «Инвариантная часть») и строки, перенесённые на следующую\nстраницу, распознаются. Правила: docs/plans.md"
    )]
    Import(PlanImportArgs),
    /// Список планов
    List(PlanListArgs),
    /// Показать план: разделы, мероприятия, сроки, статусы
    Show(PlanShowArgs),
    /// Изменить статус мероприятия (запланировано → в работе → выполнено → подтверждено куратором; отменено)
    #[command(
        after_help = "Примеры:\n  opora plan status 12 in_progress\n  opora plan status 12 выполнено --date 20.02.2023\n  opora plan status 12 отменено --comment \"школа-наставник отказалась\""
    )]
    Status(PlanStatusArgs),
    /// Просроченные мероприятия на дату
    #[command(
        after_help = "Примеры:\n  opora plan overdue\n  opora plan overdue --date 01.04.2023 --municipality \"Алексеевский район\""
    )]
    Overdue(PlanOverdueArgs),
    /// Квартальный отчёт об исполнении планов (XLSX или DOCX)
    #[command(
        after_help = "Примеры:\n  opora plan report --quarter 2023-1 --school S001 --out отчёт.xlsx\n  opora plan report --quarter \"I квартал 2023\" --municipality \"Алексеевский район\" --out отчёт.docx"
    )]
    Report(PlanReportArgs),
    /// Передать мероприятие муниципального плана в планы школ
    #[command(
        after_help = "Примеры:\n  opora plan cascade 7 --schools S001,S002\n  opora plan cascade 7 --all      всем школам муниципалитета плана"
    )]
    Cascade(PlanCascadeArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum LevelArg {
    /// региональный
    Region,
    /// муниципальный
    Municipality,
    /// школьный
    School,
}

#[derive(Args)]
pub struct PlanImportArgs {
    /// Файл DOCX или XLSX
    pub file: PathBuf,
    /// Только показать, что прочитано; в базу ничего не записывается
    #[arg(long)]
    pub dry_run: bool,
    /// Формат вывода
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Период плана, если в документе его нет или он неверен: 2022-2023 (учебный год), «2020-2021 годы», 01.09.2022-31.05.2023
    #[arg(long)]
    pub period: Option<String>,
    /// Уровень плана (по умолчанию определяется по тексту)
    #[arg(long, value_enum)]
    pub level: Option<LevelArg>,
    /// Код школы, которой принадлежит план
    #[arg(long, value_name = "КОД")]
    pub school: Option<String>,
    /// Муниципалитет, которому принадлежит план (название, как в реестре)
    #[arg(long, value_name = "НАЗВАНИЕ")]
    pub municipality: Option<String>,
    /// Название плана вместо найденного в документе
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Args)]
pub struct PlanListArgs {
    /// Дата для подсчёта просроченных (по умолчанию сегодня): ДД.ММ.ГГГГ или ГГГГ-ММ-ДД
    #[arg(long)]
    pub date: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct PlanShowArgs {
    /// Номер плана (из opora plan list)
    pub id: i64,
    /// Дата для отметки просроченных (по умолчанию сегодня)
    #[arg(long)]
    pub date: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct PlanStatusArgs {
    /// Номер мероприятия (из opora plan show)
    pub activity: i64,
    /// Новый статус: planned, in_progress, done, verified, cancelled или по-русски («в работе», «выполнено», …)
    pub status: String,
    /// Комментарий; для отмены — причина (обязательно)
    #[arg(long)]
    pub comment: Option<String>,
    /// День, когда это произошло (по умолчанию сегодня)
    #[arg(long)]
    pub date: Option<String>,
    /// Кто меняет (для журнала)
    #[arg(long, default_value = "cli")]
    pub actor: String,
}

#[derive(Args)]
pub struct PlanOverdueArgs {
    /// На дату (по умолчанию сегодня)
    #[arg(long)]
    pub date: Option<String>,
    /// Только этот муниципалитет
    #[arg(long, value_name = "НАЗВАНИЕ")]
    pub municipality: Option<String>,
    /// Только эта школа
    #[arg(long, value_name = "КОД")]
    pub school: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct PlanReportArgs {
    /// Квартал: 2023-1, «I квартал 2023»
    #[arg(long)]
    pub quarter: String,
    /// Только этот план
    #[arg(long)]
    pub plan: Option<i64>,
    /// Только эта школа
    #[arg(long, value_name = "КОД")]
    pub school: Option<String>,
    /// Только этот муниципалитет
    #[arg(long, value_name = "НАЗВАНИЕ")]
    pub municipality: Option<String>,
    /// Файл отчёта: .xlsx или .docx
    #[arg(long, value_name = "ФАЙЛ")]
    pub out: PathBuf,
    /// По состоянию на дату (по умолчанию сегодня)
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(Args)]
pub struct PlanCascadeArgs {
    /// Номер мероприятия муниципального плана
    pub activity: i64,
    /// Коды школ через запятую
    #[arg(long, value_delimiter = ',', value_name = "КОДЫ")]
    pub schools: Vec<String>,
    /// Всем школам муниципалитета, которому принадлежит план
    #[arg(long, conflicts_with = "schools")]
    pub all: bool,
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
    /// С --db: последний учебный год расчёта (год весны, например 2025 для
    /// 2024-2025 учебного года); по умолчанию — последний год, за который
    /// результаты есть хотя бы у половины школ
    #[arg(long, value_name = "ГОД", requires = "db")]
    pub last_year: Option<i32>,
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
    /// список педагогов школы (кадровый файл)
    Teachers,
    /// пройденные курсы повышения квалификации и переподготовки
    Courses,
    /// результаты диагностики профессиональных дефицитов педагогов
    Diagnostics,
    /// посещаемость обучающихся по месяцам (уроков, пропущено, без уважительной причины)
    Attendance,
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
    /// Добавить процедуры и предметы, которых ещё нет в системе (без флага такой
    /// файл не загружается, а новые названия перечисляются — чтобы опечатка
    /// не стала новым предметом)
    #[arg(long = "new-names")]
    pub new_names: bool,
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
    #[arg(long, default_value_t = opora_seed::DEMO_SEED)]
    pub seed: u64,
}
