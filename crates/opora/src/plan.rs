//! `opora plan …`: import a roadmap from Word or Excel (or only look at what
//! would be read), list and show plans, change activity statuses, list
//! overdue activities, write quarterly execution reports, cascade a municipal
//! activity to schools.

use crate::cli::{
    DbArgs, LevelArg, OutputFormat, PlanCascadeArgs, PlanCommand, PlanImportArgs, PlanListArgs,
    PlanOverdueArgs, PlanReportArgs, PlanShowArgs, PlanStatusArgs,
};
use anyhow::{anyhow, bail, Context, Result};
use opora_plans::report::ReportFormat;
use opora_plans::{ActivityStatus, Date, DeadlineKind, ImportOptions, Level, Period, Plan};
use opora_store::plans::{PlanLinks, PlanSource, StatusUpdate};
use opora_store::scope::Scope;
use opora_store::Db;
use std::process::ExitCode;

pub async fn run(db_args: &DbArgs, cmd: PlanCommand) -> Result<ExitCode> {
    match cmd {
        PlanCommand::Import(a) => import(db_args, a).await,
        PlanCommand::List(a) => list(db_args, a).await,
        PlanCommand::Show(a) => show(db_args, a).await,
        PlanCommand::Status(a) => status(db_args, a).await,
        PlanCommand::Overdue(a) => overdue(db_args, a).await,
        PlanCommand::Report(a) => report(db_args, a).await,
        PlanCommand::Cascade(a) => cascade(db_args, a).await,
    }
}

fn parse_day(s: Option<&str>) -> Result<Date> {
    match s {
        None => Ok(Date::today()),
        Some(s) => {
            Date::parse(s).ok_or_else(|| anyhow!("дата «{s}»: ожидается ДД.ММ.ГГГГ или ГГГГ-ММ-ДД"))
        }
    }
}

async fn municipality_id(db: &Db, name: &str) -> Result<i64> {
    let want = opora_store::registry::search_fold(name);
    let all = db.municipalities().await?;
    all.iter()
        .find(|m| opora_store::registry::search_fold(&m.name) == want)
        .or_else(|| {
            let hits: Vec<_> = all
                .iter()
                .filter(|m| opora_store::registry::search_fold(&m.name).contains(&want))
                .collect();
            (hits.len() == 1).then(|| hits[0])
        })
        .map(|m| m.id)
        .ok_or_else(|| {
            anyhow!("муниципалитет «{name}» не найден в реестре (opora import schools …)")
        })
}

async fn school(db: &Db, code: &str) -> Result<opora_store::registry::School> {
    db.school_by_code(code)
        .await?
        .ok_or_else(|| anyhow!("школа с кодом «{code}» не найдена в реестре"))
}

async fn scope_of(
    db: &Db,
    municipality: Option<&str>,
    school_code: Option<&str>,
) -> Result<(Scope, String)> {
    if let Some(code) = school_code {
        let s = school(db, code).await?;
        return Ok((Scope::School(s.id), s.short_name));
    }
    if let Some(name) = municipality {
        let id = municipality_id(db, name).await?;
        return Ok((Scope::Municipality(id), name.to_string()));
    }
    Ok((
        Scope::Region,
        db.region_name().await?.unwrap_or_else(|| "регион".into()),
    ))
}

fn level(l: LevelArg) -> Level {
    match l {
        LevelArg::Region => Level::Region,
        LevelArg::Municipality => Level::Municipality,
        LevelArg::School => Level::School,
    }
}

fn hash_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

