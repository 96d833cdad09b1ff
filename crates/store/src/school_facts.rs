//! What indicator formulas read about each school (issue 12): the field
//! dictionary and the values, gathered from the database for one programme
//! and period. The dictionary is data, shown to methodologists next to the
//! formula editor; [`opora_indicators::formula`] checks formulas against it.
//!
//! Fields:
//! - `шнор`, `шнсу` (да/нет) and `категория` (текст) — the school in the
//!   latest identification run;
//! - `огэ.<предмет>`, `егэ.<предмет>` (число) — the school's mean score in
//!   the latest year of that exam, and `….прошлый` — the year before
//!   («огэ.математика», «огэ.математика.прошлый»);
//! - `сайт.<ключ>` (да/нет) — whether the school's website publishes a
//!   requirement («сайт.программа»), from its latest successful audit with
//!   people's overrides ([`crate::site_audits`]);
//! - `кадры.*` — the school's staff (`opora_staff::facts`): teachers,
//!   diagnosed, with deficits in their latest round, with a development
//!   plan, with methodological support (a plan or a mentor), within the
//!   three-year rule (numbers), and whether the work on the deficits of
//!   teachers of mathematics, Russian and primary classes is organised;
//! - `анкета.<ключ>` — the final (accepted) answers to the programme's
//!   campaigns of the same period, by the form's field key.

use crate::{Db, Result};
use opora_indicators::campaign::{FieldKind as FormKind, Form};
use opora_indicators::formula::{FieldDef, FieldKind, FieldValue, SchoolFacts};
use sqlx::Row;
use std::collections::BTreeMap;

/// One field of the dictionary (owned: it is built from the database).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FactField {
    pub name: String,
    pub kind: FieldKind,
    pub title: String,
}

impl FactField {
    pub fn def(&self) -> FieldDef<'_> {
        FieldDef {
            name: &self.name,
            kind: self.kind,
            title: &self.title,
        }
    }
}

/// The dictionary and every school's values for one programme and period.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub fields: Vec<FactField>,
    pub schools: Vec<SchoolFacts>,
}

impl Facts {
    pub fn defs(&self) -> Vec<FieldDef<'_>> {
        self.fields.iter().map(FactField::def).collect()
    }
}

/// The exams whose mean scores are fields (one grade each: a mean over it
/// is meaningful, unlike a mean over the grades of ВПР).
const EXAMS: [&str; 2] = ["ОГЭ", "ЕГЭ"];

