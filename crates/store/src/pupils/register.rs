//! The register of pupils with low results: built from the results in
//! Opora (a pupil with a failing result, or below the school's threshold,
//! in the chosen year), added and edited by hand, left. One row per pupil
//! and school (by the pseudonymous key); building again changes nothing.

use super::{audit_object, pupils_sql};
use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::staff::teachers::stored_date;
use crate::{Db, Result, StoreError};
use opora_plans::date::Date;
use opora_pupils::dynamics::Standing;
use opora_pupils::model::{
    causes_from_codes, causes_to_codes, Cause, EducationLevel, LeaveReason, Origin, RegisterStatus,
    Tier,
};
use opora_pupils::warning::{Thresholds, WarningLevel};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// A pupil on the register, with the latest warning and the active route.
#[derive(Debug, Clone)]
pub struct Pupil {
    pub id: i64,
    pub school_id: i64,
    pub school_code: String,
    pub school: String,
    pub municipality_id: i64,
    pub student_key: String,
    pub fields: PupilFields,
    /// The academic year `fields.grade` is of.
    pub grade_year: i64,
    pub origin: Origin,
    pub source_year: Option<i64>,
    pub entered_on: Date,
    pub status: RegisterStatus,
    pub left_on: Option<Date>,
    pub leave_reason: Option<LeaveReason>,
    /// The latest computed warning: level, period code, triggers (JSON).
    pub warning: Option<(WarningLevel, String, String)>,
    pub route: Option<ActiveRoute>,
    /// The name, sealed (`opora_pupils::names`), if the school keeps one.
    pub name_sealed: Option<String>,
}

/// What the school writes about a pupil.
#[derive(Debug, Clone, PartialEq)]
pub struct PupilFields {
    pub class_name: String,
    pub grade: i64,
    /// Subjects at risk.
    pub subjects: Vec<String>,
    pub causes: Vec<Cause>,
    pub note: String,
}

/// A pupil's active route, as lists need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveRoute {
    pub id: i64,
    pub tier: Tier,
    pub started_on: Date,
    pub review_weeks: u32,
    pub last_review: Option<Date>,
}

impl ActiveRoute {
    pub fn next_review(&self) -> Date {
        opora_pupils::route::next_review(self.started_on, self.last_review, self.review_weeks)
    }
}

impl Pupil {
    /// The grade in the academic year of `today` (the stored grade moves on
    /// by a year each September).
    pub fn grade_on(&self, today: Date) -> i64 {
        self.fields.grade + (i64::from(today.academic_year()) - self.grade_year)
    }

    pub fn level_on(&self, today: Date) -> Option<EducationLevel> {
        EducationLevel::of_grade(self.grade_on(today))
    }
}

const PUPIL_SQL: &str = "SELECT p.id, p.school_id, s.code, s.short_name, s.municipality_id, p.student_key, \
     p.class_name, p.grade, p.grade_year, p.subjects, p.causes, p.origin, p.source_year, p.entered_on, p.status, \
     p.left_on, p.leave_reason, p.note, w.level, w.period, w.triggers, \
     r.id, r.tier, r.started_on, r.review_weeks, \
     (SELECT MAX(v.held_on) FROM pupil_route_reviews v WHERE v.route_id = r.id), p.name_sealed \
     FROM pupils p JOIN schools s ON s.id = p.school_id \
     LEFT JOIN pupil_warnings w ON w.pupil_id = p.id \
       AND w.period = (SELECT MAX(x.period) FROM pupil_warnings x WHERE x.pupil_id = p.id) \
     LEFT JOIN pupil_routes r ON r.pupil_id = p.id AND r.status = 'active'";

