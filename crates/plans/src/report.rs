//! Quarterly execution reports: for each school or municipality, how many
//! activities due in the quarter were done on time, done late, are overdue,
//! are still open, and which done ones have no evidence. Pure computation;
//! the tables go to XLSX ([`crate::xlsx_out`]) and DOCX ([`crate::docx_out`]),
//! chosen by [`ReportFormat`].

use crate::date::{Date, DateRange};
use crate::model::ActivityStatus;
use crate::PlanError;
use serde::Serialize;

/// The file format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Xlsx,
    Docx,
}

impl ReportFormat {
    pub fn from_extension(ext: &str) -> Option<ReportFormat> {
        match ext.to_lowercase().as_str() {
            "xlsx" => Some(ReportFormat::Xlsx),
            "docx" => Some(ReportFormat::Docx),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Docx => "docx",
        }
    }
    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ReportFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
    /// The quarterly report as a file of this format.
    pub fn write(self, rep: &QuarterReport) -> Result<Vec<u8>, PlanError> {
        match self {
            ReportFormat::Xlsx => crate::xlsx_out::quarterly_report_xlsx(rep),
            ReportFormat::Docx => Ok(crate::docx_out::quarterly_report_docx(rep)),
        }
    }
}

/// One activity as a report sees it.
#[derive(Clone, Debug, Serialize)]
pub struct ReportItem {
    /// The school or municipality the plan belongs to.
    pub unit: String,
    pub plan: String,
    pub number: String,
    pub text: String,
    pub deadline_text: String,
    /// Last day of the deadline (none for dateless deadlines).
    pub due: Option<Date>,
    pub status: ActivityStatus,
    /// Day it was done.
    pub done_at: Option<Date>,
    /// Pieces of evidence attached.
    pub evidence: usize,
    pub responsible: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done (or verified) by the deadline.
    OnTime,
    /// Done after the deadline.
    Late,
    /// Not done and the deadline has passed.
    Overdue,
    /// Not done, the deadline has not come yet.
    Open,
    Cancelled,
}

impl Outcome {
    pub fn title(&self) -> &'static str {
        match self {
            Outcome::OnTime => "выполнено в срок",
            Outcome::Late => "выполнено с опозданием",
            Outcome::Overdue => "просрочено",
            Outcome::Open => "срок не наступил",
            Outcome::Cancelled => "отменено",
        }
    }
}

/// The outcome of an item as of `as_of`.
pub fn outcome(item: &ReportItem, as_of: Date) -> Outcome {
    match item.status {
        ActivityStatus::Cancelled => Outcome::Cancelled,
        ActivityStatus::Done | ActivityStatus::Verified => match (item.done_at, item.due) {
            (Some(done), Some(due)) if done > due => Outcome::Late,
            _ => Outcome::OnTime,
        },
        _ => match item.due {
            Some(due) if due < as_of => Outcome::Overdue,
            _ => Outcome::Open,
        },
    }
}

/// Quarter `q` (1–4) of `year`.
pub fn quarter(year: i32, q: u32) -> Option<DateRange> {
    if !(1..=4).contains(&q) {
        return None;
    }
    DateRange::months(year, 3 * q - 2, year, 3 * q)
}

