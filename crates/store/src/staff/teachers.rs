//! Teachers: the person records of each school, listed by scope, read as a
//! card (with courses and moves), created, edited and moved between
//! schools. Reads of this personal data are audited like changes.

use super::courses::Course;
use super::{audit_object, teachers_sql};
use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::date::Date;
use opora_staff::clock::{clock, Clock, Thresholds};
use opora_staff::model::Category;
use opora_staff::records::name_key;
pub use opora_staff::records::teachers::TeacherFields;
use sqlx::Row;

/// A teacher as lists and cards show it.
#[derive(Debug, Clone)]
pub struct Teacher {
    pub id: i64,
    pub school_id: i64,
    pub school_code: String,
    pub school_name: String,
    pub municipality_id: i64,
    pub fields: TeacherFields,
    /// The person's login, if they have one.
    pub user_id: Option<i64>,
    /// The end of the latest course: what the three-year rule counts from.
    pub last_course_end: Option<Date>,
    /// Subject areas and titles of the person's retraining programmes: they
    /// cover a subject the diploma does not.
    pub retraining: Vec<String>,
}

impl Teacher {
    /// The three-year clock on `on`.
    pub fn clock(&self, on: Date) -> Clock {
        clock(self.last_course_end, on, &Thresholds::default())
    }

    /// Subjects taught without matching education or retraining.
    pub fn uncovered_subjects(&self) -> Vec<String> {
        let retraining: Vec<&str> = self.retraining.iter().map(String::as_str).collect();
        opora_staff::subjects::uncovered(
            &self.fields.subjects,
            &self.fields.education_subject,
            &retraining,
        )
    }
}

/// A teacher's card: the record, its courses (latest first) and its moves.
#[derive(Debug, Clone)]
pub struct TeacherCard {
    pub teacher: Teacher,
    pub courses: Vec<Course>,
    pub moves: Vec<TeacherMove>,
}

/// A move from one school to another.
#[derive(Debug, Clone)]
pub struct TeacherMove {
    pub moved_on: Date,
    pub from_school: String,
    pub to_school: String,
    pub actor: String,
}

/// Which teachers a list shows within the scope.
#[derive(Debug, Clone, Default)]
pub struct TeacherFilter {
    pub school_id: Option<i64>,
    /// Only the record of this login (a teacher sees their own).
    pub user_id: Option<i64>,
}

const TEACHER_COLUMNS: &str =
    "t.id, t.school_id, s.code, s.short_name, s.municipality_id, t.personnel_no, \
     t.full_name, t.position, t.subjects, t.grades, t.category, t.experience_years, t.education, \
     t.education_subject, t.young_specialist, t.user_id, \
     (SELECT MAX(c.end_date) FROM courses c WHERE c.teacher_id = t.id)";

macro_rules! teacher_from_row {
    ($r:expr) => {{
        let r = $r;
        let category: String = r.get(10);
        let grades: String = r.get(9);
        let last: Option<String> = r.get(16);
        Teacher {
            id: r.get(0),
            school_id: r.get(1),
            school_code: r.get(2),
            school_name: r.get(3),
            municipality_id: r.get(4),
            fields: TeacherFields {
                personnel_no: r.get(5),
                full_name: r.get(6),
                position: r.get(7),
                subjects: split_subjects(&r.get::<String, _>(8)),
                grades: grades.split(',').filter_map(|g| g.trim().parse().ok()).collect(),
                category: Category::from_code(&category)
                    .ok_or_else(|| StoreError::stored("категория педагога", &category))?,
                experience_years: r.get(11),
                education: r.get(12),
                education_subject: r.get(13),
                young_specialist: r.get::<i64, _>(14) != 0,
            },
            user_id: r.get(15),
            last_course_end: last.as_deref().map(stored_date).transpose()?,
            retraining: Vec::new(),
        }
    }};
}

pub(crate) fn stored_date(text: &str) -> Result<Date> {
    Date::parse(text).ok_or_else(|| StoreError::stored("дата", text))
}

