//! Exports: cells a spreadsheet would run as formulas are neutralised.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use opora_io::xlsx_out::{sheet_from_csv, workbook, Cell, Sheet};

fn cells(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("Лист").unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

#[test]
fn text_that_looks_like_a_formula_gets_an_apostrophe_numbers_stay_numbers() {
    let sheet = Sheet {
        name: "Лист".into(),
        header: vec!["=cmd|' /C calc'!A0".into(), "Балл".into()],
        rows: vec![
            vec![
                Cell::Text("=HYPERLINK(\"http://x\",\"y\")".into()),
                Cell::Number(Some(-5.0)),
            ],
            vec![Cell::Text("@SUM(A1)".into()), Cell::Text("+7 900".into())],
            vec![Cell::Text("-2+3".into()), Cell::Text("Школа №1".into())],
            vec![Cell::Text("\t=1".into()), Cell::Text("a=b".into())],
        ],
    };
    let got = cells(workbook(&[sheet]).unwrap());
    let text = |s: &str| Data::String(s.to_string());
    assert_eq!(got[0], vec![text("'=cmd|' /C calc'!A0"), text("Балл")]);
    assert_eq!(
        got[1],
        vec![text("'=HYPERLINK(\"http://x\",\"y\")"), Data::Float(-5.0)]
    );
    assert_eq!(got[2], vec![text("'@SUM(A1)"), text("'+7 900")]);
    assert_eq!(got[3], vec![text("'-2+3"), text("Школа №1")]);
    assert_eq!(got[4], vec![text("'\t=1"), text("a=b")]);
}

#[test]
fn sheets_from_engine_csv_are_neutralised_too() {
    let sheet = sheet_from_csv("Лист", "school_id,mean\n=1+1,-3.5\n", &|h| {
        h.to_string()
    });
    let got = cells(workbook(&[sheet]).unwrap());
    assert_eq!(
        got[1],
        vec![Data::String("'=1+1".into()), Data::Float(-3.5)]
    );
}
