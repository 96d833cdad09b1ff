//! Quarterly execution reports of plans: the scope's own plans (or one plan)
//! read from the store and laid out by `opora_plans::report`. The store only
//! gathers the data; the files (XLSX and DOCX) are written by `opora_plans`
//! ([`opora_plans::report::ReportFormat::write`]).

use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::report::{quarterly_report, QuarterReport, ReportItem};
use opora_plans::Date;

impl Db {
    /// The quarterly report of the scope's own plans (or of one plan) for
    /// quarter `q` of `year` as of `as_of`.
    pub async fn quarterly_report(
        &self,
        scope: &Scope,
        plan_id: Option<i64>,
        title: &str,
        (year, q): (i32, u32),
        as_of: Date,
    ) -> Result<QuarterReport> {
        let items: Vec<ReportItem> = self
            .execution_rows(scope, plan_id)
            .await?
            .into_iter()
            .map(|r| r.report_item())
            .collect();
        quarterly_report(title, &items, year, q, as_of).ok_or_else(|| {
            StoreError::Invalid(format!(
                "квартал {q} {year} года: номер квартала — от 1 до 4"
            ))
        })
    }
}
