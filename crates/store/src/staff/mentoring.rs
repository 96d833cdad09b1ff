//! Mentoring pairs and their meetings. A pair is seen by everyone whose
//! scope holds the mentor's or the mentee's school (a pair across two
//! municipalities is seen from both); lists and cards are audited reads,
//! changes are audited.

use super::audit_object;
use super::teachers::{stored_date, Teacher, TeacherFilter};
use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::date::Date;
use opora_staff::mentoring::{suggest, Candidate, MentoringForm, PairStatus};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// One side of a pair.
#[derive(Debug, Clone, PartialEq)]
pub struct PairPerson {
    pub teacher_id: i64,
    pub name: String,
    pub school_id: i64,
    pub school: String,
    pub school_code: String,
    pub municipality_id: i64,
    pub user_id: Option<i64>,
}

/// What people write about a pair.
#[derive(Debug, Clone, PartialEq)]
pub struct PairFields {
    pub form: MentoringForm,
    pub goals: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub order_ref: String,
}

#[derive(Debug, Clone)]
pub struct Pair {
    pub id: i64,
    pub mentor: PairPerson,
    pub mentee: PairPerson,
    pub fields: PairFields,
    pub status: PairStatus,
    pub closed_on: Option<Date>,
    pub created_by: String,
    pub meetings: i64,
    pub last_meeting: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: i64,
    pub held_on: Date,
    pub topic: String,
    pub notes: String,
    pub created_by: String,
}

const PAIR_SQL: &str = "SELECT p.id, p.form, p.goals, p.starts_on, p.ends_on, p.order_ref, p.status, p.closed_on, p.created_by, \
     m.id, m.full_name, ms.id, ms.short_name, ms.code, ms.municipality_id, m.user_id, \
     e.id, e.full_name, es.id, es.short_name, es.code, es.municipality_id, e.user_id, \
     (SELECT COUNT(*) FROM mentoring_meetings x WHERE x.pair_id = p.id), \
     (SELECT MAX(x.held_on) FROM mentoring_meetings x WHERE x.pair_id = p.id) \
     FROM mentoring_pairs p JOIN teachers m ON m.id = p.mentor_id JOIN schools ms ON ms.id = m.school_id \
     JOIN teachers e ON e.id = p.mentee_id JOIN schools es ON es.id = e.school_id";

macro_rules! pair_from_row {
    ($r:expr) => {{
        let r = $r;
        let form: String = r.get(1);
        let status: String = r.get(6);
        let person = |i: usize| PairPerson {
            teacher_id: r.get(i),
            name: r.get(i + 1),
            school_id: r.get(i + 2),
            school: r.get(i + 3),
            school_code: r.get(i + 4),
            municipality_id: r.get(i + 5),
            user_id: r.get(i + 6),
        };
        Pair {
            id: r.get(0),
            fields: PairFields {
                form: MentoringForm::from_code(&form)
                    .ok_or_else(|| StoreError::stored("форма наставничества", &form))?,
                goals: r.get(2),
                starts_on: stored_date(&r.get::<String, _>(3))?,
                ends_on: r.get::<Option<String>, _>(4).as_deref().map(stored_date).transpose()?,
                order_ref: r.get(5),
            },
            status: PairStatus::from_code(&status)
                .ok_or_else(|| StoreError::stored("состояние пары", &status))?,
            closed_on: r.get::<Option<String>, _>(7).as_deref().map(stored_date).transpose()?,
            created_by: r.get(8),
            mentor: person(9),
            mentee: person(16),
            meetings: r.get(23),
            last_meeting: r.get::<Option<String>, _>(24).as_deref().map(stored_date).transpose()?,
        }
    }};
}

impl Db {
    async fn pairs_where(
        &self,
        scope: &Scope,
        condition: &str,
        id: Option<i64>,
    ) -> Result<Vec<Pair>> {
        let sql = format!(
            "{PAIR_SQL} WHERE ({} OR {}) AND {condition} {} ORDER BY p.status, p.starts_on DESC, p.id DESC",
            scope.schools_sql("ms"),
            scope.schools_sql("es"),
            if id.is_some() { "AND p.id = $1" } else { "" }
        );
        Ok(on_db!(self, p => {
            let mut q = sqlx::query(&sql);
            if let Some(id) = id {
                q = q.bind(id);
            }
            let rows = q.fetch_all(p).await?;
            rows.iter().map(|r| Ok(pair_from_row!(r))).collect::<Result<Vec<_>>>()?
        }))
    }

