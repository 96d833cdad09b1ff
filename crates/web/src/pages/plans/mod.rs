//! Дорожные карты: the list of plans and overdue activities, import of a
//! Word/Excel roadmap (preview, then confirm), the plan table with filters,
//! the timeline, the plan's status and its quarterly reports. Activities,
//! evidence and cascade are in [`activity`]; «мои задачи» in [`tasks`];
//! support pairs and leader suggestions in [`support`].

pub mod activity;
pub mod edit;
pub mod rights;
pub mod school_work;
pub mod support;
pub mod tasks;
mod timeline;

use crate::auth::{random_token, Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{multipart_error, Fields, Form, Multipart, Path, Query};
use crate::fmt;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::report::ReportFormat;
use opora_plans::{ActivityStatus, Date, ImportOptions, Level, Period, Plan, PlanStatus};
use opora_store::plans::{PlanLinks, PlanSource, PlanSummary};
use opora_store::scope::Scope;
use opora_store::users::Role;
use rights::Rights;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Largest roadmap document or evidence file accepted (the evidence rule).
pub const MAX_PLAN_FILE: usize = opora_plans::MAX_EVIDENCE_BYTES as usize;

/// A roadmap read from an uploaded file, waiting for confirmation.
#[derive(Debug, Clone)]
pub(crate) struct StagedPlan {
    pub plan: Plan,
    pub links: PlanLinks,
    pub source: PlanSource,
}

/// Runs CPU-heavy work (document parsing, hashing, report writing) on the
/// blocking pool, so that the async runtime keeps answering other requests.
pub(crate) async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> WebResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| WebError::Internal(format!("фоновая задача: {e}")))
}

pub fn today() -> Date {
    Date::today()
}

/// A visible plan with the caller's rights on it (404 when out of scope).
pub(crate) async fn load_plan(
    st: &AppState,
    c: &Caller,
    id: i64,
) -> WebResult<(PlanSummary, Plan, Rights)> {
    let summary = st
        .db
        .plan_summary(&c.scope, id, today())
        .await?
        .ok_or(WebError::NotFound)?;
    let plan = st.db.plan(id).await?.ok_or(WebError::NotFound)?;
    let school_municipality = match summary.school_id {
        Some(sid) => st
            .db
            .schools_in(&Scope::School(sid))
            .await?
            .first()
            .map(|s| s.municipality_id),
        None => None,
    };
    let r = rights::rights(c, &summary, school_municipality);
    Ok((summary, plan, r))
}

pub(crate) fn status_class(code: &str, overdue: bool) -> &'static str {
    if overdue {
        return "st-overdue";
    }
    match code {
        "in_progress" => "st-progress",
        "done" => "st-done",
        "verified" => "st-verified",
        "cancelled" => "st-cancelled",
        _ => "st-planned",
    }
}

pub(crate) fn status_title(code: &str, overdue: bool) -> String {
    let t = ActivityStatus::parse(code)
        .map(|s| s.title())
        .unwrap_or("запланировано");
    if overdue {
        format!("{t}, просрочено")
    } else {
        t.to_string()
    }
}

fn level_title(code: &str) -> &'static str {
    Level::parse(code).map(|l| l.title()).unwrap_or("")
}

fn plan_status_title(code: &str) -> &'static str {
    PlanStatus::parse(code).map(|s| s.title()).unwrap_or("")
}

// ---------------------------------------------------------------------------
// The list

pub struct PlanRow {
    pub id: i64,
    pub title: String,
    pub level: &'static str,
    pub unit: String,
    pub period: String,
    pub status: &'static str,
    pub activities: i64,
    pub done: i64,
    pub overdue: i64,
    pub template: bool,
}

pub struct OverdueRow {
    pub activity_id: i64,
    pub plan_id: i64,
    pub unit: String,
    pub number: String,
    pub text: String,
    pub deadline: String,
    pub days: i64,
    pub responsible: String,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    l: Layout,
    rows: Vec<PlanRow>,
    overdue: Vec<OverdueRow>,
    overdue_by_unit: Vec<(String, usize)>,
    targets: Vec<(String, String)>,
    limit_mb: usize,
    today: String,
    /// The academic year that contains today, «2026-2027» (a new plan's period).
    academic_year: String,
}

