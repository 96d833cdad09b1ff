//! Plan tables written in other ways than the seeds: headings without
//! numbers, «Раздел 2.», a column of column numbers, a «Направление» column,
//! Roman numerals with titles in the text column, no header at all.

use opora_plans::{plan_from_document, Document, ImportOptions, Plan};

fn plan(text: &str) -> Plan {
    plan_from_document(
        &Document::from_tsv_text(text),
        &ImportOptions {
            file_name: "t.docx".into(),
            ..Default::default()
        },
        "txt",
    )
    .unwrap()
}

fn outline(p: &Plan) -> Vec<String> {
    let short = |s: &str| s.chars().take(20).collect::<String>();
    let mut out: Vec<String> = p
        .activities
        .iter()
        .map(|a| {
            format!(
                "- {} {}",
                a.number.clone().unwrap_or_default(),
                short(&a.text)
            )
        })
        .collect();
    for (d, s) in p.all_sections() {
        let num = s
            .number
            .clone()
            .map(|n| format!("{n} "))
            .unwrap_or_default();
        out.push(format!("{}§ {num}{}", " ".repeat(d), s.title));
        for a in &s.activities {
            out.push(format!(
                "{} - {} {}",
                " ".repeat(d),
                a.number.clone().unwrap_or_default(),
                short(&a.text)
            ));
        }
    }
    out
}

#[test]
fn headings_without_numbers_and_column_numbers() {
    let p = plan(
        "План мероприятий по повышению качества образования МБОУ «СОШ № 5» на 2023-2024 учебный год\n\
         \n\
         №\tНаименование мероприятия\tСрок исполнения\tОтветственные исполнители\tОжидаемые результаты\tОтметка о выполнении\n\
         1\t2\t3\t4\t5\t6\n\
         \tОрганизационно-методическое обеспечение\t\t\t\t\n\
         1.\tСовещание при директоре\tсентябрь\tДиректор\tПротокол\t\n\
         2.\tРазработка плана ВШК\tдо 15.09.2023\tЗаместитель директора\tПриказ\tвыполнено\n\
         \tРабота с педагогическими кадрами\t\t\t\t\n\
         3.\tДиагностика профессиональных дефицитов\tоктябрь-ноябрь\tМетодист\tАналитическая справка\t\n\
         4.\tКурсы повышения квалификации по\tв течение года\tЗаместитель директора\tУдостоверения\t\n\
         \tматематике и русскому языку\t\t\t\t\n\
         \tРаздел 3. Работа с обучающимися\t\t\t\t\n\
         5.\tИндивидуальные образовательные маршруты\tпо запросу\tКлассные руководители\tИОМ\t\n",
    );
    assert_eq!(
        outline(&p),
        [
            "§ Организационно-методическое обеспечение",
            " - 1. Совещание при директ",
            " - 2. Разработка плана ВШК",
            "§ Работа с педагогическими кадрами",
            " - 3. Диагностика професси",
            " - 4. Курсы повышения квал",
            "§ 3 Работа с обучающимися",
            " - 5. Индивидуальные образ",
        ]
    );
    let acts: Vec<_> = p.all_activities().into_iter().map(|l| l.activity).collect();
    assert_eq!(
        acts[3].text,
        "Курсы повышения квалификации по математике и русскому языку"
    );
    assert_eq!(acts[1].notes, ["Отметка о выполнении: выполнено"]);
    assert_eq!(
        acts[0].deadline.start.map(|d| d.iso()),
        Some("2023-09-01".into())
    );
    assert_eq!(
        p.import.as_ref().unwrap().skipped_rows,
        1,
        "the row of column numbers"
    );
}