async fn import(db_args: &DbArgs, a: PlanImportArgs) -> Result<ExitCode> {
    let bytes = std::fs::read(&a.file)
        .with_context(|| format!("файл «{}» не читается", a.file.display()))?;
    let period = match &a.period {
        Some(p) => Some(Period::parse(p).ok_or_else(|| {
            anyhow!("период «{p}»: ожидается, например, 2022-2023 или «2020-2021 годы»")
        })?),
        None => None,
    };
    let opts = ImportOptions {
        file_name: a
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        period,
        level: a.level.map(level).or(if a.school.is_some() {
            Some(Level::School)
        } else {
            None
        }),
        title: a.title.clone(),
        owner: None,
    };
    let plan = match opora_plans::import_bytes(&bytes, &opts) {
        Ok(p) => p,
        Err(e) => {
            if a.format == OutputFormat::Json {
                say!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "status": "rejected", "file": opts.file_name, "error": e.to_string() })
                    )?
                );
            } else {
                eprintln!("План не прочитан: {e}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    if a.dry_run {
        match a.format {
            OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&plan)?),
            OutputFormat::Text => print_plan(&plan, None),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let db = db_args.open().await?;
    let mut links = PlanLinks::default();
    let mut plan = plan;
    if let Some(code) = &a.school {
        let s = school(&db, code).await?;
        links.school_id = Some(s.id);
        links.municipality_id = Some(s.municipality_id);
        if plan.owner.is_empty() {
            plan.owner = s.short_name.clone();
        }
    } else if let Some(name) = &a.municipality {
        links.municipality_id = Some(municipality_id(&db, name).await?);
    }
    let source = PlanSource {
        file: opts.file_name.clone(),
        hash: hash_hex(&bytes),
    };
    let saved = db.save_plan(&plan, &links, Some(&source), "cli").await?;
    db.close().await;
    if a.format == OutputFormat::Json {
        let mut v = serde_json::to_value(&saved)?;
        v["status"] = if saved.created { "ok" } else { "unchanged" }.into();
        v["warnings"] = serde_json::to_value(
            plan.import
                .as_ref()
                .map(|i| i.warnings.clone())
                .unwrap_or_default(),
        )?;
        say!("{}", serde_json::to_string_pretty(&v)?);
    } else if saved.created {
        say!(
            "План сохранён: № {} «{}» — разделов {}, мероприятий {}.",
            saved.id,
            plan.title,
            saved.sections,
            saved.activities
        );
        if links.school_id.is_none() && links.municipality_id.is_none() {
            say!("План не привязан к школе или муниципалитету: укажите --school КОД или --municipality НАЗВАНИЕ.");
        }
        for w in plan
            .import
            .as_ref()
            .map(|i| i.warnings.as_slice())
            .unwrap_or_default()
        {
            say!("Проверьте: {w}.");
        }
    } else {
        say!(
            "Этот файл уже загружен: план № {}. Ничего не изменено.",
            saved.id
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn deadline_line(d: &opora_plans::Deadline) -> String {
    match d.kind {
        DeadlineKind::Empty => "срок не указан".into(),
        DeadlineKind::Text => format!("«{}» — сохранён текстом, даты нет", d.text),
        _ => format!("«{}» → {}", d.text, d.summary),
    }
}

/// The plan as a readable tree.
fn print_plan(p: &Plan, today: Option<Date>) {
    say!("План: {}", p.title);
    say!(
        "Уровень: {}{}",
        p.level.title(),
        if p.owner.is_empty() {
            String::new()
        } else {
            format!("; владелец: {}", p.owner)
        }
    );
    match &p.period {
        Some(per) => say!(
            "Период: {} – {} ({}{})",
            per.start.ru(),
            per.end.ru(),
            per.text,
            if per.inferred {
                "; определён по срокам мероприятий"
            } else {
                ""
            }
        ),
        None => say!("Период: не указан"),
    }
    if let Some(ap) = &p.approval {
        let mut s = ap.document.clone();
        if let Some(n) = &ap.number {
            s.push_str(&format!(" № {n}"));
        }
        if let Some(d) = ap.date {
            s.push_str(&format!(" от {}", d.ru()));
        }
        if let Some(by) = &ap.by {
            s.push_str(&format!(" ({by})"));
        }
        say!("Утверждение: {s}");
    }
    say!("Статус плана: {}", p.status.title());
    if let Some(g) = &p.goal {
        say!("Цель: {g}");
    }
    for (i, t) in p.tasks.iter().enumerate() {
        say!("Задача {}: {t}", i + 1);
    }
    say!();
    let print_activity = |a: &opora_plans::Activity, indent: &str| {
        let id = a.id.map(|i| format!("[{i}] ")).unwrap_or_default();
        let num = a
            .number
            .as_deref()
            .map(|n| format!("{n} "))
            .unwrap_or_default();
        say!("{indent}{id}{num}{}", a.text);
        say!("{indent}    срок: {}", deadline_line(&a.deadline));
        if !a.responsible_text.is_empty() {
            say!("{indent}    ответственные: {}", a.responsible_text);
        }
        if let Some(f) = &a.form {
            say!("{indent}    форма: {f}");
        }
        if let Some(r) = &a.result {
            let doc = a
                .result_document
                .map(|d| format!(" ({})", d.title()))
                .unwrap_or_default();
            say!("{indent}    результат: {r}{doc}");
        }
        if a.id.is_some() {
            let overdue = today.is_some_and(|t| a.is_overdue(t));
            say!(
                "{indent}    статус: {}{}",
                a.status.title(),
                if overdue {
                    ", ПРОСРОЧЕНО"
                } else {
                    ""
                }
            );
        }
    };
    for a in &p.activities {
        print_activity(a, "");
    }
    for (depth, s) in p.all_sections() {
        let indent = "  ".repeat(depth);
        say!(
            "{indent}{}{}",
            s.number
                .as_deref()
                .map(|n| format!("{n} "))
                .unwrap_or_default(),
            s.title
        );
        for a in &s.activities {
            print_activity(a, &format!("{indent}  "));
        }
    }
    let acts = p.all_activities();
    let count = |f: &dyn Fn(&opora_plans::Deadline) -> bool| {
        acts.iter().filter(|l| f(&l.activity.deadline)).count()
    };
    say!();
    say!(
        "Итого: разделов {}, мероприятий {}; сроки: с датами {}, по условию без даты {}, месяцы без года {}, текстом {}, не указаны {}.",
        p.all_sections().len(),
        acts.len(),
        count(&|d| d.has_dates()),
        count(&|d| !d.has_dates() && matches!(d.kind, DeadlineKind::Condition | DeadlineKind::Recurring | DeadlineKind::WholePeriod)),
        count(&|d| d.kind == DeadlineKind::Months),
        count(&|d| d.kind == DeadlineKind::Text),
        count(&|d| d.kind == DeadlineKind::Empty),
    );
    if let Some(info) = &p.import {
        if info.merged_rows > 0 {
            say!(
                "Строк, продолжающих предыдущую (перенос на следующую страницу): {}.",
                info.merged_rows
            );
        }
        for w in &info.warnings {
            say!("Проверьте: {w}.");
        }
    }
}

async fn list(db_args: &DbArgs, a: PlanListArgs) -> Result<ExitCode> {
    let today = parse_day(a.date.as_deref())?;
    let db = db_args.open().await?;
    let plans = db.plans(&Scope::Region, today).await?;
    db.close().await;
    if a.format == OutputFormat::Json {
        say!("{}", serde_json::to_string_pretty(&plans)?);
        return Ok(ExitCode::SUCCESS);
    }
    if plans.is_empty() {
        say!("Планов нет. Загрузите: opora plan import ФАЙЛ.docx");
    }
    for p in &plans {
        let status = PlanStatusTitle(&p.status);
        say!(
            "№ {}  {}{}  [{}, {}]  мероприятий {}, выполнено {}, просрочено {}{}",
            p.id,
            p.title,
            if p.unit.is_empty() {
                String::new()
            } else {
                format!(" — {}", p.unit)
            },
            Level::parse(&p.level).map(|l| l.title()).unwrap_or(""),
            status,
            p.activities,
            p.done,
            p.overdue,
            if p.is_template { " (шаблон)" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

struct PlanStatusTitle<'a>(&'a str);

impl std::fmt::Display for PlanStatusTitle<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            opora_plans::PlanStatus::parse(self.0)
                .map(|s| s.title())
                .unwrap_or(self.0),
        )
    }
}

async fn show(db_args: &DbArgs, a: PlanShowArgs) -> Result<ExitCode> {
    let today = parse_day(a.date.as_deref())?;
    let db = db_args.open().await?;
    let plan = db.plan(a.id).await?;
    db.close().await;
    let Some(plan) = plan else {
        bail!("план № {} не найден (список: opora plan list)", a.id)
    };
    match a.format {
        OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&plan)?),
        OutputFormat::Text => print_plan(&plan, Some(today)),
    }
    Ok(ExitCode::SUCCESS)
}

async fn status(db_args: &DbArgs, a: PlanStatusArgs) -> Result<ExitCode> {
    let to = ActivityStatus::parse(&a.status).ok_or_else(|| {
        anyhow!(
            "статус «{}» не известен; допустимы: {}",
            a.status,
            ActivityStatus::ALL
                .iter()
                .map(|s| format!("{} ({})", s.code(), s.title()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let on = match &a.date {
        Some(d) => Some(parse_day(Some(d))?),
        None => None,
    };
    let db = db_args.open().await?;
    let r = db
        .set_activity_status(
            a.activity,
            &StatusUpdate {
                to,
                actor: a.actor.clone(),
                comment: a.comment.clone().unwrap_or_default(),
                on,
            },
        )
        .await;
    db.close().await;
    let change = r?;
    let from = ActivityStatus::parse(&change.from)
        .map(|s| s.title())
        .unwrap_or("");
    say!("Мероприятие № {}: {} → {}.", a.activity, from, to.title());
    Ok(ExitCode::SUCCESS)
}

async fn overdue(db_args: &DbArgs, a: PlanOverdueArgs) -> Result<ExitCode> {
    let today = parse_day(a.date.as_deref())?;
    let db = db_args.open().await?;
    let (scope, what) = scope_of(&db, a.municipality.as_deref(), a.school.as_deref()).await?;
    let rows = db.overdue(&scope, today).await?;
    db.close().await;
    if a.format == OutputFormat::Json {
        say!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        say!("Просроченных мероприятий на {} нет ({what}).", today.ru());
        return Ok(ExitCode::SUCCESS);
    }
    say!("Просрочено на {} ({what}): {}", today.ru(), rows.len());
    for r in &rows {
        say!(
            "  [{}] {}{} — {}; срок «{}» (до {}), просрочено на {} дн.; {}; план № {} «{}»{}",
            r.activity_id,
            if r.number.is_empty() {
                String::new()
            } else {
                format!("{} ", r.number)
            },
            r.text,
            r.unit,
            r.deadline_text,
            Date::parse(&r.deadline_end)
                .map(|d| d.ru())
                .unwrap_or_default(),
            r.days_overdue,
            ActivityStatus::parse(&r.status)
                .map(|s| s.title())
                .unwrap_or(""),
            r.plan_id,
            r.plan_title,
            if r.responsible_text.is_empty() {
                String::new()
            } else {
                format!("; ответственные: {}", r.responsible_text)
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn report(db_args: &DbArgs, a: PlanReportArgs) -> Result<ExitCode> {
    let quarter = opora_plans::report::parse_quarter(&a.quarter).ok_or_else(|| {
        anyhow!(
            "квартал «{}»: ожидается, например, 2023-1 или «I квартал 2023»",
            a.quarter
        )
    })?;
    let as_of = parse_day(a.date.as_deref())?;
    let ext = a
        .out
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_default();
    let Some(format) = ReportFormat::from_extension(&ext) else {
        bail!(
            "файл отчёта «{}»: укажите расширение .xlsx или .docx",
            a.out.display()
        );
    };
    let db = db_args.open().await?;
    let (scope, mut title) = scope_of(&db, a.municipality.as_deref(), a.school.as_deref()).await?;
    if let Some(pid) = a.plan {
        let p = db
            .plan(pid)
            .await?
            .ok_or_else(|| anyhow!("план № {pid} не найден"))?;
        title = p.title;
    }
    let rep = db
        .quarterly_report(&scope, a.plan, &title, quarter, as_of)
        .await?;
    db.close().await;
    let bytes = format.write(&rep)?;
    std::fs::write(&a.out, bytes)
        .with_context(|| format!("не удалось записать «{}»", a.out.display()))?;
    let t = &rep.total;
    say!(
        "Отчёт записан: {} — {}. Мероприятий {}: в срок {}, с опозданием {}, просрочено {}, срок не наступил {}, без документов {}.",
        a.out.display(),
        rep.subtitle(),
        t.total,
        t.on_time,
        t.late,
        t.overdue,
        t.open,
        t.without_evidence
    );
    Ok(ExitCode::SUCCESS)
}

async fn cascade(db_args: &DbArgs, a: PlanCascadeArgs) -> Result<ExitCode> {
    let db = db_args.open().await?;
    let mut ids = Vec::new();
    if a.all {
        let plan_id = db
            .activity_plan_id(a.activity)
            .await?
            .ok_or_else(|| anyhow!("мероприятие № {} не найдено", a.activity))?;
        let m = db
            .plans(&Scope::Region, Date::today())
            .await?
            .into_iter()
            .find(|p| p.id == plan_id)
            .and_then(|p| p.municipality_id)
            .ok_or_else(|| {
                anyhow!(
                    "план № {plan_id} не привязан к муниципалитету: перечислите школы в --schools"
                )
            })?;
        ids = db
            .schools(Some(m))
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
    } else {
        for code in &a.schools {
            ids.push(school(&db, code.trim()).await?.id);
        }
    }
    if ids.is_empty() {
        bail!("не указаны школы: --schools КОД,КОД или --all");
    }
    let r = db.cascade_activity(a.activity, &ids, "cli").await?;
    db.close().await;
    say!(
        "Мероприятие № {} передано школам: создано {}, уже было у {}, новых планов школ {}.",
        a.activity,
        r.created,
        r.existing,
        r.plans_created
    );
    Ok(ExitCode::SUCCESS)
}
