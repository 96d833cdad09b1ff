//! Import of diagnostic results: each row names a round (created on first
//! sight with its date; a known round must keep its date), a person of a
//! school who must already be in Opora (found as in the teachers' file),
//! and their score in one subject and competence area. A result is replaced
//! when its score or topics differ; a re-import changes nothing.

use super::teachers::{schools_by_code, unknown_school, People};
use super::{report_progress, resolve, ImportOptions, ProgressFn};
use crate::audit::now_text;
use crate::{Db, Result};
use opora_io::records::{Errors, Fields};
use opora_io::TableReader;
use opora_staff::records::diagnostics::{parse_row, SCHEMA};
use std::collections::HashMap;

/// A result's key: (round title, teacher, subject, competence code).
type Key = (String, i64, String, &'static str);

/// The stored results by key: (score, topics joined).
async fn stored(db: &Db) -> Result<HashMap<Key, (f64, String)>> {
    let sql = "SELECT d.title, r.teacher_id, r.subject, r.competence, r.score, r.weak_topics \
               FROM diagnostic_results r JOIN diagnostic_rounds d ON d.id = r.round_id";
    let rows: Vec<(String, i64, String, String, f64, String)> =
        on_db!(db, p => sqlx::query_as(sql).fetch_all(p).await?);
    Ok(rows
        .into_iter()
        .filter_map(|(round, teacher, subject, competence, score, topics)| {
            let c = opora_staff::diagnostics::Competence::from_code(&competence)?;
            Some(((round, teacher, subject, c.code()), (score, topics)))
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
    let rounds: HashMap<String, opora_plans::date::Date> = db
        .diagnostic_rounds()
        .await?
        .into_iter()
        .map(|r| (r.title, r.held_on))
        .collect();
    let stored = stored(db).await?;
    let mut errors = Errors::new(&table.file_name);
    let mut file_rounds: HashMap<String, (opora_plans::date::Date, u64)> = HashMap::new();
    let mut seen: HashMap<Key, u64> = HashMap::new();
    let mut rows = Vec::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        let mut f = Fields::new(&map, &row, &mut errors);
        let Some(rec) = parse_row(&mut f) else {
            continue;
        };
        // One round, one date: in the database and within the file.
        let known = rounds.get(&rec.round).map(|d| (*d, 0));
        let (date, first) = *file_rounds
            .entry(rec.round.clone())
            .or_insert(known.unwrap_or((rec.held_on, row.number)));
        if date != rec.held_on {
            let whose = if first == 0 {
                "сохранённой в Опоре".to_string()
            } else {
                format!("строки {first}")
            };
            f.fail(
                "held_on",
                format!(
                    "у диагностики «{}» дата {} (как у {whose}); у одной диагностики одна дата — исправьте дату или название",
                    rec.round,
                    date.ru()
                ),
            );
            continue;
        }
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
        let key: Key = (
            rec.round.clone(),
            teacher,
            rec.subject.clone(),
            rec.competence.code(),
        );
        if let Some(first) = seen.insert(key.clone(), row.number) {
            f.fail(
                "competence",
                format!("результат этого педагога по этому предмету и области уже есть в строке {first}; оставьте одну строку"),
            );
            continue;
        }
        rows.push((key, rec.score, rec.weak_topics.join("; ")));
    }
    errors.into_result()?;
    let actor = opts.actor();
    let mut tx = db.begin().await?;
    let mut round_ids: HashMap<String, i64> = HashMap::new();
    for (title, (held_on, _)) in &file_rounds {
        let id: i64 = on_tx!(&mut tx, c => {
            sqlx::query("INSERT INTO diagnostic_rounds (title, held_on, created_at, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT (title) DO NOTHING")
                .bind(title).bind(held_on.iso()).bind(now_text()).bind(actor).execute(&mut *c).await?;
            sqlx::query_scalar("SELECT id FROM diagnostic_rounds WHERE title = $1").bind(title).fetch_one(&mut *c).await?
        });
        round_ids.insert(title.clone(), id);
    }
    let mut tally = super::Tally::default();
    for (key, score, topics) in rows {
        let old = stored.get(&key);
        if old.is_some_and(|(s, t)| *s == score && *t == topics) {
            tally.same += 1;
            continue;
        }
        let (round, teacher, subject, competence) = key;
        let sql = "INSERT INTO diagnostic_results (round_id, teacher_id, subject, competence, score, weak_topics) \
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (round_id, teacher_id, subject, competence) \
                   DO UPDATE SET score = excluded.score, weak_topics = excluded.weak_topics";
        on_tx!(&mut tx, c => sqlx::query(sql).bind(round_ids[&round]).bind(teacher).bind(&subject).bind(competence)
            .bind(score).bind(&topics).execute(&mut *c).await.map(|_| ())?);
        if old.is_some() {
            tally.changed += 1;
        } else {
            tally.added += 1;
        }
    }
    let report = tally.report(&table, &map, "diagnostics", n, "результатов");
    Ok(super::Written {
        tx,
        report,
        generation: None,
    })
}
