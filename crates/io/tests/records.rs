//! Typed records: parsing rows of the import formats.

use opora_io::records::results::{
    is_school_level, parse_row, KeyCache, ResultBody, PUPIL_SCHEMA, SCHOOL_SCHEMA,
};
use opora_io::records::{context, scales, schools, Errors, Fields};
use opora_io::{ColumnMap, IoError, Row, Schema, StringRecord};

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

/// The two columns named by an ambiguity error: (header, letter) each.
fn ambiguity(
    schema: &Schema,
    header: &[&str],
    explicit: &[(&str, &str)],
) -> (String, [(String, String); 2], String) {
    let explicit: Vec<(String, String)> = explicit
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    match ColumnMap::resolve("f.csv", &strings(header), schema, &explicit) {
        Err(e @ IoError::AmbiguousColumns { .. }) => {
            let msg = e.to_string();
            let IoError::AmbiguousColumns {
                field,
                first,
                second,
                ..
            } = e
            else {
                unreachable!()
            };
            let col = |c: opora_io::ColumnRef| {
                (
                    c.header.unwrap_or_default(),
                    opora_io::text::column_letter(c.index),
                )
            };
            (field, [col(first), col(second)], msg)
        }
        other => panic!("{header:?}: expected AmbiguousColumns, got {other:?}"),
    }
}

fn pair(a: (&str, &str), b: (&str, &str)) -> [(String, String); 2] {
    [
        (a.0.to_string(), a.1.to_string()),
        (b.0.to_string(), b.1.to_string()),
    ]
}

#[test]
fn two_columns_for_one_field_are_refused_naming_both() {
    let (field, cols, msg) = ambiguity(
        &PUPIL_SCHEMA,
        &[
            "Год",
            "Код ОО",
            "Процедура",
            "Предмет",
            "Класс",
            "Код участника",
            "score",
            "score",
        ],
        &[],
    );
    assert_eq!(field, "score");
    assert_eq!(cols, pair(("score", "G"), ("score", "H")));
    assert!(
        msg.contains("«score» (столбец G)")
            && msg.contains("«score» (столбец H)")
            && msg.contains("одинаковые"),
        "{msg}"
    );

    let (field, cols, msg) = ambiguity(
        &PUPIL_SCHEMA,
        &[
            "Год",
            "school_id",
            "Процедура",
            "Предмет",
            "Класс",
            "Код ОО",
            "Код участника",
            "Балл",
        ],
        &[],
    );
    assert_eq!(field, "school_id");
    assert_eq!(cols, pair(("school_id", "B"), ("Код ОО", "F")));
    assert!(
        msg.contains("какой столбец брать для поля «school_id»"),
        "{msg}"
    );
    assert!(
        !msg.contains("--map"),
        "no command-line advice on the site: {msg}"
    );

    // Task columns and free columns of wide files too.
    let (field, cols, _) = ambiguity(
        &PUPIL_SCHEMA,
        &[
            "Год",
            "Код ОО",
            "Процедура",
            "Предмет",
            "Класс",
            "Код участника",
            "Балл",
            "Задание 1",
            "З1",
        ],
        &[],
    );
    assert_eq!(
        (field.as_str(), cols),
        ("task_1", pair(("Задание 1", "H"), ("З1", "I")))
    );
    let (field, _, _) = ambiguity(
        &context::SCHEMA,
        &["Код ОО", "low_income_share", "Low income share"],
        &[],
    );
    assert_eq!(field, "low_income_share");
}

#[test]
fn an_explicit_mapping_settles_two_candidate_columns() {
    let header = strings(&[
        "Год",
        "Код ОО",
        "Логин ОО",
        "Процедура",
        "Предмет",
        "Класс",
        "Код участника",
        "Балл",
    ]);
    let map = ColumnMap::resolve(
        "f.csv",
        &header,
        &PUPIL_SCHEMA,
        &[("school_id".into(), "Логин ОО".into())],
    )
    .unwrap();
    assert_eq!(map.index["school_id"], 2);
    assert!(map.ignored.contains(&"Код ОО".to_string()));
    // …but not when both columns carry the header it names.
    let (field, _, _) = ambiguity(
        &PUPIL_SCHEMA,
        &[
            "Год",
            "Код ОО",
            "Процедура",
            "Предмет",
            "Класс",
            "Код участника",
            "Балл",
            "Балл",
        ],
        &[("score", "Балл")],
    );
    assert_eq!(field, "score");
}

