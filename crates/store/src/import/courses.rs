//! Import of completed courses: each row names a person of a school (by
//! personnel number, else by full name) who must already be in Opora (the
//! teachers' list comes first), and one course of theirs, found by its
//! programme title and end date: new courses are added, known ones
//! updated, unchanged ones left alone.

use super::teachers::{schools_by_code, unknown_school, People};
use super::{report_progress, resolve, ImportOptions, ProgressFn};
use crate::staff::courses::{insert_course, update_course_row, CourseFields};
use crate::{Db, Result};
use opora_io::records::{Errors, Fields};
use opora_io::TableReader;
use opora_staff::records::courses::{parse_row, SCHEMA};
use std::collections::HashMap;

/// Stored courses by (teacher, title, end date): (id, fields).
async fn stored_courses(db: &Db) -> Result<HashMap<(i64, String, String), (i64, CourseFields)>> {
    Ok(db
        .all_courses()
        .await?
        .into_iter()
        .map(|c| {
            (
                (c.teacher_id, c.fields.title.clone(), c.fields.end.iso()),
                (c.id, c.fields),
            )
        })
        .collect())
}

pub async fn import(
    db: &Db,
    mut table: TableReader,
    opts: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<super::Written> {
    let map = resolve(&table, &SCHEMA, opts)?;
    let schools = schools_by_code(db, opts.scope.as_ref()).await?;
    let people = People::load(db).await?;
    let stored = stored_courses(db).await?;
    let mut errors = Errors::new(&table.file_name);
    let mut rows = Vec::new();
    let mut seen: HashMap<(i64, String, String), u64> = HashMap::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        let mut f = Fields::new(&map, &row, &mut errors);
        let Some(rec) = parse_row(&mut f) else {
            continue;
        };
        let Some(&(school, _)) = schools.get(&rec.school_code) else {
            f.fail("school_id", unknown_school(opts.scope.is_some()));
            continue;
        };
        let Some(teacher) = people.named_in_row(
            &mut f,
            school,
            &rec.school_code,
            rec.personnel_no.as_deref(),
            &rec.full_name,
        ) else {
            continue;
        };
        let key = (teacher, rec.fields.title.clone(), rec.fields.end.iso());
        if let Some(first) = seen.insert(key.clone(), row.number) {
            f.fail(
                "title",
                format!("этот курс этого педагога с той же датой окончания уже есть в строке {first}; оставьте одну строку"),
            );
            continue;
        }
        rows.push((key, rec.fields));
    }
    errors.into_result()?;
    let actor = opts.actor();
    let mut tx = db.begin().await?;
    let mut tally = super::Tally::default();
    for (key, fields) in rows {
        match stored.get(&key) {
            None => {
                insert_course(&mut tx, key.0, &fields, actor).await?;
                tally.added += 1;
            }
            Some((_, old)) if *old == fields => tally.same += 1,
            Some((id, _)) => {
                update_course_row(&mut tx, *id, &fields).await?;
                tally.changed += 1;
            }
        }
    }
    let report = tally.report(&table, &map, "courses", n, "курсов");
    Ok(super::Written {
        tx,
        report,
        generation: None,
    })
}
