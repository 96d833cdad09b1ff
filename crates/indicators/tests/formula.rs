//! The indicator formula language as a specification: the programme's
//! indicators computed over a handful of schools with the lists and reasons
//! behind them, the Russian errors with their places, the canonical text,
//! and the rules of «нет данных».

use opora_indicators::formula::{
    ErrorKind, Evaluation, FieldDef, FieldKind, FieldValue, Kind, Place, Role, SchoolFacts,
};
use opora_indicators::{Formula, FormulaError};

const FIELDS: &[FieldDef<'static>] = &[
    FieldDef {
        name: "категория",
        kind: FieldKind::Text,
        title: "категория школы: ШНОР, ШНСУ или обычная",
    },
    FieldDef {
        name: "сайт.программа",
        kind: FieldKind::Text,
        title:
            "школьная программа повышения качества образования на сайте: «найдено» или «не найдено»",
    },
    FieldDef {
        name: "сайт.проверен",
        kind: FieldKind::YesNo,
        title: "сайт школы проверен",
    },
    FieldDef {
        name: "огэ.математика",
        kind: FieldKind::Number,
        title: "средний балл ОГЭ по математике, последний год",
    },
    FieldDef {
        name: "огэ.математика.прошлый",
        kind: FieldKind::Number,
        title: "средний балл ОГЭ по математике, год перед последним",
    },
    FieldDef {
        name: "учителя.всего",
        kind: FieldKind::Number,
        title: "число учителей",
    },
    FieldDef {
        name: "учителя.диагностика",
        kind: FieldKind::Number,
        title: "число учителей, прошедших диагностику",
    },
];

fn parse(text: &str) -> Formula {
    Formula::parse(text, FIELDS).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn error(text: &str) -> FormulaError {
    match Formula::parse(text, FIELDS) {
        Ok(f) => panic!("should not parse, but gave:\n{f}"),
        Err(e) => e,
    }
}

fn place(e: &FormulaError) -> (usize, Option<&str>, usize, &str) {
    let p: &Place = e.place.as_ref().expect("a place");
    (p.line, p.key, p.column, p.token.as_str())
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.into())
}

fn number(x: f64) -> FieldValue {
    FieldValue::Number(x)
}

