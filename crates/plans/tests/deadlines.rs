//! Deadlines as written in the issue, in every deadline cell of the three
//! seed documents, and more: what each one means.

use opora_plans::deadline::{
    parse_deadline, try_parse_deadline, Condition, DeadlineKind as K, Period, Recurrence,
};
use opora_plans::{Date, DateError};
use proptest::prelude::*;

/// The plan periods the cases run under.
#[derive(Clone, Copy, Debug)]
enum P {
    /// No period known.
    None,
    /// «на 2020-2021 годы» (seed 000): calendar 2020–2021.
    Cal2020,
    /// «в 2022-2023 учебном году» (seeds 002, 004).
    Ac2022,
    /// The academic year 2020-2021.
    Ac2020,
}

fn period(p: P) -> Option<Period> {
    match p {
        P::None => None,
        P::Cal2020 => Period::calendar_years(2020, 2021),
        P::Ac2022 => Period::academic_years(2022, 2023),
        P::Ac2020 => Period::academic_years(2020, 2021),
    }
}

/// (text, period, kind, start, end, from plan period)
const CASES: &[(&str, P, K, &str, &str, bool)] = &[
    // The examples.
    (
        "Апрель 2020",
        P::None,
        K::Range,
        "2020-04-01",
        "2020-04-30",
        false,
    ),
    (
        "Апрель 2020",
        P::Ac2022,
        K::Range,
        "2020-04-01",
        "2020-04-30",
        false,
    ),
    (
        "Август – сентябрь",
        P::Ac2022,
        K::Range,
        "2022-08-01",
        "2022-09-30",
        true,
    ),
    ("Август – сентябрь", P::None, K::Months, "", "", false),
    (
        "В течение 2020-2021",
        P::None,
        K::Range,
        "2020-01-01",
        "2021-12-31",
        false,
    ),
    (
        "В течение 2020-2021",
        P::Cal2020,
        K::Range,
        "2020-01-01",
        "2021-12-31",
        false,
    ),
    (
        "В течение 2020-2021",
        P::Ac2020,
        K::Range,
        "2020-09-01",
        "2021-08-31",
        false,
    ),
    (
        "в течение года",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2023-08-31",
        true,
    ),
    ("в течение года", P::None, K::WholePeriod, "", "", false),
    (
        "сентябрь, ежегодно",
        P::Cal2020,
        K::Recurring,
        "2020-09-01",
        "2021-09-30",
        true,
    ),
    (
        "сентябрь, ежегодно",
        P::Ac2022,
        K::Recurring,
        "2022-09-01",
        "2022-09-30",
        true,
    ),
    ("сентябрь, ежегодно", P::None, K::Recurring, "", "", false),
    (
        "Ноябрь, декабрь, март, май",
        P::Ac2022,
        K::Periods,
        "2022-11-01",
        "2023-05-31",
        true,
    ),
    (
        "Ноябрь, декабрь, март, май",
        P::None,
        K::Months,
        "",
        "",
        false,
    ),
    (
        "7.08.-11.08.2021 года",
        P::None,
        K::Range,
        "2021-08-07",
        "2021-08-11",
        false,
    ),
    ("до 27.08.2021", P::None, K::Until, "", "2021-08-27", false),
    ("С августа 2020", P::None, K::From, "2020-08-01", "", false),
    (
        "С августа 2020",
        P::Cal2020,
        K::From,
        "2020-08-01",
        "",
        false,
    ),
    (
        "Декабрь-август",
        P::Ac2022,
        K::Range,
        "2022-12-01",
        "2023-08-31",
        true,
    ),
    (
        "Декабрь-август",
        P::Cal2020,
        K::Range,
        "2020-12-01",
        "2021-08-31",
        true,
    ),
    ("Декабрь-август", P::None, K::Months, "", "", false),
    (
        "апрель-май 2023 г.",
        P::None,
        K::Range,
        "2023-04-01",
        "2023-05-31",
        false,
    ),
    ("По запросу", P::Ac2022, K::Condition, "", "", false),
    ("По графику", P::Ac2022, K::Condition, "", "", false),
    ("По плану ОУ", P::Ac2022, K::Condition, "", "", false),
    // Seed 000 (plan «на 2020-2021 годы»).
    (
        "2020 - 2021",
        P::Cal2020,
        K::Range,
        "2020-01-01",
        "2021-12-31",
        false,
    ),
    (
        "Июль 2020",
        P::Cal2020,
        K::Range,
        "2020-07-01",
        "2020-07-31",
        false,
    ),
    (
        "Август 2020",
        P::Cal2020,
        K::Range,
        "2020-08-01",
        "2020-08-31",
        false,
    ),
    (
        "По отдельному плану  в течение 2020-2021 уч. года",
        P::Cal2020,
        K::Range,
        "2020-09-01",
        "2021-08-31",
        false,
    ),
    (
        "В течение 2020-2021 ежегодно, декабрь",
        P::Cal2020,
        K::Recurring,
        "2020-12-01",
        "2021-12-31",
        false,
    ),
    (
        "В течение 2020-2021 ежегодно, декабрь",
        P::None,
        K::Recurring,
        "2020-12-01",
        "2021-12-31",
        false,
    ),
    (
        "Сентябрь, ежегодно",
        P::Cal2020,
        K::Recurring,
        "2020-09-01",
        "2021-09-30",
        true,
    ),
    ("По графику", P::Cal2020, K::Condition, "", "", false),
    (
        "По плану, сентябрь ежегодно",
        P::Cal2020,
        K::Recurring,
        "2020-09-01",
        "2021-09-30",
        true,
    ),
    (
        "В течение 2020-2021  По графику",
        P::Cal2020,
        K::Range,
        "2020-01-01",
        "2021-12-31",
        false,
    ),
    // Seed 002 («в 2022-2023 учебном году»).
    (
        "февраль 2023",
        P::Ac2022,
        K::Range,
        "2023-02-01",
        "2023-02-28",
        false,
    ),
    (
        "март 2023",
        P::Ac2022,
        K::Range,
        "2023-03-01",
        "2023-03-31",
        false,
    ),
    (
        "апрель 2023",
        P::Ac2022,
        K::Range,
        "2023-04-01",
        "2023-04-30",
        false,
    ),
    (
        "май 2023",
        P::Ac2022,
        K::Range,
        "2023-05-01",
        "2023-05-31",
        false,
    ),
    (
        "август 2023",
        P::Ac2022,
        K::Range,
        "2023-08-01",
        "2023-08-31",
        false,
    ),
    (
        "февраль-март 2023",
        P::Ac2022,
        K::Range,
        "2023-02-01",
        "2023-03-31",
        false,
    ),
    // Seed 004 (the order of 27.06.2022; deadlines September 2022 – June 2023).
    (
        "июнь, сентябрь 2022г.",
        P::Ac2022,
        K::Periods,
        "2022-06-01",
        "2022-09-30",
        false,
    ),
    (
        "сентябрь 2022г.",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2022-09-30",
        false,
    ),
    (
        "сентябрь 2022",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2022-09-30",
        false,
    ),
    (
        "сентябрь 2022 г.",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2022-09-30",
        false,
    ),
    (
        "в течение года",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2023-08-31",
        true,
    ),
    (
        "сентябрь-октябрь",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2022-10-31",
        true,
    ),
    (
        "сентябрь, октябрь 2022г.",
        P::Ac2022,
        K::Periods,
        "2022-09-01",
        "2022-10-31",
        false,
    ),
    (
        "май 2023 г.",
        P::Ac2022,
        K::Range,
        "2023-05-01",
        "2023-05-31",
        false,
    ),
    (
        "май 2023 г. апрель-май 2023 г.",
        P::Ac2022,
        K::Periods,
        "2023-04-01",
        "2023-05-31",
        false,
    ),
    (
        "апрель-май 2023",
        P::Ac2022,
        K::Range,
        "2023-04-01",
        "2023-05-31",
        false,
    ),
    (
        "апрель-май 2023 г. июнь 2023г.",
        P::Ac2022,
        K::Periods,
        "2023-04-01",
        "2023-06-30",
        false,
    ),
    (
        "февраль 2023г.",
        P::Ac2022,
        K::Range,
        "2023-02-01",
        "2023-02-28",
        false,
    ),
    (
        "в течение учебного года",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2023-08-31",
        true,
    ),
    (
        "октябрь 2022",
        P::Ac2022,
        K::Range,
        "2022-10-01",
        "2022-10-31",
        false,
    ),
    (
        "По графику проведения работ",
        P::Ac2022,
        K::Condition,
        "",
        "",
        false,
    ),
    (
        "август 2022",
        P::Ac2022,
        K::Range,
        "2022-08-01",
        "2022-08-31",
        false,
    ),
    (
        "апрель 2023г.",
        P::Ac2022,
        K::Range,
        "2023-04-01",
        "2023-04-30",
        false,
    ),
    (
        "октябрь, декабрь, февраль, май",
        P::Ac2022,
        K::Periods,
        "2022-10-01",
        "2023-05-31",
        true,
    ),
    (
        "август-сентябрь 2022",
        P::Ac2022,
        K::Range,
        "2022-08-01",
        "2022-09-30",
        false,
    ),
    (
        "постоянно",
        P::Ac2022,
        K::Recurring,
        "2022-09-01",
        "2023-08-31",
        true,
    ),
    // Cells merged across a page break keep both parts.
    (
        "сентябрь 2022г. в течение года",
        P::Ac2022,
        K::Periods,
        "2022-09-01",
        "2023-08-31",
        true,
    ),
    // More ways people write deadlines.
    (
        "I квартал 2021 г.",
        P::None,
        K::Range,
        "2021-01-01",
        "2021-03-31",
        false,
    ),
    (
        "IV квартал",
        P::Ac2022,
        K::Range,
        "2022-10-01",
        "2022-12-31",
        true,
    ),
    (
        "2 полугодие 2022",
        P::None,
        K::Range,
        "2022-07-01",
        "2022-12-31",
        false,
    ),
    (
        "II полугодие",
        P::Ac2022,
        K::Range,
        "2023-01-01",
        "2023-05-31",
        true,
    ),
    (
        "1 полугодие",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2022-12-31",
        true,
    ),
    (
        "III четверть",
        P::Ac2022,
        K::Range,
        "2023-01-01",
        "2023-03-31",
        true,
    ),
    (
        "до 1 сентября 2022 г.",
        P::None,
        K::Until,
        "",
        "2022-09-01",
        false,
    ),
    (
        "не позднее 15.10.2022",
        P::None,
        K::Until,
        "",
        "2022-10-15",
        false,
    ),
    (
        "до августа 2021",
        P::None,
        K::Until,
        "",
        "2021-08-31",
        false,
    ),
    (
        "с 01.09.2022 по 31.05.2023",
        P::None,
        K::Range,
        "2022-09-01",
        "2023-05-31",
        false,
    ),
    (
        "с сентября по май",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2023-05-31",
        true,
    ),
    (
        "01.09.2021г.",
        P::None,
        K::Date,
        "2021-09-01",
        "2021-09-01",
        false,
    ),
    (
        "25 мая",
        P::Ac2022,
        K::Date,
        "2023-05-25",
        "2023-05-25",
        true,
    ),
    (
        "25 мая 2023 года",
        P::None,
        K::Date,
        "2023-05-25",
        "2023-05-25",
        false,
    ),
    (
        "Декабрь, январь 2023",
        P::None,
        K::Periods,
        "2022-12-01",
        "2023-01-31",
        false,
    ),
    (
        "Ноябрь 2021 – март 2022",
        P::None,
        K::Range,
        "2021-11-01",
        "2022-03-31",
        false,
    ),
    (
        "2022/2023 учебный год",
        P::None,
        K::Range,
        "2022-09-01",
        "2023-08-31",
        false,
    ),
    (
        "в течение 2022-2023 учебного года",
        P::None,
        K::Range,
        "2022-09-01",
        "2023-08-31",
        false,
    ),
    (
        "2021 год",
        P::None,
        K::Range,
        "2021-01-01",
        "2021-12-31",
        false,
    ),
    (
        "до конца учебного года",
        P::Ac2022,
        K::Until,
        "",
        "2023-08-31",
        true,
    ),
    (
        "1 раз в квартал",
        P::Ac2022,
        K::Recurring,
        "2022-09-01",
        "2023-08-31",
        true,
    ),
    ("ежемесячно", P::None, K::Recurring, "", "", false),
    (
        "по мере необходимости",
        P::Ac2022,
        K::Condition,
        "",
        "",
        false,
    ),
    ("по согласованию", P::None, K::Condition, "", "", false),
    (
        "III-IV квартал 2022",
        P::None,
        K::Range,
        "2022-07-01",
        "2022-12-31",
        false,
    ),
    (
        "1-2 квартал 2023 г.",
        P::None,
        K::Range,
        "2023-01-01",
        "2023-06-30",
        false,
    ),
    (
        "IV кв. 2022",
        P::None,
        K::Range,
        "2022-10-01",
        "2022-12-31",
        false,
    ),
    (
        "весь период",
        P::Ac2022,
        K::Range,
        "2022-09-01",
        "2023-08-31",
        true,
    ),
    (
        "в течение срока реализации программы",
        P::Cal2020,
        K::Range,
        "2020-01-01",
        "2021-12-31",
        true,
    ),
    (
        "2 раза в год (декабрь, май)",
        P::Ac2022,
        K::Recurring,
        "2022-12-01",
        "2023-05-31",
        true,
    ),
    (
        "ежегодно в сентябре",
        P::Cal2020,
        K::Recurring,
        "2020-09-01",
        "2021-09-30",
        true,
    ),
    (
        "с 01.09 по 30.09.2022",
        P::None,
        K::Range,
        "2022-09-01",
        "2022-09-30",
        false,
    ),
    (
        "10.01.2023, 25.05.2023",
        P::None,
        K::Periods,
        "2023-01-10",
        "2023-05-25",
        false,
    ),
    (
        "Сентябрь-октябрь 2022 г., март-апрель 2023 г.",
        P::None,
        K::Periods,
        "2022-09-01",
        "2023-04-30",
        false,
    ),
    (
        "2022-2024 гг.",
        P::None,
        K::Range,
        "2022-01-01",
        "2024-12-31",
        false,
    ),
    (
        "до 25 числа ежемесячно",
        P::Ac2022,
        K::Recurring,
        "2022-09-01",
        "2023-08-31",
        true,
    ),
    (
        "по мере поступления запросов",
        P::Ac2022,
        K::Condition,
        "",
        "",
        false,
    ),
    ("после проведения ВПР", P::Ac2022, K::Text, "", "", false),
    ("в период проведения ГИА", P::Ac2022, K::Text, "", "", false),
    // Dates that do not exist give no date (try_parse_deadline rejects them).
    ("31.02.2021", P::None, K::Text, "", "", false),
    ("31.13.2027", P::None, K::Text, "", "", false),
    ("31.13.2027", P::Ac2022, K::Text, "", "", false),
    ("до 31.04.2024", P::None, K::Text, "", "", false),
    ("00.05.2024", P::None, K::Text, "", "", false),
    (
        "29.02.2024",
        P::None,
        K::Date,
        "2024-02-29",
        "2024-02-29",
        false,
    ),
    ("", P::Ac2022, K::Empty, "", "", false),
    ("   ", P::None, K::Empty, "", "", false),
];