#[test]
fn roman_sections_and_numbered_subsections() {
    let p = plan(
        "Дорожная карта на 2022-2023 учебный год\n\
         \n\
         № п/п\tМероприятия\tСроки\tОтветственные\tПланируемый результат\n\
         I\tИнвариантная часть\t\t\t\n\
         1.\tДиагностика\t\t\t\n\
         1.1.\tВходная диагностика\tсентябрь\tЗам. директора\tСправка\n\
         1.2.\tИтоговая диагностика\tмай\tЗам. директора\tСправка\n\
         2.\tПовышение квалификации\t\t\t\n\
         2.1.\tКурсы\tпо графику\tМетодист\tУдостоверения\n\
         II\tВариативная часть\t\t\t\n\
         3.\tКонсультации для родителей\tпо запросу\tПсихолог\tЖурнал\n",
    );
    assert_eq!(
        outline(&p),
        [
            "§ I Инвариантная часть",
            " § 1. Диагностика",
            "  - 1.1. Входная диагностика",
            "  - 1.2. Итоговая диагностика",
            " § 2. Повышение квалификации",
            "  - 2.1. Курсы",
            "§ II Вариативная часть",
            " - 3. Консультации для род",
        ]
    );
    assert_eq!(p.sections[0].kind, opora_plans::SectionKind::Invariant);
    assert_eq!(p.sections[1].kind, opora_plans::SectionKind::Variable);
}

/// A row without a number continues the activity above only when it cannot
/// stand alone; a row with its own deadline and responsible is an activity.
#[test]
fn unnumbered_rows_in_a_numbered_table() {
    let p = plan(
        "План работы на 2025-2026 учебный год\n\
         \n\
         №\tМероприятие\tСрок\tОтветственный\tРезультат\n\
         1.\tСовещание руководителей школ\tсентябрь 2025\tУправление образования\tПротокол\n\
         \tСеминар для заместителей директоров\tоктябрь 2025\tМетодический центр\tМатериалы\n\
         2.\tКурсы повышения квалификации учителей\tВ течение\tМетодический центр\tУдостоверения\n\
         \tматематики\tучебного года\t\t\n\
         3.\tАнализ результатов диагностики в школах\tдекабрь 2025\tМетодический центр\tСправка\n\
         \tМБОУ «СОШ № 5» и МБОУ «СОШ № 7»\t\t\t\n",
    );
    let acts: Vec<(String, String)> = p
        .all_activities()
        .iter()
        .map(|l| (l.activity.text.clone(), l.activity.deadline.text.clone()))
        .collect();
    let want = [
        ("Совещание руководителей школ", "сентябрь 2025"),
        // Its own deadline, responsible and result: an activity, though unnumbered.
        ("Семинар для заместителей директоров", "октябрь 2025"),
        // Lower case: the text (and the deadline) go on.
        (
            "Курсы повышения квалификации учителей математики",
            "В течение учебного года",
        ),
        // Nothing but text after an unfinished sentence.
        (
            "Анализ результатов диагностики в школах МБОУ «СОШ № 5» и МБОУ «СОШ № 7»",
            "декабрь 2025",
        ),
    ];
    assert_eq!(acts, want.map(|(t, d)| (t.to_string(), d.to_string())));
    assert_eq!(p.import.as_ref().unwrap().merged_rows, 2);
}

#[test]
fn direction_column_is_kept_as_a_note() {
    let p = plan(
        "Программа поддержки\n\
         \n\
         Направление\tМероприятие\tСрок\tОтветственный\n\
         Кадры\tСеминар для учителей\tноябрь 2023\tИМЦ\n\
         Кадры\tНаставничество\tв течение года\tДиректор\n",
    );
    let acts: Vec<_> = p.all_activities().into_iter().map(|l| l.activity).collect();
    assert_eq!(acts.len(), 2);
    assert_eq!(acts[0].text, "Семинар для учителей");
    assert_eq!(acts[0].notes, ["Направление: Кадры"]);
}

