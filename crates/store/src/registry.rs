//! Region → municipalities → schools, procedures, subjects, assessments,
//! scales and context indicators.
//!
//! Search folding ([`search_fold`]), the Russian sort order ([`ru_key`])
//! and paging ([`page_of`]) live here on purpose: they are the query
//! layer's job, not presentation. The scope is applied in SQL and the rest
//! in memory after it, so that case folding, ё = е and the Russian order are
//! the same on both backends whatever the database's collation.

use crate::{Db, Result};
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Municipality {
    pub id: i64,
    pub name: String,
    pub schools: i64,
}

#[derive(Debug, Clone)]
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
    (
        "low_income_share",
        "Доля обучающихся из малообеспеченных семей",
        "%",
    ),
    (
        "parents_higher_ed_share",
        "Доля родителей с высшим образованием",
        "%",
    ),
    (
        "non_native_russian_share",
        "Доля обучающихся, для которых русский язык не родной",
        "%",
    ),
    ("disability_share", "Доля обучающихся с ОВЗ", "%"),
    ("rural", "Сельская местность", "да = 1"),
    ("enrolment", "Численность обучающихся", "чел."),
    (
        "single_parent_share",
        "Доля обучающихся из неполных семей",
        "%",
    ),
    (
        "at_risk_share",
        "Доля обучающихся, состоящих на профилактическом учёте",
        "%",
    ),
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
        Ok(
            on_db!(self, p => sqlx::query_scalar("SELECT name FROM region WHERE id = 1").fetch_optional(p).await)?,
        )
    }

    pub async fn municipalities(&self) -> Result<Vec<Municipality>> {
        let sql = "SELECT m.id, m.name, COUNT(s.id) FROM municipalities m LEFT JOIN schools s ON s.municipality_id = m.id \
                   GROUP BY m.id, m.name ORDER BY m.id";
        Ok(
            on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter()
            .map(|r| Municipality { id: r.get(0), name: r.get(1), schools: r.get(2) }).collect()),
        )
    }

    /// Schools, optionally of one municipality, ordered by municipality then code.
    pub async fn schools(&self, municipality: Option<i64>) -> Result<Vec<School>> {
        let sql = format!(
            "SELECT {SCHOOL_COLUMNS} FROM schools s JOIN municipalities m ON m.id = s.municipality_id \
             WHERE ($1 IS NULL OR s.municipality_id = $1) ORDER BY s.municipality_id, s.code"
        );
        let sql = sql.replace("$1 IS NULL", "CAST($1 AS BIGINT) IS NULL");
        Ok(
            on_db!(self, p => sqlx::query(&sql).bind(municipality).fetch_all(p).await?.iter().map(school_from_row!()).collect()),
        )
    }

    pub async fn school_by_code(&self, code: &str) -> Result<Option<School>> {
        let sql = format!("SELECT {SCHOOL_COLUMNS} FROM schools s JOIN municipalities m ON m.id = s.municipality_id WHERE s.code = $1");
        Ok(
            on_db!(self, p => sqlx::query(&sql).bind(code).fetch_optional(p).await?.as_ref().map(school_from_row!())),
        )
    }

    /// School code → id, for validating imports in memory.
    pub async fn school_ids(&self) -> Result<HashMap<String, i64>> {
        Ok(
            on_db!(self, p => sqlx::query("SELECT code, id FROM schools").fetch_all(p).await?.iter()
            .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1))).collect()),
        )
    }

    pub async fn count(&self, table: &str) -> Result<i64> {
        // Table names come from code, never from users.
        let sql = format!("SELECT COUNT(*) FROM {table}");
        Ok(on_db!(self, p => sqlx::query_scalar::<_, i64>(&sql).fetch_one(p).await)?)
    }

    /// Academic years present, newest first.
    pub async fn years(&self) -> Result<Vec<i64>> {
        Ok(
            on_db!(self, p => sqlx::query_scalar("SELECT year FROM academic_years ORDER BY year DESC").fetch_all(p).await)?,
        )
    }
}