fn split_subjects(text: &str) -> Vec<String> {
    text.split("; ")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The stored forms of the list fields.
pub(crate) fn joined(fields: &TeacherFields) -> (String, String) {
    let grades: Vec<String> = fields.grades.iter().map(u8::to_string).collect();
    (fields.subjects.join("; "), grades.join(","))
}

impl Db {
    /// The teachers in `scope` (filtered), by school and name; the read is
    /// audited as `actor`'s.
    pub async fn teachers(
        &self,
        scope: &Scope,
        filter: &TeacherFilter,
        actor: &str,
    ) -> Result<Vec<Teacher>> {
        let mut list = self.teachers_unaudited(scope, filter).await?;
        list.sort_by_cached_key(|t| (t.school_code.clone(), name_key(&t.fields.full_name)));
        let what = match filter.school_id {
            Some(id) => format!("школа {id}"),
            None => "все школы области доступа".into(),
        };
        self.audit_for(
            actor,
            "просмотр: список педагогов",
            &what,
            &format!("записей: {}", list.len()),
            scope.municipality(),
        )
        .await?;
        Ok(list)
    }

    /// The teachers in `scope` (filtered) whose last course ended more
    /// than three years before `on`, or who have none (the red clock), with
    /// their clocks: by school, those with no course and the longest
    /// overdue first.
    pub async fn teachers_due(
        &self,
        scope: &Scope,
        filter: &TeacherFilter,
        on: Date,
        actor: &str,
    ) -> Result<Vec<(Teacher, Clock)>> {
        let mut due: Vec<(Teacher, Clock)> = self
            .teachers(scope, filter, actor)
            .await?
            .into_iter()
            .map(|t| {
                let c = t.clock(on);
                (t, c)
            })
            .filter(|(_, c)| opora_staff::clock::is_overdue(c))
            .collect();
        due.sort_by_key(|(t, c)| {
            (
                t.school_code.clone(),
                std::cmp::Reverse(c.months_since.unwrap_or(i32::MAX)),
            )
        });
        Ok(due)
    }

    pub(crate) async fn teachers_unaudited(
        &self,
        scope: &Scope,
        filter: &TeacherFilter,
    ) -> Result<Vec<Teacher>> {
        let mut sql = format!(
            "SELECT {TEACHER_COLUMNS} FROM teachers t JOIN schools s ON s.id = t.school_id WHERE {}",
            teachers_sql(scope)
        );
        // Only numbers from the caller's own records are inlined.
        if let Some(id) = filter.school_id {
            sql.push_str(&format!(" AND t.school_id = {id}"));
        }
        if let Some(id) = filter.user_id {
            sql.push_str(&format!(" AND t.user_id = {id}"));
        }
        let mut list: Vec<Teacher> = on_db!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await?;
            rows.iter().map(|r| Ok(teacher_from_row!(r))).collect::<Result<Vec<_>>>()?
        });
        let retraining = self.retraining_in(scope).await?;
        for t in &mut list {
            if let Some(r) = retraining.get(&t.id) {
                t.retraining = r.clone();
            }
        }
        Ok(list)
    }

    /// Retraining texts (subject area and title) per teacher in `scope`.
    async fn retraining_in(
        &self,
        scope: &Scope,
    ) -> Result<std::collections::HashMap<i64, Vec<String>>> {
        let sql = format!(
            "SELECT c.teacher_id, c.subject_area, c.title FROM courses c \
             JOIN teachers t ON t.id = c.teacher_id JOIN schools s ON s.id = t.school_id \
             WHERE c.kind = 'retraining' AND {}",
            teachers_sql(scope)
        );
        let rows: Vec<(i64, String, String)> =
            on_db!(self, p => sqlx::query_as(&sql).fetch_all(p).await?);
        let mut out: std::collections::HashMap<i64, Vec<String>> = Default::default();
        for (id, area, title) in rows {
            let texts = out.entry(id).or_default();
            texts.extend([area, title].into_iter().filter(|s| !s.is_empty()));
        }
        Ok(out)
    }

    /// One teacher in `scope`, without its courses. Unaudited: it decides
    /// whether a request may go on (the card read and every change write
    /// their own entries), and it shows nothing to anyone.
    pub async fn teacher(&self, scope: &Scope, id: i64) -> Result<Option<Teacher>> {
        let sql = format!(
            "SELECT {TEACHER_COLUMNS} FROM teachers t JOIN schools s ON s.id = t.school_id \
             WHERE t.id = $1 AND {}",
            teachers_sql(scope)
        );
        Ok(on_db!(self, p => {
            match sqlx::query(&sql).bind(id).fetch_optional(p).await? {
                Some(r) => Some(teacher_from_row!(&r)),
                None => None,
            }
        }))
    }

    /// A teacher's card in `scope` (`None` outside it); the read is audited.
    pub async fn teacher_card(
        &self,
        scope: &Scope,
        id: i64,
        actor: &str,
    ) -> Result<Option<TeacherCard>> {
        let Some(mut teacher) = self.teacher(scope, id).await? else {
            return Ok(None);
        };
        let courses = self.courses_of(id).await?;
        teacher.retraining = courses
            .iter()
            .filter(|c| c.fields.kind == opora_staff::model::CourseKind::Retraining)
            .flat_map(|c| [c.fields.subject_area.clone(), c.fields.title.clone()])
            .filter(|s| !s.is_empty())
            .collect();
        let moves = self.moves_of(id).await?;
        self.audit_for(
            actor,
            "просмотр: карточка педагога",
            &audit_object(id, &teacher.fields.full_name),
            "",
            Some(teacher.municipality_id),
        )
        .await?;
        Ok(Some(TeacherCard {
            teacher,
            courses,
            moves,
        }))
    }

    async fn moves_of(&self, id: i64) -> Result<Vec<TeacherMove>> {
        let sql = "SELECT m.moved_on, f.short_name, t.short_name, m.actor FROM teacher_moves m \
                   JOIN schools f ON f.id = m.from_school_id JOIN schools t ON t.id = m.to_school_id \
                   WHERE m.teacher_id = $1 ORDER BY m.moved_on, m.id";
        let rows: Vec<(String, String, String, String)> =
            on_db!(self, p => sqlx::query_as(sql).bind(id).fetch_all(p).await?);
        rows.into_iter()
            .map(|(on, from, to, actor)| {
                Ok(TeacherMove {
                    moved_on: stored_date(&on)?,
                    from_school: from,
                    to_school: to,
                    actor,
                })
            })
            .collect()
    }

    /// The id of the teacher record of a login, if any.
    pub async fn teacher_of_user(&self, user_id: i64) -> Result<Option<i64>> {
        let sql = "SELECT id FROM teachers WHERE user_id = $1";
        Ok(on_db!(self, p => sqlx::query_scalar(sql).bind(user_id).fetch_optional(p).await?))
    }

    /// The school `school_id` if it is in `scope`: (id, municipality).
    async fn school_in_scope(&self, scope: &Scope, school_id: i64) -> Result<Option<(i64, i64)>> {
        let sql = format!(
            "SELECT s.id, s.municipality_id FROM schools s WHERE s.id = $1 AND {}",
            scope.schools_sql("s")
        );
        Ok(on_db!(self, p => sqlx::query_as(&sql).bind(school_id).fetch_optional(p).await?))
    }

    /// A personnel number taken by another teacher of the school: refused
    /// with the other teacher's name.
    async fn check_personnel_no(
        &self,
        school_id: i64,
        fields: &TeacherFields,
        except: Option<i64>,
    ) -> Result<()> {
        let Some(no) = &fields.personnel_no else {
            return Ok(());
        };
        let sql = "SELECT id, full_name FROM teachers WHERE school_id = $1 AND personnel_no = $2";
        let other: Option<(i64, String)> = on_db!(self, p => sqlx::query_as(sql).bind(school_id).bind(no).fetch_optional(p).await?);
        match other {
            Some((id, name)) if Some(id) != except => Err(StoreError::Conflict(format!(
                "табельный номер «{no}» в этой школе уже у педагога {name}; проверьте номер"
            ))),
            _ => Ok(()),
        }
    }

    /// Adds a teacher to a school of `scope`; returns the new id.
    pub async fn create_teacher(
        &self,
        scope: &Scope,
        school_id: i64,
        fields: &TeacherFields,
        actor: &str,
    ) -> Result<i64> {
        let (school_id, municipality) = self
            .school_in_scope(scope, school_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("школа {school_id}")))?;
        self.check_personnel_no(school_id, fields, None).await?;
        let mut tx = self.begin().await?;
        let id = insert_teacher(&mut tx, school_id, fields, actor).await?;
        audit_for_in(
            &mut tx,
            actor,
            "педагог добавлен",
            &audit_object(id, &fields.full_name),
            "",
            Some(municipality),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces a teacher's fields (the teacher must be in `scope`).
    pub async fn update_teacher(
        &self,
        scope: &Scope,
        id: i64,
        fields: &TeacherFields,
        actor: &str,
    ) -> Result<()> {
        let t = self
            .teacher(scope, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("педагог {id}")))?;
        self.check_personnel_no(t.school_id, fields, Some(id))
            .await?;
        let mut tx = self.begin().await?;
        update_teacher_row(&mut tx, id, fields, actor).await?;
        audit_for_in(
            &mut tx,
            actor,
            "педагог изменён",
            &audit_object(id, &fields.full_name),
            "",
            Some(t.municipality_id),
        )
        .await?;
        tx.commit().await
    }

    /// Moves a teacher to another school of `scope` on `on`: the courses
    /// and the history stay with the person; the personnel number, which
    /// belongs to the old school's HR office, is cleared.
    pub async fn move_teacher(
        &self,
        scope: &Scope,
        id: i64,
        to_school: i64,
        on: Date,
        actor: &str,
    ) -> Result<()> {
        let t = self
            .teacher(scope, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("педагог {id}")))?;
        let (to_school, municipality) = self
            .school_in_scope(scope, to_school)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("школа {to_school}")))?;
        if to_school == t.school_id {
            return Err(StoreError::Invalid(
                "педагог уже работает в этой школе; выберите другую школу".into(),
            ));
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => {
            sqlx::query("UPDATE teachers SET school_id = $1, personnel_no = NULL, updated_at = $2, updated_by = $3 WHERE id = $4")
                .bind(to_school).bind(now_text()).bind(actor).bind(id).execute(&mut *c).await?;
            sqlx::query("INSERT INTO teacher_moves (teacher_id, from_school_id, to_school_id, moved_on, actor) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(t.school_id).bind(to_school).bind(on.iso()).bind(actor).execute(&mut *c).await?;
        });
        let details = format!("из школы {} в школу {to_school}, {}", t.school_id, on.ru());
        audit_for_in(
            &mut tx,
            actor,
            "педагог переведён",
            &audit_object(id, &t.fields.full_name),
            &details,
            Some(municipality),
        )
        .await?;
        tx.commit().await
    }

    /// Links a teacher record to a login (or unlinks it with `None`).
    pub async fn set_teacher_user(&self, id: i64, user_id: Option<i64>) -> Result<()> {
        let sql = "UPDATE teachers SET user_id = $1 WHERE id = $2";
        on_db!(self, p => sqlx::query(sql).bind(user_id).bind(id).execute(p).await.map(|_| ())?);
        Ok(())
    }
}