#[test]
fn no_header_columns_from_content() {
    let p = plan(
        "План работы\n\
         \n\
         1.\tСовещание руководителей школ\tсентябрь 2023\tУправление образования\tПротокол\n\
         2.\tМониторинг результатов ВПР\tоктябрь 2023\tИМЦ\tАналитическая справка\n\
         3.\tСеминар по объективности оценивания\tноябрь 2023\tИМЦ\tМатериалы семинара\n",
    );
    let acts: Vec<_> = p.all_activities().into_iter().map(|l| l.activity).collect();
    assert_eq!(acts.len(), 3);
    assert_eq!(
        (
            acts[1].number.as_deref(),
            acts[1].text.as_str(),
            acts[1].responsible_text.as_str()
        ),
        (Some("2."), "Мониторинг результатов ВПР", "ИМЦ")
    );
    assert_eq!(acts[1].result.as_deref(), Some("Аналитическая справка"));
    assert!(p
        .import
        .as_ref()
        .unwrap()
        .warnings
        .iter()
        .any(|w| w.contains("по содержимому")));
}

#[test]
fn passport_and_indicator_tables_are_not_activities() {
    let p = plan(
        "Программа повышения качества образования МБОУ «ООШ № 9»\n\
         Наименование программы\tПрограмма повышения качества образования\n\
         Цель программы\tПереход школы в эффективный режим работы\n\
         Сроки реализации программы\t2021-2024 гг.\n\
         \n\
         № п/п\tМероприятие\tСрок\tОтветственный\tРезультат\n\
         1.\tСамодиагностика\tсентябрь\tДиректор\tСправка\n\
         2.\tПлан ВШК\tоктябрь\tЗаместитель директора\tПриказ\n\
         \n\
         Целевые показатели\n\
         №\tПоказатель\t2022\t2023\t2024\n\
         1\tДоля учителей, прошедших диагностику\t30%\t50%\t70%\n",
    );
    assert_eq!(p.activity_count(), 2);
    let per = p.period.as_ref().unwrap();
    assert_eq!(
        (per.start.iso(), per.end.iso(), per.inferred),
        ("2021-01-01".into(), "2024-12-31".into(), false)
    );
    assert_eq!(
        p.goal.as_deref(),
        Some("Переход школы в эффективный режим работы")
    );
    // «сентябрь» of a 2021–2024 plan: the first year.
    assert_eq!(
        p.activities[0].deadline.start.map(|d| d.iso()),
        Some("2021-09-01".into())
    );
}

#[test]
fn number_column_without_a_header() {
    let p = plan(
        "План мероприятий\n\
         \tМероприятия\tСроки\tОтветственные\n\
         1.\tСовещание\tсентябрь 2023\tДиректор\n\
         2.\tСеминар по\tоктябрь 2023\tМетодист\n\
         \tфункциональной грамотности\t\t\n",
    );
    let acts: Vec<_> = p.all_activities().into_iter().map(|l| l.activity).collect();
    assert_eq!(acts.len(), 2);
    assert_eq!(
        (acts[1].number.as_deref(), acts[1].text.as_str()),
        (Some("2."), "Семинар по функциональной грамотности")
    );
    assert!(acts[0].notes.is_empty());
}

#[test]
fn two_row_header_in_text_without_merged_cells() {
    let p = plan(
        "Дорожная карта сетевого взаимодействия на 2023-2024 учебный год\n\
         № п/п\tМероприятия\tСроки\tОтветственные\t\tРезультат\n\
         \t\t\tОО, оказывающая поддержку\tОО, которой оказывается поддержка\t\n\
         1.\tВзаимопосещение уроков\tноябрь\tМБОУ «Гимназия № 1»\tМБОУ «СОШ № 12»\tПротокол\n",
    );
    let a = &p.activities[0];
    assert_eq!(p.activity_count(), 1);
    assert_eq!(a.responsibles.len(), 2);
    assert_eq!(
        a.responsibles[0].role,
        opora_plans::ResponsibleRole::SupportingSchool
    );
    assert_eq!(
        a.responsibles[1].part.as_deref(),
        Some("ОО, которой оказывается поддержка")
    );
    assert_eq!(a.result.as_deref(), Some("Протокол"));
}
