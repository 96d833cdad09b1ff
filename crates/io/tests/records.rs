//! Typed records: parsing rows of the import formats.

use opora_io::records::results::{parse_row, KeyCache, PUPIL_SCHEMA};
use opora_io::records::{scales, Errors, Fields};
use opora_io::{ColumnMap, Row, Schema, StringRecord};

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn row(number: u64, cells: &[&str]) -> Row {
    Row {
        number,
        cells: StringRecord::from(cells.to_vec()),
    }
}

/// Resolves `header` against `schema` and runs `parse` on one row.
fn parse_one<T>(
    schema: &Schema,
    header: &[&str],
    cells: &[&str],
    parse: impl FnOnce(&mut Fields<'_>) -> Option<T>,
) -> (Option<T>, Errors) {
    let map = ColumnMap::resolve("f.csv", &strings(header), schema, &[]).expect("header resolves");
    let r = row(2, cells);
    let mut errors = Errors::new("f.csv");
    let mut f = Fields::new(&map, &r, &mut errors);
    let out = parse(&mut f);
    (out, errors)
}

const PUPIL_HEADER: &[&str] = &[
    "Год",
    "Код ОО",
    "Процедура",
    "Предмет",
    "Класс",
    "Код участника",
    "Первичный балл",
];

fn pupil(cells: &[&str]) -> (Option<opora_io::records::results::ResultRecord>, Errors) {
    parse_one(&PUPIL_SCHEMA, PUPIL_HEADER, cells, |f| {
        parse_row(f, false, &mut KeyCache::default(), &|_| true, &|_| None)
    })
}

#[test]
fn grade_12_of_evening_and_open_schools_is_accepted() {
    let (rec, errors) = pupil(&["2024", "001", "ЕГЭ", "Математика", "12", "p1", "15"]);
    assert_eq!(errors.count, 0, "{:?}", errors.list);
    assert_eq!(rec.expect("row parses").key.grade, 12);
    let (rec, errors) = pupil(&["2024", "001", "ЕГЭ", "Математика", "13", "p1", "15"]);
    assert!(rec.is_none());
    assert!(
        errors.list[0].message.contains("от 1 до 12"),
        "{}",
        errors.list[0]
    );
}

#[test]
fn scales_check_the_grade_like_results() {
    let header = ["Год", "Процедура", "Предмет", "Класс", "Максимальный балл"];
    let (ok, errors) = parse_one(
        &scales::SCHEMA,
        &header,
        &["2024", "ЕГЭ", "Математика", "12", "31"],
        scales::parse_row,
    );
    assert_eq!(errors.count, 0, "{:?}", errors.list);
    assert_eq!(ok.expect("scale parses").0.grade, 12);
    let (bad, errors) = parse_one(
        &scales::SCHEMA,
        &header,
        &["2024", "ЕГЭ", "Математика", "0", "31"],
        scales::parse_row,
    );
    assert!(bad.is_none());
    assert!(
        errors.list[0].message.contains("от 1 до 12"),
        "{}",
        errors.list[0]
    );
}
