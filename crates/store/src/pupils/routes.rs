//! Individual educational routes (ИОМ обучающегося): goals per subject,
//! steps with owners and dates (specialists' support, with or without the
//! family), reviews every few weeks, career guidance for graduates, closing
//! with the outcome. One active route per pupil. A route is seen by whoever
//! sees its pupil.

use super::audit_object;
use super::register::Pupil;
use crate::audit::{audit_for_in, now_text};
use crate::import::Val;
use crate::scope::Scope;
use crate::staff::teachers::stored_date;
use crate::{Db, Result, StoreError};
use opora_plans::date::Date;
use opora_pupils::model::{Outcome, RouteStatus, StepKind, StepStatus, Tier};

/// A route with everything on its page.
#[derive(Debug, Clone)]
pub struct Route {
    pub id: i64,
    pub pupil: Pupil,
    pub tier: Tier,
    pub started_on: Date,
    pub review_weeks: u32,
    pub status: RouteStatus,
    pub closed_on: Option<Date>,
    pub outcome: Option<Outcome>,
    pub outcome_note: String,
    pub career: Career,
    pub created_by: String,
    pub goals: Vec<Goal>,
    pub steps: Vec<Step>,
    pub reviews: Vec<Review>,
}

impl Route {
    pub fn next_review(&self) -> Date {
        opora_pupils::route::next_review(
            self.started_on,
            self.reviews.first().map(|r| r.held_on),
            self.review_weeks,
        )
    }
}

/// Career guidance of a graduate at risk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Career {
    /// The personal programme of career guidance.
    pub programme: String,
    /// The choice made (profile, college, grade 10).
    pub choice: String,
    /// Where the pupil went.
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub id: i64,
    pub subject: String,
    pub target: String,
}

/// What people write about a step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepFields {
    pub kind: StepKind,
    pub title: String,
    pub owner: String,
    pub due_on: Option<Date>,
    pub with_family: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: i64,
    pub fields: StepFields,
    pub status: StepStatus,
    pub done_on: Option<Date>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub id: i64,
    pub held_on: Date,
    pub note: String,
    pub created_by: String,
}

/// A route's summary in a pupil's history.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteLine {
    pub id: i64,
    pub tier: Tier,
    pub started_on: Date,
    pub status: RouteStatus,
    pub closed_on: Option<Date>,
    pub outcome: Option<Outcome>,
}

fn parse<T>(what: &str, code: &str, f: impl Fn(&str) -> Option<T>) -> Result<T> {
    f(code).ok_or_else(|| StoreError::stored(what, code))
}

fn opt_date(v: Option<String>) -> Result<Option<Date>> {
    v.as_deref().map(stored_date).transpose()
}

fn non_empty(value: &str, field: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(StoreError::Invalid(format!("{field}: заполните поле")));
    }
    Ok(v.to_string())
}

fn active(r: &Route) -> Result<()> {
    if r.status != RouteStatus::Active {
        return Err(StoreError::Invalid(
            "маршрут завершён: изменения вносятся только в действующий маршрут".into(),
        ));
    }
    Ok(())
}

