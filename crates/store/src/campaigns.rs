//! Data-collection campaigns (issue 12), one aggregate: a campaign (its
//! form, period, dates and target schools), each school's answer with its
//! workflow (draft → submitted → returned → accepted → approved), its
//! values with per-value comments, and the history of every change.
//!
//! Rights are the web's business (who may create, fill in, review); this
//! module enforces what holds for everyone: the workflow's order, the lock
//! date, and that a value is written only through the form's checks.

use crate::audit::now_text;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_indicators::campaign::{Form, Status, Step, Value};
use opora_plans::date::Date;
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

/// A campaign to create.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub title: String,
    /// «февраль 2027»: the indicator period its values count for.
    pub period: String,
    /// The owner; `None`: the region.
    pub municipality_id: Option<i64>,
    /// The programme it collects for.
    pub plan_id: Option<i64>,
    /// The form as text.
    pub form: String,
    pub opens_on: Date,
    pub deadline: Date,
    pub locks_on: Date,
    pub region_step: bool,
    pub schools: Vec<i64>,
}

/// A campaign as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub title: String,
    pub period: String,
    pub municipality_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub form_text: String,
    #[serde(skip)]
    pub form: Form,
    pub opens_on: Date,
    pub deadline: Date,
    pub locks_on: Date,
    pub region_step: bool,
    pub created_by: String,
}

/// How many answers came in, and when.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Target schools.
    pub expected: usize,
    /// Sent and not returned.
    pub received: usize,
    /// Sent for the first time by the deadline (and still received).
    pub on_time: usize,
    /// Final (accepted, or approved where the region confirms).
    pub accepted: usize,
}

impl Progress {
    /// Received ÷ expected, per cent.
    pub fn completeness(&self) -> Option<f64> {
        share(self.received, self.expected)
    }
    /// On time ÷ expected, per cent.
    pub fn timeliness(&self) -> Option<f64> {
        share(self.on_time, self.expected)
    }
}

fn share(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| 100.0 * a as f64 / b as f64)
}

/// A stored value of an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredValue {
    /// As understood, written for people («12», «да»).
    pub value: String,
    pub number: Option<f64>,
    /// The reviewer's comment on this value.
    pub comment: String,
}

/// One school's answer to a campaign.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub campaign_id: i64,
    pub school_id: i64,
    pub school: String,
    pub school_code: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub status: Status,
    pub first_submitted_on: Option<Date>,
    /// The reviewer's comment when returned.
    pub comment: String,
    pub reopened: bool,
    pub updated_at: Option<String>,
    pub updated_by: String,
    pub values: BTreeMap<String, StoredValue>,
}

impl Answer {
    /// Sent by the deadline.
    pub fn on_time(&self, deadline: Date) -> bool {
        self.status.is_received() && self.first_submitted_on.is_some_and(|d| d <= deadline)
    }
}

/// A line of an answer's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryLine {
    pub at: String,
    pub actor: String,
    /// Empty for a workflow step.
    pub field_key: String,
    pub value: String,
    pub status: String,
    pub note: String,
}

/// A campaign with the caller's view of its progress.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignSummary {
    pub campaign: Campaign,
    pub progress: Progress,
}

/// A value from an earlier campaign, for the «far from the previous» check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviousValue {
    pub number: f64,
    pub campaign: String,
}

/// The final values of one campaign field, per school (for indicators).
#[derive(Debug, Clone, PartialEq)]
pub struct FinalValue {
    pub school_id: i64,
    pub field_key: String,
    pub value: String,
    pub number: Option<f64>,
}

const CAMPAIGN_COLUMNS: &str = "c.id, c.title, c.period, c.municipality_id, c.plan_id, c.form, c.opens_on, c.deadline, c.locks_on, c.region_step, c.created_by";

fn date(text: &str) -> Result<Date> {
    Date::parse(text).ok_or_else(|| StoreError::Invalid(format!("дата «{text}» в базе повреждена")))
}

