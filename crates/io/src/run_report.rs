//! report.xlsx of an identification run over files (`opora identify --out`):
//! the run's tables for people, with Russian column titles. Each cell is
//! what [`xlsx_out::sheet_from_csv`](crate::xlsx_out::sheet_from_csv) makes
//! of the table's CSV cell, but the rows are streamed from the run (a
//! national run's checklist would cost over 1 GB as cells).

use crate::xlsx_out::{self, csv_cell, Cell, Rows, Sheet, StreamedSheet};
use opora_analytics::export::{Table, Value};
use opora_analytics::Run;
use rust_xlsxwriter::XlsxError;
use std::path::Path;

/// Writes the report: schools, the model, the signs and (when asked) the
/// checklist.
pub fn write(path: &Path, run: &Run, with_checklist: bool) -> Result<(), XlsxError> {
    let model = model_sheet(run);
    let tables = [
        ("Школы", TableRows(run, Table::Schools)),
        (
            "Признаки необъективности",
            TableRows(run, Table::Objectivity),
        ),
        ("Чек-лист", TableRows(run, Table::Checklist)),
    ];
    fn table_sheet<'a>((name, rows): &'a (&str, TableRows<'_>)) -> StreamedSheet<'a> {
        StreamedSheet {
            name: name.to_string(),
            header: rows.1.columns().iter().map(|c| title(c)).collect(),
            rows,
        }
    }
    let mut sheets = vec![
        table_sheet(&tables[0]),
        StreamedSheet {
            name: model.name.clone(),
            header: model.header.clone(),
            rows: &model,
        },
        table_sheet(&tables[1]),
    ];
    if with_checklist {
        sheets.push(table_sheet(&tables[2]));
    }
    xlsx_out::write_streamed(path, &sheets)
}

/// One of the run's tables as rows of cells.
struct TableRows<'a>(&'a Run, Table);

impl Rows for TableRows<'_> {
    fn rows(&self, limit: usize, f: &mut dyn FnMut(&[Cell])) {
        let mut cells = Vec::new();
        self.1.for_first_rows(self.0, limit, |values| {
            cells.clear();
            cells.extend(values.iter().enumerate().map(|(c, v)| cell(c, v)));
            f(&cells);
        });
    }
}

/// A cell as the report shows it: what `sheet_from_csv` makes of the cell's
/// CSV text ([`csv_cell`]); numbers are taken as they are (the CSV text of a
/// finite float reads back as the same number).
fn cell(column: usize, v: &Value) -> Cell {
    match *v {
        Value::Int(Some(i)) if column > 0 => Cell::Number(Some(i as f64)),
        Value::Num(Some(x)) if column > 0 && x.is_finite() => Cell::Number(Some(x)),
        Value::Int(None) | Value::Num(_) if column > 0 => Cell::Number(None),
        Value::Text(t) if column > 0 => csv_cell(column, t),
        _ => {
            let mut t = String::new();
            v.push_text(&mut t);
            csv_cell(column, &t)
        }
    }
}

/// The model sheet: coefficients, then the fit.
pub fn model_sheet(run: &Run) -> Sheet {
    let m = &run.model;
    let mut rows: Vec<Vec<Cell>> = m
        .coefficients
        .iter()
        .map(|c| {
            vec![
                Cell::Text(c.name.clone()),
                Cell::Number(Some(c.estimate)),
                Cell::Number(Some(c.se)),
                Cell::Number(c.t),
                Cell::Number(c.p),
            ]
        })
        .collect();
    let stat = |name: &str, v: Option<f64>| vec![Cell::Text(name.into()), Cell::Number(v)];
    rows.push(vec![]);
    rows.push(stat("Число школ в модели", Some(m.n_schools as f64)));
    rows.push(stat("R²", m.r2));
    rows.push(stat("Скорректированный R²", m.adj_r2));
    rows.push(stat("τ² (дисперсия истинных эффектов)", m.tau2));
    rows.push(stat("Остаточное стандартное отклонение", m.residual_sd));
    rows.push(vec![
        Cell::Text("Исключённые факторы".into()),
        Cell::Text(m.dropped.join(", ")),
    ]);
    Sheet {
        name: "Модель".into(),
        header: ["Коэффициент", "Оценка", "Ст. ошибка", "t", "p"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}

/// Russian column titles of the run's tables.
pub fn title(column: &str) -> String {
    let t = match column {
        "school_id" => "Код ОО",
        "n" => "Число результатов",
        "result_index" => "ИПР",
        "result_se" => "Ст. ошибка ИПР",
        "expected" => "Ожидаемый ИПР",
        "social_index" => "ИСУ",
        "residual" => "Остаток",
        "effect" => "Эффект школы",
        "effect_se" => "Ст. ошибка эффекта",
        "ci_low" => "95% ДИ, нижняя граница",
        "ci_high" => "95% ДИ, верхняя граница",
        "rank" => "Место (1 — самый низкий эффект)",
        "percentile" => "Процентиль",
        "is_shnor" => "ШНОР",
        "is_low_results" => "Низкие результаты",
        "is_shnsu" => "ШНСУ",
        "is_resilient" => "Резильентная",
        "insufficient_data" => "Недостаточно данных",
        "years_flagged" => "Годы (условие ШНОР)",
        "reason" => "Обоснование",
        "year" => "Год",
        "procedure" => "Процедура",
        "subject" => "Предмет",
        "grade" => "Класс",
        "sign" => "Признак",
        "statistic" => "Значение",
        "threshold" => "Порог",
        "p_value" => "p-значение",
        "q_value" => "q-значение (с поправкой Бенджамини — Хохберга)",
        "explanation" => "Пояснение",
        "category" => "Категория",
        other => other,
    };
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_convert_like_the_csv_sheets() {
        assert!(matches!(cell(0, &Value::Text("007")), Cell::Text(t) if t == "007"));
        assert!(matches!(cell(1, &Value::Text("007")), Cell::Number(Some(v)) if v == 7.0));
        assert!(matches!(cell(3, &Value::Bool(true)), Cell::Text(t) if t == "да"));
        assert!(matches!(cell(3, &Value::Text("")), Cell::Number(None)));
        assert!(matches!(cell(3, &Value::Num(None)), Cell::Number(None)));
        assert!(matches!(cell(3, &Value::Years(&[2023])), Cell::Number(Some(v)) if v == 2023.0));
        assert!(matches!(cell(3, &Value::Years(&[2023, 2024])), Cell::Text(t) if t == "2023;2024"));
        assert!(matches!(cell(3, &Value::Years(&[])), Cell::Number(None)));
        assert!(matches!(cell(0, &Value::Int(Some(12))), Cell::Text(t) if t == "12"));
    }
}
