//! Importing the three seed roadmaps (made into DOCX by
//! tools/plans/seed_to_docx.py) and a synthetic plan with the Word features the
//! seeds lack: every activity present once, sections right, deadlines parsed
//! or honestly left as text.
//!
//! Everything read here is committed under tests/fixtures: the seed texts
//! (`seed_*.txt`, the tables as extracted from the original documents) and the
//! DOCX files made from them. A missing fixture fails the test.

use opora_plans::{
    import_file, plan_from_document, Activity, Document, ImportOptions, Level, Plan, PlanStatus,
    SectionKind,
};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A committed seed text; a missing one is a failure, never a skipped check.
fn seed_text(name: &str) -> String {
    let path = fixture(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {} is missing or unreadable: {e}", path.display()))
}

fn import(name: &str) -> Plan {
    import_file(&fixture(name), &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn activities(p: &Plan) -> Vec<&Activity> {
    p.all_activities().into_iter().map(|l| l.activity).collect()
}

/// (depth, number, title, activities directly in it)
type SectionRow = (usize, &'static str, &'static str, usize);
/// (number or the text's first 40 characters, deadline text, kind, start, end)
type ActivityRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

fn check(plan: &Plan, sections: &[SectionRow], acts: &[ActivityRow]) {
    let got: Vec<(usize, String, String, usize)> = plan
        .all_sections()
        .iter()
        .map(|(d, s)| {
            (
                *d,
                s.number.clone().unwrap_or_default(),
                s.title.clone(),
                s.activities.len(),
            )
        })
        .collect();
    let want: Vec<(usize, String, String, usize)> = sections
        .iter()
        .map(|(d, n, t, k)| (*d, n.to_string(), t.to_string(), *k))
        .collect();
    assert_eq!(got, want, "sections");
    let all = activities(plan);
    assert_eq!(all.len(), acts.len(), "activity count");
    for (a, (key, text, kind, start, end)) in all.iter().zip(acts) {
        let k = a
            .number
            .clone()
            .unwrap_or_else(|| a.text.chars().take(40).collect());
        assert_eq!(k, *key);
        let d = &a.deadline;
        let got = (
            d.text.as_str(),
            serde_json::to_value(d.kind).unwrap(),
            d.start.map(|x| x.iso()),
            d.end.map(|x| x.iso()),
        );
        let want = (
            *text,
            serde_json::Value::from(*kind),
            (!start.is_empty()).then(|| start.to_string()),
            (!end.is_empty()).then(|| end.to_string()),
        );
        assert_eq!(got, want, "activity {key}");
    }
}

/// Numbers of the activity rows of a seed text: first cells like «1.1.» or «12.».
fn seed_numbers(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.split_once('\t').map(|(n, _)| n.trim()))
        .filter(|n| {
            !n.is_empty()
                && n.trim_end_matches('.')
                    .split('.')
                    .all(|p| p.parse::<u32>().is_ok())
        })
        .map(|n| n.to_string())
        .collect()
}

/// Every piece of text in the table's text column is somewhere in the plan
/// (long pieces in exactly one activity or section): nothing lost, nothing doubled.
fn nothing_lost(plan: &Plan, text: &str, text_col: usize, from_line: usize) {
    let mut texts: Vec<String> = activities(plan).iter().map(|a| a.text.clone()).collect();
    texts.extend(plan.all_sections().iter().map(|(_, s)| s.title.clone()));
    for line in text.lines().skip(from_line).filter(|l| l.contains('\t')) {
        let cell = line
            .split('\t')
            .nth(text_col)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let cell = cell.trim();
        // Section numbers written into the text cell are split off.
        let cell = cell
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',' || c == ' ');
        if cell.chars().count() < 8
            || matches!(
                cell,
                "Мероприятия" | "Содержание работы" | "Наименование раздела/мероприятия"
            )
        {
            continue;
        }
        let n = texts.iter().filter(|t| t.contains(cell)).count();
        assert!(n >= 1, "lost: «{cell}»");
        if cell.chars().count() >= 60 {
            assert_eq!(n, 1, "more than once: «{cell}»");
        }
    }
}

const SEED_000_SECTIONS: &[SectionRow] = &[
    (0, "I.", "Организационно-управленческие мероприятия", 9),
    (
        0,
        "II.",
        "Повышение уровня кадрового потенциала. Оказание методической помощи.",
        10,
    ),
];

const SEED_000: &[ActivityRow] = &[
    ("1.1.", "2020 - 2021", "range", "2020-01-01", "2021-12-31"),
    ("1.2.", "Апрель 2020", "range", "2020-04-01", "2020-04-30"),
    ("1.3.", "Июль 2020", "range", "2020-07-01", "2020-07-31"),
    ("1.4.", "Август 2020", "range", "2020-08-01", "2020-08-31"),
    (
        "1.5.",
        "По отдельному плану в течение 2020-2021 уч. года",
        "range",
        "2020-09-01",
        "2021-08-31",
    ),
    (
        "1.6.",
        "В течение 2020-2021",
        "range",
        "2020-01-01",
        "2021-12-31",
    ),
    (
        "1.7.",
        "В течение 2020-2021",
        "range",
        "2020-01-01",
        "2021-12-31",
    ),
    (
        "1.8.",
        "В течение 2020-2021 ежегодно, декабрь",
        "recurring",
        "2020-12-01",
        "2021-12-31",
    ),
    (
        "1.9.",
        "В течение 2020-2021",
        "range",
        "2020-01-01",
        "2021-12-31",
    ),
    ("2.1.", "С августа 2020", "from", "2020-08-01", ""),
    (
        "2.2.",
        "Сентябрь, ежегодно",
        "recurring",
        "2020-09-01",
        "2021-09-30",
    ),
    ("2.3.", "По графику", "condition", "", ""),
    (
        "2.4.",
        "По плану, сентябрь ежегодно",
        "recurring",
        "2020-09-01",
        "2021-09-30",
    ),
    (
        "2.5.",
        "В течение 2020-2021",
        "range",
        "2020-01-01",
        "2021-12-31",
    ),
    (
        "2.6.",
        "В течение 2020-2021",
        "range",
        "2020-01-01",
        "2021-12-31",
    ),
    (
        "2.7.",
        "В течение 2020-2021",
        "range",
        "2020-01-01",
        "2021-12-31",
    ),
    (
        "2.9.",
        "В течение 2020-2021",
        "range",
        "2020-01-01",
        "2021-12-31",
    ),
    // Split over a page break: «В течение» + «2020-2021».
    (
        "2.10.",
        "В течение 2020-2021",
        "range",
        "2020-01-01",
        "2021-12-31",
    ),
    (
        "2.11.",
        "В течение 2020-2021 По графику",
        "range",
        "2020-01-01",
        "2021-12-31",
    ),
];

#[test]
fn seed_000_municipal_roadmap() {
    let p = import("seed_000_alekseevsky.docx");
    assert_eq!(
        p.title,
        "Дорожная карта поддержки школ с низкими результатами обучения Алексеевского муниципального района на 2020-2021 годы"
    );
    assert_eq!(p.level, Level::Municipality);
    assert_eq!(
        p.owner,
        "Отдел образования администрации Алексеевского муниципального района"
    );
    let period = p.period.as_ref().unwrap();
    assert_eq!(
        (
            period.start.iso(),
            period.end.iso(),
            period.academic,
            period.inferred
        ),
        ("2020-01-01".into(), "2021-12-31".into(), false, false)
    );
    assert_eq!(
        p.status,
        PlanStatus::Draft,
        "no approving document in the text"
    );
    check(&p, SEED_000_SECTIONS, SEED_000);

    // Rows continued across a page break are merged into their activity.
    let acts = activities(&p);
    let a14 = acts
        .iter()
        .find(|a| a.number.as_deref() == Some("1.4."))
        .unwrap();
    assert!(
        a14.text
            .ends_with("функционирующих в неблагоприятных социальных условиях, на 2020-2021 годы."),
        "{}",
        a14.text
    );
    assert_eq!(a14.source.as_ref().unwrap().rows, vec![[1, 6], [2, 1]]);
    let a19 = acts
        .iter()
        .find(|a| a.number.as_deref() == Some("1.9."))
        .unwrap();
    assert_eq!(
        a19.responsible_text,
        "Отдел образования администрации Алексеевского муниципального района"
    );
    let a210 = acts
        .iter()
        .find(|a| a.number.as_deref() == Some("2.10."))
        .unwrap();
    assert!(a210
        .text
        .starts_with("Проведение районных мероприятий (круглых столов"));
    assert_eq!(
        a210.result.as_deref(),
        Some("Приказ отдела образования администрации Алексеевского муниципального района")
    );
    assert_eq!(a210.result_document, Some(opora_plans::DocumentType::Order));
    assert_eq!(p.import.as_ref().unwrap().merged_rows, 3);
    // The gap in the document's numbering is reported, not filled.
    assert!(p
        .import
        .as_ref()
        .unwrap()
        .warnings
        .iter()
        .any(|w| w.contains("после 2.7 идёт 2.9.")));
    let text = seed_text("seed_000_alekseevsky.txt");
    let numbers: Vec<String> = acts.iter().filter_map(|a| a.number.clone()).collect();
    assert_eq!(
        numbers,
        seed_numbers(&text),
        "every numbered row once, in order"
    );
    nothing_lost(&p, &text, 1, 8);
}

const SEED_002: &[ActivityRow] = &[
    ("1.", "февраль 2023", "range", "2023-02-01", "2023-02-28"),
    ("2.", "февраль 2023", "range", "2023-02-01", "2023-02-28"),
    ("3.", "февраль 2023", "range", "2023-02-01", "2023-02-28"),
    ("4.", "февраль 2023", "range", "2023-02-01", "2023-02-28"),
    ("5.", "февраль 2023", "range", "2023-02-01", "2023-02-28"),
    ("6.", "март 2023", "range", "2023-03-01", "2023-03-31"),
    ("7.", "март 2023", "range", "2023-03-01", "2023-03-31"),
    ("8.", "февраль 2023", "range", "2023-02-01", "2023-02-28"),
    ("9.", "февраль 2023", "range", "2023-02-01", "2023-02-28"),
    (
        "10.",
        "февраль-март 2023",
        "range",
        "2023-02-01",
        "2023-03-31",
    ),
    ("11.", "март 2023", "range", "2023-03-01", "2023-03-31"),
    ("12.", "апрель 2023", "range", "2023-04-01", "2023-04-30"),
    ("13.", "апрель 2023", "range", "2023-04-01", "2023-04-30"),
    ("14.", "май 2023", "range", "2023-05-01", "2023-05-31"),
    ("15.", "август 2023", "range", "2023-08-01", "2023-08-31"),
];

#[test]
fn seed_002_school_roadmap() {
    let p = import("seed_002_school46.docx");
    assert!(p
        .title
        .starts_with("ДОРОЖНАЯ КАРТА повышения качества образования"));
    assert!(p.title.ends_with("в 2022-2023 учебном году"));
    assert_eq!(p.level, Level::School);
    assert_eq!(p.owner, "МОУ «Средняя школа № 46»");
    let period = p.period.as_ref().unwrap();
    assert_eq!(
        (period.start.iso(), period.end.iso(), period.academic),
        ("2022-09-01".into(), "2023-08-31".into(), true)
    );
    assert!(p
        .goal
        .as_deref()
        .unwrap()
        .starts_with("сформировать эффективную систему"));
    assert_eq!(p.tasks.len(), 4);
    assert!(p.tasks[3].starts_with("Разработать контрольно–измерительные материалы"));
    let a = p.approval.as_ref().unwrap();
    assert_eq!(a.date.map(|d| d.iso()), Some("2023-02-13".into()));
    assert_eq!(a.by.as_deref(), Some("Директор МОУ «Средняя школа № 46»"));
    assert_eq!(p.status, PlanStatus::Approved);
    check(&p, &[], SEED_002);
    let acts = activities(&p);
    // Six columns: form and the result's document.
    assert_eq!(acts[1].form.as_deref(), Some("Двухсторонняя встреча"));
    assert_eq!(
        acts[1].result_document,
        Some(opora_plans::DocumentType::Agreement)
    );
    assert_eq!(
        acts[13].result_document,
        Some(opora_plans::DocumentType::Protocol)
    );
    assert_eq!(acts[0].responsibles.len(), 3);
    // Header rows repeated on each page are not activities.
    assert_eq!(p.import.as_ref().unwrap().tables, 4);
    let text = seed_text("seed_002_school46.txt");
    let numbers: Vec<String> = acts.iter().filter_map(|a| a.number.clone()).collect();
    assert_eq!(numbers, seed_numbers(&text));
    nothing_lost(&p, &text, 1, 35);
}

const SEED_004_SECTIONS: &[SectionRow] = &[
    (0, "1.", "Результаты обучени Я", 0),
    (1, "1.1.", "Достижение минимального уровия подготовки", 6),
    (1, "1.2.", "Достижение высокого уров зня подготовки", 4),
    (1, "1.3.", "Функциональная грам лотность", 5),
    // Sections 2 and 2.1 are missing from the scanned text; 2.2 stays at the top.
    (0, "2.2.", "Поступление в ВУЗы своего региона.", 1),
    (0, "3.", "Управление системой обр азования", 0),
    (1, "3.1.", "Объективность оценочных н процедур", 6),
    (
        1,
        "3.2.",
        "Эффективность механизмов управления к ачеством образован шя",
        7,
    ),
];

const SEED_004: &[ActivityRow] = &[
    ("Анализрезультатов ВПР, ЕГЭ, ОГЭ 2021-202", "июнь, сентябрь 2022г.", "periods", "2022-06-01", "2022-09-30"),
    ("Проведение собеседований с руководителям", "сентябрь 2022г.", "range", "2022-09-01", "2022-09-30"),
    ("Проведение совещания с руководителями ОУ", "сентябрь 2022", "range", "2022-09-01", "2022-09-30"),
    ("Разработка и утверждение программ по раб", "сентябрь 2022", "range", "2022-09-01", "2022-09-30"),
    ("Проведение совещания с руководителями ОУ", "в течение года", "range", "2022-09-01", "2023-08-31"),
    // After a page break, the first letters lost by the scan: a new activity
    // (the previous one ended with a full stop), continued by the next row.
    ("омендации по внесению изменений в локаль", "сентябрь 2022 г.", "range", "2022-09-01", "2022-09-30"),
    ("Разработка индивидуальных образовательны", "сентябрь-октябрь", "range", "2022-09-01", "2022-10-31"),
    ("Проведение диагностики профессиональных ", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Разработка и реализация индивидуальных п", "сентябрь, октябрь 2022г.", "periods", "2022-09-01", "2022-10-31"),
    ("Рекомендации по внесению изменений в лок", "сентябрь 2022г.", "range", "2022-09-01", "2022-09-30"),
    // The scan repeats overlapping pieces of one long cell on several rows:
    // they are kept once (with every deadline written next to them).
    (
        "Разработка анкет для входного мониторинг",
        "сентябрь 2022г. в течение года май 2023 г. май 2023 г. апрель-май 2023 г. апрель-май 2023 апрель-май 2023 г. апрель-май 2023 г. июнь 2023г.",
        "periods",
        "2022-09-01",
        "2023-08-31",
    ),
    ("фективное использование ресурсов образов", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Проведение семинаров-практикумов по расп", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Повышение квалификации учителей – предме", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Достижение показателя «Не менее 50% выпу", "февраль 2023г.", "range", "2023-02-01", "2023-02-28"),
    ("эрганизация профориентационной работы: -", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Организация на муниципальном уровне конт", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Выявление ОУ с необъективными результата", "в течение учебного года", "range", "2022-09-01", "2023-08-31"),
    ("Формирование позитивного отношения у уча", "в течение учебного года", "range", "2022-09-01", "2023-08-31"),
    ("лювление содержания ВСОКО в ОУ: /внутрен", "октябрь 2022", "range", "2022-10-01", "2022-10-31"),
    ("Повышенне квалификации учителей в област", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Проведение учителями ОУ и методическими ", "По графику проведения работ", "condition", "", ""),
    ("Выявление «проблемных зон» в управлении ", "август 2022", "range", "2022-08-01", "2022-08-31"),
    ("Анализ систем оценки качества подготовки", "октябрь 2022", "range", "2022-10-01", "2022-10-31"),
    ("Оказание методической помощи школам, обу", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Развитие муниципальной системы поддержки", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Проведение мониторинга эффективности рук", "апрель 2023г.", "range", "2023-04-01", "2023-04-30"),
    ("Выявление и тиражирование лучших практик", "в течение года", "range", "2022-09-01", "2023-08-31"),
    ("Проведение цикла семинарских занятий с в", "октябрь, декабрь, февраль, май", "periods", "2022-10-01", "2023-05-31"),
];

#[test]
fn seed_004_scanned_order_with_roadmap() {
    let p = import("seed_004_spirovo.docx");
    assert!(p.title.starts_with("«Дорожная карта» по повышению качества образования в образовательных организациях Спировского"));
    assert_eq!(p.level, Level::Municipality);
    assert!(p
        .owner
        .starts_with("УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ СПИРОВСКОГО"));
    let a = p.approval.as_ref().unwrap();
    assert_eq!(
        (
            a.document.as_str(),
            a.number.as_deref(),
            a.date.map(|d| d.iso())
        ),
        ("приказ", Some("130"), Some("2022-06-27".into()))
    );
    assert_eq!(p.status, PlanStatus::Approved);
    assert_eq!(
        p.goal.as_deref(),
        Some(
            "повышение качества образования в ОО и ликвидация выявленных управленческих дефицитов."
        )
    );
    assert_eq!(p.tasks.len(), 3);
    // No period in the title: inferred from the deadlines, and said so.
    let period = p.period.as_ref().unwrap();
    assert!(period.inferred);
    assert_eq!(
        (period.start.iso(), period.end.iso()),
        ("2022-09-01".into(), "2023-08-31".into())
    );
    assert!(p
        .import
        .as_ref()
        .unwrap()
        .warnings
        .iter()
        .any(|w| w.contains("по срокам мероприятий")));
    check(&p, SEED_004_SECTIONS, SEED_004);
    // «Проведение мониторинга эффективности руководителей всех» + «ОУ».
    let acts = activities(&p);
    let m = acts
        .iter()
        .find(|a| a.text.starts_with("Проведение мониторинга эффективности"))
        .unwrap();
    assert_eq!(
        m.text,
        "Проведение мониторинга эффективности руководителей всех ОУ"
    );
    assert_eq!(m.responsible_text, "Управление образования");
    nothing_lost(&p, &seed_text("seed_004_spirovo.txt"), 0, 54);
}

const SYNTHETIC_SECTIONS: &[SectionRow] = &[
    (0, "", "Инвариантная часть", 0),
    (1, "1.", "Организационные мероприятия", 4),
    (1, "2.", "Работа с педагогическими кадрами", 2),
    (0, "", "Вариативная часть", 2),
    (0, "", "Мониторинг эффективности", 2),
];

const SYNTHETIC: &[ActivityRow] = &[
    ("1.1.", "до 15.09.2024", "until", "", "2024-09-15"),
    (
        "1.2.",
        "Сентябрь – октябрь",
        "range",
        "2024-09-01",
        "2024-10-31",
    ),
    (
        "1.3.",
        "Ноябрь, декабрь, март, май",
        "periods",
        "2024-11-01",
        "2025-05-31",
    ),
    (
        "1.4.",
        "Ноябрь, декабрь, март, май",
        "periods",
        "2024-11-01",
        "2025-05-31",
    ),
    (
        "2.1.",
        "Декабрь-август",
        "range",
        "2024-12-01",
        "2025-08-31",
    ),
    ("2.2.", "По графику", "condition", "", ""),
    ("2.3.", "По запросу", "condition", "", ""),
    (
        "2.4.",
        "январь 2025 г.",
        "range",
        "2025-01-01",
        "2025-01-31",
    ),
    (
        "2.5.",
        "в течение года",
        "range",
        "2024-09-01",
        "2025-08-31",
    ),
    (
        "2.6.",
        "7.08.-11.08.2025 года",
        "range",
        "2025-08-07",
        "2025-08-11",
    ),
];

#[test]
fn synthetic_word_features() {
    let p = import("synthetic_support.docx");
    assert_eq!(
        p.title,
        "Адресная программа поддержки МБОУ «СОШ № 7» на 2024-2025 учебный год"
    );
    assert_eq!(p.level, Level::School);
    assert_eq!(p.owner, "МБОУ «СОШ № 7»");
    let a = p.approval.as_ref().unwrap();
    assert_eq!(
        (a.number.as_deref(), a.date.map(|d| d.iso())),
        (Some("112-од"), Some("2024-08-30".into()))
    );
    assert_eq!(
        p.tasks,
        [
            "повысить профессиональные компетенции учителей;",
            "обеспечить объективность оценочных процедур."
        ]
    );
    check(&p, SYNTHETIC_SECTIONS, SYNTHETIC);
    let kinds: Vec<SectionKind> = p.sections.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            SectionKind::Invariant,
            SectionKind::Variable,
            SectionKind::Monitoring
        ]
    );
    let acts = activities(&p);
    // Two-row header: the responsibles' parts.
    let r = &acts[0].responsibles;
    assert_eq!(r.len(), 2);
    assert_eq!(
        (r[0].name.as_str(), r[0].role),
        (
            "МБОУ «Лицей № 2»",
            opora_plans::ResponsibleRole::SupportingSchool
        )
    );
    assert_eq!(
        (r[1].name.as_str(), r[1].role),
        (
            "МБОУ «СОШ № 7»",
            opora_plans::ResponsibleRole::SupportedSchool
        )
    );
    assert_eq!(
        r[1].part.as_deref(),
        Some("ОО, которой оказывается поддержка")
    );
    // A deadline and a responsible merged down over two rows belong to both.
    assert_eq!(acts[3].deadline.text, "Ноябрь, декабрь, март, май");
    assert_eq!(acts[3].responsibles[0].name, "Учителя МБОУ «Лицей № 2»");
    // The row continued on the next page.
    assert!(acts[4]
        .text
        .ends_with("по итогам диагностики, и сопровождение их реализации"));
    let info = p.import.as_ref().unwrap();
    assert_eq!(
        (info.merged_rows, info.skipped_rows),
        (1, 1),
        "one continued row, one row of column numbers"
    );
    assert_eq!(
        acts[8].result_document,
        Some(opora_plans::DocumentType::AnalyticalNote)
    );
}

const UNNUMBERED_SECTIONS: &[SectionRow] = &[
    (0, "", "Инвариантный блок", 6),
    (0, "", "Вариативный блок", 4),
    (0, "", "Мониторинг", 3),
];

/// No numbers: each activity is keyed by the first 40 characters of its text.
const UNNUMBERED: &[ActivityRow] = &[
    (
        "Анализ результатов ВПР и ГИА школ с низк",
        "до 15.09.2025",
        "until",
        "",
        "2025-09-15",
    ),
    (
        "Заключение договоров о сетевом взаимодей",
        "Сентябрь 2025",
        "range",
        "2025-09-01",
        "2025-09-30",
    ),
    (
        "Разработка программ повышения качества о",
        "сентябрь – октябрь 2025",
        "range",
        "2025-09-01",
        "2025-10-31",
    ),
    // Cut by the page break: «В течение» + «учебного года».
    (
        "Проведение методических семинаров для уч",
        "В течение учебного года",
        "range",
        "2025-09-01",
        "2026-08-31",
    ),
    (
        "Посещение уроков учителей математики нас",
        "Ноябрь, декабрь, март, май",
        "periods",
        "2025-11-01",
        "2026-05-31",
    ),
    (
        "Посещение уроков учителей русского языка",
        "Ноябрь, декабрь, март, май",
        "periods",
        "2025-11-01",
        "2026-05-31",
    ),
    (
        "Консультации психолога для родителей обу",
        "По запросу",
        "condition",
        "",
        "",
    ),
    (
        "Участие учителей в вебинарах регионально",
        "По графику",
        "condition",
        "",
        "",
    ),
    (
        "Стажировки учителей в школах-наставниках",
        "январь – март 2026 г.",
        "range",
        "2026-01-01",
        "2026-03-31",
    ),
    (
        "Совещание директоров по итогам первого п",
        "25.01.2026",
        "date",
        "2026-01-25",
        "2026-01-25",
    ),
    (
        "Мониторинг текущей успеваемости в школах",
        "Ежемесячно",
        "recurring",
        "2025-09-01",
        "2026-08-31",
    ),
    (
        "Анализ результатов ВПР весной 2026 года",
        "апрель-май 2026",
        "range",
        "2026-04-01",
        "2026-05-31",
    ),
    (
        "Отчёт о реализации дорожной карты на сов",
        "до 30.06.2026",
        "until",
        "",
        "2026-06-30",
    ),
];

/// The «№» column is empty throughout: rows with cells of their own are
/// activities; only a row that cannot stand alone continues the one above.
#[test]
fn unnumbered_roadmap_with_blocks() {
    let p = import("unnumbered_blocks.docx");
    assert_eq!(p.level, Level::Municipality);
    check(&p, UNNUMBERED_SECTIONS, UNNUMBERED);
    let kinds: Vec<SectionKind> = p.sections.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            SectionKind::Invariant,
            SectionKind::Variable,
            SectionKind::Monitoring
        ]
    );

    let acts = activities(&p);
    // The two-row header: the responsibles' levels.
    let parts: Vec<Option<&str>> = acts[0]
        .responsibles
        .iter()
        .map(|r| r.part.as_deref())
        .collect();
    assert_eq!(
        parts,
        [Some("Муниципальный уровень"), Some("Школьный уровень")]
    );
    // The row cut by the page break is one activity from two rows.
    let seminars = acts[3];
    assert_eq!(seminars.text, "Проведение методических семинаров для учителей математики и русского языка по итогам диагностики");
    assert_eq!(seminars.source.as_ref().unwrap().rows, vec![[1, 7], [2, 3]]);
    // Cells merged down belong to both activities that share them.
    for a in &acts[4..6] {
        assert_eq!(a.responsible_text, "Муниципальный уровень: Школы-наставники; Школьный уровень: Заместители директоров по УВР");
        assert_eq!(a.result.as_deref(), Some("Протоколы посещения"));
    }
    let info = p.import.as_ref().unwrap();
    assert_eq!(
        (info.tables, info.merged_rows),
        (2, 1),
        "one row continued on the next page"
    );
}