fn overdue_rows(rows: Vec<opora_store::plans::OverdueActivity>) -> Vec<OverdueRow> {
    rows.into_iter()
        .map(|o| OverdueRow {
            activity_id: o.activity_id,
            plan_id: o.plan_id,
            unit: o.unit,
            number: o.number,
            text: o.text,
            deadline: o.deadline_text,
            days: o.days_overdue,
            responsible: o.responsible_text,
        })
        .collect()
}

/// Where the caller may import a plan: ("region" | "m:ID" | "s:ID", label).
pub(crate) async fn import_targets(st: &AppState, c: &Caller) -> WebResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    match (&c.scope, c.role()) {
        (Scope::Region, _) => {
            out.push(("region".into(), "Региональный план".into()));
            for m in st.db.municipalities().await? {
                out.push((
                    format!("m:{}", m.id),
                    format!("План муниципалитета: {}", m.name),
                ));
            }
        }
        (Scope::Municipality(m), _) => {
            let name = st
                .db
                .municipalities()
                .await?
                .into_iter()
                .find(|x| x.id == *m)
                .map(|x| x.name)
                .unwrap_or_default();
            out.push((format!("m:{m}"), format!("План муниципалитета: {name}")));
            for s in st.db.schools_in(&c.scope).await? {
                out.push((
                    format!("s:{}", s.id),
                    format!("План школы: {}", s.short_name),
                ));
            }
        }
        (Scope::School(id), Role::SchoolAdmin) => {
            for s in st.db.schools_in(&Scope::School(*id)).await? {
                out.push((
                    format!("s:{}", s.id),
                    format!("План школы: {}", s.short_name),
                ));
            }
        }
        _ => {}
    }
    Ok(out)
}

