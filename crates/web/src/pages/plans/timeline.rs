//! The plan's timeline: a Gantt-like SVG by month (drawn by
//! `opora_io::charts`). One row per activity with dates (its range, or each
//! of its separate periods), coloured by status; a line marks today.
//! Activities without dates («по запросу») are counted under the chart,
//! never drawn at an invented place.

use opora_io::charts::{timeline_svg, Bar, Timeline, TimelineRow};
use opora_plans::{Activity, Date, Plan};
use std::fmt::Write;

/// Month names as the timeline labels them.
pub use opora_plans::deadline::MONTHS_NOMINATIVE as MONTHS;

/// More rows than this make an unreadable picture; the table has them all.
const MAX_ROWS: usize = 300;
const MAX_MONTHS: i64 = 48;

fn month_index(d: Date) -> i64 {
    d.year() as i64 * 12 + d.month() as i64 - 1
}

fn colour(status: &str, overdue: bool) -> &'static str {
    if overdue {
        return "#c62828";
    }
    match status {
        "in_progress" => "#1e6bb8",
        "done" => "#2e7d32",
        "verified" => "#1b5e20",
        "cancelled" => "#9e9e9e",
        _ => "#7986a3",
    }
}

/// Where a day falls, in months from the start of month `first`: the day's
/// start, or with `end` its end.
fn position(d: Date, first: i64, end: bool) -> f64 {
    let k = (month_index(d) - first) as f64;
    let days = opora_plans::date::days_in_month(d.year(), d.month()) as f64;
    let frac = if end {
        d.day() as f64 / days
    } else {
        (d.day() as f64 - 1.0) / days
    };
    k + frac
}

pub fn render(plan: &Plan, today: Date) -> String {
    let all = plan.all_activities();
    let dated: Vec<_> = all
        .iter()
        .filter(|x| {
            x.activity.deadline.start.is_some()
                || x.activity.deadline.end.is_some()
                || !x.activity.deadline.periods.is_empty()
        })
        .collect();
    let dateless = all.len() - dated.len();
    // The months shown: the plan's period, else the span of the deadlines.
    let span = plan
        .period
        .as_ref()
        .map(|p| (month_index(p.start), month_index(p.end)))
        .or_else(|| {
            let ms: Vec<i64> = dated
                .iter()
                .flat_map(|x| [x.activity.deadline.start, x.activity.deadline.end])
                .flatten()
                .map(month_index)
                .collect();
            Some((*ms.iter().min()?, *ms.iter().max()?))
        });
    let (first, last) = span.unwrap_or((month_index(today), month_index(today)));
    let last = last.min(first + MAX_MONTHS - 1);
    let rows = dated.len().min(MAX_ROWS);
    let t = month_index(today);
    timeline_svg(&Timeline {
        title: format!("Сроки мероприятий по месяцам: {}", plan.title),
        first_month: first,
        months: (last - first + 1).max(1),
        rows: dated
            .iter()
            .take(rows)
            .map(|x| row(x.activity, first, today))
            .collect(),
        today: (t >= first && t <= last).then(|| position(today, first, false)),
        foot: foot(dated.len(), rows, dateless),
    })
}

/// An activity's row: its number and text, a bar per period of its deadline.
fn row(a: &Activity, first: i64, today: Date) -> TimelineRow {
    let overdue = a.is_overdue(today);
    let colour = colour(a.status.code(), overdue);
    let title = format!(
        "{}: {}",
        a.deadline.text,
        super::status_title(a.status.code(), overdue)
    );
    let ranges: Vec<(Option<Date>, Option<Date>)> = if a.deadline.periods.is_empty() {
        vec![(a.deadline.start, a.deadline.end)]
    } else {
        a.deadline
            .periods
            .iter()
            .map(|p| (Some(p.start), Some(p.end)))
            .collect()
    };
    TimelineRow {
        label: format!("{} {}", a.number.clone().unwrap_or_default(), a.text)
            .trim()
            .to_string(),
        href: format!("/activities/{}", a.id.unwrap_or_default()),
        bars: ranges
            .into_iter()
            .map(|(start, end)| Bar {
                // «до 27.08»: a narrow mark ending at the day; «с августа»:
                // open to the right edge.
                start: start.map(|d| position(d, first, false)),
                end: end.map(|d| position(d, first, true)),
                colour,
                title: title.clone(),
            })
            .collect(),
    }
}

fn foot(dated: usize, shown: usize, dateless: usize) -> String {
    let mut foot = format!("Мероприятий со сроками: {dated}");
    if dated > shown {
        let _ = write!(foot, " (показаны первые {shown}, все — в таблице)");
    }
    if dateless > 0 {
        let _ = write!(
            foot,
            "; без дат («по запросу», «по графику» и т. п.): {dateless}"
        );
    }
    foot
}

#[cfg(test)]
mod tests {
    use super::*;
    use opora_plans::{parse_deadline, Activity, Level, Period};

    #[test]
    fn draws_a_bar_per_dated_activity_and_counts_the_dateless() {
        let period = Period::parse("2022-2023").unwrap();
        let mut plan = Plan::new(Level::School, "План <школы>");
        plan.period = Some(period.clone());
        for t in ["Апрель 2023", "Ноябрь, декабрь, март, май", "По запросу"]
        {
            let mut a = Activity::new("Семинар", parse_deadline(t, Some(&period)));
            a.id = Some(1);
            plan.activities.push(a);
        }
        let svg = render(&plan, Date::new(2023, 1, 15).unwrap());
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(
            svg.matches("<rect x=").count() - 12,
            1 + 4,
            "one bar for April, four for the listed months"
        );
        assert!(svg.contains("без дат («по запросу», «по графику» и т. п.): 1"));
        assert!(svg.contains("План &lt;школы&gt;") && svg.contains("сегодня"));
    }
}
