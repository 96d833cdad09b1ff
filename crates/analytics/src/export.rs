//! Outputs of a run as strings: schools.csv, model.json, objectivity.csv,
//! checklist.csv and the terminal summary. (The scatter is drawn by
//! `opora_io::charts`.)
//!
//! CSV: comma-separated, decimal point, booleans `true`/`false`, empty cells
//! where a value does not exist. Floats are written in Rust's shortest
//! round-trip form (exponent for very small or large values), never NaN.

use crate::text::{self, n2};
use crate::{Mode, Run, SchoolOutcome};
use std::fmt::Write;

/// The writer of every CSV file: `,` and `\n`, fields quoted only when
/// they hold `,`, `"` or a line break (RFC 4180).
fn csv_writer<W: std::io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_writer(out)
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
        let mut w = csv_writer(out);
        w.write_record(self.columns())?;
        let mut result = Ok(());
        let mut cell = String::new();
        self.for_each_row(run, |cells| {
            if result.is_ok() {
                result = write_row(&mut w, cells, &mut cell);
            }
        });
        result?;
        w.flush()
    }

    /// The table as one CSV string.
    pub fn csv(self, run: &Run) -> String {
        let mut out = Vec::new();
        self.write_csv(run, &mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8 cells")
    }
}

/// Writes one row, each cell's text made in `cell`.
fn write_row<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    cells: &[Value],
    cell: &mut String,
) -> csv::Result<()> {
    for v in cells {
        cell.clear();
        v.push_text(cell);
        w.write_field(cell.as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
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

/// Counts per category for the summary and the scatter's legend.
pub struct Counts {
    pub total: usize,
    pub fit: usize,
    pub insufficient: usize,
    pub no_context: usize,
    pub shnor: usize,
    pub low: usize,
    pub shnsu: usize,
    pub resilient: usize,
    pub normal: usize,
}

pub fn counts(run: &Run) -> Counts {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_floats_round_trip() {
        let line = |cells: &[&str]| {
            let mut w = csv_writer(Vec::new());
            w.write_record(cells).unwrap();
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        };
        let field = |v: &str| line(&[v, ""]).trim_end_matches(",\n").to_string();
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("a\"b"), "\"a\"\"b\"");
        assert_eq!(line(&["x", "", "y\nz"]), "x,,\"y\nz\"\n");
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
    }
}
