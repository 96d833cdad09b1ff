//! Outputs of a run as strings: schools.csv, model.json, objectivity.csv,
//! checklist.csv, scatter.svg and the terminal summary.
//!
//! CSV: comma-separated, decimal point, booleans `true`/`false`, empty cells
//! where a value does not exist. Floats are written in Rust's shortest
//! round-trip form (exponent for very small or large values), never NaN.

use crate::text::{self, n2};
use crate::{Mode, Run, SchoolInfo, SchoolOutcome};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Appends a CSV field, quoted when needed (RFC 4180).
fn push_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Appends one CSV line.
fn push_line(out: &mut String, cells: &[impl AsRef<str>]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, c.as_ref());
    }
    out.push('\n');
}

/// Column names of schools.csv, in order.
pub const SCHOOL_COLUMNS: [&str; 25] = [
    "school_id",
    "n",
    "result_index",
    "result_se",
    "expected",
    "social_index",
    "residual",
    "effect",
    "effect_se",
    "ci_low",
    "ci_high",
    "rank",
    "percentile",
    "is_shnor",
    "is_low_results",
    "is_shnsu",
    "is_resilient",
    "insufficient_data",
    "years_flagged",
    "no_context",
    "reliability",
    "index_rank",
    "years_low_results",
    "category",
    "reason",
];

/// Column names of objectivity.csv.
pub const OBJECTIVITY_COLUMNS: [&str; 11] = [
    "school_id",
    "year",
    "procedure",
    "subject",
    "grade",
    "sign",
    "statistic",
    "threshold",
    "explanation",
    "p_value",
    "q_value",
];

/// Column names of checklist.csv.
pub const CHECKLIST_COLUMNS: [&str; 8] = [
    "school_id",
    "year",
    "criterion",
    "name",
    "status",
    "value",
    "threshold",
    "explanation",
];

/// One cell of a table, typed: CSV writes it as text, the report as a number
/// or text without going through the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Text(&'a str),
    /// Whole numbers; `None` is an empty cell.
    Int(Option<i64>),
    /// Written in Rust's shortest round-trip form; `None` or not finite is
    /// an empty cell.
    Num(Option<f64>),
    Bool(bool),
    /// Years joined by `;`.
    Years(&'a [i32]),
}

impl Value<'_> {
    /// Appends the cell's CSV text (unquoted).
    pub fn push_text(&self, out: &mut String) {
        match *self {
            // A spreadsheet opening the CSV must not run a name as a formula.
            Value::Text(t) => out.push_str(&crate::text::neutralise_formula(t)),
            Value::Int(Some(v)) => {
                let _ = write!(out, "{v}");
            }
            Value::Num(Some(x)) if x.is_finite() => {
                let _ = write!(out, "{x:?}");
            }
            Value::Int(None) | Value::Num(_) => {}
            Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Value::Years(y) => {
                for (i, v) in y.iter().enumerate() {
                    if i > 0 {
                        out.push(';');
                    }
                    let _ = write!(out, "{v}");
                }
            }
        }
    }

    /// Whether the CSV text needs quotes.
    fn needs_quotes(&self) -> bool {
        matches!(self, Value::Text(t) if t.contains([',', '"', '\n', '\r']))
    }
}

fn school_row(o: &SchoolOutcome, f: &mut impl FnMut(&[Value])) {
    let n = |x: Option<f64>| Value::Num(x);
    let u = |x: Option<u64>| Value::Int(x.map(|v| v as i64));
    f(&[
        Value::Text(&o.school_id),
        u(Some(o.n)),
        n(o.result_index),
        n(o.result_se),
        n(o.expected),
        n(o.social_index),
        n(o.residual),
        n(o.effect),
        n(o.effect_se),
        n(o.ci_low),
        n(o.ci_high),
        u(o.rank),
        n(o.percentile),
        Value::Bool(o.is_shnor),
        Value::Bool(o.is_low_results),
        Value::Bool(o.is_shnsu),
        Value::Bool(o.is_resilient),
        Value::Bool(o.insufficient_data),
        Value::Years(&o.years_flagged),
        Value::Bool(o.no_context),
        n(o.reliability),
        u(o.index_rank),
        Value::Years(&o.years_low_results),
        Value::Text(&o.category),
        Value::Text(&o.reason),
    ])
}

/// The tables of a run written as CSV files (and as sheets of the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Schools,
    Objectivity,
    Checklist,
}

