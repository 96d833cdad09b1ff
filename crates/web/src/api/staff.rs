//! The staff part of the API: `/api/teachers` (the teachers of the schools
//! in scope; a teacher gets their own record only) and
//! `/api/teachers/due` (the three-year rule's overdue list), the
//! diagnostics' heat map, mentoring pairs, the catalogue of programmes and
//! the development plans. Reads are
//! audited by the store, as on the pages.

use super::types::{
    all, DevelopmentPlanInfo, DevelopmentStep, DiagnosticsMap, DueTeacher, MentoringPair,
    PrincipalEvaluation, PrincipalInfo, PrincipalScore, ProgrammeInfo, TeacherInfo, TeachersDue,
};
use super::ApiResult;
use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::Query;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use opora_plans::date::Date;
use opora_store::staff::teachers::TeacherFilter;
use opora_store::users::Role;

#[derive(serde::Deserialize, Default)]
pub struct TeachersQuery {
    /// A school code: only its teachers.
    #[serde(default)]
    pub school: String,
    /// The date to count on (ISO or dd.mm.yyyy); today by default.
    #[serde(default)]
    pub on: String,
}

impl TeachersQuery {
    fn on(&self) -> Result<Date, WebError> {
        if self.on.trim().is_empty() {
            return Ok(opora_plans::clock::today());
        }
        Date::parse(&self.on).ok_or_else(|| {
            WebError::BadRequest(format!(
                "Параметр on: «{}» — не дата; ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.",
                opora_io::text::preview(&self.on)
            ))
        })
    }
}

/// The list's filter: a school of the scope by code (404 outside it), and
/// a teacher's own record only.
async fn filter(st: &AppState, c: &Caller, q: &TeachersQuery) -> Result<TeacherFilter, WebError> {
    let school_id = match q.school.trim() {
        "" => None,
        code => Some(
            st.db
                .schools_in(&c.scope)
                .await?
                .into_iter()
                .find(|s| s.code == code)
                .ok_or(WebError::NotFound)?
                .id,
        ),
    };
    Ok(TeacherFilter {
        school_id,
        user_id: (c.role() == Role::Teacher).then_some(c.user.id),
    })
}

pub async fn teachers(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<TeachersQuery>,
) -> ApiResult<Vec<TeacherInfo>> {
    let on = q.on()?;
    let filter = filter(&st, &caller, &q).await?;
    let list = st
        .db
        .teachers(&caller.scope, &filter, &caller.user.login)
        .await?;
    Ok(Json(list.iter().map(|t| TeacherInfo::new(t, on)).collect()))
}