/// Text folded for search: lower case, ё = е, spaces collapsed.
pub fn search_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(|c| c.to_lowercase()) {
        let c = if c == 'ё' { 'е' } else { c };
        if c.is_whitespace() || c == '\u{a0}' {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// A sort key that orders Russian text as people expect: case-insensitive,
/// «ё» right after «е» (Unicode puts it after «я»), digits in numbers compared
/// by value («СОШ № 2» before «СОШ № 10»).
pub fn ru_key(s: &str) -> Vec<u32> {
    let mut key = Vec::with_capacity(s.len());
    let mut chars = s.chars().flat_map(|c| c.to_lowercase()).peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n: u64 = c.to_digit(10).unwrap_or(0) as u64;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(d as u64);
                chars.next();
            }
            // Numbers sort before letters, by value.
            key.push(0x30);
            key.push((n.min(u32::MAX as u64 - 1)) as u32);
            continue;
        }
        let code = match c {
            'ё' => ('е' as u32) * 2 + 1,
            c => (c as u32) * 2,
        };
        key.push(code);
    }
    key
}

/// Category filter of the school list (from the latest run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryFilter {
    Shnor,
    Shnsu,
    LowResults,
    Resilient,
    /// In the run, in no list.
    Normal,
    /// Not in the run, or with insufficient data.
    NoData,
}

