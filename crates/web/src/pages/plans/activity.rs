//! One activity of a plan: its details, the status workflow (with who and
//! when), evidence (files kept in the database, links), the curator's
//! confirmation, comments, and — for a municipal activity addressed to
//! schools — the cascade to schools with their progress.

use super::rights::Rights;
use super::{
    deadline_summary, load_plan, off_runtime, read_form, sha256_hex, status_class, status_title,
    today, MAX_PLAN_FILE,
};
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Form, Multipart, Path, Query};
use crate::fmt;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::{ActivityStatus, Plan};
use opora_store::plans::PlanSummary;
use opora_store::plans::{NewEvidenceFile, StatusUpdate};
use opora_store::scope::Scope;
use serde::Deserialize;

/// The activity `id` with its plan, when the caller sees the plan.
async fn load(st: &AppState, c: &Caller, id: i64) -> WebResult<(PlanSummary, Plan, Rights)> {
    let plan_id = st
        .db
        .activity_plan_id(id)
        .await?
        .ok_or(WebError::NotFound)?;
    load_plan(st, c, plan_id).await
}

fn find(plan: &Plan, id: i64) -> WebResult<opora_plans::Located<'_>> {
    plan.all_activities()
        .into_iter()
        .find(|x| x.activity.id == Some(id))
        .ok_or(WebError::NotFound)
}

pub struct EvidenceRow {
    pub id: i64,
    pub file: bool,
    pub name: String,
    pub url: String,
    pub size: String,
    pub added: String,
    pub verified: String,
}

pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub change: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    l: Layout,
    id: i64,
    plan_id: i64,
    plan_title: String,
    section: String,
    number: String,
    text: String,
    deadline: String,
    parsed: String,
    responsibles: Vec<(String, String)>,
    form: String,
    result: String,
    result_document: String,
    notes: Vec<String>,
    status: String,
    status_class: &'static str,
    cancel_reason: String,
    /// (status code, button label) the caller may set now.
    moves: Vec<(&'static str, &'static str)>,
    can_cancel: bool,
    rights: Rights,
    evidence: Vec<EvidenceRow>,
    history: Vec<HistoryRow>,
    comments: Vec<HistoryRow>,
    limit_mb: usize,
    /// Cascade: the schools it may go to (id, name, already has it).
    cascade_schools: Vec<CascadeSchool>,
    progress: Option<opora_store::plans::CascadeProgress>,
    progress_rows: Vec<(String, String, &'static str)>,
    notice: String,
}

fn size_text(bytes: Option<i64>) -> String {
    match bytes {
        Some(b) if b >= 1024 * 1024 => {
            format!("{} МБ", fmt::num(Some(b as f64 / (1024.0 * 1024.0)), 1))
        }
        Some(b) => format!("{} КБ", fmt::num(Some((b as f64 / 1024.0).max(0.1)), 1)),
        None => String::new(),
    }
}