fn split_subjects(text: &str) -> Vec<String> {
    text.split("; ")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn stored<T>(what: &str, code: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
    parse(code).ok_or_else(|| StoreError::stored(what, code))
}

macro_rules! pupil_from_row {
    ($r:expr) => {{
        let r = $r;
        let origin: String = r.get(11);
        let status: String = r.get(14);
        let warning = match (
            r.get::<Option<String>, _>(18),
            r.get::<Option<String>, _>(19),
            r.get::<Option<String>, _>(20),
        ) {
            (Some(level), Some(period), Some(triggers)) => Some((
                stored("уровень сигнала", &level, WarningLevel::from_code)?,
                period,
                triggers,
            )),
            _ => None,
        };
        let route = match r.get::<Option<i64>, _>(21) {
            Some(id) => {
                let tier: String = r.get(22);
                Some(ActiveRoute {
                    id,
                    tier: stored("уровень поддержки", &tier, Tier::from_code)?,
                    started_on: stored_date(&r.get::<String, _>(23))?,
                    review_weeks: u32::try_from(r.get::<i64, _>(24)).unwrap_or(6),
                    last_review: r
                        .get::<Option<String>, _>(25)
                        .as_deref()
                        .map(stored_date)
                        .transpose()?,
                })
            }
            None => None,
        };
        Ok(Pupil {
            id: r.get(0),
            school_id: r.get(1),
            school_code: r.get(2),
            school: r.get(3),
            municipality_id: r.get(4),
            student_key: r.get(5),
            fields: PupilFields {
                class_name: r.get(6),
                grade: r.get(7),
                subjects: split_subjects(&r.get::<String, _>(9)),
                causes: causes_from_codes(&r.get::<String, _>(10)),
                note: r.get(17),
            },
            grade_year: r.get(8),
            origin: stored("источник", &origin, Origin::from_code)?,
            source_year: r.get(12),
            entered_on: stored_date(&r.get::<String, _>(13))?,
            status: stored("состояние учёта", &status, RegisterStatus::from_code)?,
            left_on: r
                .get::<Option<String>, _>(15)
                .as_deref()
                .map(stored_date)
                .transpose()?,
            leave_reason: r
                .get::<Option<String>, _>(16)
                .map(|c| stored("причина снятия", &c, LeaveReason::from_code))
                .transpose()?,
            warning,
            route,
            name_sealed: r.get(26),
        })
    }};
}

/// What building the register from results did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildReport {
    pub year: i64,
    /// Pupils with results of the year that were read.
    pub pupils_read: u64,
    pub added: u64,
    /// Pupils already on the register whose subjects at risk grew.
    pub updated: u64,
    pub unchanged: u64,
    /// Pupils who have finished school since (grade above 11 today).
    pub graduated: u64,
    /// Pupils who left the register earlier: left alone.
    pub left_alone: u64,
}

/// A pupil's results of one year, judged: failing and low subjects.
#[derive(Debug, Clone, Default)]
pub(crate) struct Judged {
    pub grade: i64,
    pub failing: BTreeSet<String>,
    pub low: BTreeSet<String>,
}

impl Judged {
    pub fn subjects(&self) -> Vec<String> {
        self.failing.union(&self.low).cloned().collect()
    }
}

impl Db {
    /// The pupils of `scope` (only a school's or a curator's scope finds
    /// any), active first, by school, class and key; the read is audited.
    pub async fn pupils(&self, scope: &Scope, actor: &str) -> Result<Vec<Pupil>> {
        let list = self.pupils_where(scope, "1 = 1", None).await?;
        let schools: BTreeSet<&str> = list.iter().map(|p| p.school_code.as_str()).collect();
        self.audit_for(
            actor,
            "просмотр: реестр обучающихся с НОР",
            &format!(
                "школы: {}",
                schools.into_iter().collect::<Vec<_>>().join(", ")
            ),
            &format!("обучающихся: {}", list.len()),
            scope.municipality(),
        )
        .await?;
        Ok(list)
    }

    /// One pupil of `scope`, unaudited (the check before a change; the card
    /// audits its own read with [`Db::audit_pupil_read`]).
    pub async fn pupil(&self, scope: &Scope, id: i64) -> Result<Option<Pupil>> {
        Ok(self.pupils_where(scope, "1 = 1", Some(id)).await?.pop())
    }

