//! Сбор данных: campaigns that replace the coordinator's spreadsheet. The
//! region or a municipality writes a form, picks the schools and the dates;
//! each school fills its form in its inbox and sends it; the municipality
//! returns it with comments or accepts it (and the region confirms, where
//! the campaign asks for it). Completeness and timeliness are counted per
//! campaign, municipality and school. Accepted values feed the programme's
//! indicators of the same period.
//!
//! Who may do what:
//! - create a campaign: the regional operator (any schools) and a municipal
//!   administrator (its own schools);
//! - fill in and send: the school's administrator, for its own school;
//! - return and accept: the municipal administrator of the school's
//!   municipality and the regional operator; confirm: the regional operator;
//! - reopen entry after the lock date: the same reviewers;
//! - everyone else in scope (curators, teachers) reads.

use super::plans::today;
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Form, Path};
use crate::fmt;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_indicators::campaign::{
    far_from_previous, number_text, Form as CampaignForm, Status, Step, Value, ValueError,
};
use opora_plans::date::Date;
use opora_store::campaigns::{Answer, Campaign, NewCampaign, Progress};
use opora_store::notifications::{Notice, NoticeKind};
use opora_store::scope::Scope;
use opora_store::users::Role;
use std::collections::BTreeMap;

/// The example form offered when creating a campaign (what the spreadsheet asked).
pub const EXAMPLE_FORM: &str =
    "педагоги: Число педагогических работников | целое | обязательно | от 1 до 500 | чел.
диагностика: Из них прошли диагностику или самодиагностику | целое | обязательно | от 0 | чел.
программа: Школьная программа повышения качества размещена на сайте | да/нет | обязательно
мероприятия: Участие в мероприятиях межрегионального уровня | да/нет | обязательно
ссылка: Адрес страницы с программой | текст
правило: диагностика <= педагоги | Прошедших диагностику не может быть больше, чем педагогов
";

/// Notifies the users of `scope` with `roles`; a failure is logged, not
/// shown: the user's own action has already succeeded.
async fn tell(st: &AppState, scope: Scope, roles: &[Role], notice: Notice) {
    let sent = async {
        let users = st.db.recipients(&scope, roles).await?;
        st.db.notify(&users, &notice).await
    };
    if let Err(e) = sent.await {
        tracing::warn!("уведомление «{}» не записано: {e}", notice.title);
    }
}

fn notice(kind: NoticeKind, title: String, body: String, link: String) -> Notice {
    Notice {
        kind,
        title,
        body,
        link,
        dedup: None,
    }
}

/// Whether a school is in the scope.
fn in_scope(scope: &Scope, school_id: i64, municipality_id: i64) -> bool {
    match scope {
        Scope::Region => true,
        Scope::Municipality(m) => *m == municipality_id,
        Scope::Schools(ids) => ids.contains(&school_id),
        Scope::School(s) => *s == school_id,
    }
}

/// What the caller may do with one school's answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnswerRights {
    pub fill: bool,
    pub review: bool,
    pub approve: bool,
}

fn answer_rights(c: &Caller, campaign: &Campaign, a: &Answer) -> AnswerRights {
    let reviewer = match c.role() {
        Role::Region => true,
        Role::Municipality => c.user.municipality_id == Some(a.municipality_id),
        _ => false,
    };
    AnswerRights {
        fill: c.role() == Role::SchoolAdmin && c.scope == Scope::School(a.school_id),
        review: reviewer,
        approve: c.is_region() && campaign.region_step,
    }
}

/// A campaign visible to the caller (404 otherwise).
async fn visible_campaign(
    st: &AppState,
    c: &Caller,
    id: i64,
) -> WebResult<(Campaign, Vec<Answer>)> {
    let campaign = st.db.campaign(id).await?.ok_or(WebError::NotFound)?;
    let answers = st.db.answers(id, &c.scope).await?;
    if answers.is_empty() {
        return Err(WebError::NotFound);
    }
    Ok((campaign, answers))
}

/// One school's answer, visible to the caller (404 otherwise).
async fn visible_answer(
    st: &AppState,
    c: &Caller,
    id: i64,
    school: i64,
) -> WebResult<(Campaign, Answer)> {
    let campaign = st.db.campaign(id).await?.ok_or(WebError::NotFound)?;
    let answer = st.db.answer(id, school).await?.ok_or(WebError::NotFound)?;
    if !in_scope(&c.scope, answer.school_id, answer.municipality_id) {
        return Err(WebError::NotFound);
    }
    Ok((campaign, answer))
}

