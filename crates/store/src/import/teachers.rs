//! Import of a teachers' list (the HR office's file): each row is a person
//! of a school, found by the personnel number when the file has one, else
//! by full name within the school; new people are added, known ones
//! updated, unchanged ones left alone (a re-import changes nothing). People
//! missing from the file stay: a file of one department is not a dismissal.

use super::{report_progress, resolve, ImportOptions, ProgressFn};
use crate::scope::Scope;
use crate::staff::teachers::{insert_teacher, update_teacher_row, TeacherFields};
use crate::{Db, Result};
use opora_io::records::{Errors, Fields};
use opora_io::TableReader;
use opora_staff::records::name_key;
use opora_staff::records::teachers::{parse_row, SCHEMA};
use std::collections::HashMap;

/// Schools by code: (id, municipality), limited to `scope` when given.
pub(crate) async fn schools_by_code(
    db: &Db,
    scope: Option<&Scope>,
) -> Result<HashMap<String, (i64, i64)>> {
    let cond = scope.map_or_else(|| "1 = 1".to_string(), |s| s.schools_sql("s"));
    let sql = format!("SELECT s.code, s.id, s.municipality_id FROM schools s WHERE {cond}");
    let rows: Vec<(String, i64, i64)> = on_db!(db, p => sqlx::query_as(&sql).fetch_all(p).await?);
    Ok(rows.into_iter().map(|(c, id, m)| (c, (id, m))).collect())
}

/// The message for a school code the importer may not write to.
pub(crate) fn unknown_school(scoped: bool) -> &'static str {
    if scoped {
        "школы с таким кодом нет в вашей области доступа; проверьте код ОО (загружайте данные своих школ)"
    } else {
        "школы с таким кодом нет в реестре; проверьте код ОО или сначала загрузите реестр школ"
    }
}

/// The stored teachers, to find a file's people among them.
pub(crate) struct People {
    by_no: HashMap<(i64, String), i64>,
    by_name: HashMap<(i64, String), Vec<(i64, bool)>>,
    pub fields: HashMap<i64, TeacherFields>,
}

/// Whom a row names.
pub(crate) enum Found {
    One(i64),
    Nobody,
    /// Several people of the school have this name (how many).
    Several(usize),
}

impl People {
    pub(crate) async fn load(db: &Db) -> Result<People> {
        let list = db
            .teachers_unaudited(&Scope::Region, &Default::default())
            .await?;
        let mut people = People {
            by_no: HashMap::new(),
            by_name: HashMap::new(),
            fields: HashMap::new(),
        };
        for t in list {
            if let Some(no) = &t.fields.personnel_no {
                people.by_no.insert((t.school_id, no.clone()), t.id);
            }
            people
                .by_name
                .entry((t.school_id, name_key(&t.fields.full_name)))
                .or_default()
                .push((t.id, t.fields.personnel_no.is_some()));
            people.fields.insert(t.id, t.fields);
        }
        Ok(people)
    }

    /// The person of `school` with personnel number `no`, else by name:
    /// with a number, only a namesake recorded without one is taken (the
    /// number is then added to them); without a number, the one namesake.
    pub(crate) fn find(&self, school: i64, no: Option<&str>, full_name: &str) -> Found {
        if let Some(no) = no {
            if let Some(&id) = self.by_no.get(&(school, no.to_string())) {
                return Found::One(id);
            }
        }
        let namesakes = self
            .by_name
            .get(&(school, name_key(full_name)))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let candidates: Vec<i64> = namesakes
            .iter()
            .filter(|(_, numbered)| no.is_none() || !numbered)
            .map(|(id, _)| *id)
            .collect();
        match candidates.len() {
            0 => Found::Nobody,
            1 => Found::One(candidates[0]),
            n => Found::Several(n),
        }
    }
}

impl People {
    /// The person a row of a person's data (courses, diagnostics) names, who
    /// must be in Opora; else the row's error, naming the column.
    pub(crate) fn named_in_row(
        &self,
        f: &mut Fields<'_>,
        school: i64,
        school_code: &str,
        no: Option<&str>,
        full_name: &str,
    ) -> Option<i64> {
        match self.find(school, no, full_name) {
            Found::One(id) => Some(id),
            Found::Nobody => {
                let (field, what) = match no {
                    Some(no) => ("personnel_no", format!("с табельным номером «{no}»")),
                    None => ("full_name", format!("«{full_name}»")),
                };
                f.fail(
                    field,
                    format!(
                        "педагога {what} нет в школе {school_code}; сначала загрузите список педагогов школы или проверьте запись"
                    ),
                );
                None
            }
            Found::Several(k) => {
                f.fail("full_name", namesakes(k));
                None
            }
        }
    }
}

/// The message for a name that several people of the school share.
pub(crate) fn namesakes(n: usize) -> String {
    format!(
        "в школе {n} педагога(-ов) с таким ФИО; добавьте в файл столбец «Табельный номер», чтобы различить их"
    )
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
    let mut errors = Errors::new(&table.file_name);
    let mut rows = Vec::new();
    let mut seen: HashMap<(i64, String), u64> = HashMap::new();
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
        let person = &rec.fields;
        let (field, key) = match &person.personnel_no {
            Some(no) => ("personnel_no", format!("№ {no}")),
            None => ("full_name", name_key(&person.full_name)),
        };
        if let Some(first) = seen.insert((school, key), row.number) {
            f.fail(
                field,
                format!("этот педагог уже есть в строке {first}; оставьте одну строку на человека"),
            );
            continue;
        }
        let existing = match people.find(school, person.personnel_no.as_deref(), &person.full_name)
        {
            Found::One(id) => Some(id),
            Found::Nobody => None,
            Found::Several(k) => {
                f.fail("full_name", namesakes(k));
                continue;
            }
        };
        rows.push((school, rec.fields, existing));
    }
    errors.into_result()?;
    let actor = opts.actor();
    let mut tx = db.begin().await?;
    let mut tally = super::Tally::default();
    for (school, mut fields, existing) in rows {
        match existing {
            None => {
                insert_teacher(&mut tx, school, &fields, actor).await?;
                tally.added += 1;
            }
            Some(id) => {
                let stored = &people.fields[&id];
                // A file without numbers keeps the numbers already known.
                if fields.personnel_no.is_none() {
                    fields.personnel_no = stored.personnel_no.clone();
                }
                if *stored == fields {
                    tally.same += 1;
                } else {
                    update_teacher_row(&mut tx, id, &fields, actor).await?;
                    tally.changed += 1;
                }
            }
        }
    }
    let report = tally.report(&table, &map, "teachers", n, "педагогов");
    Ok(super::Written {
        tx,
        report,
        generation: None,
    })
}