fn date(s: &str) -> Option<Date> {
    (!s.is_empty()).then(|| Date::parse(s).unwrap())
}

#[test]
fn deadline_table() {
    let mut failures = Vec::new();
    for &(text, p, kind, start, end, from_period) in CASES {
        let d = parse_deadline(text, period(p).as_ref());
        let got = (d.kind, d.start, d.end, d.year_from_period);
        let want = (kind, date(start), date(end), from_period);
        if got != want {
            failures.push(format!(
                "«{text}» ({p:?}): got {got:?}, want {want:?}; {d:?}"
            ));
        }
        assert_eq!(
            d.text,
            text.split_whitespace().collect::<Vec<_>>().join(" "),
            "text kept"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

/// (deadline as written, the impossible date as read, what is wrong)
const IMPOSSIBLE: &[(&str, &str, DateError)] = &[
    ("31.13.2027", "31.13.2027", DateError::NoSuchMonth(13)),
    ("до 31.13.2027 г.", "31.13.2027", DateError::NoSuchMonth(13)),
    ("15.00.2024", "15.00.2024", DateError::NoSuchMonth(0)),
    ("7.13.27", "07.13.2027", DateError::NoSuchMonth(13)),
    (
        "31.04.2024",
        "31.04.2024",
        DateError::PastMonthEnd { month: 4, days: 30 },
    ),
    (
        "с 01.09.2022 по 31.09.2022",
        "31.09.2022",
        DateError::PastMonthEnd { month: 9, days: 30 },
    ),
    (
        "32.01.2024",
        "32.01.2024",
        DateError::PastMonthEnd { month: 1, days: 31 },
    ),
    (
        "30.02.2024",
        "30.02.2024",
        DateError::PastMonthEnd { month: 2, days: 29 },
    ),
    ("29.02.2023", "29.02.2023", DateError::NotLeapYear(2023)),
    ("29.02.1900", "29.02.1900", DateError::NotLeapYear(1900)),
    ("00.05.2024", "00.05.2024", DateError::DayZero),
    ("31.12.2301", "31.12.2301", DateError::YearOutOfRange(2301)),
    // Without a year: a day the month never has.
    (
        "31.04",
        "31.04",
        DateError::PastMonthEnd { month: 4, days: 30 },
    ),
    (
        "7.08.-31.06.2021",
        "31.06.2021",
        DateError::PastMonthEnd { month: 6, days: 30 },
    ),
    // The year after a space, and a month in words.
    (
        "31.04 2024",
        "31.04.2024",
        DateError::PastMonthEnd { month: 4, days: 30 },
    ),
    (
        "31 апреля 2024 г.",
        "31.04.2024",
        DateError::PastMonthEnd { month: 4, days: 30 },
    ),
    (
        "29 февраля 2023 года",
        "29.02.2023",
        DateError::NotLeapYear(2023),
    ),
    (
        "30 февраля",
        "30.02",
        DateError::PastMonthEnd { month: 2, days: 29 },
    ),
];

#[test]
fn impossible_dates_are_rejected() {
    for &(text, date, problem) in IMPOSSIBLE {
        for p in [P::None, P::Ac2022] {
            let e = try_parse_deadline(text, period(p).as_ref()).expect_err(text);
            assert_eq!(
                (e.date.as_str(), e.problem),
                (date, problem),
                "«{text}» ({p:?})"
            );
        }
    }
}

#[test]
fn possible_dates_and_other_figures_are_accepted() {
    for text in [
        "29.02.2024",
        "29.02",
        "31.12.2027",
        "01.01.1900",
        "31.12.2200",
        "7.08.-11.08.2021 года",
        "29 февраля 2024",
        "в 10.00",
        "1.5 месяца",
        "до 25 числа",
    ] {
        let d = try_parse_deadline(text, None).unwrap_or_else(|e| panic!("«{text}»: {e}"));
        assert_eq!(
            d,
            parse_deadline(text, None),
            "«{text}»: the same as the lenient parse"
        );
    }
}

#[test]
fn impossible_dates_say_what_is_wrong_in_russian() {
    let message = |text: &str| try_parse_deadline(text, None).unwrap_err().to_string();
    assert_eq!(
        message("31.13.2027"),
        "даты 31.13.2027 нет, месяца 13 не бывает (месяц — число от 01 до 12)"
    );
    assert_eq!(
        message("31.04.2024"),
        "даты 31.04.2024 нет, в апреле 30 дней (последний день — 30.04)"
    );
    assert_eq!(
        message("32.01.2024"),
        "даты 32.01.2024 нет, в январе 31 день (последний день — 31.01)"
    );
    assert_eq!(
        message("29.02.2023"),
        "даты 29.02.2023 нет, 2023 год не високосный (последний день февраля — 28.02.2023)"
    );
    assert_eq!(
        message("00.05.2024"),
        "даты 00.05.2024 нет, дня 0 не бывает (дни месяца — с 01)"
    );
    assert_eq!(
        message("31.12.2301"),
        "даты 31.12.2301 нет, год 2301 вне 1900–2200 (проверьте год)"
    );
}

#[test]
fn details() {
    let p = period(P::Cal2020);
    let d = parse_deadline("В течение 2020-2021 ежегодно, декабрь", p.as_ref());
    assert_eq!(d.recurrence, Some(Recurrence::Yearly));
    assert_eq!(
        d.periods.iter().map(|r| r.ru()).collect::<Vec<_>>(),
        ["01.12.2020 – 31.12.2020", "01.12.2021 – 31.12.2021"]
    );

    let d = parse_deadline("По плану, сентябрь ежегодно", p.as_ref());
    assert_eq!(d.conditions, [Condition::ByPlan]);
    assert_eq!(d.periods.len(), 2);

    let d = parse_deadline("В течение 2020-2021  По графику", p.as_ref());
    assert_eq!(d.conditions, [Condition::BySchedule]);
    assert_eq!(d.text, "В течение 2020-2021 По графику");

    let d = parse_deadline("Ноябрь, декабрь, март, май", None);
    assert_eq!(d.months, [11, 12, 3, 5]);
    assert_eq!(d.summary, "ноябрь, декабрь, март, май (год не указан)");

    let d = parse_deadline("Ноябрь, декабрь, март, май", period(P::Ac2022).as_ref());
    let months: Vec<String> = d.periods.iter().map(|r| r.start.iso()).collect();
    assert_eq!(
        months,
        ["2022-11-01", "2022-12-01", "2023-03-01", "2023-05-01"]
    );

    let d = parse_deadline("сентябрь, ежегодно", None);
    assert_eq!(
        (d.recurrence, d.months.clone()),
        (Some(Recurrence::Yearly), vec![9])
    );

    let d = parse_deadline("По запросу", None);
    assert_eq!(
        (d.conditions.clone(), d.summary.as_str()),
        (vec![Condition::OnRequest], "по запросу")
    );

    let d = parse_deadline("до 27.08.2021", None);
    assert_eq!(d.summary, "до 27.08.2021");
    assert!(d.is_past(Date::parse("2021-08-28").unwrap()));
    assert!(!d.is_past(Date::parse("2021-08-27").unwrap()));

    let d = parse_deadline("С августа 2020", None);
    assert_eq!(d.due(), None, "an open start has no deadline");

    let d = parse_deadline("Август – сентябрь", period(P::Ac2022).as_ref());
    assert_eq!(d.summary, "01.08.2022 – 30.09.2022; год — из периода плана");

    // next_due walks the occurrences.
    let d = parse_deadline("Сентябрь, ежегодно", p.as_ref());
    assert_eq!(
        d.next_due(Date::parse("2021-01-10").unwrap()),
        Date::parse("2021-09-30")
    );

    // JSON keeps the text and the parsed range.
    let v = serde_json::to_value(parse_deadline("апрель-май 2023 г.", None)).unwrap();
    assert_eq!(v["text"], "апрель-май 2023 г.");
    assert_eq!(v["kind"], "range");
    assert_eq!(v["start"], "2023-04-01");
    assert_eq!(v["end"], "2023-05-31");
}

#[test]
fn periods_as_written_in_titles() {
    let cases = [
        ("на 2020-2021 годы", "2020-01-01", "2021-12-31", false),
        ("в 2022-2023 учебном году", "2022-09-01", "2023-08-31", true),
        ("на 2023-2024 уч. год", "2023-09-01", "2024-08-31", true),
        ("2022-2023", "2022-09-01", "2023-08-31", true),
        ("на 2021-2024 годы", "2021-01-01", "2024-12-31", false),
        ("на 2021 - 2023 гг.", "2021-01-01", "2023-12-31", false),
        ("на 2024 год", "2024-01-01", "2024-12-31", false),
        (
            "с 01.09.2022 по 31.05.2023",
            "2022-09-01",
            "2023-05-31",
            false,
        ),
    ];
    for (text, s, e, academic) in cases {
        let p = Period::parse(text).unwrap_or_else(|| panic!("«{text}»"));
        assert_eq!(
            (p.start.iso().as_str(), p.end.iso().as_str(), p.academic),
            (s, e, academic),
            "«{text}»"
        );
    }
}

/// Words and figures deadlines are made of, to reach the parser's corners.
const VOCABULARY: &[&str] = &[
    "до",
    "с",
    "со",
    "по",
    "к",
    "в",
    "течение",
    "года",
    "учебного",
    "уч.",
    "г.",
    "гг.",
    "годы",
    "2020",
    "2021",
    "2023",
    "1999",
    "-",
    "–",
    ",",
    ";",
    "/",
    "сентябрь",
    "декабря",
    "мая",
    "август",
    "январь",
    "31.12.2021",
    "7.08.",
    "29.02.2023",
    "1.1.",
    "I",
    "IV",
    "квартал",
    "полугодие",
    "четверть",
    "ежегодно",
    "постоянно",
    "раз",
    "месяц",
    "99",
    "0",
    "32.13.2020",
    "2020-2021",
    "2022/23",
    "12",
    "31",
    "запросу",
    "графику",
    "плану",
    "ОУ",
    "конца",
    "всего",
    "периода",
    "первое",
    "4-й",
    "9999",
    "2101",
    "—",
    "(",
    ")",
    "«",
    "»",
    "\n",
    "ё",
    "май-апрель",
    "декабрь-август",
    "не",
    "позднее",
];

fn has_date_words(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
        || s.split(|c: char| !c.is_alphabetic())
            .any(|w| opora_plans::deadline::month_of_word(w).is_some())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Any text at all: no panic, ranges in order, and no date without a
    /// figure or a month in the text when the plan's period is unknown.
    #[test]
    fn never_panics_never_invents(text in "\\PC{0,60}") {
        let d = parse_deadline(&text, None);
        if let (Some(s), Some(e)) = (d.start, d.end) { prop_assert!(s <= e); }
        if !has_date_words(&text) {
            prop_assert!(d.start.is_none() && d.end.is_none() && d.periods.is_empty(), "{:?}", d);
        }
    }

    /// Texts made of deadline words: ranges in order; dateless text gets no
    /// date without a period, and with one only dates inside (or next to) it.
    #[test]
    fn vocabulary(words in prop::collection::vec(prop::sample::select(VOCABULARY), 0..9), which in 0usize..4) {
        let text = words.join(" ");
        let p = period([P::None, P::Cal2020, P::Ac2022, P::Ac2020][which]);
        let d = parse_deadline(&text, p.as_ref());
        for r in &d.periods { prop_assert!(r.start <= r.end); }
        if let (Some(s), Some(e)) = (d.start, d.end) { prop_assert!(s <= e, "{:?}", d); }
        prop_assert_eq!(&d.text, &text.split_whitespace().collect::<Vec<_>>().join(" "));
        if !has_date_words(&text) {
            match &p {
                None => prop_assert!(d.start.is_none() && d.end.is_none() && d.periods.is_empty(), "{:?}", d),
                Some(p) => {
                    for x in [d.start, d.end].into_iter().flatten() {
                        prop_assert!(x.year() >= p.start.year() - 1 && x.year() <= p.end.year() + 1, "{:?}", d);
                    }
                    if d.start.is_some() || d.end.is_some() { prop_assert!(d.year_from_period, "{:?}", d); }
                }
            }
        }
    }
}