fn status_class(s: Status, overdue: bool) -> &'static str {
    if overdue {
        return "st-overdue";
    }
    match s {
        Status::NotStarted => "st-planned",
        Status::Draft => "st-progress",
        Status::Submitted => "st-progress",
        Status::Returned => "st-overdue",
        Status::Accepted => "st-done",
        Status::Approved => "st-verified",
    }
}

/// «осталось 5 дней», «сегодня», «просрочено на 3 дня».
fn days_left(deadline: Date, today: Date) -> String {
    let d = deadline.days() - today.days();
    match d {
        0 => "срок сегодня".into(),
        d if d > 0 => format!("осталось {}", fmt::plural(d, "день", "дня", "дней")),
        d => format!("просрочено на {}", fmt::plural(-d, "день", "дня", "дней")),
    }
}

/// One line of the campaign list.
pub struct CampaignLine {
    pub id: i64,
    pub title: String,
    pub period: String,
    pub deadline: String,
    pub expected: usize,
    pub received: usize,
    pub completeness: String,
    pub timeliness: String,
    pub accepted: usize,
}

fn campaign_line(c: &Campaign, p: &Progress) -> CampaignLine {
    CampaignLine {
        id: c.id,
        title: c.title.clone(),
        period: c.period.clone(),
        deadline: c.deadline.ru(),
        expected: p.expected,
        received: p.received,
        completeness: fmt::pct(p.completeness(), 0),
        timeliness: fmt::pct(p.timeliness(), 0),
        accepted: p.accepted,
    }
}

/// A form waiting for a school (its inbox).
pub struct InboxLine {
    pub campaign_id: i64,
    pub school_id: i64,
    pub title: String,
    pub school: String,
    pub deadline: String,
    pub when: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub comment: String,
}

/// The open, overdue and returned forms of the schools in the caller's
/// scope that are still the school's to act on.
pub async fn inbox(st: &AppState, c: &Caller) -> WebResult<Vec<InboxLine>> {
    let today = today();
    let mut out = vec![];
    for s in st.db.campaigns_in(&c.scope).await? {
        if today < s.campaign.opens_on {
            continue;
        }
        for a in st.db.answers(s.campaign.id, &c.scope).await? {
            if !a.status.is_editable() {
                continue;
            }
            let overdue = today > s.campaign.deadline;
            out.push(InboxLine {
                campaign_id: s.campaign.id,
                school_id: a.school_id,
                title: s.campaign.title.clone(),
                school: a.school.clone(),
                deadline: s.campaign.deadline.ru(),
                when: days_left(s.campaign.deadline, today),
                status: a.status.title(),
                status_class: status_class(a.status, overdue),
                comment: a.comment.clone(),
            });
        }
    }
    // Returned first, then by deadline.
    out.sort_by_key(|l| (l.status != Status::Returned.title(), l.deadline.clone()));
    Ok(out)
}

#[derive(Template)]
#[template(path = "campaigns.html")]
struct ListPage {
    l: Layout,
    rows: Vec<CampaignLine>,
    inbox: Vec<InboxLine>,
    can_create: bool,
}

fn can_create(c: &Caller) -> bool {
    matches!(c.role(), Role::Region | Role::Municipality)
}

pub async fn list(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let rows = st
        .db
        .campaigns_in(&caller.scope)
        .await?
        .iter()
        .map(|s| campaign_line(&s.campaign, &s.progress))
        .collect();
    let page = ListPage {
        l: Layout::new(&caller, "Сбор данных", "/campaigns"),
        rows,
        inbox: inbox(&st, &caller).await?,
        can_create: can_create(&caller),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "campaign_new.html")]
struct NewPage {
    l: Layout,
    f: NewFields,
    targets: Vec<(String, String)>,
    programmes: Vec<(i64, String)>,
    errors: Vec<String>,
}

/// The creation form's fields (also re-shown after a mistake).
#[derive(Debug, Clone, serde::Deserialize, Default)]
pub struct NewFields {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub programme: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub codes: String,
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub locks_on: String,
    #[serde(default)]
    pub region_step: Option<String>,
    #[serde(default)]
    pub form: String,
}