    /// The pairs in `scope` (of one teacher, as mentor or mentee, when
    /// given), active first; the read is audited.
    pub async fn mentoring_pairs(
        &self,
        scope: &Scope,
        teacher: Option<i64>,
        actor: &str,
    ) -> Result<Vec<Pair>> {
        // A number from the caller's own checked record.
        let condition = match teacher {
            Some(t) => format!("(p.mentor_id = {t} OR p.mentee_id = {t})"),
            None => "1 = 1".into(),
        };
        let list = self.pairs_where(scope, &condition, None).await?;
        self.audit_for(
            actor,
            "просмотр: наставнические пары",
            &teacher.map_or_else(
                || "все пары области доступа".into(),
                |t| format!("педагог {t}"),
            ),
            &format!("пар: {}", list.len()),
            scope.municipality(),
        )
        .await?;
        Ok(list)
    }

    /// One pair in `scope`, unaudited (the check before a change or a
    /// card read, which audits itself).
    pub async fn mentoring_pair(&self, scope: &Scope, id: i64) -> Result<Option<Pair>> {
        Ok(self.pairs_where(scope, "1 = 1", Some(id)).await?.pop())
    }

    /// A pair's meetings, latest first; the read is audited.
    pub async fn mentoring_meetings(&self, pair: &Pair, actor: &str) -> Result<Vec<Meeting>> {
        let sql = "SELECT id, held_on, topic, notes, created_by FROM mentoring_meetings WHERE pair_id = $1 ORDER BY held_on DESC, id DESC";
        let rows: Vec<(i64, String, String, String, String)> =
            on_db!(self, p => sqlx::query_as(sql).bind(pair.id).fetch_all(p).await?);
        self.audit_for(
            actor,
            "просмотр: наставническая пара",
            &format!("пара {}", pair.id),
            "",
            Some(pair.mentee.municipality_id),
        )
        .await?;
        rows.into_iter()
            .map(|(id, on, topic, notes, by)| {
                Ok(Meeting {
                    id,
                    held_on: stored_date(&on)?,
                    topic,
                    notes,
                    created_by: by,
                })
            })
            .collect()
    }

