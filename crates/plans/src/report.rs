//! Quarterly execution reports: for each school or municipality, how many
//! activities due in the quarter were done on time, done late, are overdue,
//! are still open, and which done ones have no evidence. Pure computation;
//! the tables go to XLSX ([`crate::xlsx_out`]) and DOCX ([`crate::docx_out`]),
//! chosen by [`ReportFormat`].

use crate::date::{Date, DateRange};
use crate::deadline::{Deadline, Recurrence};
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
    /// Every day by which the activity is due, in order ([`due_dates`]): one
    /// for most deadlines, several for one that repeats over months
    /// («Ноябрь, декабрь, март, май», «ежемесячно»). Empty is read as `due`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dues: Vec<Date>,
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

/// The days by which an activity with this deadline is due, in order, the
/// last being [`Deadline::due`]: the end of each of its periods
/// («Ноябрь, декабрь, март, май» → the last days of those four months; a
/// yearly activity → its months in every year of the plan), and for an
/// activity repeating more often than yearly, the end of every month (of
/// every quarter, of every half-year) it runs through. A quarterly report
/// counts the activity in each quarter one of these days falls in.
pub fn due_dates(d: &Deadline) -> Vec<Date> {
    let Some(end) = d.end else {
        return Vec::new();
    };
    let spans: Vec<(Date, Date)> = if !d.periods.is_empty() {
        d.periods.iter().map(|p| (p.start, p.end)).collect()
    } else {
        d.start.map(|s| vec![(s, end)]).unwrap_or_default()
    };
    // Months after which a repeating activity is due again.
    let every: Option<&[u32]> = match d.recurrence {
        Some(
            Recurrence::Daily | Recurrence::Weekly | Recurrence::Monthly | Recurrence::Continuous,
        ) => Some(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
        Some(Recurrence::Quarterly) => Some(&[3, 6, 9, 12]),
        Some(Recurrence::HalfYearly) => Some(&[6, 12]),
        Some(Recurrence::Yearly) | None => None,
    };
    let mut out = vec![end];
    for (start, stop) in spans {
        out.push(stop);
        let Some(months) = every else { continue };
        let (mut y, mut m) = (start.year(), start.month());
        while (y, m) <= (stop.year(), stop.month()) {
            if months.contains(&m) {
                if let Some(last) = Date::last_of_month(y, m) {
                    out.push(last.min(stop));
                }
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    out.retain(|d| *d <= end);
    out.sort();
    out.dedup();
    out
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
    /// The item's days due within the quarter (several for an activity
    /// repeating over months; none when carried over).
    pub due_in_quarter: Vec<Date>,
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
        // An activity repeating over months is in every quarter one of its days falls in.
        let due_in_quarter: Vec<Date> = if it.dues.is_empty() {
            vec![due]
        } else {
            it.dues.clone()
        }
        .into_iter()
        .filter(|d| range.contains(*d))
        .collect();
        let in_quarter = !due_in_quarter.is_empty();
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
            due_in_quarter,
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
            self.due_text(),
            it.status.title().to_string(),
            outcome,
            if self.without_evidence {
                "нет".to_string()
            } else {
                it.evidence.to_string()
            },
        ]
    }

    /// «Срок по дате»: the day due; for an activity repeating over months,
    /// its days within the quarter and the last day of the whole deadline
    /// («30.11.2026, 31.12.2026; весь срок — до 31.05.2027»).
    fn due_text(&self) -> String {
        let Some(due) = self.item.due else {
            return String::new();
        };
        if self.item.dues.len() <= 1 || self.due_in_quarter.is_empty() {
            return due.ru();
        }
        let days: Vec<String> = self.due_in_quarter.iter().map(|d| d.ru()).collect();
        if self.due_in_quarter.last() == Some(&due) {
            days.join(", ")
        } else {
            format!("{}; весь срок — до {}", days.join(", "), due.ru())
        }
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
            dues: Vec::new(),
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
    fn an_activity_repeating_over_months_is_in_every_quarter_it_falls_in() {
        use crate::deadline::{parse_deadline, Period};
        let year = Period::academic_years(2026, 2027);
        let repeated = |text: &str, status| {
            let d = parse_deadline(text, year.as_ref());
            ReportItem {
                unit: "СОШ № 1".into(),
                plan: "План".into(),
                number: "2.1".into(),
                text: text.into(),
                deadline_text: d.text.clone(),
                due: d.due(),
                dues: due_dates(&d),
                status,
                done_at: None,
                evidence: 0,
                responsible: String::new(),
            }
        };
        let items = vec![
            repeated("Ноябрь, декабрь, март, май", ActivityStatus::Planned),
            repeated("ежемесячно", ActivityStatus::InProgress),
            repeated("май 2027", ActivityStatus::Planned),
        ];
        let as_of = Date::parse("2026-10-05").unwrap();
        // The activities due in a quarter (not those carried over from before it).
        let texts = |year, q| -> Vec<String> {
            quarterly_report("Отчёт", &items, year, q, as_of)
                .unwrap()
                .rows
                .iter()
                .filter(|r| !r.carried_over)
                .map(|r| r.item.text.clone())
                .collect()
        };
        // September – December 2026, then January – August 2027.
        assert_eq!(texts(2026, 3), vec!["ежемесячно"]);
        assert_eq!(
            texts(2026, 4),
            vec!["Ноябрь, декабрь, март, май", "ежемесячно"]
        );
        assert_eq!(
            texts(2027, 1),
            vec!["Ноябрь, декабрь, март, май", "ежемесячно"]
        );
        assert_eq!(
            texts(2027, 2),
            vec!["Ноябрь, декабрь, март, май", "ежемесячно", "май 2027"]
        );
        assert_eq!(texts(2027, 3), vec!["ежемесячно"]);
        assert!(texts(2027, 4).is_empty(), "after the plan's period");
        // Still open after its whole deadline: carried over as before.
        let r = quarterly_report("Отчёт", &items, 2027, 3, as_of).unwrap();
        assert_eq!(r.rows.iter().filter(|r| r.carried_over).count(), 2);

        // The days of the quarter are what the report shows for «Срок по дате».
        let r = quarterly_report("Отчёт", &items, 2026, 4, as_of).unwrap();
        let row = &r.rows[0];
        assert!(!row.carried_over);
        assert_eq!(row.outcome, Outcome::Open, "the whole deadline is May");
        assert_eq!(
            row.cells()[5],
            "30.11.2026, 31.12.2026; весь срок — до 31.05.2027"
        );
        assert_eq!(
            r.rows[1].cells()[5],
            "31.10.2026, 30.11.2026, 31.12.2026; весь срок — до 31.08.2027"
        );
        let r = quarterly_report("Отчёт", &items, 2027, 2, as_of).unwrap();
        assert_eq!(r.rows[0].cells()[5], "31.05.2027");
        assert_eq!(
            r.rows[2].cells()[5],
            "31.05.2027",
            "a one-off deadline as before"
        );
        assert_eq!(r.total.total, 3);
    }

    #[test]
    fn due_dates_of_deadlines() {
        use crate::deadline::{parse_deadline, Period};
        let year = Period::academic_years(2026, 2027);
        let days = |text: &str| -> Vec<String> {
            due_dates(&parse_deadline(text, year.as_ref()))
                .iter()
                .map(|d| d.ru())
                .collect()
        };
        assert_eq!(
            days("Ноябрь, декабрь, март, май"),
            vec!["30.11.2026", "31.12.2026", "31.03.2027", "31.05.2027"]
        );
        assert_eq!(days("до 27.08.2027"), vec!["27.08.2027"]);
        assert_eq!(days("сентябрь 2026 – май 2027"), vec!["31.05.2027"]);
        assert_eq!(days("ежемесячно").len(), 12);
        assert_eq!(
            days("ежеквартально"),
            vec![
                "30.09.2026",
                "31.12.2026",
                "31.03.2027",
                "30.06.2027",
                "31.08.2027"
            ]
        );
        assert!(days("по запросу").is_empty());
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
