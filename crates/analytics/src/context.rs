//! Context values for a school and a target year (input 3).
//!
//! Context may be given per school or per school and year. For a target year
//! each factor takes, per school, the first non-missing value among: the row of
//! that year, the row without a year, then the rows of other years by distance
//! (the earlier year first on a tie). So a context file for one year still
//! serves a three-year run, and a yearly file uses the right year.

use crate::ContextTable;
use std::collections::HashMap;

/// Index of a context table by school.
pub struct ContextIndex<'a> {
    table: &'a ContextTable,
    by_school: HashMap<&'a str, Vec<usize>>,
}

impl<'a> ContextIndex<'a> {
    pub fn new(table: &'a ContextTable) -> Self {
        let mut by_school: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, r) in table.rows.iter().enumerate() {
            by_school.entry(r.school_id.as_str()).or_default().push(i);
        }
        ContextIndex { table, by_school }
    }

    pub fn factors(&self) -> &'a [String] {
        &self.table.factors
    }

    /// True when the school has any context row at all.
    pub fn has_school(&self, school_id: &str) -> bool {
        self.by_school.contains_key(school_id)
    }

    /// The school's value of every factor for `year` (None where missing).
    pub fn values(&self, school_id: &str, year: i32) -> Vec<Option<f64>> {
        let k = self.table.factors.len();
        let Some(rows) = self.by_school.get(school_id) else {
            return vec![None; k];
        };
        let mut ordered: Vec<&crate::ContextRow> =
            rows.iter().map(|&i| &self.table.rows[i]).collect();
        // Stable sort keeps file order among rows of equal priority.
        ordered.sort_by_key(|r| priority(r.year, year));
        (0..k)
            .map(|f| {
                ordered
                    .iter()
                    .find_map(|r| r.values.get(f).copied().flatten().filter(|v| v.is_finite()))
            })
            .collect()
    }
}

/// Sort key: the target year first, then no year, then by distance, earlier first.
fn priority(row_year: Option<i32>, target: i32) -> (u8, i64, i32) {
    match row_year {
        Some(y) if y == target => (0, 0, 0),
        None => (1, 0, 0),
        Some(y) => (2, (y as i64 - target as i64).abs(), y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ContextRow;

    fn row(id: &str, year: Option<i32>, v: Vec<Option<f64>>) -> ContextRow {
        ContextRow {
            school_id: id.into(),
            year,
            values: v,
        }
    }

    #[test]
    fn picks_year_then_yearless_then_nearest() {
        let t = ContextTable {
            factors: vec!["a".into(), "b".into()],
            rows: vec![
                row("1", Some(2021), vec![Some(1.0), Some(10.0)]),
                row("1", Some(2023), vec![Some(3.0), None]),
                row("1", None, vec![Some(0.0), Some(20.0)]),
                row("2", Some(2020), vec![Some(5.0), Some(f64::NAN)]),
                row("2", Some(2022), vec![Some(7.0), None]),
            ],
        };
        let ix = ContextIndex::new(&t);
        assert_eq!(ix.values("1", 2023), vec![Some(3.0), Some(20.0)]);
        assert_eq!(ix.values("1", 2022), vec![Some(0.0), Some(20.0)]);
        assert_eq!(ix.values("2", 2021), vec![Some(5.0), None]);
        assert_eq!(ix.values("3", 2021), vec![None, None]);
        assert!(!ix.has_school("3"));
    }
}