macro_rules! campaign_from_row {
    () => {
        |r| -> Result<Campaign> {
            let form_text: String = r.get(5);
            let form = Form::parse(&form_text).map_err(|e| {
                StoreError::Invalid(format!("форма кампании в базе повреждена: {}", e[0]))
            })?;
            Ok(Campaign {
                id: r.get(0),
                title: r.get(1),
                period: r.get(2),
                municipality_id: r.get(3),
                plan_id: r.get(4),
                form_text,
                form,
                opens_on: date(&r.get::<String, _>(6))?,
                deadline: date(&r.get::<String, _>(7))?,
                locks_on: date(&r.get::<String, _>(8))?,
                region_step: r.get::<i64, _>(9) != 0,
                created_by: r.get(10),
            })
        }
    };
}

/// The refusal of a step, as the store's error.
fn refused(e: opora_indicators::campaign::StepError) -> StoreError {
    StoreError::Invalid(e.0)
}

impl Db {
    /// Creates a campaign with its target schools (all or nothing).
    pub async fn create_campaign(&self, c: &NewCampaign, actor: &str) -> Result<i64> {
        let form = Form::parse(&c.form).map_err(|errors| {
            StoreError::Invalid(format!(
                "форма не прочитана: {}",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })?;
        if c.title.trim().is_empty() || c.period.trim().is_empty() {
            return Err(StoreError::Invalid(
                "укажите название кампании и период («февраль 2027»)".into(),
            ));
        }
        if !(c.opens_on <= c.deadline && c.deadline <= c.locks_on) {
            return Err(StoreError::Invalid(format!(
                "даты не по порядку: открытие {} ≤ срок {} ≤ закрытие ввода {}",
                c.opens_on.ru(),
                c.deadline.ru(),
                c.locks_on.ru()
            )));
        }
        if c.schools.is_empty() {
            return Err(StoreError::Invalid(
                "не выбрано ни одной школы: кампании нужен адресат".into(),
            ));
        }
        let at = now_text();
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, t => sqlx::query_scalar(
            "INSERT INTO campaigns (title, period, municipality_id, plan_id, form, opens_on, deadline, locks_on, region_step, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
            .bind(c.title.trim()).bind(c.period.trim()).bind(c.municipality_id).bind(c.plan_id).bind(form.text())
            .bind(c.opens_on.iso()).bind(c.deadline.iso()).bind(c.locks_on.iso()).bind(c.region_step as i64)
            .bind(&at).bind(actor).fetch_one(&mut *t).await)?;
        for school in &c.schools {
            on_tx!(&mut tx, t => sqlx::query("INSERT INTO campaign_schools (campaign_id, school_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id).bind(school).execute(&mut *t).await.map(|_| ()))?;
        }
        tx.commit().await?;
        self.audit_for(
            actor,
            "кампания сбора данных создана",
            &format!("кампания № {id} «{}»", c.title.trim()),
            &format!(
                "период {}, срок {}, школ: {}",
                c.period,
                c.deadline.ru(),
                c.schools.len()
            ),
            c.municipality_id,
        )
        .await?;
        Ok(id)
    }

    pub async fn campaign(&self, id: i64) -> Result<Option<Campaign>> {
        let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns c WHERE c.id = $1");
        on_db!(self, p => sqlx::query(&sql).bind(id).fetch_optional(p).await?.as_ref().map(campaign_from_row!()).transpose())
    }

    /// Campaigns with at least one target school in the scope, newest
    /// first, with the progress of the schools in the scope.
    pub async fn campaigns_in(&self, scope: &Scope) -> Result<Vec<CampaignSummary>> {
        let sql = format!(
            "SELECT {CAMPAIGN_COLUMNS} FROM campaigns c WHERE EXISTS (SELECT 1 FROM campaign_schools cs JOIN schools s ON s.id = cs.school_id \
             WHERE cs.campaign_id = c.id AND {}) ORDER BY c.deadline DESC, c.id DESC",
            scope.schools_sql("s")
        );
        let campaigns: Vec<Campaign> = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?.iter().map(campaign_from_row!()).collect::<Result<_>>())?;
        let mut out = Vec::with_capacity(campaigns.len());
        for campaign in campaigns {
            let answers = self.answers(campaign.id, scope).await?;
            let progress = progress_of(&campaign, answers.iter());
            out.push(CampaignSummary { campaign, progress });
        }
        Ok(out)
    }

    /// The answers of the schools in the scope (every target school has
    /// one, «не начата» until something is typed), by municipality and name.
    pub async fn answers(&self, campaign_id: i64, scope: &Scope) -> Result<Vec<Answer>> {
        self.answer_rows(campaign_id, &scope.schools_sql("s")).await
    }

    /// One school's answer; `None` when the school is not a target.
    pub async fn answer(&self, campaign_id: i64, school_id: i64) -> Result<Option<Answer>> {
        Ok(self
            .answer_rows(campaign_id, &format!("s.id = {school_id}"))
            .await?
            .pop())
    }

    async fn answer_rows(&self, campaign_id: i64, cond: &str) -> Result<Vec<Answer>> {
        let sql = format!(
            "SELECT cs.school_id, s.short_name, s.code, s.municipality_id, m.name, cs.status, cs.first_submitted_on, cs.comment, \
             cs.reopened, cs.updated_at, cs.updated_by FROM campaign_schools cs JOIN schools s ON s.id = cs.school_id \
             JOIN municipalities m ON m.id = s.municipality_id WHERE cs.campaign_id = $1 AND {cond} ORDER BY m.name, s.short_name, s.id"
        );
        let mut answers: Vec<Answer> = on_db!(self, p => sqlx::query(&sql).bind(campaign_id).fetch_all(p).await?.iter().map(|r| -> Result<Answer> {
            let status: String = r.get(5);
            Ok(Answer {
                campaign_id,
                school_id: r.get(0),
                school: r.get(1),
                school_code: r.get(2),
                municipality_id: r.get(3),
                municipality: r.get(4),
                status: Status::from_code(&status).ok_or_else(|| StoreError::Invalid(format!("состояние «{status}» в базе не известно")))?,
                first_submitted_on: r.get::<Option<String>, _>(6).as_deref().map(date).transpose()?,
                comment: r.get(7),
                reopened: r.get::<i64, _>(8) != 0,
                updated_at: r.get(9),
                updated_by: r.get(10),
                values: BTreeMap::new(),
            })
        }).collect::<Result<_>>())?;
        let values_sql = format!(
            "SELECT v.school_id, v.field_key, v.value, v.number, v.comment FROM campaign_values v JOIN schools s ON s.id = v.school_id \
             WHERE v.campaign_id = $1 AND {cond}"
        );
        let rows: Vec<(i64, String, StoredValue)> = on_db!(self, p => sqlx::query(&values_sql).bind(campaign_id).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), StoredValue { value: r.get(2), number: r.get(3), comment: r.get(4) })).collect());
        let mut by_school: BTreeMap<i64, usize> = BTreeMap::new();
        for (k, a) in answers.iter().enumerate() {
            by_school.insert(a.school_id, k);
        }
        for (school, key, value) in rows {
            if let Some(&k) = by_school.get(&school) {
                answers[k].values.insert(key, value);
            }
        }
        Ok(answers)
    }