fn move_label(to: ActivityStatus, from: ActivityStatus) -> &'static str {
    match to {
        ActivityStatus::InProgress
            if matches!(from, ActivityStatus::Done | ActivityStatus::Verified) =>
        {
            "Вернуть на доработку"
        }
        ActivityStatus::InProgress => "Взять в работу",
        ActivityStatus::Done => "Отметить выполненным",
        ActivityStatus::Verified => "Подтвердить выполнение",
        ActivityStatus::Planned => "Вернуть в план",
        ActivityStatus::Cancelled => "Отменить",
    }
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pub done: String,
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(nq): Query<NoticeQuery>,
) -> WebResult<Html<String>> {
    let (summary, plan, rights) = load(&st, &caller, id).await?;
    let x = find(&plan, id)?;
    let a = x.activity;
    let today = today();
    let overdue = a.is_overdue(today);
    let moves = ActivityStatus::ALL
        .iter()
        .copied()
        .filter(|&to| {
            to != ActivityStatus::Cancelled
                && a.status.can_become(to)
                && rights.may_set(a.status, to)
        })
        .map(|to| (to.code(), move_label(to, a.status)))
        .collect();
    let evidence = st
        .db
        .evidence(id)
        .await?
        .into_iter()
        .map(|e| EvidenceRow {
            id: e.id,
            file: e.kind == "file",
            size: size_text(e.size_bytes),
            added: format!("{}, {}", fmt::datetime(&e.added_at), e.added_by),
            verified: e
                .verified_at
                .map(|v| format!("подтверждён {}, {}", fmt::datetime(&v), e.verified_by))
                .unwrap_or_default(),
            name: e.name,
            url: e.url,
        })
        .collect();
    let history = st
        .db
        .activity_history(id)
        .await?
        .into_iter()
        .map(|h| HistoryRow {
            at: fmt::datetime(&h.at),
            actor: h.actor,
            change: format!(
                "{} → {}",
                status_title(&h.from, false),
                status_title(&h.to, false)
            ),
            comment: h.comment,
        })
        .collect();
    let comments = st
        .db
        .comments(id)
        .await?
        .into_iter()
        .map(|c| HistoryRow {
            at: fmt::datetime(&c.at),
            actor: c.author,
            change: String::new(),
            comment: c.text,
        })
        .collect();
    // A municipal activity may go to the municipality's schools.
    let (cascade_schools, progress) = match (summary.level.as_str(), summary.municipality_id) {
        ("municipality", Some(m)) if rights.manage => {
            let schools = cascade_schools(&st, m).await?;
            let p = st.db.cascade_progress(id, today).await?;
            (schools, Some(p).filter(|p| p.total > 0))
        }
        _ => (Vec::new(), None),
    };
    let progress_rows = progress
        .as_ref()
        .map(|p| {
            p.schools
                .iter()
                .map(|(n, s, o)| (n.clone(), status_title(s, *o), status_class(s, *o)))
                .collect()
        })
        .unwrap_or_default();
    let notice = match nq.done.as_str() {
        "status" => "Статус изменён.",
        "evidence" => "Документ добавлен.",
        "verified" => "Документ подтверждён.",
        "comment" => "Комментарий добавлен.",
        "cascade" => "Мероприятие направлено в планы школ.",
        "removed" => {
            "Документ удалён; запись об удалении и её причина сохранены в журнале действий."
        }
        _ => "",
    }
    .to_string();
    let page = ActivityPage {
        l: Layout::new(
            &caller,
            format!("Мероприятие {}", a.number.clone().unwrap_or_default()),
            "/plans",
        ),
        id,
        plan_id: summary.id,
        plan_title: summary.title.clone(),
        section: x.section_path(),
        number: a.number.clone().unwrap_or_default(),
        text: a.text.clone(),
        deadline: a.deadline.text.clone(),
        parsed: deadline_summary(&a.deadline),
        responsibles: a
            .responsibles
            .iter()
            .map(|r| {
                (
                    r.name.clone(),
                    r.part.clone().unwrap_or_else(|| r.role.title().to_string()),
                )
            })
            .collect(),
        form: a.form.clone().unwrap_or_default(),
        result: a.result.clone().unwrap_or_default(),
        result_document: a
            .result_document
            .map(|d| d.title().to_string())
            .unwrap_or_default(),
        notes: a.notes.clone(),
        status: status_title(a.status.code(), overdue),
        status_class: status_class(a.status.code(), overdue),
        cancel_reason: a.cancel_reason.clone().unwrap_or_default(),
        moves,
        can_cancel: !a.status.is_closed() && rights.manage,
        rights,
        evidence,
        history,
        comments,
        limit_mb: MAX_PLAN_FILE / (1024 * 1024),
        cascade_schools,
        progress,
        progress_rows,
        notice,
    };
    Ok(Html(page.render()?))
}

fn back(id: i64, what: &str) -> Response {
    Redirect::to(&format!("/activities/{id}?done={what}")).into_response()
}

#[derive(Deserialize)]
pub struct StatusForm {
    pub status: String,
    #[serde(default)]
    pub comment: String,
}