impl Table {
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Schools => &SCHOOL_COLUMNS,
            Table::Objectivity => &OBJECTIVITY_COLUMNS,
            Table::Checklist => &CHECKLIST_COLUMNS,
        }
    }

    /// Number of data rows.
    pub fn len(self, run: &Run) -> usize {
        match self {
            Table::Schools => run.schools.len(),
            Table::Objectivity => run.objectivity.len(),
            Table::Checklist => run.checklist.iter().map(|c| c.items.len()).sum(),
        }
    }

    pub fn is_empty(self, run: &Run) -> bool {
        self.len(run) == 0
    }

    /// Calls `f` with the cells of every data row, in order.
    pub fn for_each_row(self, run: &Run, f: impl FnMut(&[Value])) {
        self.rows(run, usize::MAX, f)
    }

    /// As [`Self::for_each_row`], the first `n` rows only.
    pub fn for_first_rows(self, run: &Run, n: usize, f: impl FnMut(&[Value])) {
        self.rows(run, n, f)
    }

    fn rows(self, run: &Run, limit: usize, mut f: impl FnMut(&[Value])) {
        match self {
            Table::Schools => run
                .schools
                .iter()
                .take(limit)
                .for_each(|o| school_row(o, &mut f)),
            Table::Objectivity => {
                for o in run.objectivity.iter().take(limit) {
                    f(&[
                        Value::Text(&o.school_id),
                        Value::Int(Some(o.year as i64)),
                        Value::Text(&o.procedure),
                        Value::Text(&o.subject),
                        Value::Int(Some(o.grade as i64)),
                        Value::Text(&o.sign),
                        Value::Num(Some(o.statistic)),
                        Value::Num(Some(o.threshold)),
                        Value::Text(&o.explanation),
                        Value::Num(o.p_value),
                        Value::Num(o.q_value),
                    ]);
                }
            }
            Table::Checklist => {
                let items = run
                    .checklist
                    .iter()
                    .flat_map(|c| c.items.iter().map(move |i| (c, i)));
                for (c, i) in items.take(limit) {
                    f(&[
                        Value::Text(&c.school_id),
                        Value::Int(Some(c.year as i64)),
                        Value::Int(Some(i.criterion as i64)),
                        Value::Text(&i.name),
                        Value::Text(i.status.label()),
                        Value::Num(i.value),
                        Value::Num(Some(i.threshold)),
                        Value::Text(&i.explanation),
                    ]);
                }
            }
        }
    }

    /// The table as CSV, streamed to `out` (a national run's checklist is
    /// over 100 MB: it is never held as one string).
    pub fn write_csv(self, run: &Run, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let mut buf = String::with_capacity(1 << 17);
        push_line(&mut buf, self.columns());
        let mut result = Ok(());
        let mut cell = String::new();
        self.for_each_row(run, |cells| {
            for (i, v) in cells.iter().enumerate() {
                if i > 0 {
                    buf.push(',');
                }
                if v.needs_quotes() {
                    cell.clear();
                    v.push_text(&mut cell);
                    push_field(&mut buf, &cell);
                } else {
                    v.push_text(&mut buf);
                }
            }
            buf.push('\n');
            if buf.len() >= 1 << 16 && result.is_ok() {
                result = out.write_all(buf.as_bytes());
                buf.clear();
            }
        });
        result?;
        out.write_all(buf.as_bytes())
    }

    /// The table as one CSV string.
    pub fn csv(self, run: &Run) -> String {
        let mut out = Vec::new();
        self.write_csv(run, &mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8 cells")
    }
}

/// schools.csv: one row per school, sorted by school id.
pub fn schools_csv(run: &Run) -> String {
    Table::Schools.csv(run)
}

/// model.json: the model plus the run's mode, notes and configuration.
pub fn model_json(run: &Run) -> String {
    let mut v = serde_json::to_value(&run.model).expect("model serialises");
    if let serde_json::Value::Object(m) = &mut v {
        m.insert("mode".into(), serde_json::to_value(run.mode).expect("mode"));
        m.insert(
            "notes".into(),
            serde_json::to_value(&run.notes).expect("notes"),
        );
        m.insert(
            "config".into(),
            serde_json::to_value(&run.config).expect("config"),
        );
    }
    serde_json::to_string_pretty(&v).expect("json")
}

/// objectivity.csv.
pub fn objectivity_csv(run: &Run) -> String {
    Table::Objectivity.csv(run)
}