/// Inserts a teacher row inside a transaction; returns its id.
pub(crate) async fn insert_teacher(
    tx: &mut crate::db::Tx,
    school_id: i64,
    f: &TeacherFields,
    actor: &str,
) -> Result<i64> {
    let (subjects, grades) = joined(f);
    let sql = "INSERT INTO teachers (school_id, personnel_no, full_name, name_key, position, subjects, grades, \
               category, experience_years, education, education_subject, young_specialist, updated_at, updated_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(sql)
        .bind(school_id).bind(&f.personnel_no).bind(&f.full_name).bind(name_key(&f.full_name))
        .bind(&f.position).bind(subjects).bind(grades).bind(f.category.code()).bind(f.experience_years)
        .bind(&f.education).bind(&f.education_subject).bind(f.young_specialist as i64)
        .bind(now_text()).bind(actor)
        .fetch_one(&mut *c).await?))
}

/// Replaces a teacher row's fields inside a transaction.
pub(crate) async fn update_teacher_row(
    tx: &mut crate::db::Tx,
    id: i64,
    f: &TeacherFields,
    actor: &str,
) -> Result<()> {
    let (subjects, grades) = joined(f);
    let sql = "UPDATE teachers SET personnel_no = $1, full_name = $2, name_key = $3, position = $4, subjects = $5, \
               grades = $6, category = $7, experience_years = $8, education = $9, education_subject = $10, \
               young_specialist = $11, updated_at = $12, updated_by = $13 WHERE id = $14";
    on_tx!(tx, c => sqlx::query(sql)
        .bind(&f.personnel_no).bind(&f.full_name).bind(name_key(&f.full_name)).bind(&f.position)
        .bind(subjects).bind(grades).bind(f.category.code()).bind(f.experience_years)
        .bind(&f.education).bind(&f.education_subject).bind(f.young_specialist as i64)
        .bind(now_text()).bind(actor).bind(id)
        .execute(&mut *c).await.map(|_| ())?);
    Ok(())
}