/// Who the campaign may go to: ШНОР/ШНСУ of the latest run, all schools,
/// a municipality (for the region), or a list of codes.
async fn programme_choices(st: &AppState, c: &Caller) -> WebResult<Vec<(i64, String)>> {
    Ok(st
        .db
        .plans(&c.scope, today())
        .await?
        .into_iter()
        .filter(|p| p.level != "school" && !p.is_template)
        .map(|p| (p.id, p.title))
        .collect())
}

fn require_creator(c: &Caller) -> WebResult<()> {
    if can_create(c) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Кампании сбора данных создают региональный оператор и муниципальный администратор."
                .into(),
        ))
    }
}

async fn new_page(
    st: &AppState,
    c: &Caller,
    f: NewFields,
    errors: Vec<String>,
) -> WebResult<Html<String>> {
    let page = NewPage {
        l: Layout::new(c, "Новая кампания сбора данных", "/campaigns"),
        f,
        targets: super::targets::choices(st, c).await?,
        programmes: programme_choices(st, c).await?,
        errors,
    };
    Ok(Html(page.render()?))
}

pub async fn new_form(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    require_creator(&caller)?;
    let t = today();
    let f = NewFields {
        opens_on: t.ru(),
        deadline: Date::from_days(t.days() + 14).unwrap_or(t).ru(),
        locks_on: Date::from_days(t.days() + 21).unwrap_or(t).ru(),
        form: EXAMPLE_FORM.into(),
        target: "supported".into(),
        ..NewFields::default()
    };
    new_page(&st, &caller, f, vec![]).await
}

/// Reads a date typed as dd.mm.yyyy (or ISO).
fn typed_date(label: &str, text: &str, errors: &mut Vec<String>) -> Option<Date> {
    let d = Date::parse(text);
    if d.is_none() {
        errors.push(format!(
            "{label}: дата «{}» не понята, напишите её как 15.02.2027",
            text.trim()
        ));
    }
    d
}

pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<NewFields>,
) -> WebResult<Response> {
    require_creator(&caller)?;
    let mut errors = vec![];
    let opens_on = typed_date("Открытие", &f.opens_on, &mut errors);
    let deadline = typed_date("Срок сдачи", &f.deadline, &mut errors);
    let locks_on = typed_date("Закрытие ввода", &f.locks_on, &mut errors);
    if let Err(form_errors) = CampaignForm::parse(&f.form) {
        errors.extend(form_errors.iter().map(|e| format!("Форма, {e}")));
    }
    let plan_id = match f.programme.trim() {
        "" => None,
        p => {
            let id = p.parse::<i64>().ok();
            let allowed = programme_choices(&st, &caller).await?;
            match id.filter(|id| allowed.iter().any(|(a, _)| a == id)) {
                Some(id) => Some(id),
                None => return Err(WebError::NotFound),
            }
        }
    };
    let schools = super::targets::chosen(&st, &caller, &f.target, &f.codes, &mut errors).await?;
    let (Some(opens_on), Some(deadline), Some(locks_on)) = (opens_on, deadline, locks_on) else {
        return Ok(unprocessable(new_page(&st, &caller, f, errors).await?));
    };
    if !errors.is_empty() {
        return Ok(unprocessable(new_page(&st, &caller, f, errors).await?));
    }
    let new = NewCampaign {
        title: f.title.clone(),
        period: f.period.clone(),
        municipality_id: if caller.is_region() {
            None
        } else {
            caller.user.municipality_id
        },
        plan_id,
        form: f.form.clone(),
        opens_on,
        deadline,
        locks_on,
        region_step: f.region_step.is_some(),
        schools,
    };
    match st.db.create_campaign(&new, &caller.user.login).await {
        Ok(id) => Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
        Err(opora_store::StoreError::Invalid(m)) => {
            Ok(unprocessable(new_page(&st, &caller, f, vec![m]).await?))
        }
        Err(e) => Err(e.into()),
    }
}