impl CategoryFilter {
    pub const ALL: [CategoryFilter; 6] = [
        CategoryFilter::Shnor,
        CategoryFilter::Shnsu,
        CategoryFilter::LowResults,
        CategoryFilter::Resilient,
        CategoryFilter::Normal,
        CategoryFilter::NoData,
    ];
    pub fn code(self) -> &'static str {
        match self {
            CategoryFilter::Shnor => "shnor",
            CategoryFilter::Shnsu => "shnsu",
            CategoryFilter::LowResults => "low",
            CategoryFilter::Resilient => "resilient",
            CategoryFilter::Normal => "normal",
            CategoryFilter::NoData => "nodata",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            CategoryFilter::Shnor => "ШНОР",
            CategoryFilter::Shnsu => "ШНСУ",
            CategoryFilter::LowResults => "Низкие результаты",
            CategoryFilter::Resilient => "Резильентные",
            CategoryFilter::Normal => "Не входят в списки",
            CategoryFilter::NoData => "Нет данных",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
    fn holds(self, r: &SchoolRow) -> bool {
        match (self, &r.latest) {
            (CategoryFilter::Shnor, Some(l)) => l.is_shnor,
            (CategoryFilter::Shnsu, Some(l)) => l.is_shnsu,
            (CategoryFilter::LowResults, Some(l)) => l.is_low_results,
            (CategoryFilter::Resilient, Some(l)) => l.is_resilient,
            (CategoryFilter::Normal, Some(l)) => {
                !(l.is_shnor
                    || l.is_shnsu
                    || l.is_low_results
                    || l.is_resilient
                    || l.insufficient_data)
            }
            (CategoryFilter::NoData, Some(l)) => l.insufficient_data,
            (CategoryFilter::NoData, None) => true,
            (_, None) => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchoolSort {
    #[default]
    Name,
    Code,
    Municipality,
    Kind,
    Enrolment,
    Category,
    Effect,
}

impl SchoolSort {
    pub const ALL: [SchoolSort; 7] = [
        SchoolSort::Name,
        SchoolSort::Code,
        SchoolSort::Municipality,
        SchoolSort::Kind,
        SchoolSort::Enrolment,
        SchoolSort::Category,
        SchoolSort::Effect,
    ];
    pub fn code(self) -> &'static str {
        match self {
            SchoolSort::Name => "name",
            SchoolSort::Code => "code",
            SchoolSort::Municipality => "municipality",
            SchoolSort::Kind => "kind",
            SchoolSort::Enrolment => "enrolment",
            SchoolSort::Category => "category",
            SchoolSort::Effect => "effect",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            SchoolSort::Name => "наименованию",
            SchoolSort::Code => "коду",
            SchoolSort::Municipality => "муниципалитету",
            SchoolSort::Kind => "типу",
            SchoolSort::Enrolment => "численности",
            SchoolSort::Category => "категории",
            SchoolSort::Effect => "эффекту школы",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// The school list's query.
#[derive(Debug, Clone, Default)]
pub struct SchoolFilter {
    /// Search in code, names and address (case-insensitive, ё = е).
    pub q: String,
    pub municipality: Option<i64>,
    pub category: Option<CategoryFilter>,
    pub kind: Option<String>,
    pub locality: Option<String>,
    pub sort: SchoolSort,
    pub desc: bool,
    /// 1-based page; 0 = all rows (exports).
    pub page: usize,
    pub per_page: usize,
}

/// A school's headline in the latest run.
#[derive(Debug, Clone)]
pub struct LatestLine {
    pub run_id: i64,
    pub category: String,
    pub is_shnor: bool,
    pub is_low_results: bool,
    pub is_shnsu: bool,
    pub is_resilient: bool,
    pub insufficient_data: bool,
    pub effect: Option<f64>,
    pub result_index: Option<f64>,
    pub social_index: Option<f64>,
    /// The numbers behind the verdict.
    pub reason: String,
    /// The verdict in one plain sentence.
    pub summary: String,
}

#[derive(Debug, Clone)]
pub struct SchoolRow {
    pub school: School,
    pub latest: Option<LatestLine>,
    /// Code, names and address folded for search ([`search_fold`]).
    pub search: String,
    /// [`ru_key`] of the short name: the default order, computed once per
    /// row rather than on every request.
    pub name_key: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct SchoolPage {
    pub rows: Vec<SchoolRow>,
    /// Rows matching the filter (all pages).
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    /// The run the categories come from.
    pub run_id: Option<i64>,
}

impl Db {
    /// Municipalities with at least one school in scope (all for the region).
    pub async fn municipalities_in(
        &self,
        scope: &crate::scope::Scope,
    ) -> Result<Vec<Municipality>> {
        if scope.is_region() {
            return self.municipalities().await;
        }
        let sql = format!(
            "SELECT m.id, m.name, COUNT(s.id) FROM municipalities m JOIN schools s ON s.municipality_id = m.id \
             WHERE {} GROUP BY m.id, m.name ORDER BY m.id",
            scope.schools_sql("s")
        );
        Ok(
            on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?.iter()
            .map(|r| Municipality { id: r.get(0), name: r.get(1), schools: r.get(2) }).collect()),
        )
    }

    /// One school by code, if it is in scope.
    pub async fn school_in(
        &self,
        scope: &crate::scope::Scope,
        code: &str,
    ) -> Result<Option<School>> {
        let sql = format!(
            "SELECT {SCHOOL_COLUMNS} FROM schools s JOIN municipalities m ON m.id = s.municipality_id WHERE s.code = $1 AND {}",
            scope.schools_sql("s")
        );
        Ok(
            on_db!(self, p => sqlx::query(&sql).bind(code).fetch_optional(p).await?.as_ref().map(school_from_row!())),
        )
    }

    /// Schools in scope by id (for forms that assign schools).
    pub async fn schools_in(&self, scope: &crate::scope::Scope) -> Result<Vec<School>> {
        let sql = format!(
            "SELECT {SCHOOL_COLUMNS} FROM schools s JOIN municipalities m ON m.id = s.municipality_id WHERE {} ORDER BY s.municipality_id, s.code",
            scope.schools_sql("s")
        );
        Ok(
            on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?.iter().map(school_from_row!()).collect()),
        )
    }

    /// The school list: schools in scope with their category in the latest
    /// run, searched, filtered, sorted and cut to a page. The scope is applied
    /// in SQL; search and sorting run in memory (a region has at most a few
    /// thousand schools), so that case folding, ё = е and the Russian order
    /// are the same on both backends whatever the database's collation.
    pub async fn school_page(
        &self,
        scope: &crate::scope::Scope,
        f: &SchoolFilter,
    ) -> Result<SchoolPage> {
        let (run_id, rows) = self.school_rows(scope).await?;
        Ok(page_of(&rows, run_id, f))
    }

    /// The schools in scope with their line in the latest run (and that run's id).
    pub async fn school_rows(
        &self,
        scope: &crate::scope::Scope,
    ) -> Result<(Option<i64>, Vec<SchoolRow>)> {
        self.ensure_runs_indexed().await?;
        let (latest, _) = self.latest_run_ids().await?;
        let sql = format!(
            "SELECT {SCHOOL_COLUMNS}, rs.run_id, rs.category, rs.is_shnor, rs.is_low_results, rs.is_shnsu, rs.is_resilient, \
             rs.insufficient_data, rs.effect, rs.result_index, rs.social_index, rs.reason, rs.summary \
             FROM schools s JOIN municipalities m ON m.id = s.municipality_id \
             LEFT JOIN run_schools rs ON rs.school_code = s.code AND rs.run_id = $1 \
             WHERE {}",
            scope.schools_sql("s")
        );
        let rows: Vec<SchoolRow> = on_db!(self, p => sqlx::query(&sql).bind(latest.unwrap_or(-1)).fetch_all(p).await?.iter().map(|r| {
            let school = Some(r).map(school_from_row!()).expect("row");
            let run_id: Option<i64> = r.get(11);
            let latest = run_id.map(|run_id| LatestLine {
                run_id,
                category: r.get(12),
                is_shnor: r.get::<i64, _>(13) != 0,
                is_low_results: r.get::<i64, _>(14) != 0,
                is_shnsu: r.get::<i64, _>(15) != 0,
                is_resilient: r.get::<i64, _>(16) != 0,
                insufficient_data: r.get::<i64, _>(17) != 0,
                effect: r.get(18),
                result_index: r.get(19),
                social_index: r.get(20),
                reason: r.get(21),
                summary: r.get(22),
            });
            let search = search_fold(&format!("{} {} {} {}", school.code, school.full_name, school.short_name, school.address));
            let name_key = ru_key(&school.short_name);
            SchoolRow { school, latest, search, name_key }
        }).collect::<Vec<_>>());
        // In the default order (by name) already: lists need no sort then.
        let mut rows = rows;
        rows.sort_by(|a, b| a.name_key.cmp(&b.name_key));
        Ok((latest, rows))
    }
}

/// Searches, filters, sorts and pages rows read by [`Db::school_rows`]
/// (the rows are already limited to the caller's scope).
pub fn page_of(all: &[SchoolRow], latest: Option<i64>, f: &SchoolFilter) -> SchoolPage {
    let q = search_fold(&f.q);
    let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
    let mut rows: Vec<&SchoolRow> = all
        .iter()
        .filter(|r| f.municipality.is_none_or(|m| r.school.municipality_id == m))
        .filter(|r| f.kind.as_deref().is_none_or(|k| r.school.kind == k))
        .filter(|r| f.locality.as_deref().is_none_or(|l| r.school.locality == l))
        .filter(|r| f.category.is_none_or(|c| c.holds(r)))
        .filter(|r| {
            if words.is_empty() {
                return true;
            }
            words.iter().all(|w| r.search.contains(w))
        })
        .collect();
    let cat_rank = |r: &SchoolRow| match &r.latest {
        Some(l) if l.is_shnor => 0,
        Some(l) if l.is_shnsu => 1,
        Some(l) if l.is_low_results => 2,
        Some(l) if l.is_resilient => 3,
        Some(l) if !l.insufficient_data => 4,
        _ => 5,
    };
    // Rows come sorted by name (Db::school_rows): the default order needs
    // no sort; other orders compute their keys once per row.
    let by_name = |a: &&SchoolRow, b: &&SchoolRow| a.name_key <= b.name_key;
    let mut rows: Vec<&SchoolRow> = if f.sort == SchoolSort::Name && rows.is_sorted_by(by_name) {
        rows
    } else {
        let mut keyed: Vec<(Vec<u32>, &[u32], &SchoolRow)> = rows
            .drain(..)
            .map(|r| {
                let primary = match f.sort {
                    SchoolSort::Code => ru_key(&r.school.code),
                    SchoolSort::Municipality => ru_key(&r.school.municipality),
                    SchoolSort::Kind => ru_key(&r.school.kind),
                    _ => Vec::new(),
                };
                (primary, r.name_key.as_slice(), r)
            })
            .collect();
        let effect = |r: &SchoolRow| r.latest.as_ref().and_then(|l| l.effect);
        keyed.sort_by(|a, b| {
            let first = match f.sort {
                SchoolSort::Enrolment => a.2.school.enrolment.cmp(&b.2.school.enrolment),
                SchoolSort::Category => cat_rank(a.2).cmp(&cat_rank(b.2)),
                SchoolSort::Effect => match (effect(a.2), effect(b.2)) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                },
                _ => a.0.cmp(&b.0),
            };
            first.then_with(|| a.1.cmp(b.1))
        });
        keyed.into_iter().map(|k| k.2).collect()
    };
    if f.desc {
        rows.reverse();
    }
    let total = rows.len();
    let (page, pages, rows): (usize, usize, Vec<SchoolRow>) = if f.page == 0 || f.per_page == 0 {
        (1, 1, rows.into_iter().cloned().collect())
    } else {
        let pages = total.div_ceil(f.per_page).max(1);
        let page = f.page.min(pages);
        let rows = rows
            .into_iter()
            .skip((page - 1) * f.per_page)
            .take(f.per_page)
            .cloned()
            .collect();
        (page, pages, rows)
    };
    SchoolPage {
        rows,
        total,
        page,
        pages,
        run_id: latest,
    }
}

impl Db {
    /// School types and localities present in scope (filter choices).
    pub async fn school_kinds_localities(
        &self,
        scope: &crate::scope::Scope,
    ) -> Result<(Vec<String>, Vec<String>)> {
        let kinds_sql = format!(
            "SELECT DISTINCT s.kind FROM schools s WHERE {} ORDER BY s.kind",
            scope.schools_sql("s")
        );
        let loc_sql = format!(
            "SELECT DISTINCT s.locality FROM schools s WHERE {} ORDER BY s.locality",
            scope.schools_sql("s")
        );
        let kinds = on_db!(self, p => sqlx::query_scalar(&kinds_sql).fetch_all(p).await)?;
        let locs = on_db!(self, p => sqlx::query_scalar(&loc_sql).fetch_all(p).await)?;
        Ok((kinds, locs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_folds_case_and_yo() {
        assert_eq!(search_fold("  Школа  «Ёлочка» "), "школа «елочка»");
        assert_eq!(search_fold("ЁЛКИ"), search_fold("елки"));
    }

    #[test]
    fn russian_order_puts_yo_after_ye_and_numbers_by_value() {
        let mut v = vec!["Ж", "Ё", "Е", "Я", "а"];
        v.sort_by_key(|s| ru_key(s));
        assert_eq!(v, vec!["а", "Е", "Ё", "Ж", "Я"]);
        let mut n = vec!["СОШ № 10", "СОШ № 2", "СОШ № 1"];
        n.sort_by_key(|s| ru_key(s));
        assert_eq!(n, vec!["СОШ № 1", "СОШ № 2", "СОШ № 10"]);
    }
}