fn school(id: i64, values: &[(&str, FieldValue)]) -> SchoolFacts {
    SchoolFacts {
        school_id: id,
        name: format!("Школа №{id}"),
        municipality: if id % 2 == 0 {
            "Северный"
        } else {
            "Южный"
        }
        .into(),
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

/// (id, role, reason) of every row.
fn rows(e: &Evaluation) -> Vec<(i64, Role, &str)> {
    e.rows
        .iter()
        .map(|r| (r.school_id, r.role, r.reason.as_str()))
        .collect()
}

// ---------------------------------------------------------------------------
// The programme's indicators

const SITE_PROGRAMME: &str = "\
# Доля ШНОР и ШНСУ, на сайтах которых размещена школьная программа
# повышения качества образования — 100%
вид: доля
знаменатель: категория в (\"ШНОР\", \"ШНСУ\")
числитель: сайт.программа = \"найдено\"   # по аудиту сайтов
";

fn site_schools() -> Vec<SchoolFacts> {
    vec![
        school(
            1,
            &[
                ("категория", text("ШНОР")),
                ("сайт.программа", text("найдено")),
            ],
        ),
        school(
            2,
            &[
                ("категория", text("ШНСУ")),
                ("сайт.программа", text("Найдено")),
            ],
        ),
        school(
            3,
            &[
                ("категория", text("ШНОР")),
                ("сайт.программа", text("не найдено")),
            ],
        ),
        school(4, &[("категория", text("шнсу"))]),
        school(
            5,
            &[
                ("категория", text("обычная")),
                ("сайт.программа", text("найдено")),
            ],
        ),
        school(6, &[("сайт.программа", text("найдено"))]),
    ]
}

#[test]
fn share_of_schools_with_the_programme_on_their_site() {
    let f = parse(SITE_PROGRAMME);
    assert_eq!(f.kind(), Kind::Share);
    let e = f.evaluate(&site_schools());
    assert_eq!(
        rows(&e),
        vec![
            (1, Role::Numerator, "сайт.программа = «найдено»"),
            // Texts are compared without regard to case.
            (2, Role::Numerator, "сайт.программа = «Найдено»"),
            (
                3,
                Role::DenominatorOnly,
                "сайт.программа = «не найдено» (нужно «найдено»)"
            ),
            // Not audited: stays in the denominator, counts against the share.
            (4, Role::NoData, "нет данных: сайт.программа"),
            (
                5,
                Role::Outside,
                "категория = «обычная» (нужно одно из: «ШНОР», «ШНСУ»)"
            ),
            (6, Role::Outside, "нет данных: категория"),
        ]
    );
    assert_eq!((e.numerator, e.denominator, e.no_data), (2, 4, 1));
    assert_eq!(e.value, Some(50.0));
    assert_eq!(e.rows[0].name, "Школа №1");
    assert_eq!(e.rows[0].municipality, "Южный");
    let outside: Vec<i64> = e.with_role(Role::Outside).map(|r| r.school_id).collect();
    assert_eq!(outside, vec![5, 6]);
}

const OGE_DYNAMICS: &str = "\
вид: доля
знаменатель: категория в («ШНОР», «ШНСУ»)
# «положительная динамика» — рост среднего балла хотя бы на 0,1
числитель: огэ.математика - огэ.математика.прошлый >= 0,1
";

#[test]
fn share_of_schools_whose_oge_mathematics_improved() {
    let schools = vec![
        school(
            1,
            &[
                ("категория", text("ШНОР")),
                ("огэ.математика", number(4.1)),
                ("огэ.математика.прошлый", number(4.0)),
            ],
        ),
        school(
            2,
            &[
                ("категория", text("ШНСУ")),
                ("огэ.математика", number(3.55)),
                ("огэ.математика.прошлый", number(3.5)),
            ],
        ),
        school(
            3,
            &[("категория", text("ШНОР")), ("огэ.математика", number(3.9))],
        ),
        school(
            4,
            &[
                ("категория", text("ШНОР")),
                ("огэ.математика", number(3.0)),
                ("огэ.математика.прошлый", number(3.6)),
            ],
        ),
        school(
            5,
            &[
                ("категория", text("обычная")),
                ("огэ.математика", number(4.5)),
                ("огэ.математика.прошлый", number(3.5)),
            ],
        ),
    ];
    let e = parse(OGE_DYNAMICS).evaluate(&schools);
    assert_eq!(
        rows(&e),
        vec![
            // 4,1 − 4,0 is 0,0999… in binary: comparisons allow for that.
            (
                1,
                Role::Numerator,
                "огэ.математика − огэ.математика.прошлый = 0,1 (≥ 0,1)"
            ),
            (
                2,
                Role::DenominatorOnly,
                "огэ.математика − огэ.математика.прошлый = 0,05 (нужно ≥ 0,1)"
            ),
            (3, Role::NoData, "нет данных: огэ.математика.прошлый"),
            (
                4,
                Role::DenominatorOnly,
                "огэ.математика − огэ.математика.прошлый = −0,6 (нужно ≥ 0,1)"
            ),
            (
                5,
                Role::Outside,
                "категория = «обычная» (нужно одно из: «ШНОР», «ШНСУ»)"
            ),
        ]
    );
    assert_eq!(e.value, Some(25.0));
    assert_eq!((e.numerator, e.denominator, e.no_data), (1, 4, 1));
}

#[test]
fn count_of_schools_without_a_denominator_line() {
    let f = parse("вид: количество\nчислитель: сайт.проверен и сайт.программа = \"найдено\"");
    assert_eq!(f.kind(), Kind::Count);
    let schools = vec![
        school(
            1,
            &[
                ("сайт.проверен", FieldValue::YesNo(true)),
                ("сайт.программа", text("найдено")),
            ],
        ),
        school(
            2,
            &[
                ("сайт.проверен", FieldValue::YesNo(false)),
                ("сайт.программа", text("найдено")),
            ],
        ),
        school(3, &[]),
    ];
    let e = f.evaluate(&schools);
    assert_eq!(
        rows(&e),
        vec![
            (
                1,
                Role::Numerator,
                "сайт.проверен = да; сайт.программа = «найдено»"
            ),
            (2, Role::DenominatorOnly, "сайт.проверен = нет (нужно да)"),
            (3, Role::NoData, "нет данных: сайт.проверен, сайт.программа"),
        ]
    );
    // Every school is in the denominator.
    assert_eq!((e.value, e.numerator, e.denominator), (Some(1.0), 1, 3));
}

#[test]
fn mean_over_the_numerator_with_missing_values_and_division_by_zero_listed() {
    let f = parse(
        "вид: среднее учителя.диагностика / учителя.всего * 100\n\
         знаменатель: категория = \"ШНОР\"",
    );
    assert_eq!(f.kind(), Kind::Mean);
    let schools = vec![
        school(
            1,
            &[
                ("категория", text("ШНОР")),
                ("учителя.всего", number(20.0)),
                ("учителя.диагностика", number(10.0)),
            ],
        ),
        school(
            2,
            &[
                ("категория", text("ШНОР")),
                ("учителя.всего", number(30.0)),
                ("учителя.диагностика", number(20.0)),
            ],
        ),
        school(
            3,
            &[
                ("категория", text("ШНОР")),
                ("учителя.всего", number(0.0)),
                ("учителя.диагностика", number(0.0)),
            ],
        ),
        school(4, &[("категория", text("ШНОР"))]),
    ];
    let e = f.evaluate(&schools);
    assert_eq!(
        rows(&e),
        vec![
            (
                1,
                Role::Numerator,
                "учителя.диагностика / учителя.всего × 100 = 50"
            ),
            (
                2,
                Role::Numerator,
                "учителя.диагностика / учителя.всего × 100 = 66,6667"
            ),
            (
                3,
                Role::NoData,
                "нет данных: учителя.диагностика / учителя.всего — деление на ноль"
            ),
            (
                4,
                Role::NoData,
                "нет данных: учителя.диагностика, учителя.всего"
            ),
        ]
    );
    let v = e.value.unwrap();
    assert!((v - (50.0 + 200.0 / 3.0) / 2.0).abs() < 1e-9, "{v}");
    assert_eq!((e.numerator, e.denominator, e.no_data), (2, 4, 2));
}

#[test]
fn mean_with_a_numerator_gives_its_reason_and_the_value() {
    let f = parse(
        "вид: среднее огэ.математика\n\
         знаменатель: категория в (\"ШНОР\", \"ШНСУ\")\n\
         числитель: огэ.математика.прошлый < 3,5",
    );
    let schools = vec![
        school(
            1,
            &[
                ("категория", text("ШНОР")),
                ("огэ.математика", number(3.8)),
                ("огэ.математика.прошлый", number(3.2)),
            ],
        ),
        school(
            2,
            &[
                ("категория", text("ШНОР")),
                ("огэ.математика", number(4.0)),
                ("огэ.математика.прошлый", number(3.9)),
            ],
        ),
    ];
    let e = f.evaluate(&schools);
    assert_eq!(
        rows(&e),
        vec![
            (
                1,
                Role::Numerator,
                "огэ.математика.прошлый = 3,2 (< 3,5); огэ.математика = 3,8"
            ),
            (
                2,
                Role::DenominatorOnly,
                "огэ.математика.прошлый = 3,9 (нужно < 3,5)"
            ),
        ]
    );
    assert_eq!(e.value, Some(3.8));
}

// ---------------------------------------------------------------------------
// «Нет данных» and empty sets

#[test]
fn a_missing_value_does_not_matter_when_the_other_part_decides() {
    let f = parse(
        "вид: количество\n\
         числитель: огэ.математика >= 4 или сайт.программа = \"найдено\"",
    );
    let schools = vec![
        // «или»: one part met is enough, the missing one does not matter.
        school(1, &[("сайт.программа", text("найдено"))]),
        // Neither met nor missing: not met.
        school(
            2,
            &[
                ("огэ.математика", number(3.0)),
                ("сайт.программа", text("нет")),
            ],
        ),
        // One not met, one missing: undecided, and both are shown.
        school(3, &[("огэ.математика", number(3.0))]),
    ];
    let e = f.evaluate(&schools);
    assert_eq!(
        rows(&e),
        vec![
            (1, Role::Numerator, "сайт.программа = «найдено»"),
            (
                2,
                Role::DenominatorOnly,
                "огэ.математика = 3 (нужно ≥ 4); сайт.программа = «нет» (нужно «найдено»)"
            ),
            (
                3,
                Role::NoData,
                "нет данных: сайт.программа; огэ.математика = 3 (нужно ≥ 4)"
            ),
        ]
    );

    // «и»: one part not met is enough to decide, whatever is missing.
    let f = parse("вид: количество\nчислитель: огэ.математика >= 4 и сайт.проверен");
    let e = f.evaluate(&[school(1, &[("огэ.математика", number(3.0))])]);
    assert_eq!(
        rows(&e),
        vec![(1, Role::DenominatorOnly, "огэ.математика = 3 (нужно ≥ 4)")]
    );
}

#[test]
fn a_value_of_the_wrong_type_or_not_finite_is_no_data() {
    let f = parse("вид: количество\nчислитель: огэ.математика >= 4");
    let e = f.evaluate(&[
        school(1, &[("огэ.математика", text("4,5"))]),
        school(2, &[("огэ.математика", number(f64::NAN))]),
    ]);
    assert_eq!(
        rows(&e),
        vec![
            (
                1,
                Role::NoData,
                "нет данных: огэ.математика (значение «4,5» — не число)"
            ),
            (
                2,
                Role::NoData,
                "нет данных: огэ.математика (значение не число)"
            ),
        ]
    );
}

#[test]
fn presence_is_decided_even_without_data() {
    let f = parse(
        "вид: доля\nзнаменатель: есть(огэ.математика.прошлый)\nчислитель: не есть(огэ.математика)",
    );
    let e = f.evaluate(&[
        school(1, &[("огэ.математика.прошлый", number(3.0))]),
        school(
            2,
            &[
                ("огэ.математика", number(3.5)),
                ("огэ.математика.прошлый", number(3.0)),
            ],
        ),
        school(3, &[]),
    ]);
    assert_eq!(
        rows(&e),
        vec![
            (1, Role::Numerator, "огэ.математика: нет значения"),
            (
                2,
                Role::DenominatorOnly,
                "огэ.математика = 3,5 (нужно: нет значения)"
            ),
            (
                3,
                Role::Outside,
                "огэ.математика.прошлый: нет значения (нужно: есть)"
            ),
        ]
    );
    assert_eq!(e.value, Some(50.0));
}

#[test]
fn an_empty_denominator_has_no_value() {
    let f = parse(SITE_PROGRAMME);
    let e = f.evaluate(&[school(1, &[("категория", text("обычная"))])]);
    assert_eq!((e.value, e.numerator, e.denominator), (None, 0, 0));
    assert_eq!(e.rows[0].role, Role::Outside);
    let e = f.evaluate(&[]);
    assert_eq!((e.value, e.rows.len()), (None, 0));

    let count = parse("вид: количество\nчислитель: сайт.проверен");
    assert_eq!(count.evaluate(&[]).value, None);
    // A denominator with no school in the numerator is a real zero.
    assert_eq!(count.evaluate(&[school(1, &[])]).value, Some(0.0));

    let mean = parse("вид: среднее огэ.математика");
    assert_eq!(mean.evaluate(&[school(1, &[])]).value, None);
}

#[test]
fn negation_states_what_was_needed() {
    let f =
        parse("вид: количество\nчислитель: не (категория = \"ШНОР\" или категория в (\"ШНСУ\"))");
    let e = f.evaluate(&[
        school(1, &[("категория", text("ШНОР"))]),
        school(2, &[("категория", text("обычная"))]),
    ]);
    assert_eq!(
        rows(&e),
        vec![
            (
                1,
                Role::DenominatorOnly,
                "категория = «ШНОР» (нужно ≠ «ШНОР»)"
            ),
            (
                2,
                Role::Numerator,
                "категория = «обычная» (≠ «ШНОР»); категория = «обычная» (не из: «ШНСУ»)"
            ),
        ]
    );
}

#[test]
fn comparisons_of_two_fields_show_both_values() {
    let f = parse("вид: количество\nчислитель: огэ.математика > огэ.математика.прошлый");
    let e = f.evaluate(&[
        school(
            1,
            &[
                ("огэ.математика", number(4.2)),
                ("огэ.математика.прошлый", number(4.0)),
            ],
        ),
        school(
            2,
            &[
                ("огэ.математика", number(3.9)),
                ("огэ.математика.прошлый", number(4.1)),
            ],
        ),
    ]);
    assert_eq!(
        rows(&e),
        vec![
            (
                1,
                Role::Numerator,
                "огэ.математика = 4,2, огэ.математика.прошлый = 4 (огэ.математика > огэ.математика.прошлый)"
            ),
            (
                2,
                Role::DenominatorOnly,
                "огэ.математика = 3,9, огэ.математика.прошлый = 4,1 (нужно огэ.математика > огэ.математика.прошлый)"
            ),
        ]
    );
}

// ---------------------------------------------------------------------------
// Reading: precedence, numbers, case

#[test]
fn and_binds_tighter_than_or_and_parentheses_change_it() {
    let ogo = |x: f64| ("огэ.математика", number(x));
    // A ШНСУ with a low score: «a или b и c» is «a или (b и c)».
    let s = [school(
        1,
        &[
            ("категория", text("ШНСУ")),
            ogo(3.0),
            ("сайт.проверен", FieldValue::YesNo(false)),
        ],
    )];
    let loose = parse(
        "вид: количество\nчислитель: категория = \"ШНСУ\" или огэ.математика > 4 и сайт.проверен",
    );
    let tight = parse(
        "вид: количество\nчислитель: (категория = \"ШНСУ\" или огэ.математика > 4) и сайт.проверен",
    );
    assert_eq!(loose.evaluate(&s).numerator, 1);
    assert_eq!(tight.evaluate(&s).numerator, 0);
    assert!(loose
        .text()
        .contains("числитель: категория = \"ШНСУ\" или огэ.математика > 4 и сайт.проверен"));
    assert!(tight
        .text()
        .contains("числитель: (категория = \"ШНСУ\" или огэ.математика > 4) и сайт.проверен"));

    // Arithmetic: «*» before «-», left to right within a level.
    let f = parse("вид: среднее огэ.математика - огэ.математика.прошлый * 2 - 1");
    let e = f.evaluate(&[school(
        1,
        &[ogo(4.0), ("огэ.математика.прошлый", number(1.0))],
    )]);
    assert_eq!(e.value, Some(1.0));
    let f = parse("вид: среднее огэ.математика - (огэ.математика.прошлый - 1)");
    let e = f.evaluate(&[school(
        1,
        &[ogo(4.0), ("огэ.математика.прошлый", number(1.0))],
    )]);
    assert_eq!(e.value, Some(4.0));
    // «не» binds tighter than «и».
    let f = parse("вид: количество\nчислитель: не сайт.проверен и огэ.математика > 3");
    let e = f.evaluate(&[school(
        1,
        &[ogo(4.0), ("сайт.проверен", FieldValue::YesNo(false))],
    )]);
    assert_eq!(e.numerator, 1);
}

#[test]
fn a_decimal_comma_and_a_decimal_point_are_the_same_number() {
    let comma = parse("вид: количество\nчислитель: огэ.математика >= 3,75");
    let point = parse("вид: количество\nчислитель: огэ.математика >= 3.75");
    assert_eq!(comma, point);
    assert!(comma.text().contains(">= 3,75"), "{comma}");
    // In a list, «; » or «, » with a space separates numbers.
    let a = parse("вид: количество\nчислитель: огэ.математика в (3; 4,5)");
    let b = parse("вид: количество\nчислитель: огэ.математика в (3, 4,5)");
    assert_eq!(a, b);
    assert!(a.text().contains("в (3; 4,5)"), "{a}");
}

#[test]
fn keys_words_fields_and_texts_ignore_case() {
    let upper = parse(
        "ВИД: ДОЛЯ\n\
         Знаменатель: КАТЕГОРИЯ В («шнор», «ШНСУ»)\n\
         ЧИСЛИТЕЛЬ: Сайт.Программа = \"НАЙДЕНО\" И НЕ Сайт.Проверен = НЕТ",
    );
    let lower = parse(
        "вид: доля\n\
         знаменатель: категория в («ШНОР», «ШНСУ»)\n\
         числитель: сайт.программа = \"найдено\" и не сайт.проверен = нет",
    );
    let mut schools = site_schools();
    for s in &mut schools {
        s.values
            .insert("сайт.проверен".into(), FieldValue::YesNo(true));
    }
    let (u, l) = (upper.evaluate(&schools), lower.evaluate(&schools));
    assert_eq!(u.value, Some(50.0));
    assert_eq!(
        u.rows.iter().map(|r| r.role).collect::<Vec<_>>(),
        l.rows.iter().map(|r| r.role).collect::<Vec<_>>()
    );
    // Field names are written back as the dictionary spells them; texts as written.
    assert_eq!(
        upper.text(),
        "вид: доля\n\
         знаменатель: категория в (\"шнор\", \"ШНСУ\")\n\
         числитель: сайт.программа = \"НАЙДЕНО\" и не сайт.проверен = нет\n"
    );
    assert_eq!(
        upper.fields(),
        ["категория", "сайт.проверен", "сайт.программа"]
    );
}

// ---------------------------------------------------------------------------
// Canonical text

#[test]
fn the_canonical_text_parses_back_to_the_same_formula() {
    for text in [
        SITE_PROGRAMME,
        OGE_DYNAMICS,
        "числитель: огэ.математика>=4\nвид:количество",
        "вид: среднее -(огэ.математика - огэ.математика.прошлый) / (учителя.всего + 1) * -2",
        "вид: среднее огэ.математика - (огэ.математика.прошлый - 1) - --1",
        "вид: количество\nзнаменатель: все\nчислитель: не (сайт.проверен или не есть(огэ.математика)) и (категория ≠ «ООО «Ромашка»» или категория <> \"x\" или категория != \"\")",
        "вид: доля\nзнаменатель: огэ.математика не в (-1; 2,5; 3)\nчислитель: ((сайт.проверен)) или сайт.проверен = да",
        "вид: количество\nчислитель: категория = «ООО «Ромашка»» и категория ≠ «a\"b»",
    ] {
        let f = parse(text);
        let canonical = f.text();
        let again = parse(&canonical);
        assert_eq!(again, f, "{text}\n→\n{canonical}");
        assert_eq!(again.text(), canonical);
    }
    assert_eq!(
        parse("ЧИСЛИТЕЛЬ:сайт.программа=«найдено»  # комментарий\n\n  вид :  доля\nзнаменатель: категория в («ШНОР»,«ШНСУ»)").text(),
        "вид: доля\nзнаменатель: категория в (\"ШНОР\", \"ШНСУ\")\nчислитель: сайт.программа = \"найдено\"\n"
    );
    assert_eq!(
        parse("вид: среднее -(огэ.математика - огэ.математика.прошлый) / (учителя.всего + 1) * -2")
            .text(),
        "вид: среднее -(огэ.математика - огэ.математика.прошлый) / (учителя.всего + 1) * -2\n"
    );
    // A text with a straight quote is written in guillemets, others in "…".
    assert_eq!(
        parse("вид: количество\nчислитель: категория = «ООО «Ромашка»» и категория ≠ «a\"b»")
            .text(),
        "вид: количество\nчислитель: категория = \"ООО «Ромашка»\" и категория ≠ «a\"b»\n"
    );
}

// ---------------------------------------------------------------------------
// Errors: each names the line, the key, the position and the token

#[test]
fn an_unknown_field_is_named_with_a_suggestion_and_the_known_fields() {
    let e = error("вид: доля\nзнаменатель: все\nчислитель: сайт.програма = \"найдено\"");
    assert_eq!(place(&e), (3, Some("числитель"), 12, "сайт.програма"));
    assert!(matches!(e.kind, ErrorKind::UnknownField { .. }));
    assert_eq!(
        e.to_string(),
        "строка 3 (числитель), позиция 12: неизвестное поле «сайт.програма». \
         Возможно, имелось в виду «сайт.программа». Известные поля: категория, \
         сайт.программа, сайт.проверен, огэ.математика, огэ.математика.прошлый, \
         учителя.всего, учителя.диагностика"
    );
    let e = error("вид: количество\nчислитель: школа.тип = \"лицей\"");
    assert!(
        e.to_string()
            .starts_with("строка 2 (числитель), позиция 12: неизвестное поле «школа.тип». Известные поля: категория"),
        "{e}"
    );
}

#[test]
fn a_type_mismatch_names_both_sides() {
    let e = error("вид: количество\nчислитель: огэ.математика = \"найдено\"");
    assert_eq!(place(&e), (2, Some("числитель"), 29, "\"найдено\""));
    assert_eq!(
        e.to_string(),
        "строка 2 (числитель), позиция 29: поле «огэ.математика» — число, а сравнивается с текстом «найдено»"
    );
    let e = error("вид: количество\nчислитель: категория в (\"ШНОР\", 5)");
    assert_eq!(place(&e), (2, Some("числитель"), 33, "5"));
    assert!(
        e.to_string()
            .ends_with("поле «категория» — текст, а сравнивается с числом 5"),
        "{e}"
    );
    let e = error(
        "вид: количество\nчислитель: огэ.математика - огэ.математика.прошлый = сайт.проверен",
    );
    assert!(
        e.to_string().ends_with(
            "выражение «огэ.математика - огэ.математика.прошлый» — число, а сравнивается с полем «сайт.проверен» (да/нет)"
        ),
        "{e}"
    );
    let e = error("вид: количество\nчислитель: категория > \"А\"");
    assert_eq!(place(&e), (2, Some("числитель"), 22, ">"));
    assert!(
        e.to_string()
            .contains("сравнение «>» — только для чисел, а поле «категория» — текст"),
        "{e}"
    );
    let e = error("вид: количество\nчислитель: категория + 1 > 2");
    assert_eq!(place(&e), (2, Some("числитель"), 12, "категория"));
    assert!(
        e.to_string()
            .ends_with("«+» считает только числа, а поле «категория» — текст"),
        "{e}"
    );
    let e = error("вид: среднее категория");
    assert_eq!(place(&e), (1, Some("вид"), 14, "категория"));
    assert!(
        e.to_string().contains("«среднее» считает только числа"),
        "{e}"
    );
}

#[test]
fn a_value_where_a_condition_is_needed_and_the_reverse() {
    let e = error("вид: количество\nчислитель: огэ.математика");
    assert_eq!(place(&e), (2, Some("числитель"), 12, "огэ.математика"));
    assert!(
        e.to_string().ends_with("а поле «огэ.математика» — число"),
        "{e}"
    );
    let e = error("вид: количество\nчислитель: (огэ.математика > 3) + 1 > 2");
    assert_eq!(
        place(&e),
        (2, Some("числитель"), 12, "(огэ.математика > 3)")
    );
    assert!(matches!(e.kind, ErrorKind::ConditionAsValue { .. }));
}

#[test]
fn missing_and_unknown_keys() {
    let e = error("вид: доля\nзнаменатель: все");
    assert_eq!(e.place, None);
    assert!(matches!(
        e.kind,
        ErrorKind::MissingKey {
            key: "числитель",
            ..
        }
    ));
    assert!(
        e.to_string().starts_with("нет строки «числитель: …»"),
        "{e}"
    );
    let e = error("вид: доля\nчислитель: все");
    assert!(
        e.to_string()
            .starts_with("нет строки «знаменатель: …»: для доли"),
        "{e}"
    );
    let e = error("числитель: все");
    assert!(e.to_string().starts_with("нет строки «вид: …»"), "{e}");
    let e = error("вид: доля\nчислител: все");
    assert_eq!(place(&e), (2, None, 1, "числител"));
    assert_eq!(
        e.to_string(),
        "строка 2, позиция 1: неизвестный ключ «числител». Возможно, имелось в виду «числитель». Ключи: вид, знаменатель, числитель"
    );
    let e = error("вид: доля\n  Числитель: все\nчислитель: все");
    assert_eq!(place(&e), (3, Some("числитель"), 1, "числитель"));
    assert!(
        e.to_string()
            .ends_with("ключ «числитель» уже задан в строке 2"),
        "{e}"
    );
    let e = error("вид: доля\nсайт.программа = \"найдено\"");
    assert_eq!(place(&e), (2, None, 1, "сайт.программа = \"найдено\""));
    assert!(matches!(e.kind, ErrorKind::NoKey));
    // A colon inside a text is no key.
    let e = error("вид: доля\n  сайт.программа = \"см.: сайт\"");
    assert_eq!(place(&e), (2, None, 3, "сайт.программа = \"см.: сайт\""));
    assert!(matches!(e.kind, ErrorKind::NoKey));
}

#[test]
fn an_unknown_kind_is_refused_with_the_choices() {
    let e = error("вид: процент\nчислитель: все");
    assert_eq!(place(&e), (1, Some("вид"), 6, "процент"));
    assert_eq!(
        e.to_string(),
        "строка 1 (вид), позиция 6: неизвестный вид «процент». Напишите «доля», «количество» или «среднее <числовое выражение>»"
    );
    let e = error("вид: доли\nчислитель: все");
    assert!(
        e.to_string().contains("Возможно, имелось в виду «доля»"),
        "{e}"
    );
    let e = error("вид: среднее");
    assert_eq!(place(&e), (1, Some("вид"), 13, ""));
    assert!(matches!(e.kind, ErrorKind::MeanWithoutExpression));
    let e = error("вид: доля сайтов\nчислитель: все");
    assert_eq!(place(&e), (1, Some("вид"), 11, "сайтов"));
}

#[test]
fn unbalanced_parentheses_point_at_the_lonely_one() {
    let e = error("вид: количество\nчислитель: (огэ.математика > 3 и (сайт.проверен)");
    assert_eq!(place(&e), (2, Some("числитель"), 12, "("));
    assert_eq!(
        e.to_string(),
        "строка 2 (числитель), позиция 12: скобка «(» не закрыта"
    );
    let e = error("вид: количество\nчислитель: огэ.математика > 3)");
    assert_eq!(place(&e), (2, Some("числитель"), 30, ")"));
    assert!(matches!(e.kind, ErrorKind::ExtraParen));
}

#[test]
fn an_empty_expression_and_broken_ones() {
    let e = error("вид: количество\nчислитель:   # потом");
    assert_eq!(place(&e), (2, Some("числитель"), 11, ""));
    assert_eq!(
        e.to_string(),
        "строка 2 (числитель), позиция 11: пустое выражение: после «числитель:» ничего не написано"
    );
    let e = error("вид: количество\nчислитель: огэ.математика >=");
    assert_eq!(place(&e), (2, Some("числитель"), 29, ""));
    assert!(e.to_string().contains("выражение оборвалось"), "{e}");
    let e = error("вид: количество\nчислитель: огэ.математика 4");
    assert_eq!(place(&e), (2, Some("числитель"), 27, "4"));
    assert!(matches!(e.kind, ErrorKind::Unexpected { .. }));
    let e = error("вид: количество\nчислитель: категория = «ШНОР");
    assert_eq!(place(&e), (2, Some("числитель"), 24, "«ШНОР"));
    assert!(
        e.to_string()
            .ends_with("кавычка « не закрыта: текст пишут в кавычках «…» или \"…\""),
        "{e}"
    );
    let e = error("вид: количество\nчислитель: огэ.математика > 3 $");
    assert_eq!(place(&e), (2, Some("числитель"), 31, "$"));
    assert!(e.to_string().ends_with("непонятный знак «$»"), "{e}");
    let e = error("вид: количество\nчислитель: категория в «ШНОР»");
    assert_eq!(place(&e), (2, Some("числитель"), 24, "«ШНОР»"));
    assert!(
        e.to_string()
            .ends_with("ожидается «(» и список значений, например «в (\"ШНОР\", \"ШНСУ\")», а написано ««ШНОР»»"),
        "{e}"
    );
    let e = error("вид: количество\nчислитель: категория в (категория)");
    assert_eq!(place(&e), (2, Some("числитель"), 25, "категория"));
    assert!(matches!(e.kind, ErrorKind::ListItem { .. }));
    let e = error("вид: среднее огэ.математика / 0");
    assert_eq!(place(&e), (1, Some("вид"), 31, "0"));
    assert!(matches!(e.kind, ErrorKind::DivisionByZero));
    let e = error("вид: количество\nчислитель: есть(огэ.математика > 3)");
    assert_eq!(place(&e), (2, Some("числитель"), 17, "огэ.математика > 3"));
    assert!(matches!(e.kind, ErrorKind::HasNeedsField { .. }), "{e}");
}

#[test]
fn nesting_is_limited_so_that_no_text_exhausts_the_stack() {
    let deep = format!(
        "вид: количество\nчислитель: {}сайт.проверен{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let e = error(&deep);
    assert_eq!(place(&e), (2, Some("числитель"), 112, "("));
    assert!(matches!(e.kind, ErrorKind::TooDeep(100)));
    let e = error(&format!("вид: среднее {}1", "-".repeat(100_000)));
    assert!(matches!(e.kind, ErrorKind::TooDeep(_)));
    let e = error(&format!(
        "вид: количество\nчислитель: {}сайт.проверен",
        "не ".repeat(100_000)
    ));
    assert!(matches!(e.kind, ErrorKind::TooDeep(_)));
    let e = error(&format!("вид: среднее 1{}", " + 1".repeat(100_000)));
    assert!(matches!(e.kind, ErrorKind::TooDeep(_)));
    // A hundred levels are fine, and long lists are not limited.
    let ok = format!(
        "вид: количество\nчислитель: {}сайт.проверен{}",
        "(".repeat(100),
        ")".repeat(100)
    );
    assert_eq!(
        parse(&ok).text(),
        "вид: количество\nчислитель: сайт.проверен\n"
    );
    let sum = parse(&format!("вид: среднее 1{}", " + 1".repeat(99)));
    assert_eq!(sum.evaluate(&[school(1, &[])]).value, Some(100.0));
    let list = (0..5000)
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let f = parse(&format!(
        "вид: количество\nчислитель: категория в ({list}) и {}",
        vec!["сайт.проверен"; 5000].join(" и ")
    ));
    assert_eq!(parse(&f.text()), f);
}

// ---------------------------------------------------------------------------
// Speed

#[test]
fn five_formulas_over_a_thousand_schools_are_instant() {
    let formulas: Vec<Formula> = [
        SITE_PROGRAMME,
        OGE_DYNAMICS,
        "вид: количество\nчислитель: сайт.проверен",
        "вид: среднее огэ.математика\nзнаменатель: категория = \"ШНОР\"",
        "вид: среднее учителя.диагностика / учителя.всего * 100",
    ]
    .iter()
    .map(|t| parse(t))
    .collect();
    let categories = ["ШНОР", "ШНСУ", "обычная"];
    let schools: Vec<SchoolFacts> = (0..1000)
        .map(|i| {
            let mut v = vec![
                ("категория", text(categories[i % 3])),
                ("огэ.математика", number(3.0 + (i % 20) as f64 / 10.0)),
                ("учителя.всего", number((i % 40) as f64)),
                ("учителя.диагностика", number((i % 7) as f64)),
                ("сайт.проверен", FieldValue::YesNo(i % 2 == 0)),
            ];
            if i % 5 != 0 {
                v.push(("огэ.математика.прошлый", number(3.5)));
                v.push(("сайт.программа", text("найдено")));
            }
            school(i as i64, &v)
        })
        .collect();
    let started = std::time::Instant::now();
    let results: Vec<Evaluation> = formulas.iter().map(|f| f.evaluate(&schools)).collect();
    let took = started.elapsed();
    assert!(took.as_millis() < 500, "{took:?}");
    assert!(results.iter().all(|r| r.rows.len() == 1000));
    assert_eq!(results[2].value, Some(500.0));
}

#[test]
fn a_pooled_share_sums_the_parts_and_the_wholes_over_the_numerator() {
    let f = parse(
        "вид: доля суммы учителя.диагностика от суммы учителя.всего\nзнаменатель: категория в (\"ШНОР\", \"ШНСУ\")",
    );
    assert_eq!(f.kind(), Kind::ShareOfSums);
    let schools = [
        school(
            1,
            &[
                ("категория", text("ШНОР")),
                ("учителя.всего", number(10.0)),
                ("учителя.диагностика", number(10.0)),
            ],
        ),
        school(
            2,
            &[
                ("категория", text("ШНСУ")),
                ("учителя.всего", number(90.0)),
                ("учителя.диагностика", number(0.0)),
            ],
        ),
        school(
            3,
            &[("категория", text("ШНОР")), ("учителя.всего", number(20.0))],
        ),
        school(
            4,
            &[
                ("категория", text("обычная")),
                ("учителя.всего", number(50.0)),
                ("учителя.диагностика", number(50.0)),
            ],
        ),
    ];
    let e = f.evaluate(&schools);
    // Σ прошли ÷ Σ учителей = 10 ÷ 100, not the mean of 100 % and 0 %.
    assert_eq!(e.value, Some(10.0));
    assert_eq!((e.numerator, e.denominator, e.no_data), (2, 3, 1));
    assert!(
        e.rows[0].reason.contains("учителя.диагностика = 10")
            && e.rows[0].reason.contains("учителя.всего = 10")
    );
    assert!(
        e.rows[2].reason.contains("нет данных: учителя.диагностика"),
        "{}",
        e.rows[2].reason
    );
    assert_eq!(
        Formula::parse(&f.text(), FIELDS).unwrap(),
        f,
        "{}",
        f.text()
    );
    assert!(f
        .text()
        .starts_with("вид: доля суммы учителя.диагностика от суммы учителя.всего"));
}

#[test]
fn a_pooled_share_written_halfway_says_what_is_expected() {
    for wrong in [
        "вид: доля суммы учителя.диагностика",
        "вид: доля учителей",
        "вид: доля суммы от суммы учителя.всего",
    ] {
        let e = error(&format!("{wrong}\nзнаменатель: все"));
        assert!(
            e.to_string()
                .contains("«доля суммы <выражение> от суммы <выражение>»"),
            "{wrong}: {e}"
        );
    }
}