pub async fn due(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<TeachersQuery>,
) -> ApiResult<TeachersDue> {
    let on = q.on()?;
    let filter = filter(&st, &caller, &q).await?;
    let due = st
        .db
        .teachers_due(&caller.scope, &filter, on, &caller.user.login)
        .await?;
    Ok(Json(TeachersDue {
        on: on.iso(),
        teachers: due
            .into_iter()
            .map(|(t, c)| DueTeacher {
                school_id: t.school_code.clone(),
                school: t.school_name.clone(),
                name: t.fields.full_name.clone(),
                last_course_end: c.last_course_end.map(|d| d.iso()),
                months_since: c.months_since,
            })
            .collect(),
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct DiagnosticsQuery {
    /// A round id; the latest by default.
    #[serde(default)]
    pub round: String,
    /// A school code of the scope (404 outside it).
    #[serde(default)]
    pub school: String,
}

pub async fn diagnostics(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<DiagnosticsQuery>,
) -> ApiResult<DiagnosticsMap> {
    if !crate::pages::staff::diagnostics::reads_heat_map(&caller) {
        return Err(WebError::Forbidden(
            "Сводка диагностики недоступна учителю; свои результаты — в карточке педагога.".into(),
        )
        .into());
    }
    let filter = filter(
        &st,
        &caller,
        &TeachersQuery {
            school: q.school.clone(),
            on: String::new(),
        },
    )
    .await?;
    let rounds = st.db.diagnostic_rounds().await?;
    let (round, _) = crate::pages::staff::diagnostics::chosen_rounds(&rounds, &q.round);
    let cells = match &round {
        Some(r) => {
            st.db
                .diagnostics_heat_map(&caller.scope, r.id, filter.school_id)
                .await?
                .0
        }
        None => Vec::new(),
    };
    Ok(Json(DiagnosticsMap {
        rounds: all(&rounds),
        round: round.as_ref().map(Into::into),
        cells: all(&cells),
    }))
}

/// The mentoring pairs the caller sees (a teacher: the pairs they are in).
pub async fn mentoring(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<MentoringPair>> {
    let pairs = st
        .db
        .mentoring_pairs(&caller.scope, None, &caller.user.login)
        .await?;
    Ok(Json(
        pairs
            .iter()
            .filter(|p| crate::pages::staff::rights::sees_pair(&caller, p))
            .map(|p| MentoringPair {
                id: p.id,
                mentor_id: p.mentor.teacher_id,
                mentor: p.mentor.name.clone(),
                mentor_school_code: p.mentor.school_code.clone(),
                mentee_id: p.mentee.teacher_id,
                mentee: p.mentee.name.clone(),
                mentee_school_code: p.mentee.school_code.clone(),
                form: p.fields.form.code().to_string(),
                goals: p.fields.goals.clone(),
                starts_on: p.fields.starts_on.iso(),
                ends_on: p.fields.ends_on.map(|d| d.iso()),
                order_ref: p.fields.order_ref.clone(),
                status: p.status.code().to_string(),
                meetings: p.meetings,
                last_meeting: p.last_meeting.map(|d| d.iso()),
            })
            .collect(),
    ))
}

/// The catalogue of programmes (not personal data: every role reads it).
pub async fn programmes(
    State(st): State<AppState>,
    _caller: Caller,
) -> ApiResult<Vec<ProgrammeInfo>> {
    Ok(Json(all(&st.db.programmes(false).await?)))
}

/// The development plans of the teachers in scope (a teacher: their own),
/// with what the next diagnostic round says of each step's deficit.
pub async fn development_plans(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<DevelopmentPlanInfo>> {
    use opora_staff::development::{outcome, Outcome};
    let own = (caller.role() == Role::Teacher).then_some(caller.user.id);
    let plans = st
        .db
        .development_plans_in(&caller.scope, own, &caller.user.login)
        .await?;
    let mut out = Vec::new();
    for p in &plans {
        let Some(t) = st.db.teacher(&caller.scope, p.teacher_id).await? else {
            continue;
        };
        let rounds = st.db.teacher_diagnostics(t.id).await?;
        let later = opora_store::staff::development::rediagnosis(p, &rounds);
        let cells = later.map(|(_, c)| c.as_slice());
        out.push(DevelopmentPlanInfo {
            id: p.id,
            teacher_id: t.id,
            teacher: t.fields.full_name.clone(),
            school_code: t.school_code.clone(),
            round: p.round.as_ref().map(|r| r.title.clone()),
            rediagnosis: later.map(|(r, _)| r.title.clone()),
            starts_on: p.starts_on.iso(),
            ends_on: p.ends_on.iso(),
            status: p.status.code().into(),
            steps: p
                .steps
                .iter()
                .map(|s| DevelopmentStep {
                    id: s.id,
                    kind: s.fields.kind.code().into(),
                    title: s.fields.title.clone(),
                    subject: s.fields.subject.clone(),
                    competence: s.fields.competence.map(|c| c.code().into()),
                    programme_id: s.fields.programme_id,
                    due_on: s.fields.due_on.iso(),
                    status: s.status.code().into(),
                    done_on: s.done_on.map(|d| d.iso()),
                    evidence: s.evidence.clone(),
                    outcome: s.fields.competence.map(|c| {
                        match outcome(&s.fields.subject, c, cells) {
                            Outcome::NotYet => "not_yet",
                            Outcome::Closed => "closed",
                            Outcome::Persisting => "persisting",
                        }
                        .to_string()
                    }),
                })
                .collect(),
        });
    }
    Ok(Json(out))
}

#[derive(serde::Deserialize, Default)]
pub struct YearQuery {
    /// The academic year by its last calendar year; the latest by default.
    #[serde(default)]
    pub year: String,
}

/// An evaluation of principals over the schools in scope (403 to a
/// teacher; 404 for a year without one; `null` before any).
pub async fn principals(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<YearQuery>,
) -> ApiResult<Option<PrincipalEvaluation>> {
    crate::pages::staff::principals::require_reader(&caller)?;
    let (_, chosen) = crate::pages::staff::principals::chosen(&st, &q.year).await?;
    let Some(e) = chosen else {
        return Ok(Json(None));
    };
    let results = st
        .db
        .principal_results(&caller.scope, &e, &caller.user.login)
        .await?;
    Ok(Json(Some(PrincipalEvaluation {
        year: e.year,
        evaluated_on: e.evaluated_on.iso(),
        schools: results
            .into_iter()
            .map(|r| PrincipalInfo {
                school_code: r.school_code,
                school: r.school,
                principal: r.principal,
                total: r.total,
                scores: r
                    .scores
                    .into_iter()
                    .map(|s| PrincipalScore {
                        criterion: s.criterion.code().into(),
                        weight: s.weight,
                        value: s.value,
                        points: s.points,
                        basis: s.basis,
                    })
                    .collect(),
            })
            .collect(),
    })))
}