    /// Records that `actor` read a pupil's record.
    pub async fn audit_pupil_read(&self, p: &Pupil, actor: &str) -> Result<()> {
        self.audit_for(
            actor,
            "просмотр: обучающийся",
            &audit_object(&p.student_key, &p.school_code),
            "",
            Some(p.municipality_id),
        )
        .await
    }

    pub(crate) async fn pupils_where(
        &self,
        scope: &Scope,
        condition: &str,
        id: Option<i64>,
    ) -> Result<Vec<Pupil>> {
        let condition = format!("{} AND {condition}", pupils_sql(scope));
        self.pupils_matching(&condition, id).await
    }

    /// Pupils under an SQL condition on `p` and `s`, without the pupils'
    /// scope: only for counting ([`Db::pupil_summary`]) and for the
    /// functions above.
    pub(crate) async fn pupils_matching(
        &self,
        condition: &str,
        id: Option<i64>,
    ) -> Result<Vec<Pupil>> {
        let sql = format!(
            "{PUPIL_SQL} WHERE {condition} {} ORDER BY p.status, s.short_name, p.grade DESC, p.class_name, p.student_key",
            if id.is_some() { "AND p.id = $1" } else { "" }
        );
        on_db!(self, p => {
            let mut q = sqlx::query(&sql);
            if let Some(id) = id {
                q = q.bind(id);
            }
            q.fetch_all(p).await?.iter().map(|r| pupil_from_row!(r)).collect()
        })
    }

    /// The school's thresholds (the defaults until it sets its own).
    pub async fn pupil_thresholds(&self, school_id: i64) -> Result<Thresholds> {
        let sql = "SELECT low_result_pct, chronic_absence_pct, review_weeks FROM pupil_thresholds WHERE school_id = $1";
        let row: Option<(f64, f64, i64)> =
            on_db!(self, p => sqlx::query_as(sql).bind(school_id).fetch_optional(p).await?);
        Ok(match row {
            Some((low, absence, weeks)) => Thresholds {
                low_result_pct: low,
                chronic_absence_pct: absence,
                review_weeks: u32::try_from(weeks).unwrap_or(6),
            },
            None => Thresholds::default(),
        })
    }

    /// Sets a school's thresholds (a school of the pupils' scope).
    pub async fn set_pupil_thresholds(
        &self,
        scope: &Scope,
        school_id: i64,
        t: &Thresholds,
        actor: &str,
    ) -> Result<()> {
        t.check().map_err(StoreError::Invalid)?;
        let school = self.pupils_school(scope, school_id).await?;
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO pupil_thresholds (school_id, low_result_pct, chronic_absence_pct, review_weeks, updated_at, updated_by) \
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (school_id) DO UPDATE SET low_result_pct = EXCLUDED.low_result_pct, \
                   chronic_absence_pct = EXCLUDED.chronic_absence_pct, review_weeks = EXCLUDED.review_weeks, \
                   updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by";
        on_tx!(&mut tx, c => sqlx::query(sql).bind(school_id).bind(t.low_result_pct).bind(t.chronic_absence_pct)
            .bind(i64::from(t.review_weeks)).bind(now_text()).bind(actor).execute(&mut *c).await?.rows_affected());
        audit_for_in(
            &mut tx,
            actor,
            "пороги раннего предупреждения",
            &format!("школа {}", school.1),
            &format!(
                "низкий результат: < {} %; хронические пропуски: > {} %; пересмотр маршрута: {} нед.",
                t.low_result_pct, t.chronic_absence_pct, t.review_weeks
            ),
            Some(school.2),
        )
        .await?;
        tx.commit().await
    }

    /// (id, code, municipality) of a school whose pupils the caller sees.
    pub(crate) async fn pupils_school(
        &self,
        scope: &Scope,
        school_id: i64,
    ) -> Result<(i64, String, i64)> {
        let sql = format!(
            "SELECT s.id, s.code, s.municipality_id FROM schools s WHERE s.id = $1 AND {}",
            pupils_sql(scope)
        );
        let row: Option<(i64, String, i64)> =
            on_db!(self, p => sqlx::query_as(&sql).bind(school_id).fetch_optional(p).await?);
        row.ok_or_else(|| StoreError::NotFound(format!("школа {school_id}")))
    }