fn unprocessable(page: Html<String>) -> Response {
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// One school's line on the campaign page.
pub struct SchoolLine {
    pub school_id: i64,
    pub school: String,
    pub municipality: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub sent: String,
    pub on_time: bool,
}

/// A municipality's line of the ranking.
pub struct RankLine {
    pub place: usize,
    pub municipality: String,
    pub expected: usize,
    pub received: usize,
    pub completeness: String,
    pub timeliness: String,
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    l: Layout,
    c: CampaignLine,
    opens_on: String,
    locks_on: String,
    region_step: bool,
    programme: Option<(i64, String)>,
    owner: String,
    fields: Vec<(String, String, String)>,
    rules: Vec<String>,
    schools: Vec<SchoolLine>,
    ranking: Vec<RankLine>,
    can_remind: bool,
    reminded: Option<usize>,
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    pub reminded: Option<usize>,
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    crate::extract::Query(q): crate::extract::Query<ShowQuery>,
) -> WebResult<Html<String>> {
    let (campaign, answers) = visible_campaign(&st, &caller, id).await?;
    let today = today();
    let progress = opora_store::campaigns::progress_of(&campaign, answers.iter());
    let ranking = if matches!(caller.scope, Scope::Region) {
        st.db
            .progress_by_municipality(&campaign, &caller.scope)
            .await?
            .into_iter()
            .enumerate()
            .map(|(k, (m, p))| RankLine {
                place: k + 1,
                municipality: m,
                expected: p.expected,
                received: p.received,
                completeness: fmt::pct(p.completeness(), 0),
                timeliness: fmt::pct(p.timeliness(), 0),
            })
            .collect()
    } else {
        vec![]
    };
    let programme = match campaign.plan_id {
        Some(p) if st.db.plan_visible(&caller.scope, p).await? => {
            st.db.plan(p).await?.map(|plan| (p, plan.title))
        }
        _ => None,
    };
    let owner = match campaign.municipality_id {
        None => "региональный оператор".to_string(),
        Some(m) => st
            .db
            .municipalities()
            .await?
            .into_iter()
            .find(|x| x.id == m)
            .map(|x| x.name)
            .unwrap_or_default(),
    };
    let page = CampaignPage {
        l: Layout::new(&caller, campaign.title.clone(), "/campaigns"),
        c: campaign_line(&campaign, &progress),
        opens_on: campaign.opens_on.ru(),
        locks_on: campaign.locks_on.ru(),
        region_step: campaign.region_step,
        programme,
        owner,
        fields: campaign
            .form
            .fields
            .iter()
            .map(|f| (f.key.clone(), f.label.clone(), field_hint(f)))
            .collect(),
        rules: campaign
            .form
            .rules
            .iter()
            .map(|r| r.message.clone())
            .collect(),
        schools: answers
            .iter()
            .map(|a| SchoolLine {
                school_id: a.school_id,
                school: a.school.clone(),
                municipality: a.municipality.clone(),
                status: a.status.title(),
                status_class: status_class(
                    a.status,
                    !a.status.is_received() && today > campaign.deadline,
                ),
                sent: a.first_submitted_on.map(|d| d.ru()).unwrap_or_default(),
                on_time: a.on_time(campaign.deadline),
            })
            .collect(),
        ranking,
        can_remind: can_create(&caller),
        reminded: q.reminded,
    };
    Ok(Html(page.render()?))
}

/// «целое, обязательно, от 0 до 500, чел.»
fn field_hint(f: &opora_indicators::campaign::Field) -> String {
    let mut parts = vec![f.kind.word().to_string()];
    if f.required {
        parts.push("обязательно".into());
    }
    match (f.min, f.max) {
        (Some(a), Some(b)) => parts.push(format!("от {} до {}", number_text(a), number_text(b))),
        (Some(a), None) => parts.push(format!("не меньше {}", number_text(a))),
        (None, Some(b)) => parts.push(format!("не больше {}", number_text(b))),
        _ => {}
    }
    if !f.unit.is_empty() {
        parts.push(f.unit.clone());
    }
    parts.join(", ")
}

/// One field on the answer page.
pub struct FieldLine {
    pub key: String,
    pub label: String,
    pub hint: String,
    pub required: bool,
    pub yes_no: bool,
    pub numeric: bool,
    /// As typed (or stored).
    pub value: String,
    pub comment: String,
    pub error: String,
    /// «В прошлый раз (кампания): 12» when the value is far from it.
    pub warning: String,
}

/// A line of an answer's history for people.
pub struct HistoryView {
    pub at: String,
    pub actor: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "campaign_answer.html")]
