//! Indicator passports as real files: a Word table with group rows merged
//! across the table (made with LibreOffice from the wording) and an
//! Excel sheet with merged group cells and a title row.

use opora_indicators::{import_passport, Direction, Target, Unit};
use rust_xlsxwriter::{Format, Workbook};

#[test]
fn a_word_passport_with_merged_group_rows() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/programme_passport.docx"
    ))
    .unwrap();
    let v = import_passport(&bytes, "паспорт.docx").unwrap();
    let names: Vec<&str> = v.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(v.len(), 5, "{names:?}");
    assert_eq!(
        v[0].group,
        "По оценке процессов управления качеством образования"
    );
    assert_eq!(v[0].target, Target::Number(100.0));
    assert_eq!(
        (v[1].unit, v[1].target.clone()),
        (Unit::YesNo, Target::Text("Да".into()))
    );
    assert_eq!(v[3].target, Target::Number(20.0));
    assert_eq!(
        v[3].group,
        "По выявлению динамики образовательных результатов"
    );
    assert_eq!(
        (v[4].unit, v[4].direction),
        (Unit::Count, Direction::AtLeast)
    );
    assert_eq!(v[4].group, "По оказанию методической помощи");
}

#[test]
fn an_excel_passport_with_a_title_row_and_merged_groups() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 2, "Целевые показатели программы", &f)
        .unwrap();
    for (c, h) in ["№", "Показатель", "Целевое значение"].iter().enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    ws.merge_range(2, 0, 2, 2, "По оказанию методической помощи", &f)
        .unwrap();
    ws.write_string(3, 0, "1").unwrap();
    ws.write_string(
        3,
        1,
        "Доля педагогов ШНОР, получивших адресную методическую помощь",
    )
    .unwrap();
    ws.write_number(3, 2, 0.8).unwrap();
    ws.write_string(4, 0, "2").unwrap();
    ws.write_string(4, 1, "Снижение доли обучающихся с отметкой «2» по ВПР")
        .unwrap();
    ws.write_string(4, 2, "не более 10%").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let v = import_passport(&bytes, "паспорт.xlsx").unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].group, "По оказанию методической помощи");
    // A share written as a fraction is kept as written (not turned into 80 %).
    assert_eq!(
        (v[0].unit, v[0].target.clone()),
        (Unit::Score, Target::Number(0.8))
    );
    assert_eq!(
        (v[1].unit, v[1].direction),
        (Unit::Percent, Direction::AtMost)
    );
}

#[test]
fn a_file_that_is_not_a_document_is_refused_with_its_name() {
    let e = import_passport(b"not a zip", "паспорт.docx").unwrap_err();
    assert!(e.to_string().contains("паспорт.docx"), "{e}");
}