#[test]
fn primary_and_test_scores_are_two_fields() {
    let header = [
        "Год",
        "Код ОО",
        "Процедура",
        "Предмет",
        "Класс",
        "Код участника",
        "Первичный балл",
        "Тестовый балл",
    ];
    let cells = ["2024", "001", "ЕГЭ", "Математика", "11", "p1", "15", "72"];
    let (rec, errors) = parse_one(&PUPIL_SCHEMA, &header, &cells, |f| {
        parse_row(f, false, &mut KeyCache::default(), &|_| true, &|_| None)
    });
    assert_eq!(errors.count, 0, "{:?}", errors.list);
    let Some(ResultBody::Pupil {
        result, test_score, ..
    }) = rec.map(|r| r.body)
    else {
        panic!("pupil row")
    };
    assert_eq!((result.score, test_score), (15.0, Some(72.0)));

    let mut bad = cells;
    bad[7] = "172";
    let (rec, errors) = parse_one(&PUPIL_SCHEMA, &header, &bad, |f| {
        parse_row(f, false, &mut KeyCache::default(), &|_| true, &|_| None)
    });
    assert!(rec.is_none());
    assert!(
        errors.list[0]
            .to_string()
            .contains("«Тестовый балл», значение «172»: тестовый балл — от 0 до 100"),
        "{}",
        errors.list[0]
    );

    // Without a test score column the field is absent.
    let (rec, _) = pupil(&["2024", "001", "ВПР", "Математика", "5", "p1", "15"]);
    assert!(matches!(
        rec.unwrap().body,
        ResultBody::Pupil {
            test_score: None,
            ..
        }
    ));
}

#[test]
fn a_school_level_file_with_two_columns_for_a_field_says_so() {
    let header = strings(&[
        "Год",
        "Код ОО",
        "Процедура",
        "Предмет",
        "Класс",
        "Участников",
        "Число участников",
        "Средний балл",
    ]);
    assert!(is_school_level("f.csv", &header, &[]));
    match ColumnMap::resolve("f.csv", &header, &SCHOOL_SCHEMA, &[]) {
        Err(IoError::AmbiguousColumns { field, .. }) => assert_eq!(field, "n"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn codes_are_one_line_and_school_codes_are_no_formulas() {
    for bad in ["=1+2", "+79001234567", "-001", "@SUM(A1)"] {
        let (rec, errors) = pupil(&["2024", bad, "ВПР", "Математика", "5", "p1", "15"]);
        assert!(rec.is_none(), "{bad}");
        assert!(
            errors.list[0].message.contains("формулу"),
            "{}",
            errors.list[0]
        );
    }
    for bad in ["00\n1", "00\t1", "001\u{200b}"] {
        let (rec, errors) = pupil(&["2024", bad, "ВПР", "Математика", "5", "p1", "15"]);
        assert!(rec.is_none(), "{bad:?}");
        assert!(
            errors.list[0].message.contains("одной строкой"),
            "{}",
            errors.list[0]
        );
        let (rec, errors) = pupil(&["2024", "001", "ВПР", "Математика", "5", bad, "15"]);
        assert!(
            rec.is_none() && errors.list[0].column.as_deref() == Some("Код участника"),
            "{bad:?}"
        );
    }
    let header = ["Код ОО", "Муниципалитет", "Наименование"];
    let (rec, errors) = parse_one(
        &schools::SCHEMA,
        &header,
        &["=HYPERLINK(\"x\")", "Город", "Школа"],
        schools::parse_row,
    );
    assert!(rec.is_none() && errors.count == 1);
    let (rec, _) = parse_one(
        &schools::SCHEMA,
        &header,
        &["-", "Город", "Школа"],
        schools::parse_row,
    );
    assert!(rec.is_none());
    // A pupil key may start with a dash; a code with spaces around is trimmed.
    let (rec, errors) = pupil(&["2024", " 001 ", "ВПР", "Математика", "5", "-p1", "15"]);
    assert_eq!(errors.count, 0, "{:?}", errors.list);
    assert_eq!(rec.unwrap().school_code, "001");
}

#[test]
fn row_errors_echo_only_a_short_escaped_prefix_of_the_value() {
    let long = format!("{}\u{1b}[31m{}", "я".repeat(10), "9".repeat(500));
    let (_, errors) = pupil(&["2024", "001", "ВПР", "Математика", "5", "p1", &long]);
    let e = &errors.list[0];
    let value = e.value.as_deref().unwrap();
    assert!(
        value.starts_with("яяяяяяяяяя\\u{1b}[31m9") && value.ends_with('…'),
        "{value}"
    );
    assert!(value.chars().count() <= 41, "{value}");
    let text = e.to_string();
    assert!(
        !text.contains('\u{1b}') && !text.contains(&"9".repeat(41)),
        "{text}"
    );
}