struct AnswerPage {
    l: Layout,
    campaign_id: i64,
    campaign: String,
    school_id: i64,
    school: String,
    municipality: String,
    deadline: String,
    when: String,
    status: &'static str,
    status_class: &'static str,
    comment: String,
    fields: Vec<FieldLine>,
    editable: bool,
    locked_note: String,
    can_accept: bool,
    can_return: bool,
    can_approve: bool,
    can_reopen: bool,
    errors: Vec<String>,
    confirm_needed: bool,
    saved: String,
    history: Vec<HistoryView>,
}

struct Typed {
    values: BTreeMap<String, String>,
    errors: Vec<ValueError>,
    warnings: BTreeMap<String, String>,
}

async fn answer_page(
    st: &AppState,
    c: &Caller,
    campaign: &Campaign,
    answer: &Answer,
    typed: Option<Typed>,
    saved: &str,
) -> WebResult<Html<String>> {
    let today = today();
    let rights = answer_rights(c, campaign, answer);
    let locked = today > campaign.locks_on && !answer.reopened;
    let editable =
        rights.fill && answer.status.is_editable() && !locked && today >= campaign.opens_on;
    let locked_note = if rights.fill && answer.status.is_editable() {
        if today < campaign.opens_on {
            format!("Ввод откроется {}.", campaign.opens_on.ru())
        } else if locked {
            format!(
                "Ввод закрыт {}. Если нужно внести данные, попросите администратора кампании открыть ввод вашей школе.",
                campaign.locks_on.ru()
            )
        } else {
            String::new()
        }
    } else {
        String::new()
    };
    let fields = campaign
        .form
        .fields
        .iter()
        .map(|f| {
            let stored = answer.values.get(&f.key);
            let (value, error, warning) = match &typed {
                Some(t) => (
                    t.values.get(&f.key).cloned().unwrap_or_default(),
                    t.errors
                        .iter()
                        .filter(|e| e.key == f.key)
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    t.warnings.get(&f.key).cloned().unwrap_or_default(),
                ),
                None => (
                    stored.map(|s| s.value.clone()).unwrap_or_default(),
                    String::new(),
                    String::new(),
                ),
            };
            FieldLine {
                key: f.key.clone(),
                label: f.label.clone(),
                hint: field_hint(f),
                required: f.required,
                yes_no: f.kind == opora_indicators::campaign::FieldKind::YesNo,
                numeric: f.kind.is_numeric(),
                value,
                comment: stored.map(|s| s.comment.clone()).unwrap_or_default(),
                error,
                warning,
            }
        })
        .collect();
    let history = st
        .db
        .answer_history(campaign.id, answer.school_id)
        .await?
        .into_iter()
        .map(|h| {
            let what = if !h.field_key.is_empty() {
                let label = campaign
                    .form
                    .field(&h.field_key)
                    .map(|f| f.label.clone())
                    .unwrap_or(h.field_key.clone());
                if h.note.is_empty() {
                    format!(
                        "«{label}»: {}",
                        if h.value.is_empty() {
                            "значение стёрто".into()
                        } else {
                            h.value.clone()
                        }
                    )
                } else {
                    format!("замечание к «{label}»: {}", h.note)
                }
            } else if let Some(s) = Status::from_code(&h.status) {
                if h.note.is_empty() {
                    format!("форма — {}", s.title())
                } else {
                    format!("форма — {}: {}", s.title(), h.note)
                }
            } else {
                h.note.clone()
            };
            HistoryView {
                at: fmt::datetime(&h.at),
                actor: h.actor,
                what,
            }
        })
        .collect();
    let (errors, confirm_needed) = match &typed {
        Some(t) => (
            t.errors.iter().map(|e| e.to_string()).collect(),
            !t.warnings.is_empty() && t.errors.is_empty(),
        ),
        None => (vec![], false),
    };
    let page = AnswerPage {
        l: Layout::new(
            c,
            format!("{} — {}", campaign.title, answer.school),
            "/campaigns",
        ),
        campaign_id: campaign.id,
        campaign: campaign.title.clone(),
        school_id: answer.school_id,
        school: answer.school.clone(),
        municipality: answer.municipality.clone(),
        deadline: campaign.deadline.ru(),
        when: if answer.status.is_received() {
            String::new()
        } else {
            days_left(campaign.deadline, today)
        },
        status: answer.status.title(),
        status_class: status_class(answer.status, false),
        comment: answer.comment.clone(),
        fields,
        editable,
        locked_note,
        can_accept: rights.review
            && answer
                .status
                .after(Step::Accept, campaign.region_step)
                .is_ok(),
        can_return: rights.review
            && answer
                .status
                .after(Step::Return, campaign.region_step)
                .is_ok(),
        can_approve: rights.approve
            && answer
                .status
                .after(Step::Approve, campaign.region_step)
                .is_ok(),
        can_reopen: rights.review && locked && answer.status.is_editable(),
        errors,
        confirm_needed,
        saved: saved.to_string(),
        history,
    };
    Ok(Html(page.render()?))
}

