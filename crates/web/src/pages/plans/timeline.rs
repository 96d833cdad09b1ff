//! The plan's timeline: a Gantt-like SVG by month. One row per activity
//! with dates (its range, or each of its separate periods), coloured by
//! status; a line marks today. Activities without dates («по запросу») are
//! counted under the chart, never drawn at an invented place.

use opora_plans::{Date, Plan};
use std::fmt::Write;

/// Month names as the timeline labels them.
pub use opora_plans::deadline::MONTHS_NOMINATIVE as MONTHS;
const SHORT: [&str; 12] = [
    "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
];

const LABEL_W: f64 = 330.0;
const MONTH_W: f64 = 46.0;
const ROW_H: f64 = 20.0;
const TOP: f64 = 34.0;
/// More rows than this make an unreadable picture; the table has them all.
const MAX_ROWS: usize = 300;
const MAX_MONTHS: i64 = 48;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

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
    let months = (last - first + 1).max(1);
    let rows = dated.len().min(MAX_ROWS);
    let width = LABEL_W + months as f64 * MONTH_W + 10.0;
    let height = TOP + rows as f64 * ROW_H + 40.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="PT Sans, Arial, sans-serif" font-size="11" role="img" aria-labelledby="t"><title id="t">Сроки мероприятий по месяцам: {}</title><rect width="100%" height="100%" fill="#fff"/>"##,
        esc(&plan.title)
    );
    for k in 0..months {
        let m = first + k;
        let (y, mo) = (m.div_euclid(12), m.rem_euclid(12) as usize);
        let x = LABEL_W + k as f64 * MONTH_W;
        let fill = if k % 2 == 0 { "#f4f6f9" } else { "#fff" };
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{TOP}" width="{MONTH_W}" height="{}" fill="{fill}"/>"##,
            rows as f64 * ROW_H
        );
        let _ = write!(
            s,
            r##"<text x="{}" y="14" text-anchor="middle">{}</text>"##,
            x + MONTH_W / 2.0,
            SHORT[mo]
        );
        if mo == 0 || k == 0 {
            let _ = write!(
                s,
                r##"<text x="{}" y="28" font-weight="bold">{y}</text>"##,
                x + 2.0
            );
        }
    }
    let x_of = |d: Date, end: bool| {
        let k = (month_index(d) - first) as f64;
        let days = opora_plans::date::days_in_month(d.year(), d.month()) as f64;
        let frac = if end {
            d.day() as f64 / days
        } else {
            (d.day() as f64 - 1.0) / days
        };
        (LABEL_W + (k + frac) * MONTH_W).clamp(LABEL_W, LABEL_W + months as f64 * MONTH_W)
    };
    for (i, x) in dated.iter().take(rows).enumerate() {
        let a = x.activity;
        let y = TOP + i as f64 * ROW_H;
        let label: String = format!("{} {}", a.number.clone().unwrap_or_default(), a.text)
            .trim()
            .chars()
            .take(52)
            .collect();
        let overdue = a.is_overdue(today);
        let c = colour(a.status.code(), overdue);
        let _ = write!(
            s,
            r##"<a href="/activities/{}"><text x="4" y="{}" fill="#1d2733">{}</text></a>"##,
            a.id.unwrap_or_default(),
            y + 14.0,
            esc(&label)
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
        for (start, end) in ranges {
            let (x0, x1) = match (start, end) {
                (Some(s0), Some(e0)) => (x_of(s0, false), x_of(e0, true)),
                // «до 27.08»: a narrow mark ending at the day.
                (None, Some(e0)) => (x_of(e0, true) - 6.0, x_of(e0, true)),
                // «с августа»: open to the right edge.
                (Some(s0), None) => (x_of(s0, false), LABEL_W + months as f64 * MONTH_W),
                (None, None) => continue,
            };
            let _ = write!(
                s,
                r##"<rect x="{x0:.1}" y="{}" width="{:.1}" height="{}" rx="3" fill="{c}"><title>{}: {}</title></rect>"##,
                y + 4.0,
                (x1 - x0).max(3.0),
                ROW_H - 8.0,
                esc(&a.deadline.text),
                esc(&super::status_title(a.status.code(), overdue))
            );
        }
    }
    let t = month_index(today);
    if t >= first && t <= last {
        let x = x_of(today, false);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{}" y2="{}" stroke="#c62828" stroke-dasharray="4 3"/><text x="{x:.1}" y="{}" fill="#c62828" text-anchor="middle">сегодня</text>"##,
            TOP - 2.0,
            TOP + rows as f64 * ROW_H,
            TOP + rows as f64 * ROW_H + 12.0
        );
    }
    let mut foot = format!("Мероприятий со сроками: {}", dated.len());
    if dated.len() > rows {
        let _ = write!(foot, " (показаны первые {rows}, все — в таблице)");
    }
    if dateless > 0 {
        let _ = write!(
            foot,
            "; без дат («по запросу», «по графику» и т. п.): {dateless}"
        );
    }
    let _ = write!(
        s,
        r##"<text x="4" y="{}" fill="#5b6773">{}</text></svg>"##,
        height - 8.0,
        esc(&foot)
    );
    s
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