#[test]
fn text_and_docx_agree() {
    for seed in [
        "seed_000_alekseevsky",
        "seed_002_school46",
        "seed_004_spirovo",
    ] {
        let (txt, docx) = (format!("{seed}.txt"), format!("{seed}.docx"));
        let text = seed_text(&txt);
        let mut a = plan_from_document(
            &Document::from_tsv_text(&text),
            &ImportOptions::default(),
            "txt",
        )
        .unwrap();
        let mut b = import(&docx);
        a.import = None;
        b.import = None;
        // Heading rows are one wide cell in the DOCX: same sections either way.
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            serde_json::to_value(&b).unwrap(),
            "{txt}"
        );
    }
}

#[test]
fn json_output_shape() {
    let p = import("seed_000_alekseevsky.docx");
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["level"], "municipality");
    assert_eq!(v["status"], "draft");
    let a = &v["sections"][0]["activities"][1];
    assert_eq!(a["number"], "1.2.");
    assert_eq!(a["deadline"]["text"], "Апрель 2020");
    assert_eq!(a["deadline"]["start"], "2020-04-01");
    assert_eq!(a["deadline"]["end"], "2020-04-30");
    assert_eq!(a["status"], "planned");
    assert_eq!(a["result_document"], "protocol");
    // Round trip.
    let back: Plan = serde_json::from_value(v).unwrap();
    assert_eq!(back.activity_count(), 19);
}