    /// Years with pupils' results at a school, newest first.
    pub async fn pupil_result_years(&self, school_id: i64) -> Result<Vec<i64>> {
        let sql = "SELECT DISTINCT a.year FROM assessment_stats st JOIN assessments a ON a.id = st.assessment_id \
                   WHERE st.school_id = $1 AND EXISTS (SELECT 1 FROM pupil_results r WHERE r.assessment_id = st.assessment_id \
                   AND r.school_id = st.school_id AND r.generation = st.generation) ORDER BY a.year DESC";
        Ok(on_db!(self, p => sqlx::query_scalar(sql).bind(school_id).fetch_all(p).await?))
    }

    /// Each pupil's results of `year` at a school, judged against the
    /// school's thresholds.
    pub(crate) async fn judged_results(
        &self,
        school_id: i64,
        year: i64,
        t: &Thresholds,
    ) -> Result<BTreeMap<String, Judged>> {
        let sql = "SELECT r.student_key, a.subject, a.grade, r.score, COALESCE(r.max_score, sc.max_score), r.mark, sc.min_3 \
                   FROM assessment_stats st JOIN assessments a ON a.id = st.assessment_id \
                   JOIN pupil_results r ON r.assessment_id = st.assessment_id AND r.school_id = st.school_id AND r.generation = st.generation \
                   LEFT JOIN scales sc ON sc.assessment_id = a.id \
                   WHERE st.school_id = $1 AND a.year = $2";
        type ResultRow = (
            String,
            String,
            i64,
            f64,
            Option<f64>,
            Option<i64>,
            Option<f64>,
        );
        let rows: Vec<ResultRow> =
            on_db!(self, p => sqlx::query_as(sql).bind(school_id).bind(year).fetch_all(p).await?);
        let mut out: BTreeMap<String, Judged> = BTreeMap::new();
        for (key, subject, grade, score, max, mark, min_3) in rows {
            let s = Standing::of(mark, score, max, min_3);
            let j = out.entry(key).or_default();
            j.grade = j.grade.max(grade);
            if s.is_failing() {
                j.failing.insert(subject);
            } else if s.is_below(t.low_result_pct) {
                j.low.insert(subject);
            }
        }
        Ok(out)
    }