/// checklist.csv: one row per school, year and criterion.
pub fn checklist_csv(run: &Run) -> String {
    Table::Checklist.csv(run)
}

/// Counts per category for the summary and the legend.
struct Counts {
    total: usize,
    fit: usize,
    insufficient: usize,
    no_context: usize,
    shnor: usize,
    low: usize,
    shnsu: usize,
    resilient: usize,
    normal: usize,
}

fn counts(run: &Run) -> Counts {
    let s = &run.schools;
    let c = |f: fn(&SchoolOutcome) -> bool| s.iter().filter(|o| f(o)).count();
    Counts {
        total: s.len(),
        fit: c(|o| o.rank.is_some()),
        insufficient: c(|o| o.insufficient_data),
        no_context: c(|o| o.no_context),
        shnor: c(|o| o.is_shnor),
        low: c(|o| o.is_low_results),
        shnsu: c(|o| o.is_shnsu),
        resilient: c(|o| o.is_resilient),
        normal: c(|o| o.rank.is_some() && !o.is_shnor && !o.is_shnsu && !o.is_low_results),
    }
}

/// The Russian terminal summary: schools per category, R², factors kept.
pub fn summary_text(run: &Run) -> String {
    let c = counts(run);
    let m = &run.model;
    let mut s = String::new();
    let mode = match run.mode {
        Mode::Pupil => "индивидуальные результаты",
        Mode::School => "средние по школам",
    };
    let _ = writeln!(
        s,
        "Выявление ШНОР и ШНСУ: годы {}, данные — {mode}.",
        text::years(&run.years)
    );
    let _ = writeln!(
        s,
        "Школ: {}; в регрессии: {}; недостаточно данных: {}; без данных о контексте: {}.",
        c.total, c.fit, c.insufficient, c.no_context
    );
    let _ = writeln!(
        s,
        "ШНОР: {}; низкие результаты: {}; ШНСУ: {} (из них резильентных: {}); норма: {}.",
        c.shnor, c.low, c.shnsu, c.resilient, c.normal
    );
    let r2 = m.r2.map(n2).unwrap_or_else(|| "—".into());
    let adj = m.adj_r2.map(n2).unwrap_or_else(|| "—".into());
    let tau = m
        .tau2
        .map(|t| text::num(t, 4))
        .unwrap_or_else(|| "не оценивается".into());
    let _ = writeln!(
        s,
        "Модель: R² = {r2} (скорректированный {adj}), школ {}, τ² = {tau}.",
        m.n_schools
    );
    let kept = if m.factors.is_empty() {
        "нет".to_string()
    } else {
        m.factors.join(", ")
    };
    let _ = writeln!(s, "Факторы в модели: {kept}.");
    for d in &m.drop_reasons {
        let _ = writeln!(s, "  исключён «{}»: {}", d.name, d.reason);
    }
    let flagged: std::collections::BTreeSet<&str> = run
        .objectivity
        .iter()
        .map(|o| o.school_id.as_str())
        .collect();
    let _ = writeln!(
        s,
        "Признаки необъективности: {} (школ: {}).",
        run.objectivity.len(),
        flagged.len()
    );
    let tested = run.objectivity_tests.iter();
    for t in tested.filter(|t| t.expected_false.is_some()) {
        let _ = writeln!(s, "  {}", chance_line(t));
    }
    if !run.checklist.is_empty() {
        let any = run.checklist.iter().filter(|c| c.yes_count > 0).count();
        let _ = writeln!(
            s,
            "Чек-лист: {} строк (школа × год), хотя бы один критерий «да»: {any}.",
            run.checklist.len()
        );
    }
    if !run.notes.is_empty() {
        let _ = writeln!(s, "Примечания:");
        for n in &run.notes {
            let _ = writeln!(s, "  – {n}");
        }
    }
    s
}