#[derive(serde::Deserialize, Default)]
pub struct ShownQuery {
    #[serde(default)]
    pub saved: String,
}

pub async fn answer(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, school)): Path<(i64, i64)>,
    crate::extract::Query(q): crate::extract::Query<ShownQuery>,
) -> WebResult<Html<String>> {
    let (campaign, answer) = visible_answer(&st, &caller, id, school).await?;
    st.db
        .audit_for(
            &caller.user.login,
            "просмотр формы кампании",
            &format!("кампания № {id}, школа {}", answer.school),
            "",
            Some(answer.municipality_id),
        )
        .await?;
    let saved = match q.saved.as_str() {
        "draft" => "Черновик сохранён.",
        "sent" => "Форма отправлена в муниципалитет.",
        "returned" => "Форма возвращена школе с замечаниями.",
        "accepted" => "Форма принята.",
        "approved" => "Форма подтверждена регионом.",
        "reopened" => "Ввод открыт школе.",
        _ => "",
    };
    answer_page(&st, &caller, &campaign, &answer, None, saved).await
}

/// Saves a draft or sends the form (the school).
pub async fn save(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, school)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let (campaign, answer) = visible_answer(&st, &caller, id, school).await?;
    if !answer_rights(&caller, &campaign, &answer).fill {
        return Err(WebError::Forbidden(
            "Форму заполняет администратор школы.".into(),
        ));
    }
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let submit = get("action") == Some("submit");
    let confirmed = get("confirm").is_some();
    let typed: BTreeMap<String, String> = pairs
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("v_").map(|k| (k.to_string(), v.clone())))
        .collect();
    let checked = campaign.form.check(&typed, submit);
    let mut warnings = BTreeMap::new();
    if checked.errors.is_empty() && !confirmed {
        let previous = st.db.previous_values(&campaign, school).await?;
        for (key, v) in &checked.values {
            if let (Some(new), Some(prev)) = (v.number(), previous.get(key)) {
                let changed =
                    answer.values.get(key).map(|s| s.value.as_str()) != Some(v.text().as_str());
                if changed && far_from_previous(new, prev.number) {
                    warnings.insert(
                        key.clone(),
                        format!(
                            "В кампании «{}» было {}: проверьте значение и подтвердите его.",
                            prev.campaign,
                            number_text(prev.number)
                        ),
                    );
                }
            }
        }
    }
    if !checked.errors.is_empty() || !warnings.is_empty() {
        let status = if checked.errors.is_empty() {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        };
        let typed = Typed {
            values: typed,
            errors: checked.errors,
            warnings,
        };
        return Ok((
            status,
            answer_page(&st, &caller, &campaign, &answer, Some(typed), "").await?,
        )
            .into_response());
    }
    let values: BTreeMap<String, Value> = checked.values;
    match st
        .db
        .save_answer(
            &campaign,
            school,
            &values,
            submit,
            today(),
            &caller.user.login,
        )
        .await
    {
        Ok(_) if submit => {
            let link = format!("/campaigns/{id}/schools/{school}");
            let n = notice(
                NoticeKind::Submitted,
                format!("{}: форма «{}» отправлена", answer.school, campaign.title),
                "Проверьте значения и примите форму или верните её с замечаниями.".into(),
                link.clone(),
            );
            tell(
                &st,
                Scope::Municipality(answer.municipality_id),
                &[Role::Municipality],
                n,
            )
            .await;
            Ok(Redirect::to(&format!("{link}?saved=sent")).into_response())
        }
        Ok(_) => Ok(Redirect::to(&format!(
            "/campaigns/{id}/schools/{school}?saved={}",
            if submit { "sent" } else { "draft" }
        ))
        .into_response()),
        Err(opora_store::StoreError::Invalid(m)) => Err(WebError::Unprocessable(format!("{m}."))),
        Err(e) => Err(e.into()),
    }
}

