//! Пары поддержки: leader (or curator) school → supported school, with
//! curators, period and agreement; and leader schools suggested for each
//! ШНОР of the latest identification run (`opora_store::leaders`).
//! Everyone sees the pairs of their scope; the region and municipalities
//! create and close them (a municipality only between its own schools).

use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::Date;
use opora_store::leaders::LeaderSuggestion;
use opora_store::plans::NewSupportPair;
use opora_store::scope::Scope;
use opora_store::users::{Role, User};

pub struct PairRow {
    pub id: i64,
    pub leader: String,
    pub supported: String,
    pub municipality: String,
    pub period: String,
    pub agreement: String,
    /// A link to the agreement's text (http/https), when given.
    pub agreement_link: String,
    pub curators: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "support.html")]
struct SupportPage {
    l: Layout,
    pairs: Vec<PairRow>,
    manage: bool,
    run_id: Option<i64>,
    suggestions: Vec<LeaderSuggestion>,
    schools: Vec<(i64, String)>,
    curators: Vec<(i64, String)>,
}

fn manages_pairs(c: &Caller) -> bool {
    matches!(c.role(), Role::Region | Role::Municipality)
}

fn day(d: &Option<String>) -> String {
    d.as_deref()
        .and_then(Date::parse)
        .map(|d| d.ru())
        .unwrap_or_default()
}

pub async fn page(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let pairs = st
        .db
        .support_pairs(&caller.scope)
        .await?
        .into_iter()
        .map(|p| PairRow {
            id: p.id,
            period: match (day(&p.period_start), day(&p.period_end)) {
                (a, b) if a.is_empty() && b.is_empty() => String::new(),
                (a, b) => format!("{a} – {b}"),
            },
            agreement: match (p.agreement_number.trim(), day(&p.agreement_date)) {
                ("", d) if d.is_empty() => String::new(),
                ("", d) => format!("от {d}"),
                (n, d) if d.is_empty() => format!("№ {n}"),
                (n, d) => format!("№ {n} от {d}"),
            },
            agreement_link: if p.agreement_file.starts_with("https://")
                || p.agreement_file.starts_with("http://")
            {
                p.agreement_file.clone()
            } else {
                String::new()
            },
            curators: p.curators.join(", "),
            active: p.status != "closed",
            leader: p.leader,
            supported: p.supported,
            municipality: p.municipality,
        })
        .collect();
    let manage = manages_pairs(&caller);
    // The newest run the caller sees.
    let run_id = st
        .db
        .runs_in(&caller.scope)
        .await?
        .iter()
        .map(|r| r.id)
        .max();
    let suggestions = match run_id {
        Some(r) if manage || matches!(caller.role(), Role::Curator) => {
            st.db.leader_suggestions(&caller.scope, r).await?
        }
        _ => Vec::new(),
    };
    let schools = if manage {
        st.db
            .schools_in(&caller.scope)
            .await?
            .into_iter()
            .map(|s| (s.id, s.short_name))
            .collect()
    } else {
        Vec::new()
    };
    let curators = if manage {
        pair_curators(&st, &caller)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    } else {
        Vec::new()
    };
    let page = SupportPage {
        l: Layout::new(&caller, "Пары поддержки", "/support"),
        pairs,
        manage,
        run_id,
        suggestions,
        schools,
        curators,
    };
    Ok(Html(page.render()?))
}

/// The curators a caller may put on a pair: the region any curator, a
/// municipality the curators of its municipality (not blocked).
async fn pair_curators(st: &AppState, c: &Caller) -> WebResult<Vec<User>> {
    let in_scope = |u: &User| {
        c.is_region() || matches!(c.scope, Scope::Municipality(m) if u.municipality_id == Some(m))
    };
    Ok(st
        .db
        .users_in(&c.scope)
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Curator && !u.blocked && in_scope(u))
        .collect())
}

fn form_date(label: &str, s: &str) -> WebResult<Option<Date>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Date::parse(s).map(Some).ok_or_else(|| {
        WebError::BadRequest(format!("{label}: «{s}» — не дата; напишите дд.мм.гггг."))
    })
}

/// Creates a pair from the form. Every id in it — the two schools and each
/// curator (`curator` may repeat or list ids with commas) — must be one the
/// caller could have chosen from its own lists; anything else is 422.
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    if !manages_pairs(&caller) {
        return Err(WebError::Forbidden(
            "Пары поддержки создают регион и муниципалитет.".into(),
        ));
    }
    let leader = form.id("leader", "Школа-наставник")?;
    let supported = form.id("supported", "Поддерживаемая школа")?;
    let schools = st.db.schools_in(&caller.scope).await?;
    for (id, label) in [
        (leader, "Школа-наставник"),
        (supported, "Поддерживаемая школа"),
    ] {
        if !schools.iter().any(|s| s.id == id) {
            return Err(WebError::Unprocessable(format!("{label}: школа № {id} не найдена в вашей зоне ответственности. Выберите школу из списка.")));
        }
    }
    if leader == supported {
        return Err(WebError::Unprocessable(
            "Школа не может поддерживать сама себя: выберите две разные школы.".into(),
        ));
    }
    let allowed = pair_curators(&st, &caller).await?;
    let curator_ids = form.ids("curator", "Куратор")?;
    if let Some(bad) = curator_ids
        .iter()
        .find(|id| !allowed.iter().any(|u| u.id == **id))
    {
        return Err(WebError::Unprocessable(format!(
            "Куратор: пользователь № {bad} не найден среди кураторов вашей зоны ответственности. Выберите куратора из списка."
        )));
    }
    let link = form.get("agreement_link");
    if !link.is_empty() {
        opora_plans::check_evidence_link(link)
            .map_err(|m| WebError::BadRequest(format!("Соглашение: {m}.")))?;
    }
    let pair = NewSupportPair {
        leader_school_id: leader,
        supported_school_id: supported,
        period_start: form_date("Начало периода", form.get("period_start"))?,
        period_end: form_date("Окончание периода", form.get("period_end"))?,
        agreement_number: form.get("agreement_number").to_string(),
        agreement_date: form_date("Дата соглашения", form.get("agreement_date"))?,
        agreement_file: link.to_string(),
        curator_user_ids: curator_ids,
    };
    st.db.add_support_pair(&pair, &caller.user.login).await?;
    Ok(Redirect::to("/support").into_response())
}

pub async fn close(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    if !manages_pairs(&caller) {
        return Err(WebError::Forbidden(
            "Пары поддержки закрывают регион и муниципалитет.".into(),
        ));
    }
    // Only a pair the caller sees (its supported school in scope).
    let pairs = st.db.support_pairs(&caller.scope).await?;
    let pair = pairs
        .iter()
        .find(|p| p.id == id)
        .ok_or(WebError::NotFound)?;
    let visible: Vec<i64> = st
        .db
        .schools_in(&caller.scope)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    if !visible.contains(&pair.supported_school_id) {
        return Err(WebError::NotFound);
    }
    st.db.close_support_pair(id, &caller.user.login).await?;
    Ok(Redirect::to("/support").into_response())
}