pub async fn set_status(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> WebResult<Response> {
    let (summary, plan, rights) = load(&st, &caller, id).await?;
    let activity = find(&plan, id)?.activity;
    let from = activity.status;
    let to = ActivityStatus::parse(&f.status)
        .ok_or_else(|| WebError::BadRequest(format!("Неизвестный статус «{}».", f.status)))?;
    if !rights.may_set(from, to) {
        return Err(WebError::Forbidden(format!(
            "Ваша роль не может перевести это мероприятие в статус «{}».",
            to.title()
        )));
    }
    st.db
        .set_activity_status(
            id,
            &StatusUpdate {
                to,
                actor: caller.user.login.clone(),
                comment: f.comment.clone(),
                on: None,
            },
        )
        .await?;
    crate::pages::notifications::status_changed(
        &st, &caller, &summary, activity, from, to, &f.comment,
    )
    .await;
    Ok(back(id, "status"))
}

pub async fn add_evidence(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    mp: Multipart,
) -> WebResult<Response> {
    let (_, _, rights) = load(&st, &caller, id).await?;
    if !rights.work {
        return Err(WebError::Forbidden(
            "Добавлять документы может исполнитель мероприятия.".into(),
        ));
    }
    let form = read_form(mp, MAX_PLAN_FILE).await?;
    let url = form.fields.get("url").cloned().unwrap_or_default();
    let name = form.fields.get("name").cloned().unwrap_or_default();
    match form.file {
        Some((file_name, bytes)) => {
            if bytes.is_empty() {
                return Err(WebError::BadRequest(format!("Файл «{file_name}» пуст.")));
            }
            let (bytes, sha256) = off_runtime(move || {
                let h = sha256_hex(&bytes);
                (bytes, h)
            })
            .await?;
            let f = NewEvidenceFile {
                media_type: media_type(&file_name).to_string(),
                size_bytes: bytes.len() as u64,
                sha256,
                storage_path: String::new(),
                name: file_name,
            };
            st.db
                .add_evidence_file_with_content(id, &f, &bytes, &caller.user.login)
                .await
                .map_err(not_added)?;
        }
        None if !url.is_empty() => {
            st.db
                .add_evidence_link(id, &name, &url, &caller.user.login)
                .await
                .map_err(not_added)?;
        }
        None => {
            return Err(WebError::BadRequest(
                "Выберите файл или укажите ссылку на документ.".into(),
            ))
        }
    }
    Ok(back(id, "evidence"))
}

/// A refused document says so first; the kind of refusal (415 for a file
/// type, 400 for another rule) is the store's typed error.
fn not_added(e: opora_store::StoreError) -> WebError {
    use opora_store::StoreError;
    match e {
        StoreError::UnsupportedType(m) => {
            WebError::UnsupportedType(format!("Документ не добавлен: {m}."))
        }
        StoreError::Invalid(m) => WebError::BadRequest(format!("Документ не добавлен: {m}.")),
        other => other.into(),
    }
}

pub(crate) fn media_type(name: &str) -> &'static str {
    match name
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .as_deref()
    {
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("pptx") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("txt") | Some("csv") => "text/plain",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

/// An evidence file the caller may read: its name and content, the read
/// written to the audit log (documents may hold personal data). Not found
/// when the caller does not see the plan or the evidence is a link.
async fn evidence_file(st: &AppState, caller: &Caller, eid: i64) -> WebResult<(String, Vec<u8>)> {
    let (e, content) = st.db.evidence_item(eid).await?.ok_or(WebError::NotFound)?;
    let (summary, plan, _) = load(st, caller, e.activity_id).await?;
    if e.kind != "file" {
        return Err(WebError::NotFound);
    }
    let content = content.ok_or(WebError::NotFound)?;
    let activity = find(&plan, e.activity_id)?.activity;
    let object = format!(
        "«{}» — мероприятие {} «{}» плана «{}» ({})",
        e.name,
        activity.number.clone().unwrap_or_default(),
        activity.text,
        summary.title,
        summary.unit
    );
    st.db
        .audit_by(
            &caller.user,
            "просмотр документа",
            &object,
            "",
            summary.municipality_id.or(caller.user.municipality_id),
        )
        .await?;
    Ok((e.name, content))
}

/// `filename` and `filename*` of a Content-Disposition: an ASCII stand-in
/// and the name itself.
pub(crate) fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        fmt::urlencode(name)
    )
}

/// The file as a download, never rendered by the browser (uploaded content is untrusted).
pub(crate) fn attachment(name: &str, content: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_DISPOSITION, disposition("attachment", name)),
        ],
        content,
    )
        .into_response()
}

/// Downloads an evidence file.
pub async fn download(
    State(st): State<AppState>,
    caller: Caller,
    Path(eid): Path<i64>,
) -> WebResult<Response> {
    let (name, content) = evidence_file(&st, &caller, eid).await?;
    Ok(attachment(&name, content))
}

/// Whether the content is a PDF by its first bytes (not by its name).
fn is_pdf(content: &[u8]) -> bool {
    content.starts_with(b"%PDF-")
}

/// Shows a PDF evidence file in the browser's own PDF viewer: only when the
/// content is a PDF, sandboxed (no scripts, an origin of its own) and with
/// no type sniffing; anything else is downloaded as [`download`] does. The
/// same checks and audit entry as a download.
pub async fn view_evidence(
    State(st): State<AppState>,
    caller: Caller,
    Path(eid): Path<i64>,
) -> WebResult<Response> {
    let (name, content) = evidence_file(&st, &caller, eid).await?;
    if !is_pdf(&content) {
        return Ok(attachment(&name, content));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition("inline", &name)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            // Kept by the security headers' layer instead of the pages' policy.
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_string()),
        ],
        content,
    )
        .into_response())
}

