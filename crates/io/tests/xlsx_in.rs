//! Reading XLSX workbooks: choosing the sheet, row and column numbers.

use opora_io::records::results::PUPIL_SCHEMA;
use opora_io::{open_table, IoError, TableOptions, TableReader};
use rust_xlsxwriter::Workbook;

const HEADER: [&str; 7] = [
    "Год",
    "Код ОО",
    "Процедура",
    "Предмет",
    "Класс",
    "Код участника",
    "Первичный балл",
];
const ROW: [&str; 7] = ["2024", "001", "ВПР", "Математика", "5", "p1", "7"];

/// A workbook of sheets given as (name, first row, first column, rows);
/// opened with `sheet`.
fn open(
    sheets: &[(&str, u32, u16, Vec<Vec<&str>>)],
    sheet: Option<&str>,
) -> Result<TableReader, IoError> {
    let mut book = Workbook::new();
    for (name, r0, c0, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r0 + r as u32, c0 + c as u16, *cell)
                    .unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    book.save(&path).unwrap();
    open_table(
        &path,
        &TableOptions {
            sheet: sheet.map(str::to_string),
        },
    )
}

fn data() -> Vec<Vec<&'static str>> {
    vec![HEADER.to_vec(), ROW.to_vec()]
}

#[test]
fn a_sheet_without_the_columns_hints_at_the_other_sheets() {
    let summary = vec![vec!["Муниципалитет", "Средний балл"], vec!["Город", "12"]];
    let sheets = [("Сводка", 0, 0, summary), ("Данные", 0, 0, data())];
    let t = open(&sheets, None).unwrap();
    assert_eq!(
        (t.sheet.as_deref(), t.sheets.clone()),
        (
            Some("Сводка"),
            vec!["Сводка".to_string(), "Данные".to_string()]
        )
    );
    let err = t.resolve(&PUPIL_SCHEMA, &[]).unwrap_err();
    assert!(matches!(&err, IoError::MissingColumns { sheets, .. } if sheets.len() == 2));
    let msg = err.to_string();
    assert!(
        msg.contains("Прочитан лист «Сводка»") && msg.contains("«Сводка», «Данные»"),
        "{msg}"
    );
    assert!(
        msg.contains("Если данные на другом листе, выберите его"),
        "{msg}"
    );
    // The right sheet resolves.
    let t = open(&sheets, Some("данные")).unwrap();
    assert!(t.resolve(&PUPIL_SCHEMA, &[]).is_ok());
}

#[test]
fn an_instructions_sheet_or_an_empty_first_sheet_hints_too() {
    let note = vec![vec!["Заполните лист «Данные»"]];
    let err = open(
        &[("Инструкция", 0, 0, note), ("Данные", 0, 0, data())],
        None,
    )
    .err()
    .unwrap();
    assert!(
        matches!(err, IoError::NoData { header_row: 1, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("выберите его"), "{err}");
    let err = open(&[("Пустой", 0, 0, vec![]), ("Данные", 0, 0, data())], None)
        .err()
        .unwrap();
    assert!(
        matches!(&err, IoError::EmptySheet { sheet, .. } if sheet == "Пустой"),
        "{err:?}"
    );
    assert!(err.to_string().contains("«Пустой», «Данные»"), "{err}");
    // No hint for a workbook of one sheet: there is nothing to choose.
    let err = open(&[("Лист1", 0, 0, vec![vec!["Код ОО"]])], None)
        .err()
        .unwrap();
    assert!(!err.to_string().contains("выберите его"), "{err}");
}

#[test]
fn rows_and_columns_are_those_of_the_sheet() {
    // A table starting at C4 below a title in C2.
    let mut rows = vec![vec!["Результаты ВПР"], vec![]];
    rows.extend(data());
    let mut book = vec![("Данные", 1u32, 2u16, rows)];
    book[0]
        .3
        .push(vec!["2024", "001", "ВПР", "Математика", "5", "p2", "8"]);
    let t = open(&book, None).unwrap();
    assert_eq!(t.header_row, 4);
    let map = t.resolve(&PUPIL_SCHEMA, &[]).unwrap();
    assert_eq!(map.index["school_id"], 3, "column D");
    let rows: Vec<u64> = t.map(|r| r.unwrap().number).collect();
    assert_eq!(rows, vec![5, 6]);
    // Control characters are refused in workbooks as in CSV.
    let mut bad = data();
    bad[1][1] = "0\u{1}1";
    match open(&[("Данные", 0, 1, bad)], None).err().unwrap() {
        IoError::ControlChar { row, column, .. } => assert_eq!((row, column.index), (2, 2)),
        e => panic!("{e:?}"),
    }
}

/// Found by fuzzing: a workbook whose cell reference overflows calamine's
/// column arithmetic is the file's read error, not a panic.
#[test]
fn a_damaged_workbook_is_a_read_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("повреждённый.xlsx");
    std::fs::write(
        &path,
        include_bytes!("../../plans/tests/fixtures/fuzz/calamine_overflow.xlsx"),
    )
    .unwrap();
    // Reaching the end is the point (a panic fails the test); when it is
    // refused, the message names the file.
    if let Err(e) = opora_io::open_table(&path, &opora_io::TableOptions::default()) {
        assert!(e.to_string().contains("повреждённый.xlsx"), "{e}");
    }
}

/// Two cells far apart once made the reader allocate the whole rectangle
/// between them (A1 and XFD1048576: 17 billion cells). Rows now hold only
/// the filled cells: a table with a stray cell a million rows down reads
/// as its rows, and a cell beyond the widest table is refused by name.
#[test]
fn far_apart_cells_cost_only_the_cells_and_a_cell_beyond_the_widest_table_is_refused() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (r, row) in data().iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    ws.write_string(1_048_575, 2, "сноска").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("далеко.xlsx");
    book.save(&path).unwrap();
    let t = open_table(&path, &TableOptions::default()).unwrap();
    let numbers: Vec<u64> = t.map(|r| r.unwrap().number).collect();
    assert_eq!(
        numbers,
        vec![2, 1_048_576],
        "the data row and the stray cell's row"
    );

    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Данные").unwrap();
    for (c, cell) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *cell).unwrap();
    }
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let path = dir.path().join("бомба.xlsx");
    book.save(&path).unwrap();
    let e = open_table(&path, &TableOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("бомба.xlsx") && e.contains("XFD") && e.contains("1048576"),
        "{e}"
    );
    assert!(e.contains("не шире 1000 столбцов"), "{e}");
}