/// A reviewer's decision: return with comments, accept, confirm, reopen.
pub async fn review(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, school)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let (campaign, answer) = visible_answer(&st, &caller, id, school).await?;
    let rights = answer_rights(&caller, &campaign, &answer);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let action = get("action");
    let login = &caller.user.login;
    let done = match action {
        "return" | "accept" if rights.review => {
            let step = if action == "return" {
                Step::Return
            } else {
                Step::Accept
            };
            let comments: BTreeMap<String, String> = pairs
                .iter()
                .filter_map(|(k, v)| k.strip_prefix("c_").map(|k| (k.to_string(), v.clone())))
                .collect();
            st.db
                .review_answer(&campaign, school, step, get("comment"), &comments, login)
                .await
                .map(|_| {
                    if action == "return" {
                        "returned"
                    } else {
                        "accepted"
                    }
                })
        }
        "approve" if rights.approve => st
            .db
            .review_answer(
                &campaign,
                school,
                Step::Approve,
                get("comment"),
                &BTreeMap::new(),
                login,
            )
            .await
            .map(|_| "approved"),
        "reopen" if rights.review => st
            .db
            .reopen_answer(&campaign, school, login)
            .await
            .map(|_| "reopened"),
        "return" | "accept" | "approve" | "reopen" => {
            return Err(WebError::Forbidden(
                "Проверяют формы муниципальный администратор школы и региональный оператор.".into(),
            ))
        }
        _ => {
            return Err(WebError::BadRequest(
                "Неизвестное действие с формой.".into(),
            ))
        }
    };
    match done {
        Ok(what) => {
            let link = format!("/campaigns/{id}/schools/{school}");
            let told = match what {
                "returned" => Some(notice(
                    NoticeKind::Returned,
                    format!("Форма «{}» возвращена на доработку", campaign.title),
                    format!("Замечание: {}", get("comment")),
                    link.clone(),
                )),
                "accepted" | "approved" => Some(notice(
                    NoticeKind::Accepted,
                    format!("Форма «{}» принята", campaign.title),
                    String::new(),
                    link.clone(),
                )),
                _ => None,
            };
            if let Some(n) = told {
                tell(&st, Scope::School(school), &[Role::SchoolAdmin], n).await;
            }
            Ok(Redirect::to(&format!("{link}?saved={what}")).into_response())
        }
        Err(opora_store::StoreError::Invalid(m)) => Err(WebError::Unprocessable(format!("{m}."))),
        Err(e) => Err(e.into()),
    }
}

/// The campaign's answers of the schools in the caller's scope as XLSX:
/// one row per school, a column per field — the sheet to fill in offline.
pub async fn export(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    use opora_io::xlsx_out::{Cell, Sheet};
    let (campaign, answers) = visible_campaign(&st, &caller, id).await?;
    let mut header: Vec<String> = ["Муниципалитет", "Код школы", "Школа", "Состояние"]
        .map(String::from)
        .to_vec();
    header.extend(campaign.form.fields.iter().map(|f| {
        if f.required {
            format!("{} *", f.label)
        } else {
            f.label.clone()
        }
    }));
    let rows = answers
        .iter()
        .map(|a| {
            let mut row = vec![
                Cell::Text(a.municipality.clone()),
                Cell::Text(a.school_code.clone()),
                Cell::Text(a.school.clone()),
                Cell::Text(a.status.title().into()),
            ];
            row.extend(
                campaign
                    .form
                    .fields
                    .iter()
                    .map(|f| match a.values.get(&f.key) {
                        Some(v) if f.kind.is_numeric() => Cell::Number(v.number),
                        Some(v) => Cell::Text(v.value.clone()),
                        None => Cell::Text(String::new()),
                    }),
            );
            row
        })
        .collect();
    let bytes = opora_io::xlsx_out::workbook(&[Sheet {
        name: "Ответы".into(),
        header,
        rows,
    }])
    .map_err(|e| WebError::Internal(e.to_string()))?;
    st.db
        .audit(
            &caller.user.login,
            "выгрузка ответов кампании",
            &format!("кампания № {id} «{}»", campaign.title),
            &format!("школ: {}", answers.len()),
        )
        .await?;
    Ok(crate::pages::xlsx_download(
        &format!("campaign-{id}.xlsx"),
        &format!("кампания-{id}.xlsx"),
        bytes,
    ))
}