/// Parses «2023-1», «2023 Q1», «I квартал 2023», «1 квартал 2023 г.» → (2023, 1).
pub fn parse_quarter(s: &str) -> Option<(i32, u32)> {
    let lower = s.to_lowercase();
    let year = lower
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| p.len() == 4)
        .find_map(|p| p.parse::<i32>().ok())?;
    let rest = lower.replacen(&year.to_string(), " ", 1);
    let roman = [("iv", 4), ("iii", 3), ("ii", 2), ("i", 1)];
    let q = rest
        .split(|c: char| !c.is_alphanumeric())
        .find_map(|w| {
            let w = w.trim_start_matches('q');
            w.parse::<u32>()
                .ok()
                .or_else(|| roman.iter().find(|(r, _)| *r == w).map(|(_, n)| *n))
        })
        .filter(|q| (1..=4).contains(q))?;
    Some((year, q))
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct UnitSummary {
    pub unit: String,
    /// Activities in the report (due in the quarter, or overdue from before it).
    pub total: usize,
    pub on_time: usize,
    pub late: usize,
    pub overdue: usize,
    pub open: usize,
    pub cancelled: usize,
    /// Done or verified with no evidence attached.
    pub without_evidence: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportRow {
    pub item: ReportItem,
    pub outcome: Outcome,
    pub without_evidence: bool,
    /// Due before the quarter and still not done.
    pub carried_over: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuarterReport {
    pub title: String,
    pub year: i32,
    pub quarter: u32,
    pub range: DateRange,
    pub as_of: Date,
    pub units: Vec<UnitSummary>,
    pub total: UnitSummary,
    pub rows: Vec<ReportRow>,
    /// Activities with no date in their deadline («по запросу»): not counted.
    pub dateless: usize,
}

/// Builds the report for quarter `q` of `year` as of `as_of`: activities due
/// in the quarter, and those due earlier that are still not done.
pub fn quarterly_report(
    title: &str,
    items: &[ReportItem],
    year: i32,
    q: u32,
    as_of: Date,
) -> Option<QuarterReport> {
    let range = quarter(year, q)?;
    let mut rows = Vec::new();
    let mut dateless = 0;
    for it in items {
        let Some(due) = it.due else {
            dateless += 1;
            continue;
        };
        let in_quarter = range.contains(due);
        let carried = due < range.start && !it.status.is_closed();
        if !(in_quarter || carried) {
            continue;
        }
        let outcome = outcome(it, as_of);
        let without_evidence = matches!(it.status, ActivityStatus::Done | ActivityStatus::Verified)
            && it.evidence == 0;
        rows.push(ReportRow {
            item: it.clone(),
            outcome,
            without_evidence,
            carried_over: carried,
        });
    }
    let mut units: Vec<UnitSummary> = Vec::new();
    let mut total = UnitSummary {
        unit: "Итого".into(),
        ..Default::default()
    };
    for r in &rows {
        let idx = match units.iter().position(|u| u.unit == r.item.unit) {
            Some(i) => i,
            None => {
                units.push(UnitSummary {
                    unit: r.item.unit.clone(),
                    ..Default::default()
                });
                units.len() - 1
            }
        };
        for u in [&mut units[idx], &mut total] {
            u.total += 1;
            match r.outcome {
                Outcome::OnTime => u.on_time += 1,
                Outcome::Late => u.late += 1,
                Outcome::Overdue => u.overdue += 1,
                Outcome::Open => u.open += 1,
                Outcome::Cancelled => u.cancelled += 1,
            }
            if r.without_evidence {
                u.without_evidence += 1;
            }
        }
    }
    Some(QuarterReport {
        title: title.to_string(),
        year,
        quarter: q,
        range,
        as_of,
        units,
        total,
        rows,
        dateless,
    })
}

pub const SUMMARY_HEADER: [&str; 8] = [
    "Школа / муниципалитет",
    "Мероприятий",
    "Выполнено в срок",
    "Выполнено с опозданием",
    "Просрочено",
    "Срок не наступил",
    "Отменено",
    "Без подтверждающих документов",
];

pub const DETAIL_HEADER: [&str; 9] = [
    "Школа / муниципалитет",
    "План",
    "№",
    "Мероприятие",
    "Срок (как в плане)",
    "Срок по дате",
    "Статус",
    "Итог",
    "Документы",
];

impl UnitSummary {
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.unit.clone(),
            self.total.to_string(),
            self.on_time.to_string(),
            self.late.to_string(),
            self.overdue.to_string(),
            self.open.to_string(),
            self.cancelled.to_string(),
            self.without_evidence.to_string(),
        ]
    }
}

