//! A campaign's answers in an Excel sheet, for those who still work in
//! Excel: the sheet Opora exports (one row per school, a column per field)
//! is filled in offline and read back here with the same checks as the
//! form on the page.
//!
//! The header row is the one with a «Код школы» cell, so title rows above
//! it (a heading, a merged «Мониторинг …» banner) are fine. Field columns
//! are found by the field's question or its key («Число педагогов» or
//! «педагоги»), ignoring case, «*» and spaces at the ends. Every mistake is
//! reported with the row, the column letter, the value and the fix; the
//! caller saves nothing unless the whole sheet is clean.

use crate::campaign::Form;
use calamine::{Data, Reader, Xlsx};
use std::collections::BTreeMap;

/// One school's row as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    /// The row number in Excel (1-based).
    pub row: usize,
    pub school_code: String,
    /// Field key → the cell as text (empty cells absent).
    pub typed: BTreeMap<String, String>,
}

/// A mistake in the sheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct SheetError {
    /// «строка 5, столбец D («Прошли диагностику»)», or the file.
    pub place: String,
    pub message: String,
}

/// The column's letters: 0 → A, 26 → AA.
pub fn column_letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push((b'A' + (index % 26) as u8) as char);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.iter().rev().collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => crate::campaign::number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(true) => "да".into(),
        Data::Bool(false) => "нет".into(),
        other => other.to_string().trim().to_string(),
    }
}

fn header_word(text: &str) -> String {
    text.trim()
        .trim_end_matches('*')
        .trim()
        .to_lowercase()
        .replace('ё', "е")
}

/// Reads the first sheet with a «Код школы» header. `file` names the file
/// in messages.
pub fn read_answers(
    bytes: &[u8],
    form: &Form,
    file: &str,
) -> Result<Vec<SheetRow>, Vec<SheetError>> {
    // calamine can panic on a damaged workbook (an overflow in a cell
    // reference, found by fuzzing): a damaged file is a message, not a crash.
    std::panic::catch_unwind(|| read_answers_unguarded(bytes, form, file)).unwrap_or_else(|_| {
        Err(vec![SheetError {
            place: format!("файл «{file}»"),
            message:
                "книга Excel повреждена: откройте её в Excel, сохраните заново и загрузите снова"
                    .into(),
        }])
    })
}

fn read_answers_unguarded(
    bytes: &[u8],
    form: &Form,
    file: &str,
) -> Result<Vec<SheetRow>, Vec<SheetError>> {
    let whole = |message: String| {
        vec![SheetError {
            place: format!("файл «{file}»"),
            message,
        }]
    };
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).map_err(|e| {
        whole(format!(
            "книга Excel не читается ({e}): сохраните файл в формате .xlsx"
        ))
    })?;
    for name in book.sheet_names() {
        opora_io::table::check_sheet_extent(&mut book, &name).map_err(whole)?;
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        let Some(header_at) = rows
            .iter()
            .position(|r| r.iter().any(|c| header_word(c) == "код школы"))
        else {
            continue;
        };
        return read_rows(&rows, header_at, r0 as usize, c0 as usize, form, &name);
    }
    Err(whole(
        "не найден лист со столбцом «Код школы»: выгрузите форму кампании из Опоры и заполните её"
            .into(),
    ))
}

