//! Importing a plan kept in Excel: title rows above the table, a merged
//! header, section rows merged across, dates typed as Excel dates.

use opora_plans::{import_bytes, ImportOptions, Level};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("План").unwrap();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    ws.merge_range(
        0,
        0,
        0,
        5,
        "План мероприятий по поддержке школ с низкими результатами обучения",
        &bold,
    )
    .unwrap();
    ws.merge_range(
        1,
        0,
        1,
        5,
        "Управления образования Северского района на 2023-2024 учебный год",
        &bold,
    )
    .unwrap();
    let header = [
        "№",
        "Мероприятие",
        "Срок",
        "Ответственный",
        "Форма проведения",
        "Результат",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &bold).unwrap();
    }
    ws.merge_range(4, 0, 4, 5, "1. Методическое сопровождение", &bold)
        .unwrap();
    let rows: [[&str; 6]; 3] = [
        [
            "1.1",
            "Семинар для заместителей директоров по УВР",
            "Октябрь",
            "ИМЦ",
            "Семинар",
            "Протокол",
        ],
        [
            "1.2",
            "Диагностика профессиональных дефицитов учителей",
            "",
            "ИМЦ, школы",
            "Тестирование",
            "Аналитическая справка",
        ],
        [
            "1.3",
            "Отчёт школ о реализации программ",
            "По запросу",
            "Руководители ОО",
            "",
            "Отчёт",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(5 + r as u32, c as u16, *v).unwrap();
            }
        }
    }
    // A real Excel date in the deadline cell of 1.2.
    ws.write_datetime_with_format(6, 2, ExcelDateTime::from_ymd(2023, 11, 30).unwrap(), &date)
        .unwrap();
    ws.merge_range(8, 0, 8, 5, "2. Мониторинг эффективности", &bold)
        .unwrap();
    ws.write_string(9, 0, "2.1").unwrap();
    ws.write_string(9, 1, "Мониторинг результатов ВПР").unwrap();
    ws.write_string(9, 2, "Апрель-май").unwrap();
    // The responsible merged down over two activities.
    ws.merge_range(9, 3, 10, 3, "Управление образования", &Format::new())
        .unwrap();
    ws.write_string(10, 0, "2.2").unwrap();
    ws.write_string(10, 1, "Итоговое совещание").unwrap();
    ws.write_string(10, 2, "август 2024 г.").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_plan() {
    let plan = import_bytes(
        &workbook(),
        &ImportOptions {
            file_name: "plan.xlsx".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(plan.title, "План мероприятий по поддержке школ с низкими результатами обучения Управления образования Северского района на 2023-2024 учебный год");
    assert_eq!(plan.level, Level::Municipality);
    let p = plan.period.as_ref().unwrap();
    assert_eq!(
        (p.start.iso(), p.end.iso()),
        ("2023-09-01".into(), "2024-08-31".into())
    );
    let sections: Vec<(Option<String>, String)> = plan
        .sections
        .iter()
        .map(|s| (s.number.clone(), s.title.clone()))
        .collect();
    assert_eq!(
        sections,
        [
            (Some("1.".into()), "Методическое сопровождение".into()),
            (Some("2.".into()), "Мониторинг эффективности".into())
        ]
    );
    assert_eq!(plan.sections[1].kind, opora_plans::SectionKind::Monitoring);
    let acts: Vec<_> = plan
        .all_activities()
        .into_iter()
        .map(|l| l.activity)
        .collect();
    assert_eq!(acts.len(), 5);
    assert_eq!(
        acts[0].deadline.start.map(|d| d.iso()),
        Some("2023-10-01".into())
    );
    assert_eq!(acts[1].deadline.text, "30.11.2023");
    assert_eq!(
        acts[1].deadline.end.map(|d| d.iso()),
        Some("2023-11-30".into())
    );
    assert_eq!(
        acts[2].deadline.conditions,
        [opora_plans::Condition::OnRequest]
    );
    assert_eq!(
        acts[3].deadline.end.map(|d| d.iso()),
        Some("2024-05-31".into())
    );
    assert_eq!(
        acts[4].responsible_text, "Управление образования",
        "merged cell applies to both rows"
    );
    assert_eq!(
        acts[4].deadline.end.map(|d| d.iso()),
        Some("2024-08-31".into())
    );
    assert_eq!(plan.import.as_ref().unwrap().format, "xlsx");
}

/// Found by fuzzing (fuzz/corpus/plan_document): a workbook whose cell
/// reference overflows calamine's column arithmetic. A damaged file is a
/// Russian message, never a panic of the server's worker.
#[test]
fn a_damaged_workbook_is_a_message_not_a_panic() {
    let bytes = include_bytes!("fixtures/fuzz/calamine_overflow.xlsx");
    let err = opora_plans::import_bytes(bytes, &opora_plans::ImportOptions::default())
        .expect_err("a damaged workbook");
    assert!(
        err.to_string().contains("повреждён") || err.to_string().contains("не читается"),
        "{err}"
    );
}