/// «O3: проверено ячеек 9000, ожидается случайно: 0,6, найдено: 12 (школ в списке: 5)».
pub fn chance_line(t: &crate::SignTests) -> String {
    format!(
        "{}: проверено ячеек {}, ожидается случайно: {}, найдено: {} (школ в списке: {})",
        t.sign,
        t.cells_tested,
        text::num(t.expected_false.unwrap_or(0.0), 1),
        t.significant,
        t.schools_listed
    )
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Percent-encodes a path segment (school ids may hold any characters).
fn url_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Colour and legend label of a school's category (one colour per point).
fn colour(o: &SchoolOutcome) -> (&'static str, &'static str) {
    if o.is_resilient {
        ("#2ca02c", "резильентная")
    } else if o.is_shnor {
        ("#d62728", "ШНОР")
    } else if o.is_shnsu {
        ("#ff7f0e", "ШНСУ")
    } else if o.is_low_results {
        ("#9467bd", "низкие результаты")
    } else {
        ("#9e9e9e", "норма")
    }
}

/// Round tick positions covering [lo, hi].
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + 1e-12 {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    out
}

/// scatter.svg: result index against social index, the fitted line, the
/// categories in colour, a `<title>` per point, each point a link to its school.
pub fn scatter_svg(run: &Run, schools: &[SchoolInfo]) -> String {
    let names: BTreeMap<&str, &str> = schools
        .iter()
        .map(|s| (s.school_id.as_str(), s.name.as_str()))
        .collect();
    let pts: Vec<(&SchoolOutcome, f64, f64)> = run
        .schools
        .iter()
        .filter(|o| o.rank.is_some())
        .filter_map(|o| Some((o, o.social_index.unwrap_or(0.0), o.result_index?)))
        .collect();
    let (w, h, l, r, t, b) = (900.0, 600.0, 70.0, 190.0, 50.0, 60.0);
    let span = |v: Vec<f64>| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            (-1.0, 1.0)
        } else {
            let pad = ((hi - lo) * 0.05).max(0.1);
            (lo - pad, hi + pad)
        }
    };
    let (x0, x1) = span(pts.iter().map(|p| p.1).collect());
    let (y0, y1) = span(pts.iter().map(|p| p.2).collect());
    let sx = |x: f64| l + (x - x0) / (x1 - x0) * (w - l - r);
    let sy = |y: f64| h - b - (y - y0) / (y1 - y0) * (h - t - b);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="sans-serif" font-size="12">"#
    );
    let title = format!(
        "ИПР и социальные условия, {}; R² = {}",
        text::years(&run.years),
        run.model.r2.map(n2).unwrap_or_else(|| "—".into())
    );
    let _ = writeln!(
        s,
        r#"<title>{}</title><rect width="{w}" height="{h}" fill="white"/>"#,
        xml(&title)
    );
    let _ = writeln!(
        s,
        r#"<text x="{l}" y="28" font-size="15">{}</text>"#,
        xml(&title)
    );
    let _ = writeln!(
        s,
        r#"<defs><clipPath id="plot"><rect x="{l}" y="{t}" width="{}" height="{}"/></clipPath></defs>"#,
        w - l - r,
        h - t - b
    );
    axes(&mut s, (x0, x1, y0, y1), &sx, &sy, (w, h, l, r, t, b));
    if let Some(c) = run.model.coefficients.first() {
        let _ = writeln!(
            s,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333" stroke-width="1.5" stroke-dasharray="6 4" clip-path="url(#plot)"><title>Ожидаемый результат: ИПР = {} + ИСУ</title></line>"##,
            sx(x0),
            sy(c.estimate + x0),
            sx(x1),
            sy(c.estimate + x1),
            n2(c.estimate)
        );
    }
    for (o, x, y) in &pts {
        let (fill, label) = colour(o);
        let name = names.get(o.school_id.as_str()).copied().unwrap_or("");
        let tip = format!(
            "{} ({})\nИПР {}; социальный индекс {}; ожидаемый {}; эффект {}; место {}\n{}",
            if name.is_empty() { "Школа" } else { name },
            o.school_id,
            o.result_index.map(n2).unwrap_or_default(),
            o.social_index.map(n2).unwrap_or_else(|| "—".into()),
            o.expected.map(n2).unwrap_or_default(),
            o.effect.map(n2).unwrap_or_default(),
            o.rank.unwrap_or(0),
            if o.category.is_empty() {
                label
            } else {
                &o.category
            }
        );
        let stroke = if o.is_shnor && o.is_shnsu {
            r##" stroke="#ff7f0e" stroke-width="2""##
        } else {
            ""
        };
        let _ = writeln!(
            s,
            r#"<a href="/schools/{}"><circle cx="{:.1}" cy="{:.1}" r="4" fill="{fill}" fill-opacity="0.85"{stroke}><title>{}</title></circle></a>"#,
            url_segment(&o.school_id),
            sx(*x),
            sy(*y),
            xml(&tip)
        );
    }
    legend(&mut s, run, w - r + 15.0, t + 10.0);
    s.push_str("</svg>\n");
    s
}

