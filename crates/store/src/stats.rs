//! Loading what an identification run needs from the stored data: the
//! sufficient statistics per (school, assessment), context, checklist and
//! school facts. No pupil row is read.

use crate::{Db, Result};
use opora_analytics::{AssessmentKey, AssessmentStats, ChecklistRow, ContextRow, ContextTable, SchoolInfo, StatsTable};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// Owned inputs of an identification run over the database.
pub struct IdentificationData {
    pub stats: StatsTable,
    pub context: ContextTable,
    pub schools: Vec<SchoolInfo>,
    pub checklist: Vec<ChecklistRow>,
}

impl Db {
    pub async fn identification_data(&self) -> Result<IdentificationData> {
        Ok(IdentificationData {
            stats: self.stats_table().await?,
            context: self.context_table().await?,
            schools: self.school_infos().await?,
            checklist: self.checklist_rows().await?,
        })
    }

    pub async fn stats_table(&self) -> Result<StatsTable> {
        let sql = "SELECT s.code, a.year, a.procedure, a.subject, a.grade, st.stats FROM assessment_stats st \
                   JOIN schools s ON s.id = st.school_id JOIN assessments a ON a.id = st.assessment_id";
        let rows: Vec<(String, AssessmentKey, String)> = on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| (
            r.get::<String, _>(0),
            AssessmentKey { year: r.get::<i64, _>(1) as i32, procedure: r.get(2), subject: r.get(3), grade: r.get::<i64, _>(4) as i32 },
            r.get::<String, _>(5),
        )).collect());
        let mut cells = BTreeMap::new();
        for (school, key, json) in rows {
            let stats: AssessmentStats = serde_json::from_str(&json)?;
            cells.insert((school, key), stats);
        }
        Ok(StatsTable { cells })
    }

    /// Context values as a wide table: one row per (school, year), one
    /// factor per indicator present in the data.
    pub async fn context_table(&self) -> Result<ContextTable> {
        let sql = "SELECT s.code, c.year, c.indicator, c.value FROM context_values c JOIN schools s ON s.id = c.school_id ORDER BY s.code, c.year";
        let vals: Vec<(String, i64, String, f64)> = on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect());
        let factors: Vec<String> = vals.iter().map(|v| v.2.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let mut rows: BTreeMap<(String, i64), Vec<Option<f64>>> = BTreeMap::new();
        for (school, year, ind, v) in vals {
            let i = factors.binary_search(&ind).unwrap_or(0);
            rows.entry((school, year)).or_insert_with(|| vec![None; factors.len()])[i] = Some(v);
        }
        Ok(ContextTable {
            factors,
            rows: rows
                .into_iter()
                .map(|((school_id, year), values)| ContextRow { school_id, year: (year != 0).then_some(year as i32), values })
                .collect(),
        })
    }

    pub async fn school_infos(&self) -> Result<Vec<SchoolInfo>> {
        let sql = "SELECT code, short_name, kind FROM schools ORDER BY code";
        Ok(on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| {
            let kind: String = r.get(2);
            SchoolInfo { school_id: r.get(0), name: r.get(1), is_lyceum_or_gymnasium: kind == "лицей" || kind == "гимназия" }
        }).collect()))
    }

    pub async fn checklist_rows(&self) -> Result<Vec<ChecklistRow>> {
        let sql = "SELECT s.code, c.year, c.continuation_rate, c.graduates, c.ege_below_min, c.olympiad_participants, c.pupils, \
                   c.kdn_pdn, c.noko_satisfaction FROM checklist c JOIN schools s ON s.id = c.school_id ORDER BY s.code, c.year";
        let u = |v: Option<i64>| v.map(|x| x.max(0) as u64);
        Ok(on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| ChecklistRow {
            school_id: r.get(0),
            year: r.get::<i64, _>(1) as i32,
            continuation_rate: r.get(2),
            graduates: u(r.get(3)),
            ege_below_min: u(r.get(4)),
            olympiad_participants: u(r.get(5)),
            pupils: u(r.get(6)),
            kdn_pdn: u(r.get(7)),
            noko_satisfaction: r.get(8),
        }).collect()))
    }
}