    /// Appoints `mentor_id` to `mentee_id` (both teachers of `scope`).
    pub async fn create_mentoring_pair(
        &self,
        scope: &Scope,
        mentee_id: i64,
        mentor_id: i64,
        fields: &PairFields,
        actor: &str,
    ) -> Result<i64> {
        let mentee = self
            .teacher(scope, mentee_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("педагог {mentee_id}")))?;
        let mentor = self
            .teacher(scope, mentor_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("педагог {mentor_id}")))?;
        if mentee.id == mentor.id {
            return Err(StoreError::Invalid(
                "наставник и наставляемый — один человек; выберите другого наставника".into(),
            ));
        }
        if fields.ends_on.is_some_and(|e| e < fields.starts_on) {
            return Err(StoreError::Invalid(
                "дата окончания раньше даты начала; проверьте период".into(),
            ));
        }
        let active = "SELECT COUNT(*) FROM mentoring_pairs WHERE mentor_id = $1 AND mentee_id = $2 AND status = 'active'";
        let n: i64 = on_db!(self, p => sqlx::query_scalar(active).bind(mentor.id).bind(mentee.id).fetch_one(p).await?);
        if n > 0 {
            return Err(StoreError::Conflict(format!(
                "{} уже наставник педагога {}: пара действует",
                mentor.fields.full_name, mentee.fields.full_name
            )));
        }
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO mentoring_pairs (mentor_id, mentee_id, form, goals, starts_on, ends_on, order_ref, created_at, created_by) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(mentor.id).bind(mentee.id).bind(fields.form.code()).bind(&fields.goals)
            .bind(fields.starts_on.iso()).bind(fields.ends_on.map(|d| d.iso())).bind(&fields.order_ref)
            .bind(now_text()).bind(actor).fetch_one(&mut *c).await?);
        audit_for_in(
            &mut tx,
            actor,
            "наставник назначен",
            &audit_object(mentee.id, &mentee.fields.full_name),
            &format!(
                "пара {id}; наставник: {}",
                audit_object(mentor.id, &mentor.fields.full_name)
            ),
            Some(mentee.municipality_id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds a meeting to an active pair (the caller has checked its rights).
    pub async fn add_mentoring_meeting(
        &self,
        pair: &Pair,
        held_on: Date,
        topic: &str,
        notes: &str,
        actor: &str,
    ) -> Result<i64> {
        if pair.status != PairStatus::Active {
            return Err(StoreError::Invalid(
                "пара завершена: встречи добавляются только в действующую пару".into(),
            ));
        }
        if topic.trim().is_empty() {
            return Err(StoreError::Invalid("укажите тему встречи".into()));
        }
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO mentoring_meetings (pair_id, held_on, topic, notes, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(pair.id).bind(held_on.iso()).bind(topic.trim()).bind(notes.trim()).bind(now_text()).bind(actor)
            .fetch_one(&mut *c).await?);
        audit_for_in(
            &mut tx,
            actor,
            "встреча наставника",
            &format!("пара {}", pair.id),
            &format!("{}: {}", held_on.ru(), topic.trim()),
            Some(pair.mentee.municipality_id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Closes an active pair on `on`.
    pub async fn close_mentoring_pair(&self, pair: &Pair, on: Date, actor: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        // Only an active pair closes: two people closing at once close it once.
        let sql = "UPDATE mentoring_pairs SET status = 'closed', closed_on = $1 WHERE id = $2 AND status = 'active'";
        let changed = on_tx!(&mut tx, c => sqlx::query(sql).bind(on.iso()).bind(pair.id).execute(&mut *c).await?.rows_affected());
        if changed == 0 {
            return Err(StoreError::Conflict("пара уже завершена".into()));
        }
        audit_for_in(
            &mut tx,
            actor,
            "наставническая пара завершена",
            &format!("пара {}", pair.id),
            &on.ru(),
            Some(pair.mentee.municipality_id),
        )
        .await?;
        tx.commit().await
    }

    /// Suggested mentors for `mentee` among the teachers of `scope`: see
    /// `opora_staff::mentoring` for the rule. The read is audited.
    pub async fn mentor_suggestions(
        &self,
        scope: &Scope,
        mentee: &Teacher,
        k: usize,
        actor: &str,
    ) -> Result<Vec<(Teacher, Candidate)>> {
        let pool = self
            .teachers_unaudited(scope, &TeacherFilter::default())
            .await?;
        let leaders = self.leader_school_ids().await?;
        let sql = "SELECT mentor_id, COUNT(*) FROM mentoring_pairs WHERE status = 'active' GROUP BY mentor_id";
        let busy: HashMap<i64, i64> =
            on_db!(self, p => sqlx::query_as::<_, (i64, i64)>(sql).fetch_all(p).await?)
                .into_iter()
                .collect();
        let candidates: Vec<Candidate> = pool
            .iter()
            .filter(|t| t.id != mentee.id)
            .map(|t| Candidate {
                teacher_id: t.id,
                subjects: t.fields.subjects.clone(),
                category: t.fields.category,
                experience_years: t.fields.experience_years,
                leader_school: leaders.contains(&t.school_id),
                same_school: t.school_id == mentee.school_id,
                same_municipality: t.municipality_id == mentee.municipality_id,
                mentees: busy.get(&t.id).copied().unwrap_or(0) as usize,
            })
            .collect();
        let ranked = suggest(&mentee.fields.subjects, candidates, k);
        let by_id: HashMap<i64, &Teacher> = pool.iter().map(|t| (t.id, t)).collect();
        self.audit_for(
            actor,
            "просмотр: подбор наставника",
            &audit_object(mentee.id, &mentee.fields.full_name),
            &format!("предложено: {}", ranked.len()),
            Some(mentee.municipality_id),
        )
        .await?;
        Ok(ranked
            .into_iter()
            .map(|c| ((*by_id[&c.teacher_id]).clone(), c))
            .collect())
    }

    /// The schools that are leaders in the latest run (none without a run).
    async fn leader_school_ids(&self) -> Result<HashSet<i64>> {
        let (Some(run), _) = self.latest_run_ids().await? else {
            return Ok(HashSet::new());
        };
        let codes: HashSet<String> = self
            .run_lines_in(&Scope::Region, run)
            .await?
            .into_iter()
            .filter(crate::leaders::is_candidate)
            .map(|l| l.school_code)
            .collect();
        Ok(self
            .school_ids()
            .await?
            .into_iter()
            .filter(|(code, _)| codes.contains(code))
            .map(|(_, id)| id)
            .collect())
    }
}
