//! Сайты школ: does each school's website publish the section «Сведения об
//! образовательной организации» and the documents of its programme of
//! support? The list of the schools in scope with a website (the latest
//! check, found N of M), a school's page (every requirement found with its
//! address and date, or missing with the reason; people's overrides with
//! their comment and author; the history of checks), a check on demand
//! (in the background: the page says it started and shows the result when
//! it is saved) and overrides. The rules are `docs/sites.md`; the crawler
//! is `opora_sites`, storing is `opora_store::site_audits`, the schedule
//! `crate::site_checks`.
//!
//! Who may do what (seeing a school is the scope's business: outside it,
//! 404):
//!
//! | role | read | check now | override |
//! |---|---|---|---|
//! | regional operator | every school | yes | yes |
//! | municipal administrator | its municipality | its schools | its schools |
//! | school administrator | its school | its school | no |
//! | curator, teacher | their schools | no | no |
//!
//! A school's administrator may ask for a check of its own site (it has
//! just fixed the site and wants to see it counted), but an override is a
//! reviewer's decision about the school, so it stays with the municipality
//! and the region.

use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Form, Path, Query};
use crate::fmt;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_sites::{Group, Status};
use opora_store::registry::School;
use opora_store::site_audits::SiteItem;
use opora_store::users::Role;
use opora_store::StoreError;

/// What the caller may do with one school's site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rights {
    pub check: bool,
    pub overrides: bool,
}

pub fn rights(c: &Caller, school: &School) -> Rights {
    let reviewer = match c.role() {
        Role::Region => true,
        Role::Municipality => c.user.municipality_id == Some(school.municipality_id),
        _ => false,
    };
    let own_school = c.role() == Role::SchoolAdmin && c.user.school_id == Some(school.id);
    Rights {
        check: reviewer || own_school,
        overrides: reviewer,
    }
}

/// A school in the caller's scope (404 otherwise).
async fn visible_school(st: &AppState, c: &Caller, school_id: i64) -> WebResult<School> {
    st.db
        .schools_in(&c.scope)
        .await?
        .into_iter()
        .find(|s| s.id == school_id)
        .ok_or(WebError::NotFound)
}

/// «найдено 14 из 21».
fn found_text(found: usize, total: usize) -> String {
    format!("найдено {found} из {total}")
}

/// One line of the list.
pub struct SiteLine {
    pub school_id: i64,
    pub school: String,
    pub school_code: String,
    pub municipality: String,
    pub website: String,
    /// dd.mm.yyyy of the latest check, or empty.
    pub checked_on: String,
    pub error: String,
    pub found: String,
    pub overridden: usize,
    pub running: bool,
}

#[derive(Template)]
#[template(path = "sites.html")]
struct ListPage {
    l: Layout,
    rows: Vec<SiteLine>,
    many_municipalities: bool,
    checked: usize,
}

pub async fn list(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let schools = st.db.latest_site_audits(&caller.scope).await?;
    let checked = schools.iter().filter(|s| s.audited_at.is_some()).count();
    let many_municipalities = schools
        .iter()
        .any(|s| s.municipality_id != schools[0].municipality_id);
    let rows = schools
        .into_iter()
        .map(|s| SiteLine {
            school_id: s.school_id,
            running: st.site_checks.contains(s.school_id),
            school: s.school,
            school_code: s.school_code,
            municipality: s.municipality,
            website: s.website,
            checked_on: s
                .last_checked_at
                .as_deref()
                .map(fmt::date)
                .unwrap_or_default(),
            error: s.last_error.unwrap_or_default(),
            found: if s.audited_at.is_some() || s.overridden > 0 {
                found_text(s.found, s.total)
            } else {
                String::new()
            },
            overridden: s.overridden,
        })
        .collect();
    let page = ListPage {
        l: Layout::new(&caller, "Сайты школ", "/sites"),
        rows,
        many_municipalities,
        checked,
    };
    Ok(Html(page.render()?))
}

/// One requirement on the school's page.
pub struct ItemLine {
    pub code: String,
    pub requirement: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub url: String,
    pub evidence: String,
    /// dd.mm.yyyy of the check that said so.
    pub checked_on: String,
    /// What the check said, when a person overrode it.
    pub checked: &'static str,
    pub override_status: &'static str,
    pub override_comment: String,
    pub override_by: String,
    pub override_at: String,
}

/// A group of requirements on the school's page.
pub struct GroupLines {
    pub title: &'static str,
    pub found: usize,
    pub items: Vec<ItemLine>,
}

/// A line of the history of checks.
pub struct HistoryLine {
    pub at: String,
    pub url: String,
    pub result: String,
    pub failed: bool,
    pub pages: i64,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "sites_school.html")]
struct SchoolPage {
    l: Layout,
    school_id: i64,
    school: String,
    municipality: String,
    website: String,
    notice: &'static str,
    running: bool,
    last_error: String,
    summary: String,
    groups: Vec<GroupLines>,
    history: Vec<HistoryLine>,
    can_check: bool,
    can_override: bool,
    /// (code, name) of every requirement, for the override form.
    requirements: Vec<(String, String)>,
}

fn status_view(status: Option<Status>) -> (&'static str, &'static str) {
    match status {
        Some(Status::Found) => ("найдено", "st-done"),
        Some(Status::Missing) => ("не найдено", "st-overdue"),
        None => ("не проверялось", "st-planned"),
    }
}