fn read_rows(
    rows: &[Vec<String>],
    header_at: usize,
    r0: usize,
    c0: usize,
    form: &Form,
    sheet: &str,
) -> Result<Vec<SheetRow>, Vec<SheetError>> {
    let header = &rows[header_at];
    let find = |wanted: &[&str]| {
        header
            .iter()
            .position(|h| wanted.iter().any(|w| header_word(h) == header_word(w)))
    };
    let code_col = find(&["код школы"]).expect("the header row has it");
    let mut errors = vec![];
    let mut columns = BTreeMap::new();
    for f in &form.fields {
        match find(&[&f.label, &f.key]) {
            Some(c) => {
                columns.insert(f.key.clone(), c);
            }
            None if f.required => errors.push(SheetError {
                place: format!("лист «{sheet}», строка заголовков {}", r0 + header_at + 1),
                message: format!(
                    "нет столбца «{}»: верните его или выгрузите форму заново",
                    f.label
                ),
            }),
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out: Vec<SheetRow> = vec![];
    for (k, row) in rows.iter().enumerate().skip(header_at + 1) {
        let number = r0 + k + 1;
        let code = row.get(code_col).cloned().unwrap_or_default();
        let typed: BTreeMap<String, String> = columns
            .iter()
            .filter_map(|(key, &c)| {
                let v = row.get(c)?.trim();
                (!v.is_empty()).then(|| (key.clone(), v.to_string()))
            })
            .collect();
        if code.is_empty() {
            if typed.is_empty() {
                continue; // a blank row
            }
            errors.push(SheetError {
                place: format!("строка {number}, столбец {}", column_letters(c0 + code_col)),
                message: "не указан код школы: впишите код из выгрузки".into(),
            });
            continue;
        }
        if let Some(first) = out.iter().find(|r| r.school_code == code) {
            errors.push(SheetError {
                place: format!("строка {number}, столбец {}", column_letters(c0 + code_col)),
                message: format!(
                    "школа «{code}» уже есть в строке {}: оставьте одну строку на школу",
                    first.row
                ),
            });
            continue;
        }
        out.push(SheetRow {
            row: number,
            school_code: code,
            typed,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // The form's own checks, with the place of each mistake.
    for r in &out {
        for e in form.check(&r.typed, false).errors {
            let c = columns.get(&e.key).copied().unwrap_or(0);
            errors.push(SheetError {
                place: format!(
                    "строка {}, столбец {} («{}»)",
                    r.row,
                    column_letters(c0 + c),
                    e.label
                ),
                message: if e.value.is_empty() {
                    e.message
                } else {
                    format!("значение «{}»: {}", e.value, e.message)
                },
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    const FORM: &str = "педагоги: Число педагогов | целое | обязательно | от 1 до 500
диагностика: Прошли диагностику | целое | обязательно | от 0
программа: Программа на сайте | да/нет | обязательно
правило: диагностика <= педагоги | Прошедших диагностику не может быть больше, чем педагогов
";

    /// A sheet with a merged title row above the header, as people make them.
    fn sheet(rows: &[[&str; 5]]) -> Vec<u8> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.merge_range(
            0,
            0,
            0,
            4,
            "Мониторинг реализации программы",
            &rust_xlsxwriter::Format::new(),
        )
        .unwrap();
        let header = [
            "Код школы",
            "Школа",
            "Число педагогов *",
            "прошли диагностику",
            "Программа на сайте",
        ];
        for (c, h) in header.iter().enumerate() {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if let Ok(n) = v.parse::<f64>() {
                    ws.write_number(r as u32 + 2, c as u16, n).unwrap();
                } else if !v.is_empty() {
                    ws.write_string(r as u32 + 2, c as u16, *v).unwrap();
                }
            }
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_sheet_with_a_title_row_is_read_by_questions_and_codes() {
        let form = Form::parse(FORM).unwrap();
        let bytes = sheet(&[
            ["S001", "Школа 1", "34", "17", "да"],
            ["", "", "", "", ""],
            ["S002", "Школа 2", "20", "5", "Нет"],
        ]);
        let rows = read_answers(&bytes, &form, "мониторинг.xlsx").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].row, rows[0].school_code.as_str()), (3, "S001"));
        assert_eq!(rows[0].typed["педагоги"], "34");
        assert_eq!(
            (rows[1].row, rows[1].typed["программа"].as_str()),
            (5, "Нет")
        );
    }

    #[test]
    fn every_mistake_names_its_row_column_and_value() {
        let form = Form::parse(FORM).unwrap();
        let bytes = sheet(&[
            ["S001", "Школа 1", "12,5", "40", "может быть"],
            ["S001", "Школа 1", "3", "1", "да"],
        ]);
        let errors: Vec<String> = read_answers(&bytes, &form, "f.xlsx")
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errors, ["строка 4, столбец A: школа «S001» уже есть в строке 3: оставьте одну строку на школу"]);
        let bytes = sheet(&[["S001", "Школа 1", "12,5", "40", "может быть"]]);
        let errors: Vec<String> = read_answers(&bytes, &form, "f.xlsx")
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0], "строка 3, столбец C («Число педагогов»): значение «12,5»: нужно целое число без дробной части");
        assert!(errors[1].starts_with("строка 3, столбец E («Программа на сайте»)"));
    }

    #[test]
    fn a_sheet_without_the_school_code_column_is_refused_with_the_fix() {
        let form = Form::parse(FORM).unwrap();
        let mut book = Workbook::new();
        book.add_worksheet().write_string(0, 0, "Школа").unwrap();
        let e = read_answers(&book.save_to_buffer().unwrap(), &form, "f.xlsx").unwrap_err();
        assert!(e[0]
            .to_string()
            .starts_with("файл «f.xlsx»: не найден лист со столбцом «Код школы»"));
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
    }
}