pub async fn list(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let today = today();
    let plans = st.db.plans(&caller.scope, today).await?;
    let overdue = overdue_rows(st.db.overdue(&caller.scope, today).await?);
    let mut by_unit: std::collections::BTreeMap<String, usize> = Default::default();
    for o in &overdue {
        *by_unit.entry(o.unit.clone()).or_default() += 1;
    }
    let page = PlansPage {
        l: Layout::new(&caller, "Дорожные карты", "/plans"),
        rows: plans
            .into_iter()
            .map(|p| PlanRow {
                id: p.id,
                level: level_title(&p.level),
                status: plan_status_title(&p.status),
                title: p.title,
                unit: p.unit,
                period: p.period,
                activities: p.activities,
                done: p.done,
                overdue: p.overdue,
                template: p.is_template,
            })
            .collect(),
        overdue,
        overdue_by_unit: by_unit.into_iter().collect(),
        targets: import_targets(&st, &caller).await?,
        limit_mb: MAX_PLAN_FILE / (1024 * 1024),
        academic_year: {
            let y = if today.month() >= 9 {
                today.year()
            } else {
                today.year() - 1
            };
            format!("{y}-{}", y + 1)
        },
        today: today.ru(),
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------------------
// Import: upload → preview → confirm

/// A multipart form read whole into memory (at most `limit` bytes of file).
pub(crate) struct UploadedForm {
    pub fields: std::collections::HashMap<String, String>,
    pub file: Option<(String, Vec<u8>)>,
}

pub(crate) async fn read_form(
    Multipart(mut mp): Multipart,
    limit: usize,
) -> WebResult<UploadedForm> {
    let mut form = UploadedForm {
        fields: Default::default(),
        file: None,
    };
    let err = |e| multipart_error(e, limit);
    while let Some(mut field) = mp.next_field().await.map_err(err)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field
                .file_name()
                .unwrap_or("")
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("")
                .to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(err)? {
                if bytes.len() + chunk.len() > limit {
                    return Err(WebError::PayloadTooLarge(limit));
                }
                bytes.extend_from_slice(&chunk);
            }
            if !file_name.is_empty() {
                form.file = Some((file_name, bytes));
            }
        } else {
            let v = field.text().await.map_err(err)?;
            form.fields.insert(name, v.trim().to_string());
        }
    }
    Ok(form)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub struct PreviewRow {
    pub section: bool,
    pub depth: usize,
    pub number: String,
    pub text: String,
    pub deadline: String,
    pub parsed: String,
    pub responsible: String,
    pub result: String,
}

#[derive(Template)]
#[template(path = "plan_preview.html")]
struct PreviewPage {
    l: Layout,
    token: String,
    file: String,
    title: String,
    level: &'static str,
    owner: String,
    period: String,
    approval: String,
    goal: String,
    sections: usize,
    activities: usize,
    warnings: Vec<String>,
    rows: Vec<PreviewRow>,
}

fn preview_rows(plan: &Plan) -> Vec<PreviewRow> {
    fn walk(s: &opora_plans::Section, depth: usize, out: &mut Vec<PreviewRow>) {
        out.push(PreviewRow {
            section: true,
            depth,
            number: s.number.clone().unwrap_or_default(),
            text: s.title.clone(),
            deadline: String::new(),
            parsed: String::new(),
            responsible: String::new(),
            result: String::new(),
        });
        for a in &s.activities {
            out.push(activity_preview(a, depth + 1));
        }
        for c in &s.sections {
            walk(c, depth + 1, out);
        }
    }
    let mut out: Vec<PreviewRow> = plan
        .activities
        .iter()
        .map(|a| activity_preview(a, 0))
        .collect();
    for s in &plan.sections {
        walk(s, 0, &mut out);
    }
    out
}

fn activity_preview(a: &opora_plans::Activity, depth: usize) -> PreviewRow {
    PreviewRow {
        section: false,
        depth,
        number: a.number.clone().unwrap_or_default(),
        text: a.text.clone(),
        deadline: a.deadline.text.clone(),
        parsed: deadline_summary(&a.deadline),
        responsible: a.responsible_text.clone(),
        result: a.result.clone().unwrap_or_default(),
    }
}

/// How the deadline was understood, shown under the text as written; empty
/// when it would only repeat the text («до 15.10.2026»).
pub(crate) fn deadline_summary(d: &opora_plans::Deadline) -> String {
    use opora_plans::deadline::normalize_space;
    let same =
        |a: &str, b: &str| normalize_space(&a.to_lowercase()) == normalize_space(&b.to_lowercase());
    if !d.summary.is_empty() && !d.year_from_period && same(&d.summary, &d.text) {
        String::new()
    } else if d.summary.is_empty() {
        "не распознан — оставлен как написан".into()
    } else if d.year_from_period && !d.summary.contains("из периода плана") {
        format!("{} (год — из периода плана)", d.summary)
    } else {
        d.summary.clone()
    }
}

/// The level, registry links and owner's name of an import or creation
/// target chosen from [`import_targets`] (anything else is refused).
pub(crate) async fn resolve_target(
    st: &AppState,
    targets: &[(String, String)],
    target: &str,
) -> WebResult<(Level, PlanLinks, String)> {
    let Some((_, label)) = targets.iter().find(|(t, _)| t == target) else {
        return Err(WebError::BadRequest(
            "Выберите, чей это план: из списка «Чей план».".into(),
        ));
    };
    let owner = label.split(": ").nth(1).unwrap_or(label).to_string();
    let (level, links) = match target.split_once(':') {
        Some(("m", id)) => (
            Level::Municipality,
            PlanLinks {
                municipality_id: id.parse().ok(),
                school_id: None,
            },
        ),
        Some(("s", id)) => {
            let sid: i64 = id.parse().map_err(|_| WebError::NotFound)?;
            let school = st
                .db
                .schools_in(&Scope::School(sid))
                .await?
                .into_iter()
                .next()
                .ok_or(WebError::NotFound)?;
            (
                Level::School,
                PlanLinks {
                    municipality_id: Some(school.municipality_id),
                    school_id: Some(sid),
                },
            )
        }
        _ => (Level::Region, PlanLinks::default()),
    };
    Ok((level, links, owner))
}

/// Reads an uploaded roadmap (off the runtime) and stages it; the preview
/// is a GET page by token, so reloading it shows it again.
pub async fn import(
    State(st): State<AppState>,
    caller: Caller,
    mp: Multipart,
) -> WebResult<Response> {
    let targets = import_targets(&st, &caller).await?;
    if targets.is_empty() {
        return Err(WebError::Forbidden(
            "Загружать дорожные карты могут регион, муниципалитет и администратор школы.".into(),
        ));
    }
    let form = read_form(mp, MAX_PLAN_FILE).await?;
    let Some((file_name, bytes)) = form.file else {
        return Err(WebError::BadRequest(
            "Выберите файл дорожной карты (DOCX или XLSX).".into(),
        ));
    };
    let target = form.fields.get("target").cloned().unwrap_or_default();
    let (level, links, owner) = resolve_target(&st, &targets, &target).await?;
    let period = match form.fields.get("period").filter(|p| !p.is_empty()) {
        Some(p) => Some(Period::parse(p).ok_or_else(|| {
            WebError::BadRequest(format!(
                "Период «{p}» не распознан: напишите, например, 2022-2023 или «2020-2021 годы»."
            ))
        })?),
        None => None,
    };
    let opts = ImportOptions {
        file_name: file_name.clone(),
        period,
        level: Some(level),
        title: None,
        owner: None,
    };
    let (read, hash) =
        off_runtime(move || (opora_plans::import_bytes(&bytes, &opts), sha256_hex(&bytes))).await?;
    let mut plan = read.map_err(|e| {
        WebError::BadRequest(format!(
            "Файл «{file_name}» не прочитан как дорожная карта: {e}"
        ))
    })?;
    if plan.owner.is_empty() {
        plan.owner = owner;
    }
    let token = random_token()[..24].to_string();
    st.plan_uploads.insert(
        token.clone(),
        caller.user.id,
        StagedPlan {
            plan,
            links,
            source: PlanSource {
                file: file_name,
                hash,
            },
        },
    );
    Ok(Redirect::to(&format!("/plans/import/{token}")).into_response())
}

/// The roadmap read from a file, before it is saved.
pub async fn import_preview(
    State(st): State<AppState>,
    caller: Caller,
    Path(token): Path<String>,
) -> WebResult<Html<String>> {
    let staged = st
        .plan_uploads
        .get(&token, caller.user.id)
        .ok_or(WebError::NotFound)?;
    let plan = &staged.plan;
    let page = PreviewPage {
        l: Layout::new(&caller, "Проверка дорожной карты", "/plans"),
        token,
        file: staged.source.file.clone(),
        title: plan.title.clone(),
        level: plan.level.title(),
        owner: plan.owner.clone(),
        period: plan
            .period
            .as_ref()
            .map(|p| {
                format!(
                    "{} – {}{}",
                    p.start.ru(),
                    p.end.ru(),
                    if p.inferred {
                        " (определён по срокам)"
                    } else {
                        ""
                    }
                )
            })
            .unwrap_or_else(|| "не указан".into()),
        approval: plan
            .approval
            .as_ref()
            .map(|a| a.text.clone())
            .unwrap_or_default(),
        goal: plan.goal.clone().unwrap_or_default(),
        sections: plan.all_sections().len(),
        activities: plan.activity_count(),
        warnings: plan
            .import
            .as_ref()
            .map(|i| i.warnings.clone())
            .unwrap_or_default(),
        rows: preview_rows(plan),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub struct TokenForm {
    pub token: String,
}

pub async fn confirm_import(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<TokenForm>,
) -> WebResult<Response> {
    let Some(s) = st.plan_uploads.take(&f.token, caller.user.id) else {
        return Err(WebError::BadRequest(
            "Эта загрузка уже подтверждена или устарела. Загрузите файл ещё раз.".into(),
        ));
    };
    let saved = st
        .db
        .save_plan(&s.plan, &s.links, Some(&s.source), &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!(
        "/plans/{}?imported={}",
        saved.id,
        if saved.created { 1 } else { 2 }
    ))
    .into_response())
}

// ---------------------------------------------------------------------------
// One plan

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub responsible: String,
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub imported: String,
}

pub struct ActivityRow {
    pub id: i64,
    pub section: String,
    pub number: String,
    pub text: String,
    pub deadline: String,
    pub parsed: String,
    pub responsible: String,
    pub result: String,
    pub status: String,
    pub status_class: &'static str,
    pub evidence: i64,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    l: Layout,
    id: i64,
    title: String,
    level: &'static str,
    unit: String,
    owner: String,
    period: String,
    status: &'static str,
    status_code: String,
    approval: String,
    goal: String,
    tasks: Vec<String>,
    total: i64,
    done: i64,
    overdue: i64,
    rows: Vec<ActivityRow>,
    shown: usize,
    q: PlanQuery,
    statuses: Vec<(&'static str, &'static str)>,
    months: Vec<(String, String)>,
    manage: bool,
    quarter: String,
    notice: String,
    versions: Vec<(i64, String, String, String)>,
    is_template: bool,
    /// Top-level sections (id, title) a template may apply.
    blocks: Vec<(i64, String)>,
    /// A programme (region or municipality plan): its indicators.
    programme: bool,
    lines: Vec<crate::pages::indicators::IndicatorLine>,
    /// The programme's periods (columns of the indicator table).
    periods: Vec<String>,
    /// (id, title, open) of each period, for closing.
    period_ids: Vec<(i64, String, bool)>,
}

/// The months a deadline touches, as "YYYY-MM" (for the month filter).
fn touches_month(d: &opora_plans::Deadline, month: &str) -> bool {
    let Some((y, m)) = month
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
    else {
        return true;
    };
    let (Some(first), Some(last)) = (Date::first_of_month(y, m), Date::last_of_month(y, m)) else {
        return true;
    };
    if !d.periods.is_empty() {
        return d.periods.iter().any(|p| p.start <= last && p.end >= first);
    }
    match (d.start, d.end) {
        (Some(s), Some(e)) => s <= last && e >= first,
        (None, Some(e)) => e >= first && e <= last,
        (Some(s), None) => s <= last,
        (None, None) => false,
    }
}

fn plan_months(plan: &Plan) -> Vec<(String, String)> {
    let Some(p) = &plan.period else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = (p.start.year(), p.start.month());
    while (y, m) <= (p.end.year(), p.end.month()) && out.len() < 60 {
        out.push((
            format!("{y}-{m:02}"),
            format!("{} {y}", timeline::MONTHS[(m - 1) as usize]),
        ));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> WebResult<Html<String>> {
    let (summary, plan, rights) = load_plan(&st, &caller, id).await?;
    let today = today();
    let evidence = st.db.evidence_counts(id).await?;
    let needle = opora_store::registry::search_fold(&q.q);
    let responsible = opora_store::registry::search_fold(&q.responsible);
    let all = plan.all_activities();
    let rows: Vec<ActivityRow> = all
        .iter()
        .filter(|x| {
            let a = x.activity;
            let overdue = a.is_overdue(today);
            let status_ok = match q.status.as_str() {
                "" => true,
                "overdue" => overdue,
                "open" => !a.status.is_closed(),
                code => a.status.code() == code,
            };
            status_ok
                && (responsible.is_empty()
                    || opora_store::registry::search_fold(&a.responsible_text)
                        .contains(&responsible))
                && (q.month.is_empty() || touches_month(&a.deadline, &q.month))
                && (needle.is_empty()
                    || opora_store::registry::search_fold(&a.text).contains(&needle))
        })
        .map(|x| {
            let a = x.activity;
            let overdue = a.is_overdue(today);
            let aid = a.id.unwrap_or_default();
            ActivityRow {
                id: aid,
                section: x.section_path(),
                number: a.number.clone().unwrap_or_default(),
                text: a.text.clone(),
                deadline: a.deadline.text.clone(),
                parsed: deadline_summary(&a.deadline),
                responsible: a.responsible_text.clone(),
                result: a.result.clone().unwrap_or_default(),
                status: status_title(a.status.code(), overdue),
                status_class: status_class(a.status.code(), overdue),
                evidence: evidence.get(&aid).copied().unwrap_or(0),
            }
        })
        .collect();
    let notice = match q.imported.as_str() {
        "1" => "План загружен и сохранён.".to_string(),
        "2" => "Этот файл уже был загружен: ничего не изменено, открыт сохранённый план.".to_string(),
        "applied" => "Шаблон применён: мероприятия добавлены в планы школ (школы, где они уже были, пропущены).".to_string(),
        "indicators" => "Показатели программы сохранены.".to_string(),
        _ => String::new(),
    };
    let versions = st
        .db
        .plan_versions(id)
        .await?
        .into_iter()
        .map(|v| (v.version, fmt::datetime(&v.at), v.actor, v.change))
        .collect();
    let (lines, periods) = if summary.level != "school" {
        crate::pages::indicators::facts::programme_table(&st, id).await?
    } else {
        (vec![], vec![])
    };
    let period_ids = st
        .db
        .periods(id)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title, p.closed_at.is_none()))
        .collect();
    let page = PlanPage {
        l: Layout::new(&caller, plan.title.clone(), "/plans"),
        id,
        level: level_title(&summary.level),
        unit: summary.unit.clone(),
        owner: plan.owner.clone(),
        period: plan
            .period
            .as_ref()
            .map(|p| format!("{} – {}", p.start.ru(), p.end.ru()))
            .unwrap_or_else(|| "не указан".into()),
        status: plan.status.title(),
        status_code: plan.status.code().to_string(),
        approval: plan
            .approval
            .as_ref()
            .map(|a| a.text.clone())
            .unwrap_or_default(),
        goal: plan.goal.clone().unwrap_or_default(),
        tasks: plan.tasks.clone(),
        total: summary.activities,
        done: summary.done,
        overdue: summary.overdue,
        shown: rows.len(),
        rows,
        statuses: std::iter::once(("open", "не выполненные"))
            .chain(std::iter::once(("overdue", "просроченные")))
            .chain(ActivityStatus::ALL.iter().map(|s| (s.code(), s.title())))
            .collect(),
        months: plan_months(&plan),
        manage: rights.manage,
        quarter: format!("{}-{}", today.year(), today.quarter()),
        notice,
        versions,
        is_template: summary.is_template,
        blocks: plan
            .sections
            .iter()
            .filter_map(|s| Some((s.id?, s.heading())))
            .collect(),
        programme: summary.level != "school",
        lines,
        periods,
        period_ids,
        title: plan.title,
        q,
    };
    Ok(Html(page.render()?))
}

pub async fn timeline_svg(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (_, plan, _) = load_plan(&st, &caller, id).await?;
    let svg = timeline::render(&plan, today());
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct StatusForm {
    pub status: String,
}

pub async fn set_status(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> WebResult<Response> {
    let (_, _, rights) = load_plan(&st, &caller, id).await?;
    if !rights.manage {
        return Err(WebError::Forbidden(
            "Менять статус этого плана может его владелец или вышестоящий орган.".into(),
        ));
    }
    let status = PlanStatus::parse(&f.status)
        .ok_or_else(|| WebError::BadRequest(format!("Неизвестный статус плана «{}».", f.status)))?;
    st.db
        .set_plan_status(id, status, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/plans/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub quarter: String,
    #[serde(default)]
    pub format: String,
    /// "plan" (this plan) or "scope" (every plan of the caller's scope).
    #[serde(default)]
    pub of: String,
}

/// The quarterly execution report of a plan (or of the caller's scope) as XLSX or DOCX.
pub async fn report(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> WebResult<Response> {
    let (_, plan, _) = load_plan(&st, &caller, id).await?;
    let quarter = opora_plans::report::parse_quarter(&q.quarter).ok_or_else(|| {
        WebError::BadRequest(format!(
            "Квартал «{}»: укажите, например, 2026-4 или «IV квартал 2026».",
            q.quarter
        ))
    })?;
    let format = ReportFormat::from_extension(if q.format.is_empty() {
        "xlsx"
    } else {
        &q.format
    })
    .ok_or_else(|| WebError::BadRequest("Формат отчёта: xlsx или docx.".into()))?;
    let (plan_id, title) = if q.of == "scope" {
        (
            None,
            format!(
                "Исполнение планов: {}",
                super::scope_title(&st.db, &caller).await?
            ),
        )
    } else {
        (Some(id), plan.title.clone())
    };
    // A plan the caller only reads (a regional plan seen by a school) is
    // reported through its own scope: nothing outside it.
    let scope = if q.of == "scope" {
        caller.scope.clone()
    } else {
        Scope::Region
    };
    let items: Vec<_> = st
        .db
        .execution_rows(&scope, plan_id)
        .await?
        .into_iter()
        .map(|r| r.report_item())
        .collect();
    let as_of = today();
    let report_title = title.clone();
    let bytes = off_runtime(move || -> WebResult<Vec<u8>> {
        let rep = opora_plans::report::quarterly_report(
            &report_title,
            &items,
            quarter.0,
            quarter.1,
            as_of,
        )
        .ok_or_else(|| WebError::BadRequest("Квартал: номер квартала — от 1 до 4.".into()))?;
        format
            .write(&rep)
            .map_err(|e| WebError::Internal(e.to_string()))
    })
    .await??;
    st.db
        .audit_by(
            &caller.user,
            "экспорт: отчёт об исполнении планов",
            &title,
            &format!(
                "квартал {} {} года, {}",
                quarter.1,
                quarter.0,
                format.extension()
            ),
            None,
        )
        .await?;
    let name = format!(
        "otchet-{}-kv{}-{}.{}",
        quarter.0,
        quarter.1,
        if q.of == "scope" {
            "scope".to_string()
        } else {
            id.to_string()
        },
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct TemplateForm {
    pub template: String,
}

/// Marks a plan as a template (never chased as overdue, never in reports) or back.
pub async fn set_template(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<TemplateForm>,
) -> WebResult<Response> {
    let (_, _, rights) = load_plan(&st, &caller, id).await?;
    if !rights.manage {
        return Err(WebError::Forbidden(
            "Делать план шаблоном может его владелец.".into(),
        ));
    }
    let template = f.template == "1";
    st.db.set_template(id, template).await?;
    let (summary, _, _) = load_plan(&st, &caller, id).await?;
    let action = if template {
        "план сделан шаблоном"
    } else {
        "план больше не шаблон"
    };
    let municipality = summary.municipality_id.or(caller.user.municipality_id);
    st.db
        .audit_by(
            &caller.user,
            action,
            &format!("план «{}» ({})", summary.title, summary.unit),
            "",
            municipality,
        )
        .await?;
    Ok(Redirect::to(&format!("/plans/{id}")).into_response())
}

/// Applies a template's chosen blocks to every school of a list in one
/// action: all ШНОР of the newest run the caller sees, or all its schools.
pub async fn apply_template(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let (summary, plan, rights) = load_plan(&st, &caller, id).await?;
    if !rights.manage || !summary.is_template {
        return Err(WebError::Forbidden(
            "Применять шаблон может его владелец.".into(),
        ));
    }
    let to = form.get("to");
    // Only the template's own top-level blocks.
    let blocks: Vec<i64> = plan.sections.iter().filter_map(|s| s.id).collect();
    let sections = form.ids("section", "Раздел шаблона")?;
    if let Some(bad) = sections.iter().find(|s| !blocks.contains(s)) {
        return Err(WebError::Unprocessable(format!(
            "Раздел № {bad} не из этого шаблона: отметьте разделы из списка."
        )));
    }
    let mine = st.db.schools_in(&caller.scope).await?;
    let school_ids: Vec<i64> = match to {
        "shnor" => {
            let run = st
                .db
                .runs_in(&caller.scope)
                .await?
                .iter()
                .map(|r| r.id)
                .max()
                .ok_or_else(|| {
                    WebError::BadRequest(
                        "Расчётов ещё нет: запустите идентификацию или выберите «все школы»."
                            .into(),
                    )
                })?;
            let codes: std::collections::HashSet<String> = st
                .db
                .run_lines_in(&caller.scope, run)
                .await?
                .into_iter()
                .filter(|l| l.is_shnor)
                .map(|l| l.school_code)
                .collect();
            mine.iter()
                .filter(|s| codes.contains(&s.code))
                .map(|s| s.id)
                .collect()
        }
        "all" => mine.iter().map(|s| s.id).collect(),
        _ => {
            return Err(WebError::BadRequest(
                "Выберите, к каким школам применить шаблон.".into(),
            ))
        }
    };
    if school_ids.is_empty() {
        return Err(WebError::BadRequest("В выбранном списке нет школ.".into()));
    }
    let chosen = if sections.is_empty() {
        None
    } else {
        Some(sections.as_slice())
    };
    st.db
        .apply_template(id, chosen, &school_ids, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/plans/{id}?imported=applied")).into_response())
}

#[cfg(test)]
mod tests {
    use super::deadline_summary;
    use opora_plans::deadline::parse_deadline;

    #[test]
    fn a_deadline_is_not_repeated_when_understood_as_written() {
        let d = parse_deadline("до 15.10.2026", None);
        assert_eq!(deadline_summary(&d), "", "{:?}", d.summary);
        let d = parse_deadline("Август – сентябрь 2026", None);
        assert!(!deadline_summary(&d).is_empty());
    }

    #[test]
    fn the_year_taken_from_the_plan_is_said_once() {
        let period = opora_plans::Period::academic_years(2026, 2027);
        let d = parse_deadline("ноябрь, март", period.as_ref());
        let s = deadline_summary(&d);
        assert_eq!(s.matches("из периода плана").count(), 1, "{s}");
    }
}