    /// Builds a school's register from its pupils' results of `year`: every
    /// pupil with a failing or low result joins it (or has the subjects
    /// added); pupils who have finished school since, and pupils who left
    /// the register, are left out. In one transaction; building again
    /// changes nothing.
    pub async fn build_pupil_register(
        &self,
        scope: &Scope,
        school_id: i64,
        year: i64,
        today: Date,
        actor: &str,
    ) -> Result<BuildReport> {
        let school = self.pupils_school(scope, school_id).await?;
        let t = self.pupil_thresholds(school_id).await?;
        let judged = self.judged_results(school_id, year, &t).await?;
        if judged.is_empty() {
            return Err(StoreError::Invalid(format!(
                "у школы нет результатов обучающихся за {year} год: загрузите результаты или выберите другой год"
            )));
        }
        let now_year = i64::from(today.academic_year());
        let existing: BTreeMap<String, (i64, String, String)> = {
            let sql = "SELECT student_key, id, subjects, status FROM pupils WHERE school_id = $1";
            let rows: Vec<(String, i64, String, String)> =
                on_db!(self, p => sqlx::query_as(sql).bind(school_id).fetch_all(p).await?);
            rows.into_iter()
                .map(|(k, id, subjects, status)| (k, (id, subjects, status)))
                .collect()
        };
        let mut report = BuildReport {
            year,
            pupils_read: judged.len() as u64,
            ..BuildReport::default()
        };
        let mut tx = self.begin().await?;
        for (key, j) in &judged {
            let subjects = j.subjects();
            if subjects.is_empty() {
                continue;
            }
            let grade = j.grade + (now_year - year);
            match existing.get(key) {
                Some((_, _, status)) if status == RegisterStatus::Left.code() => {
                    report.left_alone += 1
                }
                Some((id, stored, _)) => {
                    let mut all = split_subjects(stored);
                    let before = all.len();
                    for s in subjects {
                        if !all.contains(&s) {
                            all.push(s);
                        }
                    }
                    if all.len() == before {
                        report.unchanged += 1;
                        continue;
                    }
                    let sql = "UPDATE pupils SET subjects = $1 WHERE id = $2";
                    on_tx!(&mut tx, c => sqlx::query(sql).bind(all.join("; ")).bind(id).execute(&mut *c).await?.rows_affected());
                    report.updated += 1;
                }
                None if grade > 11 => report.graduated += 1,
                None => {
                    let sql = "INSERT INTO pupils (school_id, student_key, class_name, grade, grade_year, subjects, causes, origin, \
                               source_year, entered_on, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'results', $8, $9, $10, $11)";
                    let causes = if j.failing.is_empty() {
                        String::new()
                    } else {
                        Cause::LearningGaps.code().to_string()
                    };
                    on_tx!(&mut tx, c => sqlx::query(sql).bind(school_id).bind(key).bind(grade.to_string()).bind(grade)
                        .bind(now_year).bind(subjects.join("; ")).bind(causes).bind(year).bind(today.iso())
                        .bind(now_text()).bind(actor).execute(&mut *c).await?.rows_affected());
                    report.added += 1;
                }
            }
        }
        audit_for_in(
            &mut tx,
            actor,
            "реестр обучающихся с НОР сформирован по результатам",
            &format!("школа {}", school.1),
            &format!(
                "год результатов: {year}; добавлено: {}, дополнено: {}, без изменений: {}",
                report.added, report.updated, report.unchanged
            ),
            Some(school.2),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Adds a pupil by hand (a school of the pupils' scope).
    pub async fn add_pupil(
        &self,
        scope: &Scope,
        school_id: i64,
        key: &str,
        fields: &PupilFields,
        today: Date,
        actor: &str,
    ) -> Result<i64> {
        let school = self.pupils_school(scope, school_id).await?;
        let key = check_key(key)?;
        check_fields(fields)?;
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO pupils (school_id, student_key, class_name, grade, grade_year, subjects, causes, origin, \
                   entered_on, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'manual', $8, $9, $10, $11) RETURNING id";
        let inserted: std::result::Result<i64, sqlx::Error> = on_tx!(&mut tx, c => sqlx::query_scalar(sql).bind(school_id).bind(&key)
            .bind(fields.class_name.trim()).bind(fields.grade).bind(i64::from(today.academic_year()))
            .bind(fields.subjects.join("; ")).bind(causes_to_codes(&fields.causes)).bind(today.iso())
            .bind(fields.note.trim()).bind(now_text()).bind(actor).fetch_one(&mut *c).await);
        let id = match inserted.map_err(StoreError::from) {
            Err(StoreError::Conflict(_)) => {
                return Err(StoreError::Conflict(format!(
                    "обучающийся с кодом «{key}» уже есть в реестре школы; откройте его карточку"
                )))
            }
            other => other?,
        };
        audit_for_in(
            &mut tx,
            actor,
            "обучающийся внесён в реестр",
            &audit_object(&key, &school.1),
            &fields.subjects.join("; "),
            Some(school.2),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes what the school writes about a pupil on the register.
    pub async fn edit_pupil(
        &self,
        p: &Pupil,
        fields: &PupilFields,
        today: Date,
        actor: &str,
    ) -> Result<()> {
        check_fields(fields)?;
        let mut tx = self.begin().await?;
        let sql = "UPDATE pupils SET class_name = $1, grade = $2, grade_year = $3, subjects = $4, causes = $5, note = $6 WHERE id = $7";
        on_tx!(&mut tx, c => sqlx::query(sql).bind(fields.class_name.trim()).bind(fields.grade)
            .bind(i64::from(today.academic_year())).bind(fields.subjects.join("; "))
            .bind(causes_to_codes(&fields.causes)).bind(fields.note.trim()).bind(p.id).execute(&mut *c).await?.rows_affected());
        audit_for_in(
            &mut tx,
            actor,
            "запись реестра изменена",
            &audit_object(&p.student_key, &p.school_code),
            &format!(
                "класс {}; предметы: {}; причины: {}",
                fields.class_name.trim(),
                fields.subjects.join("; "),
                fields
                    .causes
                    .iter()
                    .map(|c| c.title())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Some(p.municipality_id),
        )
        .await?;
        tx.commit().await
    }

    /// Keeps a pupil's sealed name (`None`: forgets it). The plain name
    /// never reaches the store.
    pub async fn set_pupil_name(&self, p: &Pupil, sealed: Option<&str>, actor: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let sql = "UPDATE pupils SET name_sealed = $1 WHERE id = $2";
        on_tx!(&mut tx, c => sqlx::query(sql).bind(sealed).bind(p.id).execute(&mut *c).await?.rows_affected());
        audit_for_in(
            &mut tx,
            actor,
            if sealed.is_some() {
                "имя обучающегося сохранено (зашифровано)"
            } else {
                "имя обучающегося удалено"
            },
            &audit_object(&p.student_key, &p.school_code),
            "",
            Some(p.municipality_id),
        )
        .await?;
        tx.commit().await
    }

    /// Takes a pupil off the register (an active route closes with it).
    pub async fn pupil_leaves(
        &self,
        p: &Pupil,
        on: Date,
        reason: LeaveReason,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let sql = "UPDATE pupils SET status = 'left', left_on = $1, leave_reason = $2 WHERE id = $3 AND status = 'active'";
        let changed = on_tx!(&mut tx, c => sqlx::query(sql).bind(on.iso()).bind(reason.code()).bind(p.id)
            .execute(&mut *c).await?.rows_affected());
        if changed == 0 {
            return Err(StoreError::Conflict("обучающийся уже снят с учёта".into()));
        }
        let outcome = match reason {
            LeaveReason::Overcome => "achieved",
            _ => "left",
        };
        let sql = "UPDATE pupil_routes SET status = 'closed', closed_on = $1, outcome = $2 WHERE pupil_id = $3 AND status = 'active'";
        on_tx!(&mut tx, c => sqlx::query(sql).bind(on.iso()).bind(outcome).bind(p.id).execute(&mut *c).await?.rows_affected());
        audit_for_in(
            &mut tx,
            actor,
            "обучающийся снят с учёта",
            &audit_object(&p.student_key, &p.school_code),
            &format!("{}: {}", on.ru(), reason.title()),
            Some(p.municipality_id),
        )
        .await?;
        tx.commit().await
    }
}

/// A pupil's key as typed: one line of visible text, not a name.
fn check_key(key: &str) -> Result<String> {
    let key = key.trim();
    if key.is_empty() {
        return Err(StoreError::Invalid(
            "код обучающегося: заполните поле — тот же код, что в файлах результатов".into(),
        ));
    }
    if key.chars().count() > 40 {
        return Err(StoreError::Invalid(
            "код обучающегося длиннее 40 знаков: укажите псевдонимный код из файлов результатов"
                .into(),
        ));
    }
    if key.split_whitespace().count() > 1 && key.chars().any(|c| c.is_alphabetic()) {
        return Err(StoreError::Invalid(
            "код обучающегося похож на фамилию и имя: в реестре хранятся только коды, без имён"
                .into(),
        ));
    }
    opora_io::records::code(key).map_err(|m| StoreError::Invalid(format!("код обучающегося: {m}")))
}

fn check_fields(f: &PupilFields) -> Result<()> {
    if !(1..=11).contains(&f.grade) {
        return Err(StoreError::Invalid(format!(
            "класс {}: ожидается параллель от 1 до 11",
            f.grade
        )));
    }
    if f.subjects.is_empty() && f.causes.is_empty() {
        return Err(StoreError::Invalid(
            "укажите предметы с риском или причины: без них непонятно, почему обучающийся в реестре".into(),
        ));
    }
    Ok(())
}