pub async fn verify_evidence(
    State(st): State<AppState>,
    caller: Caller,
    Path(eid): Path<i64>,
) -> WebResult<Response> {
    let (e, _) = st.db.evidence_item(eid).await?.ok_or(WebError::NotFound)?;
    let (_, _, rights) = load(&st, &caller, e.activity_id).await?;
    if !rights.verify {
        return Err(WebError::Forbidden(
            "Подтверждать документы может куратор школы, муниципалитет или регион.".into(),
        ));
    }
    st.db.verify_evidence(eid, &caller.user.login).await?;
    Ok(back(e.activity_id, "verified"))
}

#[derive(Deserialize)]
pub struct CommentForm {
    pub text: String,
}

pub async fn comment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<CommentForm>,
) -> WebResult<Response> {
    let (_, _, rights) = load(&st, &caller, id).await?;
    if !rights.comment() {
        return Err(WebError::Forbidden(
            "Комментировать могут исполнители мероприятия и кураторы.".into(),
        ));
    }
    if f.text.trim().is_empty() {
        return Err(WebError::BadRequest("Напишите текст комментария.".into()));
    }
    st.db.add_comment(id, &caller.user.login, &f.text).await?;
    Ok(back(id, "comment"))
}

/// A school a municipal activity may go to, with its place in the latest run.
pub struct CascadeSchool {
    pub id: i64,
    pub name: String,
    /// «ШНОР», «ШНСУ, низкие результаты», «норма»; empty without a run.
    pub category: String,
    pub needs_support: bool,
}

/// The municipality's schools with their category in the latest run,
/// schools that need support (ШНОР, ШНСУ, low results) first.
async fn cascade_schools(st: &AppState, m: i64) -> WebResult<Vec<CascadeSchool>> {
    let (_, rows) = st.db.school_rows(&Scope::Municipality(m)).await?;
    let mut out: Vec<CascadeSchool> = rows
        .into_iter()
        .map(|r| {
            let needs_support = r
                .latest
                .as_ref()
                .is_some_and(|l| l.is_shnor || l.is_shnsu || l.is_low_results);
            CascadeSchool {
                id: r.school.id,
                name: r.school.short_name,
                category: r.latest.map(|l| l.category).unwrap_or_default(),
                needs_support,
            }
        })
        .collect();
    out.sort_by_key(|s| !s.needs_support);
    Ok(out)
}

#[derive(Template)]
#[template(path = "cascade_confirm.html")]
struct CascadeConfirmPage {
    l: Layout,
    id: i64,
    text: String,
    targets: Vec<CascadeSchool>,
    /// How many of the targets are ШНОР, ШНСУ or low results.
    supported: usize,
    /// «3 школ».
    schools_word: String,
}

/// Sends a municipal activity to schools' plans. The first post shows the
/// chosen schools with their category in the latest run (which are ШНОР or
/// ШНСУ and which are not) and asks to confirm; `confirmed=1` sends.
pub async fn cascade(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let (summary, plan, rights) = load(&st, &caller, id).await?;
    let m = match (summary.level.as_str(), summary.municipality_id) {
        ("municipality", Some(m)) if rights.manage => m,
        _ => {
            return Err(WebError::Forbidden(
                "Направлять мероприятие в планы школ может муниципалитет — владелец плана.".into(),
            ))
        }
    };
    let schools = cascade_schools(&st, m).await?;
    // `school` repeats (one checkbox per school); `all=1` takes every
    // school, `all=support` the schools that need support.
    let ids: Vec<i64> = match form.get("all") {
        "1" => schools.iter().map(|s| s.id).collect(),
        "support" => schools
            .iter()
            .filter(|s| s.needs_support)
            .map(|s| s.id)
            .collect(),
        _ => form.ids("school", "Школа")?,
    };
    if let Some(bad) = ids.iter().find(|s| !schools.iter().any(|x| x.id == **s)) {
        return Err(WebError::Unprocessable(format!(
            "Школа № {bad} — не школа этого муниципалитета: отметьте школы из списка."
        )));
    }
    if ids.is_empty() {
        return Err(WebError::BadRequest(
            "Отметьте школы, в планы которых направить мероприятие.".into(),
        ));
    }
    if form.get("confirmed") != "1" {
        let targets: Vec<CascadeSchool> = schools
            .into_iter()
            .filter(|s| ids.contains(&s.id))
            .collect();
        let page = CascadeConfirmPage {
            l: Layout::new(&caller, "Направить в планы школ", "/plans"),
            id,
            text: find(&plan, id)?.activity.text.clone(),
            supported: targets.iter().filter(|s| s.needs_support).count(),
            schools_word: fmt::plural(targets.len() as i64, "школы", "школ", "школ"),
            targets,
        };
        return Ok(Html(page.render()?).into_response());
    }
    st.db.cascade_activity(id, &ids, &caller.user.login).await?;
    Ok(back(id, "cascade"))
}