type Frame = (f64, f64, f64, f64, f64, f64);

fn axes(
    s: &mut String,
    (x0, x1, y0, y1): (f64, f64, f64, f64),
    sx: &dyn Fn(f64) -> f64,
    sy: &dyn Fn(f64) -> f64,
    f: Frame,
) {
    let (w, h, l, r, t, b) = f;
    let _ = writeln!(
        s,
        r##"<rect x="{l}" y="{t}" width="{}" height="{}" fill="none" stroke="#999"/>"##,
        w - l - r,
        h - t - b
    );
    for v in ticks(x0, x1) {
        let _ = writeln!(
            s,
            r##"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2}" stroke="#eee"/><text x="{0:.1}" y="{3}" text-anchor="middle">{4}</text>"##,
            sx(v),
            t,
            h - b,
            h - b + 16.0,
            xml(&text::num(v, 1))
        );
    }
    for v in ticks(y0, y1) {
        let _ = writeln!(
            s,
            r##"<line x1="{1}" y1="{0:.1}" x2="{2}" y2="{0:.1}" stroke="#eee"/><text x="{3}" y="{0:.1}" text-anchor="end" dominant-baseline="middle">{4}</text>"##,
            sy(v),
            l,
            w - r,
            l - 6.0,
            xml(&text::num(v, 1))
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">Социальный индекс (ИСУ): левее — неблагоприятнее условия</text>"#,
        (l + w - r) / 2.0,
        h - 18.0
    );
    let _ = writeln!(
        s,
        r#"<text transform="translate(18 {}) rotate(-90)" text-anchor="middle">Интегральный показатель результатов (ИПР)</text>"#,
        (t + h - b) / 2.0
    );
}

fn legend(s: &mut String, run: &Run, x: f64, y: f64) {
    let c = counts(run);
    let rows = [
        ("#d62728", "ШНОР", c.shnor),
        ("#ff7f0e", "ШНСУ", c.shnsu),
        ("#2ca02c", "резильентная", c.resilient),
        ("#9467bd", "низкие результаты", c.low),
        ("#9e9e9e", "норма", c.normal),
    ];
    for (i, (col, label, n)) in rows.iter().enumerate() {
        let yy = y + i as f64 * 20.0;
        let _ = writeln!(
            s,
            r#"<circle cx="{x}" cy="{yy}" r="5" fill="{col}"/><text x="{}" y="{yy}" dominant-baseline="middle">{label}: {n}</text>"#,
            x + 10.0
        );
    }
    let yy = y + rows.len() as f64 * 20.0 + 10.0;
    let _ = writeln!(
        s,
        r##"<line x1="{}" y1="{yy}" x2="{}" y2="{yy}" stroke="#333" stroke-dasharray="6 4"/><text x="{}" y="{yy}" dominant-baseline="middle">ожидаемый</text>"##,
        x - 6.0,
        x + 6.0,
        x + 10.0
    );
    if run.model.factors.is_empty() {
        let _ = writeln!(
            s,
            r#"<text x="{x}" y="{}" font-size="11">факторы не отобраны:</text><text x="{x}" y="{}" font-size="11">ИСУ = 0 у всех</text>"#,
            yy + 24.0,
            yy + 38.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_floats_round_trip() {
        let field = |v: &str| {
            let mut s = String::new();
            push_field(&mut s, v);
            s
        };
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("a\"b"), "\"a\"\"b\"");
        let mut line = String::new();
        push_line(&mut line, &["x", "", "y\nz"]);
        assert_eq!(line, "x,,\"y\nz\"\n");
        let float = |x: f64| {
            let mut s = String::new();
            Value::Num(Some(x)).push_text(&mut s);
            s
        };
        assert_eq!(float(0.1), "0.1");
        assert_eq!(float(1.0), "1.0");
        assert_eq!(float(1e-300).parse::<f64>().unwrap(), 1e-300);
        assert_eq!(float(f64::NAN), "");
        let mut y = String::new();
        Value::Years(&[2023, 2024]).push_text(&mut y);
        Value::Int(None).push_text(&mut y);
        Value::Bool(false).push_text(&mut y);
        assert_eq!(y, "2023;2024false");
        assert_eq!(url_segment("шк 1"), "%D1%88%D0%BA%201");
        assert_eq!(ticks(-1.0, 1.0), vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
    }
}