#[test]
fn figures() {
    // Per seed: activities, deadlines understood (dates, a recurrence or a
    // condition) and deadlines left as text.
    for (name, n, parsed, text) in [
        ("seed_000_alekseevsky.docx", 19, 19, 0),
        ("seed_002_school46.docx", 15, 15, 0),
        ("seed_004_spirovo.docx", 29, 29, 0),
        ("synthetic_support.docx", 10, 10, 0),
        ("unnumbered_blocks.docx", 13, 13, 0),
    ] {
        let p = import(name);
        let acts = activities(&p);
        let understood = acts
            .iter()
            .filter(|a| {
                !matches!(
                    a.deadline.kind,
                    opora_plans::DeadlineKind::Text | opora_plans::DeadlineKind::Empty
                )
            })
            .count();
        let as_text = acts
            .iter()
            .filter(|a| a.deadline.kind == opora_plans::DeadlineKind::Text)
            .count();
        let dated = acts.iter().filter(|a| a.deadline.has_dates()).count();
        eprintln!("{name}: activities {}, deadlines understood {understood} (with dates {dated}), left as text {as_text}", acts.len());
        assert_eq!(
            (acts.len(), understood, as_text),
            (n, parsed, text),
            "{name}"
        );
    }
}

#[test]
fn errors_in_russian() {
    let dir = std::env::temp_dir().join(format!("opora-plans-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("plan.docx");
    std::fs::write(&bad, b"not a zip").unwrap();
    let e = import_file(&bad, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("не является документом DOCX"), "{e}");
    std::fs::write(&bad, [0xD0, 0xCF, 0x11, 0xE0, 0, 0]).unwrap();
    let e = import_file(&bad, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("сохраните"), "{e}");
    let e = import_file(&dir.join("missing.docx"), &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("не читается"), "{e}");
    // A document without a plan table.
    let doc = Document::from_tsv_text("Просто текст\nбез таблицы\n");
    let e = plan_from_document(
        &doc,
        &ImportOptions {
            file_name: "x.docx".into(),
            ..Default::default()
        },
        "docx",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("нет таблиц"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}