impl Db {
    /// A pupil's routes, newest first.
    pub async fn pupil_routes(&self, p: &Pupil) -> Result<Vec<RouteLine>> {
        let sql = "SELECT id, tier, started_on, status, closed_on, outcome FROM pupil_routes WHERE pupil_id = $1 ORDER BY started_on DESC, id DESC";
        type Row = (i64, String, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = on_db!(self, c => sqlx::query_as(sql).bind(p.id).fetch_all(c).await?);
        rows.into_iter()
            .map(|(id, tier, start, status, closed, outcome)| {
                Ok(RouteLine {
                    id,
                    tier: parse("уровень поддержки", &tier, Tier::from_code)?,
                    started_on: stored_date(&start)?,
                    status: parse("состояние маршрута", &status, RouteStatus::from_code)?,
                    closed_on: opt_date(closed)?,
                    outcome: outcome
                        .map(|o| parse("итог маршрута", &o, Outcome::from_code))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// A route of a pupil the caller sees, with its goals, steps and
    /// reviews (unaudited: the page audits the read).
    pub async fn pupil_route(&self, scope: &Scope, id: i64) -> Result<Option<Route>> {
        let sql = "SELECT pupil_id, tier, started_on, review_weeks, status, closed_on, outcome, outcome_note, \
                   career_programme, career_choice, career_outcome, created_by FROM pupil_routes WHERE id = $1";
        type Row = (
            i64,
            String,
            String,
            i64,
            String,
            Option<String>,
            Option<String>,
            String,
            String,
            String,
            String,
            String,
        );
        let row: Option<Row> =
            on_db!(self, c => sqlx::query_as(sql).bind(id).fetch_optional(c).await?);
        let Some(r) = row else { return Ok(None) };
        let Some(pupil) = self.pupil(scope, r.0).await? else {
            return Ok(None);
        };
        let goals: Vec<(i64, String, String)> = on_db!(self, c => sqlx::query_as(
            "SELECT id, subject, target FROM pupil_route_goals WHERE route_id = $1 ORDER BY id").bind(id).fetch_all(c).await?);
        type StepRow = (
            i64,
            String,
            String,
            String,
            Option<String>,
            i64,
            String,
            Option<String>,
            String,
        );
        let steps: Vec<StepRow> = on_db!(self, c => sqlx::query_as(
            "SELECT id, kind, title, owner, due_on, with_family, status, done_on, note FROM pupil_route_steps \
             WHERE route_id = $1 ORDER BY COALESCE(due_on, '9999'), id").bind(id).fetch_all(c).await?);
        let reviews: Vec<(i64, String, String, String)> = on_db!(self, c => sqlx::query_as(
            "SELECT id, held_on, note, created_by FROM pupil_route_reviews WHERE route_id = $1 ORDER BY held_on DESC, id DESC")
            .bind(id).fetch_all(c).await?);
        Ok(Some(Route {
            id,
            pupil,
            tier: parse("уровень поддержки", &r.1, Tier::from_code)?,
            started_on: stored_date(&r.2)?,
            review_weeks: u32::try_from(r.3).unwrap_or(6),
            status: parse("состояние маршрута", &r.4, RouteStatus::from_code)?,
            closed_on: opt_date(r.5)?,
            outcome: r
                .6
                .map(|o| parse("итог маршрута", &o, Outcome::from_code))
                .transpose()?,
            outcome_note: r.7,
            career: Career {
                programme: r.8,
                choice: r.9,
                outcome: r.10,
            },
            created_by: r.11,
            goals: goals
                .into_iter()
                .map(|(id, subject, target)| Goal {
                    id,
                    subject,
                    target,
                })
                .collect(),
            steps: steps
                .into_iter()
                .map(
                    |(id, kind, title, owner, due, family, status, done, note)| {
                        Ok(Step {
                            id,
                            fields: StepFields {
                                kind: parse("вид шага", &kind, StepKind::from_code)?,
                                title,
                                owner,
                                due_on: opt_date(due)?,
                                with_family: family != 0,
                            },
                            status: parse("состояние шага", &status, StepStatus::from_code)?,
                            done_on: opt_date(done)?,
                            note,
                        })
                    },
                )
                .collect::<Result<_>>()?,
            reviews: reviews
                .into_iter()
                .map(|(id, on, note, by)| {
                    Ok(Review {
                        id,
                        held_on: stored_date(&on)?,
                        note,
                        created_by: by,
                    })
                })
                .collect::<Result<_>>()?,
        }))
    }

    /// Opens a route for a pupil on the register, with its goals
    /// (subject, target).
    pub async fn open_pupil_route(
        &self,
        p: &Pupil,
        tier: Tier,
        started_on: Date,
        review_weeks: u32,
        goals: &[(String, String)],
        actor: &str,
    ) -> Result<i64> {
        if p.status != opora_pupils::model::RegisterStatus::Active {
            return Err(StoreError::Invalid(
                "обучающийся снят с учёта: маршрут открывается только для состоящих в реестре"
                    .into(),
            ));
        }
        if !(1..=26).contains(&review_weeks) {
            return Err(StoreError::Invalid(
                "цикл пересмотра: от 1 до 26 недель".into(),
            ));
        }
        let goals: Vec<(String, String)> = goals
            .iter()
            .filter(|(s, t)| !(s.trim().is_empty() && t.trim().is_empty()))
            .map(|(s, t)| Ok((non_empty(s, "предмет цели")?, non_empty(t, "цель")?)))
            .collect::<Result<_>>()?;
        if goals.is_empty() {
            return Err(StoreError::Invalid(
                "укажите хотя бы одну цель: предмет и результат, например «отметка 3 на ВПР»"
                    .into(),
            ));
        }
        let already = || {
            StoreError::Conflict(
                "у обучающегося уже есть действующий маршрут: дополните его или завершите".into(),
            )
        };
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO pupil_routes (pupil_id, tier, started_on, review_weeks, created_at, created_by) \
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let inserted: std::result::Result<i64, sqlx::Error> = on_tx!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(p.id).bind(tier.code()).bind(started_on.iso()).bind(i64::from(review_weeks))
            .bind(now_text()).bind(actor).fetch_one(&mut *c).await);
        // Two people opening at once: the unique index lets one in.
        let id = match inserted.map_err(StoreError::from) {
            Err(StoreError::Conflict(_)) => return Err(already()),
            other => other?,
        };
        for (subject, target) in &goals {
            let sql =
                "INSERT INTO pupil_route_goals (route_id, subject, target) VALUES ($1, $2, $3)";
            on_tx!(&mut tx, c => sqlx::query(sql).bind(id).bind(subject).bind(target).execute(&mut *c).await?.rows_affected());
        }
        audit_for_in(
            &mut tx,
            actor,
            "индивидуальный маршрут открыт",
            &audit_object(&p.student_key, &p.school_code),
            &format!("маршрут {id}; {}", tier.title()),
            Some(p.municipality_id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Runs one statement on a route with its values, audited.
    async fn route_change(
        &self,
        r: &Route,
        action: &str,
        details: &str,
        actor: &str,
        sql: &str,
        values: Vec<Val>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => {
            let mut q = sqlx::query(sql);
            for v in &values {
                q = match v {
                    Val::Int(x) => q.bind(*x),
                    Val::Real(x) => q.bind(*x),
                    Val::Text(x) => q.bind(x.clone()),
                };
            }
            q.execute(&mut *c).await?.rows_affected()
        });
        audit_for_in(
            &mut tx,
            actor,
            action,
            &audit_object(&r.pupil.student_key, &r.pupil.school_code),
            &format!("маршрут {}; {details}", r.id),
            Some(r.pupil.municipality_id),
        )
        .await?;
        tx.commit().await
    }

    /// Adds a step to an active route.
    pub async fn add_route_step(&self, r: &Route, f: &StepFields, actor: &str) -> Result<()> {
        active(r)?;
        let title = non_empty(&f.title, "содержание шага")?;
        let sql = "INSERT INTO pupil_route_steps (route_id, kind, title, owner, due_on, with_family) VALUES ($1, $2, $3, $4, $5, $6)";
        let details = format!("{}: {title}", f.kind.title());
        self.route_change(
            r,
            "шаг маршрута добавлен",
            &details,
            actor,
            sql,
            vec![
                Val::Int(Some(r.id)),
                Val::Text(Some(f.kind.code().into())),
                Val::Text(Some(title)),
                Val::Text(Some(f.owner.trim().into())),
                Val::Text(f.due_on.map(|d| d.iso())),
                Val::Int(Some(i64::from(f.with_family))),
            ],
        )
        .await
    }

    /// Marks a step done (on a date, with a note) or cancelled, or plans it again.
    pub async fn set_route_step(
        &self,
        r: &Route,
        step_id: i64,
        status: StepStatus,
        on: Option<Date>,
        note: &str,
        actor: &str,
    ) -> Result<()> {
        active(r)?;
        let step = r
            .steps
            .iter()
            .find(|s| s.id == step_id)
            .ok_or_else(|| StoreError::NotFound(format!("шаг {step_id}")))?;
        let done_on = match status {
            StepStatus::Done => Some(on.ok_or_else(|| {
                StoreError::Invalid("дата выполнения: заполните поле (ДД.ММ.ГГГГ)".into())
            })?),
            _ => None,
        };
        let sql = "UPDATE pupil_route_steps SET status = $1, done_on = $2, note = $3 WHERE id = $4 AND route_id = $5";
        let details = format!("{}: {}", step.fields.title, status.title());
        self.route_change(
            r,
            "шаг маршрута отмечен",
            &details,
            actor,
            sql,
            vec![
                Val::Text(Some(status.code().into())),
                Val::Text(done_on.map(|d| d.iso())),
                Val::Text(Some(note.trim().into())),
                Val::Int(Some(step_id)),
                Val::Int(Some(r.id)),
            ],
        )
        .await
    }

    /// Records a review of an active route.
    pub async fn add_route_review(
        &self,
        r: &Route,
        held_on: Date,
        note: &str,
        actor: &str,
    ) -> Result<()> {
        active(r)?;
        let note = non_empty(note, "итоги пересмотра")?;
        let sql = "INSERT INTO pupil_route_reviews (route_id, held_on, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5)";
        self.route_change(
            r,
            "пересмотр маршрута",
            &held_on.ru(),
            actor,
            sql,
            vec![
                Val::Int(Some(r.id)),
                Val::Text(Some(held_on.iso())),
                Val::Text(Some(note)),
                Val::Text(Some(now_text())),
                Val::Text(Some(actor.into())),
            ],
        )
        .await
    }

    /// Writes the career guidance of a graduate's route.
    pub async fn set_route_career(&self, r: &Route, c: &Career, actor: &str) -> Result<()> {
        let sql = "UPDATE pupil_routes SET career_programme = $1, career_choice = $2, career_outcome = $3 WHERE id = $4";
        self.route_change(
            r,
            "профориентация записана",
            c.choice.trim(),
            actor,
            sql,
            vec![
                Val::Text(Some(c.programme.trim().into())),
                Val::Text(Some(c.choice.trim().into())),
                Val::Text(Some(c.outcome.trim().into())),
                Val::Int(Some(r.id)),
            ],
        )
        .await
    }

    /// Closes an active route with its outcome.
    pub async fn close_pupil_route(
        &self,
        r: &Route,
        on: Date,
        outcome: Outcome,
        note: &str,
        actor: &str,
    ) -> Result<()> {
        active(r)?;
        if on < r.started_on {
            return Err(StoreError::Invalid(format!(
                "дата завершения раньше начала маршрута ({}); проверьте дату",
                r.started_on.ru()
            )));
        }
        let sql = "UPDATE pupil_routes SET status = 'closed', closed_on = $1, outcome = $2, outcome_note = $3 WHERE id = $4 AND status = 'active'";
        self.route_change(
            r,
            "индивидуальный маршрут завершён",
            outcome.title(),
            actor,
            sql,
            vec![
                Val::Text(Some(on.iso())),
                Val::Text(Some(outcome.code().into())),
                Val::Text(Some(note.trim().into())),
                Val::Int(Some(r.id)),
            ],
        )
        .await
    }
}
