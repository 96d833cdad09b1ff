//! A Gantt-like timeline by month: one row per item, bars coloured by the
//! caller, a line marking today and a line of text under the chart.

use super::xml;
use std::fmt::Write;

const SHORT: [&str; 12] = [
    "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
];

const LABEL_W: f64 = 330.0;
/// Labels longer than this (in characters) do not fit `LABEL_W`.
const LABEL_CHARS: usize = 52;
const MONTH_W: f64 = 46.0;
const ROW_H: f64 = 20.0;
const TOP: f64 = 34.0;

/// The timeline's contents; positions are in months from the start of the
/// first month shown (2.5 is the middle of the third month).
pub struct Timeline {
    /// The chart's `<title>`.
    pub title: String,
    /// The first month shown, as year × 12 + month − 1.
    pub first_month: i64,
    /// How many months are shown (at least one).
    pub months: i64,
    pub rows: Vec<TimelineRow>,
    /// Where today is, when it falls in the months shown.
    pub today: Option<f64>,
    /// The line under the chart.
    pub foot: String,
}

/// One row: its label, a link on the label and its bars.
pub struct TimelineRow {
    pub label: String,
    pub href: String,
    pub bars: Vec<Bar>,
}

/// A bar from `start` to `end`. Without a start it is a narrow mark ending
/// at `end`; without an end it runs to the right edge; without both it is
/// not drawn.
pub struct Bar {
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub colour: &'static str,
    /// The bar's tooltip.
    pub title: String,
}

pub fn timeline_svg(t: &Timeline) -> String {
    let months = t.months.max(1);
    let rows = t.rows.len();
    let right = LABEL_W + months as f64 * MONTH_W;
    let width = right + 10.0;
    let height = TOP + rows as f64 * ROW_H + 40.0;
    let x_of = |m: f64| (LABEL_W + m * MONTH_W).clamp(LABEL_W, right);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="PT Sans, Arial, sans-serif" font-size="11" role="img" aria-labelledby="t"><title id="t">{}</title><rect width="100%" height="100%" fill="#fff"/>"##,
        xml(&t.title)
    );
    month_columns(&mut s, t.first_month, months, rows);
    for (i, row) in t.rows.iter().enumerate() {
        let y = TOP + i as f64 * ROW_H;
        let label: String = row.label.chars().take(LABEL_CHARS).collect();
        let _ = write!(
            s,
            r##"<a href="{}"><text x="4" y="{}" fill="#1d2733">{}</text></a>"##,
            xml(&row.href),
            y + 14.0,
            xml(&label)
        );
        for bar in &row.bars {
            let (x0, x1) = match (bar.start, bar.end) {
                (Some(s0), Some(e0)) => (x_of(s0), x_of(e0)),
                (None, Some(e0)) => (x_of(e0) - 6.0, x_of(e0)),
                (Some(s0), None) => (x_of(s0), right),
                (None, None) => continue,
            };
            let _ = write!(
                s,
                r##"<rect x="{x0:.1}" y="{}" width="{:.1}" height="{}" rx="3" fill="{}"><title>{}</title></rect>"##,
                y + 4.0,
                (x1 - x0).max(3.0),
                ROW_H - 8.0,
                bar.colour,
                xml(&bar.title)
            );
        }
    }
    if let Some(today) = t.today {
        let x = x_of(today);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{}" y2="{}" stroke="#c62828" stroke-dasharray="4 3"/><text x="{x:.1}" y="{}" fill="#c62828" text-anchor="middle">сегодня</text>"##,
            TOP - 2.0,
            TOP + rows as f64 * ROW_H,
            TOP + rows as f64 * ROW_H + 12.0
        );
    }
    let _ = write!(
        s,
        r##"<text x="4" y="{}" fill="#5b6773">{}</text></svg>"##,
        height - 8.0,
        xml(&t.foot)
    );
    s
}

/// Striped month columns with short month names and the year at January
/// (and at the first month).
fn month_columns(s: &mut String, first: i64, months: i64, rows: usize) {
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
}