impl ReportRow {
    pub fn cells(&self) -> Vec<String> {
        let it = &self.item;
        let mut outcome = self.outcome.title().to_string();
        if self.carried_over {
            outcome.push_str(" (срок в прошлом квартале)");
        }
        vec![
            it.unit.clone(),
            it.plan.clone(),
            it.number.clone(),
            it.text.clone(),
            it.deadline_text.clone(),
            it.due.map(|d| d.ru()).unwrap_or_default(),
            it.status.title().to_string(),
            outcome,
            if self.without_evidence {
                "нет".to_string()
            } else {
                it.evidence.to_string()
            },
        ]
    }
}

impl QuarterReport {
    /// «I квартал 2023 года (01.01.2023 – 31.03.2023), по состоянию на 05.04.2023».
    pub fn subtitle(&self) -> String {
        let roman = ["I", "II", "III", "IV"][(self.quarter - 1) as usize];
        format!(
            "{roman} квартал {} года ({}), по состоянию на {}",
            self.year,
            self.range.ru(),
            self.as_of.ru()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(
        unit: &str,
        due: &str,
        status: ActivityStatus,
        done: Option<&str>,
        evidence: usize,
    ) -> ReportItem {
        ReportItem {
            unit: unit.into(),
            plan: "План".into(),
            number: "1".into(),
            text: "Мероприятие".into(),
            deadline_text: due.into(),
            due: Date::parse(due),
            status,
            done_at: done.and_then(Date::parse),
            evidence,
            responsible: String::new(),
        }
    }

    #[test]
    fn quarter_outcomes() {
        use ActivityStatus::*;
        let items = vec![
            item("СОШ № 1", "2023-02-28", Done, Some("2023-02-20"), 1),
            item("СОШ № 1", "2023-02-28", Verified, Some("2023-03-05"), 0),
            item("СОШ № 1", "2023-03-31", InProgress, None, 0),
            item("СОШ № 2", "2023-01-31", Planned, None, 0),
            item("СОШ № 2", "2022-12-31", Planned, None, 0),
            item("СОШ № 2", "2023-05-31", Planned, None, 0),
            item("СОШ № 2", "2023-03-15", Cancelled, None, 0),
            item("СОШ № 2", "", Planned, None, 0),
        ];
        let r =
            quarterly_report("Отчёт", &items, 2023, 1, Date::parse("2023-03-20").unwrap()).unwrap();
        assert_eq!(
            r.rows.len(),
            6,
            "May is outside, the dateless one is not counted"
        );
        assert_eq!(r.dateless, 1);
        let s1 = &r.units[0];
        assert_eq!(
            (s1.total, s1.on_time, s1.late, s1.open, s1.without_evidence),
            (3, 1, 1, 1, 1)
        );
        let s2 = &r.units[1];
        assert_eq!((s2.total, s2.overdue, s2.cancelled), (3, 2, 1));
        assert!(r
            .rows
            .iter()
            .any(|x| x.carried_over && x.item.due == Date::parse("2022-12-31")));
        assert_eq!(r.total.total, 6);
        assert_eq!(
            r.subtitle(),
            "I квартал 2023 года (01.01.2023 – 31.03.2023), по состоянию на 20.03.2023"
        );
    }

    #[test]
    fn quarters() {
        assert_eq!(parse_quarter("2023-1"), Some((2023, 1)));
        assert_eq!(parse_quarter("2023 Q4"), Some((2023, 4)));
        assert_eq!(parse_quarter("III квартал 2024 г."), Some((2024, 3)));
        assert_eq!(parse_quarter("2 квартал 2022"), Some((2022, 2)));
        assert_eq!(parse_quarter("2023-5"), None);
        assert_eq!(quarter(2024, 1).unwrap().end.iso(), "2024-03-31");
    }
}