#[derive(Template)]
#[template(path = "campaign_import.html")]
struct ImportPage {
    l: Layout,
    campaign_id: i64,
    campaign: String,
    file: String,
    errors: Vec<String>,
    changed: usize,
    unchanged: usize,
}

/// Loads a sheet filled in offline: the same checks as the form, every
/// school in the caller's reach, all rows or none.
pub async fn import(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    mp: crate::extract::Multipart,
) -> WebResult<Response> {
    let (campaign, answers) = visible_campaign(&st, &caller, id).await?;
    let form = super::plans::read_form(mp, super::plans::MAX_PLAN_FILE).await?;
    let Some((file, bytes)) = form.file else {
        return Err(WebError::BadRequest(
            "Выберите файл Excel с ответами.".into(),
        ));
    };
    let submit = form.fields.contains_key("submit");
    let (name, form_def) = (file.clone(), campaign.form.clone());
    let read = super::plans::off_runtime(move || {
        opora_indicators::campaign_sheet::read_answers(&bytes, &form_def, &name)
    })
    .await?;
    let mut errors: Vec<String> = vec![];
    let mut rows = vec![];
    match read {
        Err(e) => errors.extend(e.iter().map(|e| e.to_string())),
        Ok(sheet) => {
            for r in sheet {
                let Some(a) = answers.iter().find(|a| a.school_code == r.school_code) else {
                    errors.push(format!(
                        "строка {}: школа «{}» не адресат этой кампании или не в вашей области доступа",
                        r.row, r.school_code
                    ));
                    continue;
                };
                let rights = answer_rights(&caller, &campaign, a);
                if !(rights.fill || rights.review) {
                    errors.push(format!(
                        "строка {}: ответы школы «{}» вносит её администратор или муниципалитет",
                        r.row, a.school
                    ));
                    continue;
                }
                let checked = campaign.form.check(&r.typed, submit);
                for e in &checked.errors {
                    errors.push(format!("строка {}: {e}", r.row));
                }
                rows.push((a.school_id, checked.values));
            }
        }
    }
    let (mut changed, mut unchanged) = (0, 0);
    if errors.is_empty() {
        match st
            .db
            .save_answers(&campaign, &rows, submit, today(), &caller.user.login)
            .await
        {
            Ok((c, u)) => (changed, unchanged) = (c, u),
            Err(opora_store::StoreError::Invalid(m)) => errors.push(m),
            Err(e) => return Err(e.into()),
        }
    }
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ImportPage {
        l: Layout::new(&caller, "Загрузка ответов из Excel", "/campaigns"),
        campaign_id: id,
        campaign: campaign.title.clone(),
        file,
        errors,
        changed,
        unchanged,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// Reminds the administrators of the schools in the caller's scope that
/// have not sent the form (once a day per school).
pub async fn remind(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (campaign, answers) = visible_campaign(&st, &caller, id).await?;
    if !matches!(caller.role(), Role::Region | Role::Municipality) {
        return Err(WebError::Forbidden(
            "Напоминания рассылают региональный оператор и муниципальный администратор.".into(),
        ));
    }
    let today = today();
    let mut schools = 0;
    for a in answers.iter().filter(|a| !a.status.is_received()) {
        let users = st
            .db
            .recipients(&Scope::School(a.school_id), &[Role::SchoolAdmin])
            .await?;
        let n = Notice {
            kind: NoticeKind::Reminder,
            title: format!(
                "Напоминание: форма «{}», срок {}",
                campaign.title,
                campaign.deadline.ru()
            ),
            body: format!(
                "Форма школы {} ещё не отправлена ({}).",
                a.school,
                a.status.title()
            ),
            link: format!("/campaigns/{id}/schools/{}", a.school_id),
            dedup: Some(format!(
                "campaign:{id}:reminder:{}:{}",
                a.school_id,
                today.iso()
            )),
        };
        if st.db.notify(&users, &n).await? > 0 {
            schools += 1;
        }
    }
    st.db
        .audit_for(
            &caller.user.login,
            "напоминание по кампании",
            &format!("кампания № {id} «{}»", campaign.title),
            &format!("школ: {schools}"),
            caller.user.municipality_id,
        )
        .await?;
    Ok(Redirect::to(&format!("/campaigns/{id}?reminded={schools}")).into_response())
}