/// «Русский язык» → «русский_язык».
fn field_word(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

fn field(name: String, kind: FieldKind, title: String) -> FactField {
    FactField { name, kind, title }
}

impl Db {
    /// The facts of the programme's territory (the region, or the
    /// programme's municipality) for the period titled `period`.
    pub async fn school_facts(&self, plan_id: i64, period: &str) -> Result<Facts> {
        self.facts_of(plan_id, Some(period)).await
    }

    /// The facts, with the campaigns' answers of `period` when one is given.
    async fn facts_of(&self, plan_id: i64, period: Option<&str>) -> Result<Facts> {
        let municipality: Option<i64> = on_db!(self, p => sqlx::query_scalar("SELECT municipality_id FROM plans WHERE id = $1 AND level = 'municipality'")
            .bind(plan_id).fetch_optional(p).await)?.flatten();
        let cond = match municipality {
            Some(m) => format!("s.municipality_id = {m}"),
            None => "1 = 1".into(),
        };
        let sql = format!(
            "SELECT s.id, s.short_name, m.name, s.code FROM schools s JOIN municipalities m ON m.id = s.municipality_id WHERE {cond} ORDER BY m.name, s.short_name, s.id"
        );
        let rows: Vec<(i64, String, String, String)> = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect());
        let mut facts = Facts {
            fields: vec![],
            schools: rows
                .iter()
                .map(|(id, name, municipality, _)| SchoolFacts {
                    school_id: *id,
                    name: name.clone(),
                    municipality: municipality.clone(),
                    values: BTreeMap::new(),
                })
                .collect(),
        };
        let index: BTreeMap<i64, usize> = facts
            .schools
            .iter()
            .enumerate()
            .map(|(k, s)| (s.school_id, k))
            .collect();
        let codes: BTreeMap<String, usize> = rows
            .iter()
            .enumerate()
            .map(|(k, (_, _, _, code))| (code.clone(), k))
            .collect();
        self.run_facts(&mut facts, &codes).await?;
        self.exam_facts(&mut facts, &index, &cond).await?;
        self.site_facts(&mut facts, &index, municipality).await?;
        self.staff_fields(&mut facts, &index, &cond).await?;
        if let Some(period) = period {
            self.campaign_facts(&mut facts, &index, plan_id, period)
                .await?;
        }
        Ok(facts)
    }

    async fn run_facts(&self, facts: &mut Facts, codes: &BTreeMap<String, usize>) -> Result<()> {
        facts.fields.extend([
            field(
                "шнор".into(),
                FieldKind::YesNo,
                "школа — ШНОР в последнем расчёте".into(),
            ),
            field(
                "шнсу".into(),
                FieldKind::YesNo,
                "школа — ШНСУ в последнем расчёте".into(),
            ),
            field(
                "категория".into(),
                FieldKind::Text,
                "категория школы в последнем расчёте".into(),
            ),
        ]);
        let (Some(run), _) = self.latest_run_ids().await? else {
            return Ok(());
        };
        self.ensure_runs_indexed().await?;
        let sql =
            "SELECT school_code, is_shnor, is_shnsu, category FROM run_schools WHERE run_id = $1";
        let lines: Vec<(String, i64, i64, String)> = on_db!(self, p => sqlx::query(sql).bind(run).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect());
        for (code, shnor, shnsu, category) in lines {
            if let Some(&k) = codes.get(&code) {
                let v = &mut facts.schools[k].values;
                v.insert("шнор".into(), FieldValue::YesNo(shnor != 0));
                v.insert("шнсу".into(), FieldValue::YesNo(shnsu != 0));
                v.insert("категория".into(), FieldValue::Text(category));
            }
        }
        Ok(())
    }

    /// Mean exam scores per school: the latest year of each (exam, subject)
    /// and the year before.
    async fn exam_facts(
        &self,
        facts: &mut Facts,
        index: &BTreeMap<i64, usize>,
        cond: &str,
    ) -> Result<()> {
        let sql = format!(
            "SELECT a.procedure, a.subject, a.year, st.school_id, CAST(SUM(st.n) AS BIGINT), CAST(SUM(st.sum) AS DOUBLE PRECISION) \
             FROM assessment_stats st JOIN assessments a ON a.id = st.assessment_id JOIN schools s ON s.id = st.school_id \
             WHERE a.procedure IN ('{}') AND {cond} GROUP BY a.procedure, a.subject, a.year, st.school_id",
            EXAMS.join("', '")
        );
        type Raw = (String, String, i64, i64, Option<i64>, Option<f64>);
        let raw: Vec<Raw> = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))).collect());
        let mut latest: BTreeMap<(String, String), i64> = BTreeMap::new();
        for (procedure, subject, year, ..) in &raw {
            let y = latest
                .entry((procedure.clone(), subject.clone()))
                .or_insert(*year);
            *y = (*y).max(*year);
        }
        for ((procedure, subject), year) in &latest {
            let name = format!("{}.{}", field_word(procedure), field_word(subject));
            facts.fields.push(field(
                name.clone(),
                FieldKind::Number,
                format!(
                    "средний балл {procedure} по предмету «{subject}», {} год",
                    year
                ),
            ));
            facts.fields.push(field(
                format!("{name}.прошлый"),
                FieldKind::Number,
                format!(
                    "средний балл {procedure} по предмету «{subject}», {} год",
                    year - 1
                ),
            ));
        }
        for (procedure, subject, year, school, n, sum) in raw {
            let (Some(n), Some(sum), Some(&k)) = (n, sum, index.get(&school)) else {
                continue;
            };
            let last = latest[&(procedure.clone(), subject.clone())];
            let name = format!("{}.{}", field_word(&procedure), field_word(&subject));
            let name = match last - year {
                0 => name,
                1 => format!("{name}.прошлый"),
                _ => continue,
            };
            if n > 0 {
                facts.schools[k]
                    .values
                    .insert(name, FieldValue::Number(sum / n as f64));
            }
        }
        Ok(())
    }

    /// The `кадры.*` fields: the staff module's counts per school.
    async fn staff_fields(
        &self,
        facts: &mut Facts,
        index: &BTreeMap<i64, usize>,
        cond: &str,
    ) -> Result<()> {
        type Count = fn(&opora_staff::facts::SchoolStaff) -> usize;
        const NUMBERS: [(&str, &str, Count); 6] = [
            ("педагоги", "педагогов в школе (кадровый учёт)", |s| s.teachers),
            ("диагностика", "педагогов, прошедших диагностику профессиональных дефицитов или самодиагностику", |s| s.diagnosed),
            ("дефициты", "педагогов с дефицитами по их последней диагностике", |s| s.with_deficit),
            ("план", "педагогов с планом профессионального развития (действующим или завершённым за последний год)", |s| s.with_plan),
            ("поддержка", "педагогов, получивших методическую поддержку: план профессионального развития, наставник или методическое мероприятие (за последний год)", |s| s.supported),
            ("курсы", "педагогов, прошедших курсы повышения квалификации за последние три года", |s| s.courses_in_time),
        ];
        for (key, title, _) in NUMBERS {
            facts.fields.push(field(
                format!("кадры.{key}"),
                FieldKind::Number,
                title.into(),
            ));
        }
        facts.fields.push(field(
            "кадры.работа_с_дефицитами".into(),
            FieldKind::YesNo,
            "организована работа по дефицитам учителей математики, русского языка и начальных классов: каждый из них с дефицитом по его последней диагностике имеет план развития".into(),
        ));
        let staff = self.staff_facts(cond, opora_plans::clock::today()).await?;
        for (school, s) in staff {
            let Some(&k) = index.get(&school) else {
                continue;
            };
            let v = &mut facts.schools[k].values;
            for (key, _, count) in NUMBERS {
                v.insert(format!("кадры.{key}"), FieldValue::Number(count(&s) as f64));
            }
            v.insert(
                "кадры.работа_с_дефицитами".into(),
                FieldValue::YesNo(s.deficit_work),
            );
        }
        Ok(())
    }

    /// What the latest website audits found (overrides applied).
    async fn site_facts(
        &self,
        facts: &mut Facts,
        index: &BTreeMap<i64, usize>,
        municipality: Option<i64>,
    ) -> Result<()> {
        for f in crate::site_audits::site_fields() {
            facts.fields.push(field(
                format!("сайт.{}", f.key),
                FieldKind::YesNo,
                format!("на сайте школы найдено: «{}» (последняя проверка)", f.name),
            ));
        }
        let scope = match municipality {
            Some(m) => crate::scope::Scope::Municipality(m),
            None => crate::scope::Scope::Region,
        };
        for (school, found) in self.site_found(&scope).await? {
            let Some(&k) = index.get(&school) else {
                continue;
            };
            for (key, yes) in found {
                facts.schools[k]
                    .values
                    .insert(format!("сайт.{key}"), FieldValue::YesNo(yes));
            }
        }
        Ok(())
    }

    /// The final answers to the programme's campaigns of the period.
    async fn campaign_facts(
        &self,
        facts: &mut Facts,
        index: &BTreeMap<i64, usize>,
        plan_id: i64,
        period: &str,
    ) -> Result<()> {
        for (campaign, values) in self.final_values(plan_id, period).await? {
            add_form_fields(&mut facts.fields, &campaign.form, &campaign.title);
            for v in values {
                let (Some(&k), Some(f)) =
                    (index.get(&v.school_id), campaign.form.field(&v.field_key))
                else {
                    continue;
                };
                let value = match (f.kind, v.number) {
                    (FormKind::YesNo, Some(n)) => FieldValue::YesNo(n != 0.0),
                    (FormKind::Integer | FormKind::Number, Some(n)) => FieldValue::Number(n),
                    _ => FieldValue::Text(v.value.clone()),
                };
                facts.schools[k]
                    .values
                    .insert(format!("анкета.{}", f.key), value);
            }
        }
        Ok(())
    }

    /// The dictionary alone (for the formula editor): the fields of every
    /// campaign of the programme, whatever its period.
    pub async fn fact_fields(&self, plan_id: i64) -> Result<Vec<FactField>> {
        let mut fields = self.facts_of(plan_id, None).await?.fields;
        let sql = "SELECT form, title FROM campaigns WHERE plan_id = $1 ORDER BY id";
        let forms: Vec<(String, String)> = on_db!(self, p => sqlx::query(sql).bind(plan_id).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1))).collect());
        for (text, title) in forms {
            if let Ok(form) = Form::parse(&text) {
                add_form_fields(&mut fields, &form, &title);
            }
        }
        Ok(fields)
    }
}

fn add_form_fields(fields: &mut Vec<FactField>, form: &Form, campaign: &str) {
    for f in &form.fields {
        let name = format!("анкета.{}", f.key);
        if fields.iter().any(|x| x.name == name) {
            continue;
        }
        let kind = match f.kind {
            FormKind::YesNo => FieldKind::YesNo,
            FormKind::Integer | FormKind::Number => FieldKind::Number,
            FormKind::Text => FieldKind::Text,
        };
        fields.push(field(
            name,
            kind,
            format!("«{}» (кампания «{campaign}»)", f.label),
        ));
    }
}