    /// Progress per municipality (for the ranking), best completeness first.
    pub async fn progress_by_municipality(
        &self,
        campaign: &Campaign,
        scope: &Scope,
    ) -> Result<Vec<(String, Progress)>> {
        let answers = self.answers(campaign.id, scope).await?;
        let mut by: BTreeMap<String, Vec<&Answer>> = BTreeMap::new();
        for a in &answers {
            by.entry(a.municipality.clone()).or_default().push(a);
        }
        let mut out: Vec<(String, Progress)> = by
            .into_iter()
            .map(|(m, list)| (m, progress_of(campaign, list.into_iter())))
            .collect();
        out.sort_by(|a, b| {
            b.1.completeness()
                .partial_cmp(&a.1.completeness())
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(
                    b.1.timeliness()
                        .partial_cmp(&a.1.timeliness())
                        .unwrap_or(std::cmp::Ordering::Equal),
                )
                .then(a.0.cmp(&b.0))
        });
        Ok(out)
    }

    /// Saves (or, with `submit`, sends) a school's values, already checked
    /// against the form by the caller. Refused after the lock date unless
    /// reopened, and once sent. Only changed values enter the history.
    pub async fn save_answer(
        &self,
        campaign: &Campaign,
        school_id: i64,
        values: &BTreeMap<String, Value>,
        submit: bool,
        today: Date,
        actor: &str,
    ) -> Result<Status> {
        let answer = self
            .answer(campaign.id, school_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("школа № {school_id} в кампании")))?;
        let status = next_status(campaign, &answer, submit, today)?;
        let mut tx = self.begin().await?;
        write_answer(
            &mut tx, campaign, &answer, values, status, submit, today, actor,
        )
        .await?;
        tx.commit().await?;
        if submit {
            self.audit_answer(campaign, &answer, "форма кампании отправлена", "", actor)
                .await?;
        }
        Ok(status)
    }

    /// Saves the answers of many schools at once (an Excel sheet filled in
    /// offline): every answer is checked first and all are written in one
    /// transaction, or none. An answer already sent with the same values
    /// is left as it is, so loading the same sheet again changes nothing.
    /// Returns (changed, unchanged).
    pub async fn save_answers(
        &self,
        campaign: &Campaign,
        rows: &[(i64, BTreeMap<String, Value>)],
        submit: bool,
        today: Date,
        actor: &str,
    ) -> Result<(usize, usize)> {
        let mut plan = vec![];
        let mut unchanged = 0;
        for (school_id, values) in rows {
            let answer = self
                .answer(campaign.id, *school_id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("школа № {school_id} в кампании")))?;
            let same = campaign.form.fields.iter().all(|f| {
                values.get(&f.key).map(Value::text).as_deref()
                    == answer.values.get(&f.key).map(|v| v.value.as_str())
            });
            if same && (answer.status.is_received() || (!submit && answer.status == Status::Draft))
            {
                unchanged += 1;
                continue;
            }
            let status = next_status(campaign, &answer, submit, today)
                .map_err(|e| StoreError::Invalid(format!("{}: {e}", answer.school)))?;
            plan.push((answer, values, status));
        }
        let mut tx = self.begin().await?;
        for (answer, values, status) in &plan {
            write_answer(
                &mut tx, campaign, answer, values, *status, submit, today, actor,
            )
            .await?;
        }
        tx.commit().await?;
        if !plan.is_empty() {
            self.audit_for(
                actor,
                "ответы кампании загружены из Excel",
                &format!("кампания № {} «{}»", campaign.id, campaign.title),
                &format!("школ изменено: {}, без изменений: {unchanged}", plan.len()),
                campaign.municipality_id,
            )
            .await?;
        }
        Ok((plan.len(), unchanged))
    }

    /// A reviewer's step: return (with a comment, and comments per value),
    /// accept, or approve (the region).
    pub async fn review_answer(
        &self,
        campaign: &Campaign,
        school_id: i64,
        step: Step,
        comment: &str,
        value_comments: &BTreeMap<String, String>,
        actor: &str,
    ) -> Result<Status> {
        let answer = self
            .answer(campaign.id, school_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("школа № {school_id} в кампании")))?;
        let status = answer
            .status
            .after(step, campaign.region_step)
            .map_err(refused)?;
        let comment = comment.trim();
        if step == Step::Return
            && comment.is_empty()
            && value_comments.values().all(|c| c.trim().is_empty())
        {
            return Err(StoreError::Invalid(
                "напишите, что исправить: комментарий к форме или к значению".into(),
            ));
        }
        let at = now_text();
        let mut tx = self.begin().await?;
        let form_comment = if step == Step::Return { comment } else { "" };
        on_tx!(&mut tx, t => sqlx::query("UPDATE campaign_schools SET status = $1, comment = $2, reopened = 0, updated_at = $3, updated_by = $4 \
            WHERE campaign_id = $5 AND school_id = $6")
            .bind(status.code()).bind(form_comment).bind(&at).bind(actor).bind(campaign.id).bind(school_id).execute(&mut *t).await.map(|_| ()))?;
        if step == Step::Return {
            for field in &campaign.form.fields {
                let c = value_comments
                    .get(&field.key)
                    .map(|c| c.trim())
                    .unwrap_or("");
                on_tx!(&mut tx, t => sqlx::query("UPDATE campaign_values SET comment = $1 WHERE campaign_id = $2 AND school_id = $3 AND field_key = $4")
                    .bind(c).bind(campaign.id).bind(school_id).bind(&field.key).execute(&mut *t).await.map(|_| ()))?;
                if !c.is_empty() {
                    history_in(
                        &mut tx,
                        campaign.id,
                        school_id,
                        &field.key,
                        "",
                        "",
                        c,
                        &at,
                        actor,
                    )
                    .await?;
                }
            }
        }
        history_in(
            &mut tx,
            campaign.id,
            school_id,
            "",
            "",
            status.code(),
            comment,
            &at,
            actor,
        )
        .await?;
        tx.commit().await?;
        let action = match step {
            Step::Return => "форма кампании возвращена на доработку",
            Step::Accept => "форма кампании принята",
            _ => "форма кампании подтверждена регионом",
        };
        self.audit_answer(campaign, &answer, action, comment, actor)
            .await?;
        Ok(status)
    }

    /// Lets one school enter values after the lock date (an administrator's
    /// decision, recorded).
    pub async fn reopen_answer(
        &self,
        campaign: &Campaign,
        school_id: i64,
        actor: &str,
    ) -> Result<()> {
        let answer = self
            .answer(campaign.id, school_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("школа № {school_id} в кампании")))?;
        let at = now_text();
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, t => sqlx::query("UPDATE campaign_schools SET reopened = 1, updated_at = $1, updated_by = $2 WHERE campaign_id = $3 AND school_id = $4")
            .bind(&at).bind(actor).bind(campaign.id).bind(school_id).execute(&mut *t).await.map(|_| ()))?;
        history_in(
            &mut tx,
            campaign.id,
            school_id,
            "",
            "",
            "",
            "ввод открыт после даты закрытия",
            &at,
            actor,
        )
        .await?;
        tx.commit().await?;
        self.audit_answer(campaign, &answer, "ввод в кампании открыт школе", "", actor)
            .await
    }

    /// The history of one school's answer, oldest first.
    pub async fn answer_history(
        &self,
        campaign_id: i64,
        school_id: i64,
    ) -> Result<Vec<HistoryLine>> {
        let sql = "SELECT at, actor, field_key, value, status, note FROM campaign_history WHERE campaign_id = $1 AND school_id = $2 ORDER BY id";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(campaign_id).bind(school_id).fetch_all(p).await?.iter().map(|r| HistoryLine {
            at: r.get(0), actor: r.get(1), field_key: r.get(2), value: r.get(3), status: r.get(4), note: r.get(5),
        }).collect()),
        )
    }

    /// The school's latest final numeric value of each field key in earlier
    /// campaigns (by deadline), for the «far from the previous» check.
    pub async fn previous_values(
        &self,
        campaign: &Campaign,
        school_id: i64,
    ) -> Result<BTreeMap<String, PreviousValue>> {
        let sql = "SELECT v.field_key, v.number, c.title FROM campaign_values v JOIN campaigns c ON c.id = v.campaign_id \
                   JOIN campaign_schools cs ON cs.campaign_id = v.campaign_id AND cs.school_id = v.school_id \
                   WHERE v.school_id = $1 AND v.campaign_id <> $2 AND c.deadline < $3 AND v.number IS NOT NULL \
                   AND cs.status IN ('accepted', 'approved') ORDER BY c.deadline, c.id";
        let rows: Vec<(String, f64, String)> = on_db!(self, p => sqlx::query(sql).bind(school_id).bind(campaign.id).bind(campaign.deadline.iso())
            .fetch_all(p).await?.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect());
        // Later rows overwrite earlier ones: the latest campaign wins.
        Ok(rows
            .into_iter()
            .map(|(k, number, campaign)| (k, PreviousValue { number, campaign }))
            .collect())
    }

    /// Final values of the campaigns of a programme and period, for its
    /// indicators: (campaign, values).
    pub async fn final_values(
        &self,
        plan_id: i64,
        period: &str,
    ) -> Result<Vec<(Campaign, Vec<FinalValue>)>> {
        let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns c WHERE c.plan_id = $1 AND c.period = $2 ORDER BY c.id");
        let campaigns: Vec<Campaign> = on_db!(self, p => sqlx::query(&sql).bind(plan_id).bind(period).fetch_all(p).await?
            .iter().map(campaign_from_row!()).collect::<Result<_>>())?;
        let mut out = vec![];
        for c in campaigns {
            let values = self.final_values_of(&c).await?;
            out.push((c, values));
        }
        Ok(out)
    }

    /// The final values of one campaign (accepted, or approved where the
    /// region confirms).
    pub async fn final_values_of(&self, c: &Campaign) -> Result<Vec<FinalValue>> {
        let statuses = if c.region_step {
            "('approved')"
        } else {
            "('accepted', 'approved')"
        };
        let sql = format!(
            "SELECT v.school_id, v.field_key, v.value, v.number FROM campaign_values v JOIN campaign_schools cs \
             ON cs.campaign_id = v.campaign_id AND cs.school_id = v.school_id WHERE v.campaign_id = $1 AND cs.status IN {statuses} \
             ORDER BY v.school_id, v.field_key"
        );
        Ok(
            on_db!(self, p => sqlx::query(&sql).bind(c.id).fetch_all(p).await?.iter().map(|r| FinalValue {
            school_id: r.get(0), field_key: r.get(1), value: r.get(2), number: r.get(3),
        }).collect()),
        )
    }

    async fn audit_answer(
        &self,
        campaign: &Campaign,
        answer: &Answer,
        action: &str,
        details: &str,
        actor: &str,
    ) -> Result<()> {
        self.audit_for(
            actor,
            action,
            &format!(
                "кампания № {} «{}», школа {}",
                campaign.id, campaign.title, answer.school
            ),
            details,
            Some(answer.municipality_id),
        )
        .await
    }
}

