//! Region → municipalities → schools, procedures, subjects, assessments,
//! scales and context indicators.

use crate::{Db, Result};
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Municipality {
    pub id: i64,
    pub name: String,
    pub schools: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct School {
    pub id: i64,
    pub code: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub full_name: String,
    pub short_name: String,
    pub kind: String,
    pub locality: String,
    pub address: String,
    pub website: String,
    pub enrolment: Option<i64>,
}

impl School {
    pub fn is_lyceum_or_gymnasium(&self) -> bool {
        matches!(self.kind.as_str(), "лицей" | "гимназия")
    }
}

/// School types as the registry spells them.
pub use opora_io::records::schools::SCHOOL_KINDS;

/// Built-in context indicators: code, Russian name, unit.
pub const KNOWN_INDICATORS: &[(&str, &str, &str)] = &[
    ("low_income_share", "Доля обучающихся из малообеспеченных семей", "%"),
    ("parents_higher_ed_share", "Доля родителей с высшим образованием", "%"),
    ("non_native_russian_share", "Доля обучающихся, для которых русский язык не родной", "%"),
    ("disability_share", "Доля обучающихся с ОВЗ", "%"),
    ("rural", "Сельская местность", "да = 1"),
    ("enrolment", "Численность обучающихся", "чел."),
    ("single_parent_share", "Доля обучающихся из неполных семей", "%"),
    ("at_risk_share", "Доля обучающихся, состоящих на профилактическом учёте", "%"),
];

const SCHOOL_COLUMNS: &str = "s.id, s.code, s.municipality_id, m.name, s.full_name, s.short_name, s.kind, s.locality, s.address, s.website, s.enrolment";

/// Builds a [`School`] from a row selected with `SCHOOL_COLUMNS` (a macro
/// because the row type differs per backend).
macro_rules! school_from_row {
    () => {
        |r| School {
            id: r.get(0),
            code: r.get(1),
            municipality_id: r.get(2),
            municipality: r.get(3),
            full_name: r.get(4),
            short_name: r.get(5),
            kind: r.get(6),
            locality: r.get(7),
            address: r.get(8),
            website: r.get(9),
            enrolment: r.get(10),
        }
    };
}

impl Db {
    pub async fn set_region_name(&self, name: &str) -> Result<()> {
        let sql = "INSERT INTO region (id, name) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET name = excluded.name";
        on_db!(self, p => sqlx::query(sql).bind(name).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn region_name(&self) -> Result<Option<String>> {
        Ok(on_db!(self, p => sqlx::query_scalar("SELECT name FROM region WHERE id = 1").fetch_optional(p).await)?)
    }

    pub async fn municipalities(&self) -> Result<Vec<Municipality>> {
        let sql = "SELECT m.id, m.name, COUNT(s.id) FROM municipalities m LEFT JOIN schools s ON s.municipality_id = m.id \
                   GROUP BY m.id, m.name ORDER BY m.id";
        Ok(on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter()
            .map(|r| Municipality { id: r.get(0), name: r.get(1), schools: r.get(2) }).collect()))
    }

    /// Schools, optionally of one municipality, ordered by municipality then code.
    pub async fn schools(&self, municipality: Option<i64>) -> Result<Vec<School>> {
        let sql = format!(
            "SELECT {SCHOOL_COLUMNS} FROM schools s JOIN municipalities m ON m.id = s.municipality_id \
             WHERE ($1 IS NULL OR s.municipality_id = $1) ORDER BY s.municipality_id, s.code"
        );
        let sql = sql.replace("$1 IS NULL", "CAST($1 AS BIGINT) IS NULL");
        Ok(on_db!(self, p => sqlx::query(&sql).bind(municipality).fetch_all(p).await?.iter().map(school_from_row!()).collect()))
    }

    pub async fn school_by_code(&self, code: &str) -> Result<Option<School>> {
        let sql = format!("SELECT {SCHOOL_COLUMNS} FROM schools s JOIN municipalities m ON m.id = s.municipality_id WHERE s.code = $1");
        Ok(on_db!(self, p => sqlx::query(&sql).bind(code).fetch_optional(p).await?.as_ref().map(school_from_row!())))
    }

    /// School code → id, for validating imports in memory.
    pub async fn school_ids(&self) -> Result<HashMap<String, i64>> {
        Ok(on_db!(self, p => sqlx::query("SELECT code, id FROM schools").fetch_all(p).await?.iter()
            .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1))).collect()))
    }

    pub async fn count(&self, table: &str) -> Result<i64> {
        // Table names come from code, never from users.
        let sql = format!("SELECT COUNT(*) FROM {table}");
        Ok(on_db!(self, p => sqlx::query_scalar::<_, i64>(&sql).fetch_one(p).await)?)
    }

    /// Academic years present, newest first.
    pub async fn years(&self) -> Result<Vec<i64>> {
        Ok(on_db!(self, p => sqlx::query_scalar("SELECT year FROM academic_years ORDER BY year DESC").fetch_all(p).await)?)
    }
}
