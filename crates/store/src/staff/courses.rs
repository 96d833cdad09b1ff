//! Completed courses of a teacher: imported from the courses file or
//! entered by the teacher or the school. One course of a person is its
//! programme title and end date.

use super::audit_object;
use super::teachers::stored_date;
use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_staff::model::{CourseKind, ProviderKind};
pub use opora_staff::records::courses::CourseFields;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct Course {
    pub id: i64,
    pub teacher_id: i64,
    pub fields: CourseFields,
    pub created_at: String,
    pub created_by: String,
}

const COURSE_COLUMNS: &str =
    "id, teacher_id, title, kind, hours, provider, provider_kind, start_date, end_date, \
     certificate_no, subject_area, created_at, created_by";

macro_rules! course_from_row {
    ($r:expr) => {{
        let r = $r;
        let kind: String = r.get(3);
        let provider_kind: String = r.get(6);
        let start: Option<String> = r.get(7);
        Course {
            id: r.get(0),
            teacher_id: r.get(1),
            fields: CourseFields {
                title: r.get(2),
                kind: CourseKind::from_code(&kind)
                    .ok_or_else(|| StoreError::stored("вид обучения", &kind))?,
                hours: r.get(4),
                provider: r.get(5),
                provider_kind: ProviderKind::from_code(&provider_kind)
                    .ok_or_else(|| StoreError::stored("вид организации", &provider_kind))?,
                start: start.as_deref().map(stored_date).transpose()?,
                end: stored_date(&r.get::<String, _>(8))?,
                certificate_no: r.get(9),
                subject_area: r.get(10),
            },
            created_at: r.get(11),
            created_by: r.get(12),
        }
    }};
}

impl Db {
    /// A teacher's courses, latest first (the caller has checked the scope).
    pub(crate) async fn courses_of(&self, teacher_id: i64) -> Result<Vec<Course>> {
        let sql = format!(
            "SELECT {COURSE_COLUMNS} FROM courses WHERE teacher_id = $1 ORDER BY end_date DESC, id DESC"
        );
        Ok(on_db!(self, p => {
            let rows = sqlx::query(&sql).bind(teacher_id).fetch_all(p).await?;
            rows.iter().map(|r| Ok(course_from_row!(r))).collect::<Result<Vec<_>>>()?
        }))
    }

    /// Every stored course (for the import, which finds a file's courses
    /// among them).
    pub(crate) async fn all_courses(&self) -> Result<Vec<Course>> {
        let sql = format!("SELECT {COURSE_COLUMNS} FROM courses");
        Ok(on_db!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await?;
            rows.iter().map(|r| Ok(course_from_row!(r))).collect::<Result<Vec<_>>>()?
        }))
    }

    /// Adds a course to a teacher of `scope`; the same programme ending on
    /// the same day is refused as already there.
    pub async fn add_course(
        &self,
        scope: &Scope,
        teacher_id: i64,
        fields: &CourseFields,
        actor: &str,
    ) -> Result<i64> {
        let t = self
            .teacher(scope, teacher_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("педагог {teacher_id}")))?;
        let exists =
            "SELECT COUNT(*) FROM courses WHERE teacher_id = $1 AND title = $2 AND end_date = $3";
        let n: i64 = on_db!(self, p => sqlx::query_scalar(exists).bind(teacher_id).bind(&fields.title)
            .bind(fields.end.iso()).fetch_one(p).await?);
        if n > 0 {
            return Err(StoreError::Conflict(format!(
                "курс «{}» с датой окончания {} уже записан; исправьте запись вместо повторного добавления",
                fields.title,
                fields.end.ru()
            )));
        }
        let mut tx = self.begin().await?;
        let id = insert_course(&mut tx, teacher_id, fields, actor).await?;
        audit_for_in(
            &mut tx,
            actor,
            "курс добавлен",
            &audit_object(teacher_id, &t.fields.full_name),
            &format!("«{}», окончание {}", fields.title, fields.end.ru()),
            Some(t.municipality_id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Deletes course `course_id` of teacher `teacher_id` (in `scope`); a
    /// course of another teacher is not found.
    pub async fn delete_course(
        &self,
        scope: &Scope,
        teacher_id: i64,
        course_id: i64,
        actor: &str,
    ) -> Result<()> {
        let not_found = || StoreError::NotFound(format!("курс {course_id}"));
        let t = self
            .teacher(scope, teacher_id)
            .await?
            .ok_or_else(not_found)?;
        let mut tx = self.begin().await?;
        let deleted = on_tx!(&mut tx, c => sqlx::query("DELETE FROM courses WHERE id = $1 AND teacher_id = $2")
            .bind(course_id).bind(teacher_id).execute(&mut *c).await?.rows_affected());
        if deleted == 0 {
            return Err(not_found());
        }
        audit_for_in(
            &mut tx,
            actor,
            "курс удалён",
            &audit_object(t.id, &t.fields.full_name),
            &format!("курс {course_id}"),
            Some(t.municipality_id),
        )
        .await?;
        tx.commit().await
    }
}

/// Inserts a course row inside a transaction; returns its id.
pub(crate) async fn insert_course(
    tx: &mut crate::db::Tx,
    teacher_id: i64,
    f: &CourseFields,
    actor: &str,
) -> Result<i64> {
    let sql = "INSERT INTO courses (teacher_id, title, kind, hours, provider, provider_kind, start_date, end_date, \
               certificate_no, subject_area, created_at, created_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(sql)
        .bind(teacher_id).bind(&f.title).bind(f.kind.code()).bind(f.hours).bind(&f.provider)
        .bind(f.provider_kind.code()).bind(f.start.map(|d| d.iso())).bind(f.end.iso())
        .bind(&f.certificate_no).bind(&f.subject_area).bind(now_text()).bind(actor)
        .fetch_one(&mut *c).await?))
}

/// Replaces the fields of a course row (the import's update).
pub(crate) async fn update_course_row(
    tx: &mut crate::db::Tx,
    id: i64,
    f: &CourseFields,
) -> Result<()> {
    let sql = "UPDATE courses SET kind = $1, hours = $2, provider = $3, provider_kind = $4, start_date = $5, \
               certificate_no = $6, subject_area = $7 WHERE id = $8";
    on_tx!(tx, c => sqlx::query(sql)
        .bind(f.kind.code()).bind(f.hours).bind(&f.provider).bind(f.provider_kind.code())
        .bind(f.start.map(|d| d.iso())).bind(&f.certificate_no).bind(&f.subject_area).bind(id)
        .execute(&mut *c).await.map(|_| ())?);
    Ok(())
}