/// The status a save or a submission leads to, or why it is refused
/// (before the opening, after the lock unless reopened, once sent).
fn next_status(campaign: &Campaign, answer: &Answer, submit: bool, today: Date) -> Result<Status> {
    if today < campaign.opens_on {
        return Err(StoreError::Invalid(format!(
            "ввод откроется {}",
            campaign.opens_on.ru()
        )));
    }
    if today > campaign.locks_on && !answer.reopened {
        return Err(StoreError::Invalid(format!(
            "ввод закрыт {}: попросите администратора кампании открыть его вашей школе",
            campaign.locks_on.ru()
        )));
    }
    let step = if submit { Step::Submit } else { Step::Save };
    answer
        .status
        .after(step, campaign.region_step)
        .map_err(refused)
}

/// Writes one answer's changed values (each with a line of history) and its
/// new status, inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
async fn write_answer(
    tx: &mut crate::db::Tx,
    campaign: &Campaign,
    answer: &Answer,
    values: &BTreeMap<String, Value>,
    status: Status,
    submit: bool,
    today: Date,
    actor: &str,
) -> Result<()> {
    let at = now_text();
    let school_id = answer.school_id;
    for field in &campaign.form.fields {
        let new = values.get(&field.key);
        let old = answer.values.get(&field.key);
        let new_text = new.map(Value::text);
        if new_text.as_deref() == old.map(|o| o.value.as_str()) {
            continue;
        }
        match new {
            Some(v) => {
                on_tx!(&mut *tx, t => sqlx::query("INSERT INTO campaign_values (campaign_id, school_id, field_key, value, number, updated_at, updated_by) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (campaign_id, school_id, field_key) DO UPDATE SET value = excluded.value, \
                    number = excluded.number, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
                    .bind(campaign.id).bind(school_id).bind(&field.key).bind(v.text()).bind(v.number()).bind(&at).bind(actor)
                    .execute(&mut *t).await.map(|_| ()))?;
            }
            None => {
                on_tx!(&mut *tx, t => sqlx::query("DELETE FROM campaign_values WHERE campaign_id = $1 AND school_id = $2 AND field_key = $3")
                    .bind(campaign.id).bind(school_id).bind(&field.key).execute(&mut *t).await.map(|_| ()))?;
            }
        }
        history_in(
            tx,
            campaign.id,
            school_id,
            &field.key,
            &new_text.unwrap_or_default(),
            "",
            "",
            &at,
            actor,
        )
        .await?;
    }
    let first = if submit && answer.first_submitted_on.is_none() {
        Some(today.iso())
    } else {
        answer.first_submitted_on.map(|d| d.iso())
    };
    on_tx!(&mut *tx, t => sqlx::query("UPDATE campaign_schools SET status = $1, first_submitted_on = $2, updated_at = $3, updated_by = $4 \
        WHERE campaign_id = $5 AND school_id = $6")
        .bind(status.code()).bind(first).bind(&at).bind(actor).bind(campaign.id).bind(school_id).execute(&mut *t).await.map(|_| ()))?;
    if status != answer.status {
        history_in(
            tx,
            campaign.id,
            school_id,
            "",
            "",
            status.code(),
            "",
            &at,
            actor,
        )
        .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn history_in(
    tx: &mut crate::db::Tx,
    campaign_id: i64,
    school_id: i64,
    field_key: &str,
    value: &str,
    status: &str,
    note: &str,
    at: &str,
    actor: &str,
) -> Result<()> {
    on_tx!(tx, t => sqlx::query("INSERT INTO campaign_history (campaign_id, school_id, field_key, value, status, note, at, actor) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(campaign_id).bind(school_id).bind(field_key).bind(value).bind(status).bind(note).bind(at).bind(actor)
        .execute(&mut *t).await.map(|_| ()))?;
    Ok(())
}

/// The progress of `answers` (the schools a caller sees) in `campaign`.
pub fn progress_of<'a>(campaign: &Campaign, answers: impl Iterator<Item = &'a Answer>) -> Progress {
    let mut p = Progress::default();
    for a in answers {
        p.expected += 1;
        if a.status.is_received() {
            p.received += 1;
        }
        if a.on_time(campaign.deadline) {
            p.on_time += 1;
        }
        if a.status.is_final(campaign.region_step) {
            p.accepted += 1;
        }
    }
    p
}

impl Db {
    /// The schools in the scope on the lists in force — the run the latest
    /// order approved, or the latest run before any order — as ШНОР or
    /// ШНСУ (a campaign's or an event's usual target).
    pub async fn supported_schools_in(&self, scope: &Scope) -> Result<Vec<i64>> {
        let Some(run) = self.supported_run_id().await? else {
            return Ok(vec![]);
        };
        self.ensure_runs_indexed().await?;
        let sql = format!(
            "SELECT s.id FROM run_schools rs JOIN schools s ON s.code = rs.school_code \
             WHERE rs.run_id = $1 AND (rs.is_shnor = 1 OR rs.is_shnsu = 1) AND {} ORDER BY s.id",
            scope.schools_sql("s")
        );
        Ok(on_db!(self, p => sqlx::query_scalar(&sql).bind(run).fetch_all(p).await)?)
    }
}

impl Db {
    /// Tells the administrators of every school that has not sent an open
    /// campaign's form that its deadline is within three days (once per
    /// campaign and school). Returns how many notifications were written.
    pub async fn notify_campaign_deadlines(&self, today: Date) -> Result<usize> {
        use crate::notifications::{Notice, NoticeKind};
        use crate::users::Role;
        let mut written = 0;
        for s in self.campaigns_in(&Scope::Region).await? {
            let c = &s.campaign;
            let left = c.deadline.days() - today.days();
            if today < c.opens_on || !(0..=3).contains(&left) {
                continue;
            }
            for a in self.answers(c.id, &Scope::Region).await? {
                if a.status.is_received() {
                    continue;
                }
                let users = self
                    .recipients(&Scope::School(a.school_id), &[Role::SchoolAdmin])
                    .await?;
                let notice = Notice {
                    kind: NoticeKind::Deadline,
                    title: format!("Срок формы «{}» — {}", c.title, c.deadline.ru()),
                    body: format!(
                        "Форма школы {} ещё не отправлена: {}.",
                        a.school,
                        a.status.title()
                    ),
                    link: format!("/campaigns/{}/schools/{}", c.id, a.school_id),
                    dedup: Some(format!("campaign:{}:deadline:{}", c.id, a.school_id)),
                };
                written += self.notify(&users, &notice).await?;
            }
        }
        Ok(written)
    }
}
