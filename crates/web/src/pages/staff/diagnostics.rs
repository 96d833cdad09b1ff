//! Диагностика профессиональных дефицитов (`/staff/diagnostics`): the heat
//! map of a round over the caller's scope (or one of its schools) — per
//! subject and competence area, how many of the diagnosed teachers have a
//! deficit (a score under 50 %), beside the previous round's share — and
//! the schools by the number of teachers with a deficit. Aggregates only;
//! a teacher's own results are on their card. A teacher does not see the
//! school's map: in a small school a cell of two people names them.

use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::Query;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use opora_staff::diagnostics::{Competence, HeatCell};
use opora_store::staff::diagnostics::{Round, SchoolDiagnosis};
use opora_store::users::Role;

/// Whether the caller reads diagnostics' aggregates (everyone but a teacher).
pub fn reads_heat_map(c: &Caller) -> bool {
    c.role() != Role::Teacher
}

#[derive(serde::Deserialize, Default)]
pub struct MapQuery {
    #[serde(default)]
    pub round: String,
    #[serde(default)]
    pub school: String,
}

/// The round asked for (by id) or the latest test (the latest round when
/// there are only self-assessments), and the one of the same kind before it.
pub fn chosen_rounds(rounds: &[Round], asked: &str) -> (Option<Round>, Option<Round>) {
    let i = match asked.parse::<i64>() {
        Ok(id) => rounds.iter().position(|r| r.id == id),
        Err(_) => rounds
            .iter()
            .rposition(|r| !r.self_assessment)
            .or(rounds.len().checked_sub(1)),
    };
    let Some(i) = i else {
        return (None, None);
    };
    let chosen = &rounds[i];
    let before = rounds[..i].iter().rev().find(|r| r.same_kind(chosen));
    (Some(chosen.clone()), before.cloned())
}

/// The class of a cell by its share with a deficit.
fn heat_class(share: f64) -> &'static str {
    match share {
        s if s < 15.0 => "heat-0",
        s if s < 30.0 => "heat-1",
        s if s < 50.0 => "heat-2",
        _ => "heat-3",
    }
}

pub struct HeatLine {
    pub subject: String,
    pub cells: Vec<HeatView>,
}

pub struct HeatView {
    pub text: String,
    pub share: String,
    pub class: &'static str,
    pub before: String,
}

pub struct RoundOption {
    pub id: i64,
    pub title: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "staff/diagnostics.html")]
struct MapPage {
    l: Layout,
    rounds: Vec<RoundOption>,
    round: String,
    previous: String,
    competences: Vec<&'static str>,
    lines: Vec<HeatLine>,
    schools: Vec<SchoolDiagnosis>,
    school: Option<(i64, String)>,
    round_id: i64,
}

/// Lines of the map: subjects × competences, with the previous round's share.
fn lines(map: &[HeatCell], before: &[HeatCell]) -> Vec<HeatLine> {
    let mut subjects: Vec<&str> = map.iter().map(|c| c.subject.as_str()).collect();
    subjects.dedup();
    subjects
        .into_iter()
        .map(|subject| HeatLine {
            subject: subject.to_string(),
            cells: Competence::ALL
                .iter()
                .map(|&k| {
                    let find = |cells: &[HeatCell]| {
                        cells
                            .iter()
                            .find(|c| c.subject == subject && c.competence == k)
                            .cloned()
                    };
                    match find(map) {
                        Some(c) => HeatView {
                            text: format!("{} из {}", c.with_deficit, c.diagnosed),
                            share: crate::fmt::pct(Some(c.share()), 0),
                            class: heat_class(c.share()),
                            before: find(before)
                                .map(|b| format!("было {}", crate::fmt::pct(Some(b.share()), 0)))
                                .unwrap_or_default(),
                        },
                        None => HeatView {
                            text: "—".into(),
                            share: String::new(),
                            class: "",
                            before: String::new(),
                        },
                    }
                })
                .collect(),
        })
        .collect()
}

pub async fn heat_map(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<MapQuery>,
) -> WebResult<Html<String>> {
    if !reads_heat_map(&caller) {
        return Err(WebError::Forbidden(
            "Сводка диагностики по школе доступна администрации школы, методистам и органам управления; свои результаты — в вашей карточке.".into(),
        ));
    }
    let schools = st.db.schools_in(&caller.scope).await?;
    let school = q
        .school
        .parse::<i64>()
        .ok()
        .and_then(|id| schools.iter().find(|s| s.id == id))
        .map(|s| (s.id, s.short_name.clone()));
    let rounds = st.db.diagnostic_rounds().await?;
    let (round, previous) = chosen_rounds(&rounds, &q.round);
    let (map, by_school) = match &round {
        Some(r) => {
            st.db
                .diagnostics_heat_map(&caller.scope, r.id, school.as_ref().map(|s| s.0))
                .await?
        }
        None => (Vec::new(), Vec::new()),
    };
    let before = match &previous {
        Some(p) => {
            st.db
                .diagnostics_heat_map(&caller.scope, p.id, school.as_ref().map(|s| s.0))
                .await?
                .0
        }
        None => Vec::new(),
    };
    let page = MapPage {
        l: Layout::new(&caller, "Диагностика профессиональных дефицитов", "/staff"),
        rounds: rounds
            .iter()
            .rev()
            .map(|r| RoundOption {
                id: r.id,
                title: format!("{} ({})", r.title, r.held_on.ru()),
                selected: round.as_ref().is_some_and(|x| x.id == r.id),
            })
            .collect(),
        round: round
            .as_ref()
            .map(|r| format!("{} ({})", r.title, r.held_on.ru()))
            .unwrap_or_default(),
        previous: previous
            .as_ref()
            .map(|r| format!("{} ({})", r.title, r.held_on.ru()))
            .unwrap_or_default(),
        competences: Competence::ALL.iter().map(|c| c.title()).collect(),
        lines: lines(&map, &before),
        schools: if school.is_some() || schools.len() == 1 {
            Vec::new()
        } else {
            by_school
        },
        school,
        round_id: round.as_ref().map(|r| r.id).unwrap_or_default(),
    };
    Ok(Html(page.render()?))
}
