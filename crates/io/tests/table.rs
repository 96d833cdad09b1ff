//! Reading CSV files: row numbers, quotes, encodings, empty tables, hostile
//! bytes.

use opora_io::records::results::{parse_row, KeyCache, PUPIL_SCHEMA};
use opora_io::records::{Errors, Fields};
use opora_io::{open_table, IoError, TableOptions, TableReader, TextEncoding};
use std::io::Write;

/// Writes `bytes` to a temporary file named `name` and opens it.
fn open_named(name: &str, bytes: &[u8]) -> Result<TableReader, IoError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    open_table(&path, &TableOptions::default())
}

fn open(bytes: &[u8]) -> Result<TableReader, IoError> {
    open_named("f.csv", bytes)
}

/// (row number, cells) of a data row.
type Numbered = (u64, Vec<String>);

/// Header row and every data row.
fn read_all(bytes: &[u8]) -> Result<(u64, Vec<Numbered>), IoError> {
    let t = open(bytes)?;
    let header_row = t.header_row;
    let rows = t
        .map(|r| r.map(|r| (r.number, r.to_strings())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((header_row, rows))
}

fn numbers(bytes: &[u8]) -> (u64, Vec<u64>) {
    let (h, rows) = read_all(bytes).unwrap();
    (h, rows.into_iter().map(|r| r.0).collect())
}

fn cp1251(s: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1251.encode(s).0.into_owned()
}

/// A pupil-level results file as an office exports it: a blank line above
/// the header, a quoted name over two lines, a blank line between rows.
const RESULTS: &str = "\n\
Год;Код ОО;Процедура;Предмет;Класс;Код участника;Первичный балл;Комментарий\n\
2024;001;ВПР;Математика;5;p1;много;\"первая\nвторая строка\"\n\
\n\
2024;001;ВПР;Математика;5;p2;7;\n";

/// Row numbers of the results errors in `bytes`.
fn error_rows(bytes: &[u8]) -> Vec<u64> {
    let t = open(bytes).unwrap();
    let map = t.resolve(&PUPIL_SCHEMA, &[]).unwrap();
    let mut errors = Errors::new(&t.file_name);
    let file = t.file_name.clone();
    for row in t {
        let row = row.unwrap();
        let mut f = Fields::new(&map, &row, &mut errors);
        parse_row(&mut f, false, &mut KeyCache::default(), &|_| true, &|_| {
            None
        });
    }
    assert_eq!(errors.file, file);
    errors.list.iter().map(|e| e.row).collect()
}

#[test]
fn row_numbers_are_the_spreadsheet_rows_for_lf_crlf_and_cr() {
    let lf = RESULTS.to_string();
    let crlf = lf.replace('\n', "\r\n");
    let cr = lf.replace('\n', "\r");
    for (name, text) in [("LF", &lf), ("CRLF", &crlf), ("CR", &cr)] {
        // Row 1 blank, header in row 2, the bad score in row 3 (its comment
        // cell runs over two lines but stays one row), row 4 blank, row 5.
        assert_eq!(numbers(text.as_bytes()), (2, vec![3, 5]), "{name}");
        assert_eq!(error_rows(text.as_bytes()), vec![3], "{name}");
        assert_eq!(
            numbers(&cp1251(text)),
            (2, vec![3, 5]),
            "{name}, Windows-1251"
        );
    }
}

#[test]
fn a_bad_first_data_row_of_a_crlf_file_is_row_2() {
    let crlf = "Год;Код ОО;Процедура;Предмет;Класс;Код участника;Первичный балл\r\n\
                2024;001;ВПР;Математика;5;p1;много\r\n\
                2024;001;ВПР;Математика;5;p2;7\r\n";
    assert_eq!(error_rows(crlf.as_bytes()), vec![2]);
    let t = open(crlf.as_bytes()).unwrap();
    let map = t.resolve(&PUPIL_SCHEMA, &[]).unwrap();
    let mut errors = Errors::new("f.csv");
    for row in t {
        let row = row.unwrap();
        parse_row(
            &mut Fields::new(&map, &row, &mut errors),
            false,
            &mut KeyCache::default(),
            &|_| true,
            &|_| None,
        );
    }
    let text = errors.list[0].to_string();
    assert!(
        text.starts_with("f.csv, строка 2, столбец «Первичный балл», значение «много»"),
        "{text}"
    );
}

#[test]
fn quoted_cells_keep_their_line_breaks_quotes_and_delimiters() {
    let (_, rows) = read_all(b"a,b\r\n\"x\r\ny\",\"say \"\"hi\"\", ok\"\r\n").unwrap();
    assert_eq!(
        rows,
        vec![(2, vec!["x\r\ny".to_string(), "say \"hi\", ok".to_string()])]
    );
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opens() {
    let text = "Код ОО;Имя;Балл\n001;\"Иванов;5\n002;Петров;4\n003;Сидоров;3\n";
    let err = read_all(text.as_bytes()).unwrap_err();
    match &err {
        IoError::UnclosedQuote { row, column, .. } => {
            assert_eq!(*row, 2);
            assert_eq!(column.index, 1);
            assert_eq!(column.header.as_deref(), Some("Имя"));
        }
        e => panic!("expected UnclosedQuote, got {e:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("строка 2") && msg.contains("«Имя» (столбец B)") && msg.contains("кавычка"),
        "{msg}"
    );
}

#[test]
fn a_header_without_data_rows_is_refused() {
    for text in [
        "Код ОО;Балл\n",
        "Код ОО;Балл\r\n;\r\n;;\r\n\r\n",
        "\n\nКод ОО;Балл",
    ] {
        match open(text.as_bytes()) {
            Err(IoError::NoData {
                header_row,
                sheet: None,
                ..
            }) => {
                assert_eq!(header_row, if text.starts_with('\n') { 3 } else { 1 })
            }
            Err(e) => panic!("{text:?}: expected NoData, got {e:?}"),
            Ok(_) => panic!("{text:?}: a header-only file was accepted"),
        }
    }
    let msg = open(b"school_id,score\n").err().unwrap().to_string();
    assert!(
        msg.contains("нет строк с данными") && msg.contains("строка 1") && msg.contains("f.csv"),
        "{msg}"
    );
    assert!(matches!(open(b"\n\n;;\n"), Err(IoError::Empty { .. })));
}

#[test]
fn blank_rows_are_skipped_but_counted() {
    assert_eq!(numbers(b"a;b\n;\n1;2\n ; \n3;4\n"), (1, vec![3, 5]));
}

#[test]
fn utf8_then_windows_1251_is_refused_at_the_first_1251_row() {
    let mut bytes = "Код ОО;Предмет\n001;Математика\n002;Физика\n"
        .as_bytes()
        .to_vec();
    bytes.extend(cp1251("003;Химия\n004;Биология\n"));
    let err = read_all(&bytes).unwrap_err();
    match &err {
        IoError::MixedEncoding {
            row,
            expected,
            found,
            detected_row,
            value,
            column,
            ..
        } => {
            assert_eq!((*row, *detected_row), (4, 1));
            assert_eq!(
                (*expected, *found),
                (TextEncoding::Utf8, TextEncoding::Windows1251)
            );
            assert_eq!(value, "Химия");
            assert_eq!(column.header.as_deref(), Some("Предмет"));
        }
        e => panic!("expected MixedEncoding, got {e:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("строка 4")
            && msg.contains("Windows-1251")
            && msg.contains("в одной кодировке"),
        "{msg}"
    );
}

#[test]
fn windows_1251_then_utf8_is_refused_at_the_first_utf8_row() {
    let mut bytes = cp1251("Код ОО;Предмет\r\n001;Математика\r\n");
    bytes.extend("002;Физика\r\n".as_bytes());
    match read_all(&bytes).unwrap_err() {
        IoError::MixedEncoding {
            row,
            expected,
            found,
            value,
            ..
        } => {
            assert_eq!(row, 3);
            assert_eq!(
                (expected, found),
                (TextEncoding::Windows1251, TextEncoding::Utf8)
            );
            assert_eq!(value, "Физика");
        }
        e => panic!("expected MixedEncoding, got {e:?}"),
    }
    // Also when the UTF-8 row has a single Russian letter (a class letter).
    let mut bytes = cp1251("Код ОО;Класс\n001;5А\n");
    bytes.extend("002;5Б\n".as_bytes());
    assert!(matches!(
        read_all(&bytes),
        Err(IoError::MixedEncoding { row: 3, .. })
    ));
}

#[test]
fn a_consistent_file_is_read_whatever_comes_first() {
    // English headers and 100 KiB of ASCII rows, then Russian text: the
    // encoding is decided by the first row that has non-ASCII bytes.
    let mut text = String::from("school_id;subject\n");
    while text.len() < 100 * 1024 {
        text.push_str("001;math\n");
    }
    text.push_str("002;Математика\n003;Физика «базовая» — №1, Ёлка\n");
    let lines = text.lines().count() as u64;
    for bytes in [cp1251(&text), text.clone().into_bytes()] {
        let (_, rows) = read_all(&bytes).unwrap();
        let last = rows.last().unwrap();
        assert_eq!(last.0, lines);
        assert_eq!(last.1[1], "Физика «базовая» — №1, Ёлка");
    }
    // 1251 text full of Р and С next to quotes, dashes and № stays 1251.
    let tricky = "Код;Имя\n1;ТЕАТР «ВЕКТОР» — СС «ДОМ»\n2;Р» С‘ Р– №\n";
    let (_, rows) = read_all(&cp1251(tricky)).unwrap();
    assert_eq!(rows[1].1[1], "Р» С‘ Р– №");
}

#[test]
fn a_bom_decides_the_encoding_and_utf16_is_read() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend("Код ОО,Балл\n1,5\n".as_bytes());
    assert_eq!(
        read_all(&bytes).unwrap().1,
        vec![(2, vec!["1".to_string(), "5".to_string()])]
    );
    // Excel's «Текст в Юникоде»: UTF-16LE with a BOM, tab-separated.
    let mut bytes = vec![0xFF, 0xFE];
    for u in "Код ОО\tБалл\r\n001\t5\r\n".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let t = open(&bytes).unwrap();
    assert_eq!(t.header, vec!["Код ОО", "Балл"]);
    assert_eq!(
        t.map(|r| r.unwrap().to_strings()).collect::<Vec<_>>(),
        vec![vec!["001", "5"]]
    );
}

#[test]
fn control_characters_are_refused_naming_row_and_column() {
    let mut text = String::from("Код ОО;Наименование\n001;Школа\n002;Лицей\u{0}");
    text.push_str(&"x".repeat(100));
    text.push('\n');
    let err = read_all(text.as_bytes()).unwrap_err();
    match &err {
        IoError::ControlChar {
            row,
            column,
            character,
            value,
            ..
        } => {
            assert_eq!((*row, *character), (3, '\0'));
            assert_eq!(column.header.as_deref(), Some("Наименование"));
            assert!(
                value.starts_with("Лицей\\u{0}xx")
                    && value.ends_with('…')
                    && value.chars().count() <= 41,
                "{value}"
            );
        }
        e => panic!("expected ControlChar, got {e:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("строка 3")
            && msg.contains("«Наименование» (столбец B)")
            && msg.contains("\\u{0}"),
        "{msg}"
    );
    assert!(
        !msg.contains('\0') && !msg.contains(&"x".repeat(41)),
        "{msg}"
    );
    // Also in the header, and other C0 controls; tab, CR and LF are text.
    assert!(matches!(
        read_all(b"a;b\x07\n1;2\n"),
        Err(IoError::ControlChar {
            row: 1,
            character: '\x07',
            ..
        })
    ));
    assert!(matches!(
        read_all(b"a;b\n1;\"2\x1b\"\n"),
        Err(IoError::ControlChar { row: 2, .. })
    ));
    assert!(read_all(b"a;b\n1;\"x\ty\r\nz\"\n").is_ok());
}

#[test]
fn a_binary_file_without_line_ends_is_refused_not_swallowed() {
    let bytes = vec![b'x'; 17 << 20];
    assert!(matches!(
        open(&bytes),
        Err(IoError::RowTooLong { row: 1, .. })
    ));
}

#[test]
fn title_rows_above_the_header_are_passed_over_and_counted() {
    let text = "Результаты ВПР по математике, 2024;;;\n\n5 класс;;;\nКод ОО;Класс;Код участника;Балл\n001;5;p1;7\n";
    for t in [text.to_string(), text.replace('\n', "\r\n")] {
        let r = open(t.as_bytes()).unwrap();
        assert_eq!((r.header_row, r.header[0].as_str()), (4, "Код ОО"));
        assert_eq!(r.map(|r| r.unwrap().number).collect::<Vec<_>>(), vec![5]);
    }
    // A one-column file keeps its header.
    let r = open(b"school_id\n001\n002\n").unwrap();
    assert_eq!(
        (r.header_row, r.header.clone()),
        (1, vec!["school_id".to_string()])
    );
    // A title above a header without data: no data, at the header's row.
    assert!(matches!(
        open(b"Title\nschool_id;score\n"),
        Err(IoError::NoData { header_row: 2, .. })
    ));
}
