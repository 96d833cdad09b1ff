//! A deadline with a date that does not exist («31.13.2027», «31.04.2024»)
//! is not read as something else: the import is refused with every such cell
//! named (table, row, column, value) and what to do about it, in Russian.

use opora_plans::{
    import_bytes, plan_from_document, Document, ImportOptions, ImpossibleDates, PlanError,
};
use rust_xlsxwriter::Workbook;

fn options(file: &str) -> ImportOptions {
    ImportOptions {
        file_name: file.into(),
        ..Default::default()
    }
}

fn refused(result: Result<opora_plans::Plan, PlanError>) -> ImpossibleDates {
    match result {
        Err(PlanError::ImpossibleDates(e)) => e,
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(plan) => panic!("imported with {} activities", plan.activity_count()),
    }
}

/// A plan on two pages (two tables); rows are counted from each table's top.
const PLAN: &str = "План мероприятий МБОУ «СОШ № 5» на 2026-2027 учебный год\n\
    \n\
    №\tМероприятие\tСрок\tОтветственный\n\
    1.\tСовещание при директоре\t01.09.2026\tДиректор\n\
    2.\tДиагностика учителей\tдо 31.13.2027\tЗаместитель директора\n\
    3.\tСеминар по оцениванию\tоктябрь 2026\tМетодист\n\
    \n\
    4.\tОткрытые уроки\t31.04.2027\tУчителя\n\
    5.\tИтоговый педсовет\t29.02.2027, 30.05.2027\tДиректор\n";

#[test]
fn every_impossible_date_is_named_by_its_cell() {
    let e = refused(plan_from_document(
        &Document::from_tsv_text(PLAN),
        &options("plan.docx"),
        "docx",
    ));
    let cells: Vec<(usize, usize, usize, &str, &str, &str)> = e
        .cells
        .iter()
        .map(|c| {
            (
                c.table,
                c.row,
                c.column,
                c.header.as_str(),
                c.value.as_str(),
                c.error.date.as_str(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            (1, 3, 3, "Срок", "до 31.13.2027", "31.13.2027"),
            (2, 1, 3, "Срок", "31.04.2027", "31.04.2027"),
            (2, 2, 3, "Срок", "29.02.2027, 30.05.2027", "29.02.2027"),
        ]
    );
    assert_eq!((e.file.as_str(), e.workbook), ("plan.docx", false));
}

#[test]
fn the_message_says_where_what_and_how_to_fix() {
    let e = refused(plan_from_document(
        &Document::from_tsv_text(PLAN),
        &options("plan.docx"),
        "docx",
    ));
    assert_eq!(
        PlanError::from(e).to_string(),
        "в файле «plan.docx» в сроках указаны несуществующие даты (3):\n\
         — таблица 1, строка 3, столбец 3 «Срок»: «до 31.13.2027» — даты 31.13.2027 нет, месяца 13 не бывает (месяц — число от 01 до 12);\n\
         — таблица 2, строка 1, столбец 3 «Срок»: «31.04.2027» — даты 31.04.2027 нет, в апреле 30 дней (последний день — 30.04);\n\
         — таблица 2, строка 2, столбец 3 «Срок»: «29.02.2027, 30.05.2027» — даты 29.02.2027 нет, 2027 год не високосный (последний день февраля — 28.02.2027).\n\
         Исправьте даты в этих ячейках и загрузите файл снова."
    );
}

#[test]
fn a_workbook_names_the_sheet() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let rows = [
        ["№", "Мероприятие", "Срок", "Ответственный"],
        [
            "1",
            "Семинар для заместителей директоров",
            "Октябрь 2026",
            "ИМЦ",
        ],
        [
            "2",
            "Мониторинг результатов ВПР",
            "00.05.2027",
            "Управление образования",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let e = refused(import_bytes(
        &book.save_to_buffer().unwrap(),
        &options("plan.xlsx"),
    ));
    assert_eq!(
        PlanError::from(e).to_string(),
        "в файле «plan.xlsx» в сроке указана несуществующая дата:\n\
         — лист 1, строка 3, столбец 3 «Срок»: «00.05.2027» — даты 00.05.2027 нет, дня 0 не бывает (дни месяца — с 01).\n\
         Исправьте дату в этой ячейке и загрузите файл снова."
    );
}

#[test]
fn possible_dates_import() {
    let fixed = PLAN
        .replace("31.13.2027", "31.12.2026")
        .replace("31.04.2027", "30.04.2027")
        .replace("29.02.2027", "28.02.2027");
    let plan = plan_from_document(
        &Document::from_tsv_text(&fixed),
        &options("plan.docx"),
        "docx",
    )
    .unwrap();
    let ends: Vec<String> = plan
        .all_activities()
        .iter()
        .filter_map(|l| l.activity.deadline.end.map(|d| d.iso()))
        .collect();
    assert_eq!(
        ends,
        [
            "2026-09-01",
            "2026-12-31",
            "2026-10-31",
            "2027-04-30",
            "2027-05-30"
        ]
    );
}