fn item_line(i: &SiteItem) -> ItemLine {
    let (status, status_class) = status_view(i.status());
    let o = i.overridden.as_ref();
    ItemLine {
        code: i.code.clone(),
        requirement: i.requirement.clone(),
        status,
        status_class,
        url: i.url.clone().unwrap_or_default(),
        evidence: i.evidence.clone(),
        checked_on: i.checked_at.as_deref().map(fmt::date).unwrap_or_default(),
        checked: match (o, i.checked) {
            (Some(_), Some(s)) => status_view(Some(s)).0,
            _ => "",
        },
        override_status: o.map(|o| status_view(Some(o.status)).0).unwrap_or_default(),
        override_comment: o.map(|o| o.comment.clone()).unwrap_or_default(),
        override_by: o.map(|o| o.actor.clone()).unwrap_or_default(),
        override_at: o.map(|o| fmt::datetime(&o.at)).unwrap_or_default(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ShownQuery {
    #[serde(default)]
    pub done: String,
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(school_id): Path<i64>,
    Query(q): Query<ShownQuery>,
) -> WebResult<Html<String>> {
    let school = visible_school(&st, &caller, school_id).await?;
    let rights = rights(&caller, &school);
    let items = st.db.site_items(school_id).await?;
    let history = st.db.site_audit_history(school_id).await?;
    let groups = [Group::Sveden, Group::Programme]
        .into_iter()
        .map(|g| {
            let of: Vec<&SiteItem> = items.iter().filter(|i| i.group == g).collect();
            GroupLines {
                title: g.title(),
                found: of.iter().filter(|i| i.found()).count(),
                items: of.into_iter().map(item_line).collect(),
            }
        })
        .collect();
    let known = items.iter().any(|i| i.status().is_some());
    let summary = if known {
        found_text(items.iter().filter(|i| i.found()).count(), items.len())
    } else {
        String::new()
    };
    let last_error = history
        .first()
        .and_then(|h| h.error.clone())
        .unwrap_or_default();
    let notice = match q.done.as_str() {
        "started" => "Проверка запущена. Она идёт в фоне и занимает от нескольких секунд до нескольких минут: обновите страницу, чтобы увидеть результат.",
        "running" => "Проверка этого сайта уже идёт: обновите страницу позже.",
        "override" => "Отметка сохранена.",
        "removed" => "Отметка снята: снова действует результат проверки.",
        _ => "",
    };
    let page = SchoolPage {
        l: Layout::new(&caller, format!("Сайт: {}", school.short_name), "/sites"),
        school_id,
        school: school.short_name.clone(),
        municipality: school.municipality.clone(),
        website: school.website.trim().to_string(),
        notice,
        running: st.site_checks.contains(school_id),
        last_error,
        summary,
        groups,
        history: history
            .iter()
            .map(|h| HistoryLine {
                at: fmt::datetime(&h.checked_at),
                url: h.url.clone(),
                result: match &h.error {
                    Some(e) => format!("не удалась: {e}"),
                    None => found_text(h.found, h.total),
                },
                failed: h.error.is_some(),
                pages: h.pages,
                actor: h.actor.clone(),
            })
            .collect(),
        can_check: rights.check && !school.website.trim().is_empty(),
        can_override: rights.overrides,
        requirements: items
            .iter()
            .map(|i| (i.code.clone(), i.requirement.clone()))
            .collect(),
    };
    Ok(Html(page.render()?))
}

/// Starts a check of the school's site now, in the background.
pub async fn check(
    State(st): State<AppState>,
    caller: Caller,
    Path(school_id): Path<i64>,
) -> WebResult<Response> {
    let school = visible_school(&st, &caller, school_id).await?;
    if !rights(&caller, &school).check {
        return Err(WebError::Forbidden(
            "Проверку сайта запускают региональный оператор, муниципальный администратор и администратор школы.".into(),
        ));
    }
    let url = school.website.trim();
    if url.is_empty() {
        return Err(WebError::Unprocessable(
            "В реестре у школы не указан адрес сайта: проверять нечего.".into(),
        ));
    }
    let started =
        crate::site_checks::start_check(&st, school_id, url.to_string(), caller.user.login.clone());
    let done = if started { "started" } else { "running" };
    Ok(Redirect::to(&format!("/sites/{school_id}?done={done}")).into_response())
}

/// The override form: a requirement, found or missing, and why; or
/// `action=remove` to take an override back.
#[derive(serde::Deserialize, Default)]
pub struct OverrideFields {
    #[serde(default)]
    pub requirement: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub action: String,
}

pub async fn set_override(
    State(st): State<AppState>,
    caller: Caller,
    Path(school_id): Path<i64>,
    Form(f): Form<OverrideFields>,
) -> WebResult<Response> {
    let school = visible_school(&st, &caller, school_id).await?;
    if !rights(&caller, &school).overrides {
        return Err(WebError::Forbidden(
            "Отмечать требования вручную могут муниципальный администратор школы и региональный оператор.".into(),
        ));
    }
    let login = &caller.user.login;
    let outcome = if f.action == "remove" {
        st.db
            .remove_site_override(school_id, &f.requirement, login)
            .await
            .map(|_| "removed")
    } else {
        let status = match f.status.as_str() {
            "found" => Status::Found,
            "missing" => Status::Missing,
            _ => {
                return Err(WebError::Unprocessable(
                    "Выберите, найдено требование на сайте или нет.".into(),
                ))
            }
        };
        st.db
            .set_site_override(school_id, &f.requirement, status, &f.comment, login)
            .await
            .map(|_| "override")
    };
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!("/sites/{school_id}?done={done}")).into_response()),
        Err(StoreError::Invalid(m)) => Err(WebError::Unprocessable(format!(
            "{}.",
            crate::fmt::capitalised(&m)
        ))),
        Err(e) => Err(e.into()),
    }
}
