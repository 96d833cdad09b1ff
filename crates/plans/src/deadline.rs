//! Deadlines as people write them in Russian plans («Апрель 2020»,
//! «Август – сентябрь», «в течение года», «сентябрь, ежегодно»,
//! «7.08.-11.08.2021 года», «до 27.08.2021», «По запросу», …) parsed into
//! date ranges and recurrences. The original text is always kept; text with
//! no date in it yields no date (the only dates not written in the text come
//! from the plan's period, and then `year_from_period` says so).
//!
//! Semantics (docs/plans.md has the full table):
//! - a month is the whole month, a year the whole calendar year;
//! - «2020-2021» is the calendar years 2020–2021, except when the words say
//!   «учебный год» (or the plan's period is that academic year), then
//!   1 September 2020 – 31 August 2021;
//! - months without a year take it from the words next to them («апрель-май
//!   2023», «июнь, сентябрь 2022») and otherwise from the plan's period with
//!   academic-year logic: September–December in the first year, January–August
//!   in the second; a range that runs backwards in the calendar («Декабрь-август»)
//!   crosses the new year;
//! - «до X» ends at the end of X, «с X» starts at X and has no end;
//! - «ежегодно» with months repeats them in every year of the period.

use crate::date::{Date, DateError, DateRange};
use serde::{Deserialize, Serialize};

/// A date written in a deadline that does not exist («31.13.2027»,
/// «31.04.2024», «29 февраля 2023»).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("даты {date} нет, {problem}")]
pub struct ImpossibleDate {
    /// The date as read, `dd.mm.yyyy` (`dd.mm` without a year).
    pub date: String,
    pub problem: DateError,
}

impl ImpossibleDate {
    fn new(day: u32, month: u32, year: Option<i32>, problem: DateError) -> ImpossibleDate {
        let date = match year {
            Some(y) => format!("{day:02}.{month:02}.{y}"),
            None => format!("{day:02}.{month:02}"),
        };
        ImpossibleDate { date, problem }
    }
}

/// A leap year: a day and month without a year are checked against it (29.02 exists).
const ANY_LEAP_YEAR: i32 = 2000;

/// The period of a plan: academic years (1 September – 31 August) or
/// calendar years or explicit dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: Date,
    pub end: Date,
    /// Academic years rather than calendar years.
    pub academic: bool,
    /// As written in the document («на 2020-2021 годы») or a generated title.
    pub text: String,
    /// Not written in the document: inferred from the deadlines or given by the user.
    #[serde(default)]
    pub inferred: bool,
}

impl Period {
    /// 1 September `y1` – 31 August `y2`.
    pub fn academic_years(y1: i32, y2: i32) -> Option<Period> {
        let (start, end) = (Date::new(y1, 9, 1)?, Date::new(y2, 8, 31)?);
        (start < end).then(|| Period {
            start,
            end,
            academic: true,
            text: academic_title(y1, y2),
            inferred: false,
        })
    }

    /// 1 January `y1` – 31 December `y2`.
    pub fn calendar_years(y1: i32, y2: i32) -> Option<Period> {
        let (start, end) = (Date::new(y1, 1, 1)?, Date::new(y2, 12, 31)?);
        let text = if y1 == y2 {
            format!("{y1} год")
        } else {
            format!("{y1}–{y2} годы")
        };
        (start < end).then_some(Period {
            start,
            end,
            academic: false,
            text,
            inferred: false,
        })
    }

    /// The year that September–December belong to.
    pub fn first_year(&self) -> i32 {
        self.start.year()
    }

    /// The year that January–August belong to.
    pub fn second_year(&self) -> i32 {
        if self.start.year() == self.end.year() {
            self.start.year()
        } else {
            self.start.year() + 1
        }
    }

    pub fn range(&self) -> DateRange {
        DateRange {
            start: self.start,
            end: self.end,
        }
    }

    /// Parses a period as people write it: «2022-2023 учебный год»,
    /// «2022/2023», «на 2020-2021 годы», «2023 год», «01.09.2022 – 31.05.2023».
    /// A bare «2022-2023» is an academic year; «годы», «гг.» make it calendar years.
    pub fn parse(text: &str) -> Option<Period> {
        let toks = tokenize(text);
        let lower = text.to_lowercase();
        let academic_words =
            lower.contains("учебн") || lower.contains("уч.") || lower.contains("уч ");
        let calendar_words = ["годы", "гг", "годов", "годах", "года"]
            .iter()
            .any(|w| lower.contains(w))
            && !academic_words;
        // Explicit dates first.
        let dates: Vec<(u32, u32, i32)> = toks
            .iter()
            .filter_map(|t| match t {
                Tok::DayMonth { d, m, y: Some(y) } => Some((*d, *m, *y)),
                _ => None,
            })
            .collect();
        if dates.len() >= 2 {
            let a = Date::new(dates[0].2, dates[0].1, dates[0].0)?;
            let b = Date::new(dates[1].2, dates[1].1, dates[1].0)?;
            if a < b {
                return Some(Period {
                    start: a,
                    end: b,
                    academic: false,
                    text: text.trim().to_string(),
                    inferred: false,
                });
            }
        }
        let years: Vec<(i32, usize)> = toks
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match t {
                Tok::Num { v, digits: 4 } if (1990..=2100).contains(v) => Some((*v as i32, i)),
                _ => None,
            })
            .collect();
        let (y1, i1) = *years.first()?;
        // «2022-23»
        let short_second = match (toks.get(i1 + 1), toks.get(i1 + 2)) {
            (Some(Tok::Dash | Tok::Slash), Some(Tok::Num { v, digits: 2 })) => {
                let y = y1 - y1 % 100 + *v as i32;
                (y == y1 + 1).then_some(y)
            }
            _ => None,
        };
        let second = years
            .get(1)
            .map(|y| y.0)
            .filter(|y2| *y2 > y1 && *y2 <= y1 + 10)
            .or(short_second);
        let mut p = match second {
            Some(y2) => {
                let slash = matches!(toks.get(i1 + 1), Some(Tok::Slash));
                if !calendar_words && (academic_words || slash || y2 == y1 + 1) {
                    Period::academic_years(y1, y2)?
                } else {
                    Period::calendar_years(y1, y2)?
                }
            }
            None if academic_words => Period::academic_years(y1, y1 + 1)?,
            None => Period::calendar_years(y1, y1)?,
        };
        p.text = text.trim().to_string();
        Some(p)
    }
}

fn academic_title(y1: i32, y2: i32) -> String {
    if y2 == y1 + 1 {
        format!("{y1}-{y2} учебный год")
    } else {
        format!("{y1}-{y2} учебные годы")
    }
}

/// What a deadline amounts to, as a code with a Russian title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Nothing written.
    Empty,
    /// One day.
    Date,
    /// One continuous range (a month, a year, «апрель-май»).
    Range,
    /// Several separate periods («Ноябрь, декабрь, март, май»).
    Periods,
    /// «до 27.08.2021».
    Until,
    /// «С августа 2020»: a start and no end.
    From,
    /// «ежегодно», «ежемесячно», «постоянно», «1 раз в квартал».
    Recurring,
    /// Months named without a year and no plan period to take it from.
    Months,
    /// «в течение года» with no plan period to take the year from.
    WholePeriod,
    /// No date, a condition only: «По запросу», «По графику», «По плану ОУ».
    Condition,
    /// Nothing recognised: kept as text.
    Text,
}

impl DeadlineKind {
    pub fn title(&self) -> &'static str {
        match self {
            DeadlineKind::Empty => "не указан",
            DeadlineKind::Date => "дата",
            DeadlineKind::Range => "период",
            DeadlineKind::Periods => "несколько периодов",
            DeadlineKind::Until => "до даты",
            DeadlineKind::From => "начиная с даты",
            DeadlineKind::Recurring => "повторяется",
            DeadlineKind::Months => "месяцы без года",
            DeadlineKind::WholePeriod => "весь период",
            DeadlineKind::Condition => "по условию",
            DeadlineKind::Text => "текст",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
    /// «постоянно», «систематически», «регулярно».
    Continuous,
}

impl Recurrence {
    pub fn title(&self) -> &'static str {
        match self {
            Recurrence::Daily => "ежедневно",
            Recurrence::Weekly => "еженедельно",
            Recurrence::Monthly => "ежемесячно",
            Recurrence::Quarterly => "ежеквартально",
            Recurrence::HalfYearly => "раз в полугодие",
            Recurrence::Yearly => "ежегодно",
            Recurrence::Continuous => "постоянно",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// «по запросу», «по требованию».
    OnRequest,
    /// «по графику», «в соответствии с графиком».
    BySchedule,
    /// «по плану», «по плану ОУ», «по отдельному плану».
    ByPlan,
    /// «по мере необходимости», «при необходимости».
    AsNeeded,
    /// «по согласованию».
    ByAgreement,
}

impl Condition {
    pub fn title(&self) -> &'static str {
        match self {
            Condition::OnRequest => "по запросу",
            Condition::BySchedule => "по графику",
            Condition::ByPlan => "по плану",
            Condition::AsNeeded => "по мере необходимости",
            Condition::ByAgreement => "по согласованию",
        }
    }
}

/// A deadline: the text as written and what it means.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deadline {
    /// As written (spaces normalised).
    pub text: String,
    pub kind: DeadlineKind,
    /// The earliest day (none for «до …» and for dateless text).
    pub start: Option<Date>,
    /// The last day: the deadline proper (none for «с …» and for dateless text).
    pub end: Option<Date>,
    /// Separate periods in order («Ноябрь, декабрь, март, май» → four months),
    /// and the occurrences of a yearly activity within the plan's period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<DateRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Months named without a year when no year could be found (1–12).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub months: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// A year (or the whole range) was taken from the plan's period, not from the text.
    #[serde(default)]
    pub year_from_period: bool,
    /// In Russian: what the system understood («01.04.2020 – 30.04.2020», «по запросу»).
    #[serde(default)]
    pub summary: String,
}

impl Deadline {
    /// The day after which an unfinished activity is overdue.
    pub fn due(&self) -> Option<Date> {
        self.end
    }

    /// True when the deadline has passed on `today` (the day itself is not late).
    pub fn is_past(&self, today: Date) -> bool {
        self.end.is_some_and(|e| e < today)
    }

    /// The end of the first period that has not ended before `today`
    /// (for recurring activities, the next occurrence), else the overall end.
    pub fn next_due(&self, today: Date) -> Option<Date> {
        self.periods
            .iter()
            .map(|p| p.end)
            .find(|e| *e >= today)
            .or(self.end)
    }

    /// True when a date was understood from the text (or the plan's period).
    pub fn has_dates(&self) -> bool {
        self.start.is_some() || self.end.is_some()
    }

    /// An empty deadline.
    pub fn empty() -> Deadline {
        parse_deadline("", None)
    }
}

// ---------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num { v: u32, digits: usize },
    DayMonth { d: u32, m: u32, y: Option<i32> },
    Word(String),
    Dash,
    Comma,
    Slash,
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '~')
}

fn tokenize(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let read_digits = |i: &mut usize| -> (u32, usize) {
        let start = *i;
        let mut v: u64 = 0;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            v = (v * 10 + chars[*i].to_digit(10).unwrap_or(0) as u64).min(1_000_000);
            *i += 1;
        }
        (v as u32, *i - start)
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let (a, da) = read_digits(&mut i);
            // d.m or d.m.y
            if da <= 2 && i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                let save = i;
                i += 1;
                let (b, db) = read_digits(&mut i);
                let mut year = None;
                if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                    let save_y = i;
                    i += 1;
                    let (y, dy) = read_digits(&mut i);
                    match dy {
                        4 => year = Some(y as i32),
                        2 => year = Some(2000 + y as i32),
                        _ => i = save_y,
                    }
                }
                // «31.13.2027» is a date written wrong, not the figures 31, 13 and
                // the year 2027; without a year only a plausible day and month are a date.
                let date_shaped =
                    year.is_some() || ((1..=12).contains(&b) && (1..=31).contains(&a));
                if db <= 2 && date_shaped {
                    out.push(Tok::DayMonth {
                        d: a,
                        m: b,
                        y: year,
                    });
                    continue;
                }
                i = save;
            }
            out.push(Tok::Num { v: a, digits: da });
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let w: String = chars[start..i]
                .iter()
                .collect::<String>()
                .to_lowercase()
                .replace('ё', "е");
            out.push(Tok::Word(w));
        } else {
            if is_dash(c) {
                out.push(Tok::Dash);
            } else if matches!(c, ',' | ';' | '\n' | '\r' | '+') {
                out.push(Tok::Comma);
            } else if matches!(c, '/' | '\\') {
                out.push(Tok::Slash);
            }
            i += 1;
        }
    }
    out
}

/// Month number of a Russian month word in any case, or of its usual
/// abbreviation («сент», «окт.»).
pub fn month_of_word(w: &str) -> Option<u32> {
    const STEMS: [(&str, &[&str]); 12] = [
        ("январ", &["ь", "я", "е", "ю", "ем", "ём"]),
        ("феврал", &["ь", "я", "е", "ю", "ем", "ём"]),
        ("март", &["", "а", "е", "у", "ом"]),
        ("апрел", &["ь", "я", "е", "ю", "ем"]),
        ("ма", &["й", "я", "е", "ю", "ем", "ем"]),
        ("июн", &["ь", "я", "е", "ю", "ем"]),
        ("июл", &["ь", "я", "е", "ю", "ем"]),
        ("август", &["", "а", "е", "у", "ом"]),
        ("сентябр", &["ь", "я", "е", "ю", "ем", "ём"]),
        ("октябр", &["ь", "я", "е", "ю", "ем", "ём"]),
        ("ноябр", &["ь", "я", "е", "ю", "ем", "ём"]),
        ("декабр", &["ь", "я", "е", "ю", "ем", "ём"]),
    ];
    const ABBR: [(&str, u32); 14] = [
        ("янв", 1),
        ("фев", 2),
        ("февр", 2),
        ("мар", 3),
        ("апр", 4),
        ("июн", 6),
        ("июл", 7),
        ("авг", 8),
        ("сен", 9),
        ("сент", 9),
        ("окт", 10),
        ("ноя", 11),
        ("нояб", 11),
        ("дек", 12),
    ];
    let w = w.to_lowercase().replace('ё', "е");
    for (i, (stem, ends)) in STEMS.iter().enumerate() {
        if let Some(rest) = w.strip_prefix(stem) {
            if ends.contains(&rest) {
                return Some(i as u32 + 1);
            }
        }
    }
    ABBR.iter().find(|(a, _)| *a == w).map(|(_, m)| *m)
}

pub const MONTHS_NOMINATIVE: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

fn ordinal_word(w: &str) -> Option<u32> {
    match w {
        "i" => Some(1),
        "ii" => Some(2),
        "iii" => Some(3),
        "iv" => Some(4),
        _ if w.starts_with("перв") => Some(1),
        _ if w.starts_with("втор") => Some(2),
        _ if w.starts_with("трет") => Some(3),
        _ if w.starts_with("четверт") && w.len() > "четверть".len() => Some(4),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Unit {
    Quarter,
    Half,
    Term,
}

fn unit_word(w: &str) -> Option<Unit> {
    if w.starts_with("квартал") || w == "кв" {
        Some(Unit::Quarter)
    } else if w.starts_with("полугоди") {
        Some(Unit::Half)
    } else if matches!(
        w,
        "четверть" | "четверти" | "четвертью" | "четвертям" | "четвертях"
    ) {
        Some(Unit::Term)
    } else {
        None
    }
}

fn is_year_word(w: &str) -> bool {
    matches!(
        w,
        "г" | "гг" | "год" | "года" | "году" | "годы" | "годов" | "годах" | "годом"
    )
}

fn is_academic_word(w: &str) -> bool {
    w == "уч" || w.starts_with("учебн")
}

// ---------------------------------------------------------------------------
// Points and spans

#[derive(Debug, Clone, Copy, PartialEq)]
enum Pt {
    Day {
        d: u32,
        m: u32,
        y: Option<i32>,
    },
    Month {
        m: u32,
        y: Option<i32>,
    },
    Year(i32),
    Years {
        y1: i32,
        y2: i32,
        academic: Option<bool>,
    },
    /// Quarter, half-year or school term; `school` when its year came from
    /// the plan's period (a half-year then is a school one).
    Unit {
        unit: Unit,
        n: u32,
        y: Option<i32>,
        school: bool,
    },
    /// «года» after «в течение»: the plan's year; academic for «учебного года».
    ContextYear {
        academic: bool,
    },
}

impl Pt {
    fn year(&self) -> Option<i32> {
        match self {
            Pt::Day { y, .. } | Pt::Month { y, .. } | Pt::Unit { y, .. } => *y,
            _ => None,
        }
    }
    fn needs_year(&self) -> bool {
        matches!(
            self,
            Pt::Day { y: None, .. } | Pt::Month { y: None, .. } | Pt::Unit { y: None, .. }
        )
    }
    fn set_year(&mut self, year: i32) {
        match self {
            Pt::Day { y, .. } | Pt::Month { y, .. } | Pt::Unit { y, .. } => *y = Some(year),
            _ => {}
        }
    }
    /// Month and day of the first day (for ordering within a year).
    fn key_start(&self) -> Option<(u32, u32)> {
        match *self {
            Pt::Day { d, m, .. } => Some((m, d)),
            Pt::Month { m, .. } => Some((m, 1)),
            Pt::Unit {
                unit, n, school, ..
            } => Some((unit_months(unit, n, school).0, 1)),
            _ => None,
        }
    }
    fn key_end(&self) -> Option<(u32, u32)> {
        match *self {
            Pt::Day { d, m, .. } => Some((m, d)),
            Pt::Month { m, .. } => Some((m, 31)),
            Pt::Unit {
                unit, n, school, ..
            } => Some((unit_months(unit, n, school).1, 31)),
            _ => None,
        }
    }
}

/// First and last month of a quarter, half-year or school term. School
/// half-years (no year written) are September–December and January–May.
fn unit_months(unit: Unit, n: u32, school: bool) -> (u32, u32) {
    match (unit, n, school) {
        (Unit::Quarter, n, _) => (3 * n - 2, 3 * n),
        (Unit::Half, 1, false) => (1, 6),
        (Unit::Half, _, false) => (7, 12),
        (Unit::Half, 1, true) => (9, 12),
        (Unit::Half, _, true) => (1, 5),
        (Unit::Term, 1, _) => (9, 10),
        (Unit::Term, 2, _) => (11, 12),
        (Unit::Term, 3, _) => (1, 3),
        (Unit::Term, _, _) => (4, 5),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Span {
    One(Pt),
    Range(Pt, Pt),
    Until(Pt),
    From(Pt),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum It {
    P(Pt),
    Dash,
    Sep,
    Until,
    From,
}

struct Scan {
    toks: Vec<Tok>,
    i: usize,
    items: Vec<It>,
    conditions: Vec<Condition>,
    recurrence: Option<Recurrence>,
    /// Dates written that do not exist: they give no date.
    impossible: Vec<ImpossibleDate>,
}

impl Scan {
    fn word(&self, at: usize) -> Option<&str> {
        match self.toks.get(at) {
            Some(Tok::Word(w)) => Some(w.as_str()),
            _ => None,
        }
    }

    fn year_at(&self, at: usize) -> Option<i32> {
        match self.toks.get(at) {
            Some(Tok::Num { v, digits: 4 }) if (1990..=2100).contains(v) => Some(*v as i32),
            _ => None,
        }
    }

    /// True when a point starts at `at` (for «с», «по», «к»).
    fn point_starts(&self, at: usize) -> bool {
        match self.toks.get(at) {
            Some(Tok::Num { .. } | Tok::DayMonth { .. }) => true,
            Some(Tok::Word(w)) => {
                month_of_word(w).is_some()
                    || ordinal_word(w).is_some()
                    || matches!(w.as_str(), "конца" | "начала" | "середины" | "окончания")
            }
            _ => false,
        }
    }

    /// Skips «г.», «года», «учебного года» after a year; returns Some(true)
    /// for academic words, Some(false) for plural «годы», «гг.».
    fn skip_year_words(&mut self) -> Option<bool> {
        let mut academic = None;
        while let Some(w) = self.word(self.i) {
            if is_academic_word(w) {
                academic = Some(true);
            } else if matches!(w, "годы" | "гг" | "годов" | "годах") {
                if academic.is_none() {
                    academic = Some(false);
                }
            } else if !is_year_word(w) {
                break;
            }
            self.i += 1;
        }
        academic
    }

    fn push_recur(&mut self, r: Recurrence) {
        if self.recurrence.is_none() || self.recurrence == Some(Recurrence::Continuous) {
            self.recurrence = Some(r);
        }
    }

    fn push_cond(&mut self, c: Condition) {
        if !self.conditions.contains(&c) {
            self.conditions.push(c);
        }
    }

    /// Unit word after an ordinal at `self.i` (with an optional «-й»).
    fn unit_after_ordinal(&mut self, n: u32) -> bool {
        if !(1..=4).contains(&n) {
            return false;
        }
        let mut j = self.i;
        // «III-IV квартал», «1-2 полугодие»: a range of two units.
        let mut second: Option<u32> = None;
        if matches!(self.toks.get(j), Some(Tok::Dash)) {
            let m = match self.toks.get(j + 1) {
                Some(Tok::Word(w)) => ordinal_word(w),
                Some(Tok::Num { v, digits: 1 }) => Some(*v),
                _ => None,
            };
            if let Some(m) = m.filter(|m| (1..=4).contains(m) && *m > n) {
                if self.word(j + 2).and_then(unit_word).is_some() {
                    second = Some(m);
                    j += 2;
                }
            }
            if second.is_none() {
                if let Some(suffix) = self.word(j + 1) {
                    if suffix.chars().count() <= 3 {
                        j += 2;
                    }
                }
            }
        }
        let Some(unit) = self.word(j).and_then(unit_word) else {
            return false;
        };
        let max = if unit == Unit::Half { 2 } else { 4 };
        if n > max || second.is_some_and(|m| m > max) {
            return false;
        }
        self.i = j + 1;
        if self.word(self.i) == Some("кв") {
            self.i += 1;
        }
        let y = self.year_at(self.i);
        if y.is_some() {
            self.i += 1;
            self.skip_year_words();
        }
        self.items.push(It::P(Pt::Unit {
            unit,
            n,
            y,
            school: false,
        }));
        if let Some(m) = second {
            self.items.push(It::Dash);
            self.items.push(It::P(Pt::Unit {
                unit,
                n: m,
                y,
                school: false,
            }));
        }
        true
    }

    fn run(&mut self) {
        while self.i < self.toks.len() {
            let tok = self.toks[self.i].clone();
            self.i += 1;
            match tok {
                Tok::Dash => self.items.push(It::Dash),
                Tok::Comma | Tok::Slash => self.items.push(It::Sep),
                Tok::DayMonth { d, m, y } => {
                    let y = y.or_else(|| {
                        let y = self.year_at(self.i);
                        if y.is_some() {
                            self.i += 1;
                        }
                        y
                    });
                    self.skip_year_words();
                    self.day(d, m, y);
                }
                Tok::Num { v, digits } => self.number(v, digits),
                Tok::Word(w) => self.word_tok(&w),
            }
        }
    }

    /// A day as written: a point if it exists, else a problem to report.
    fn day(&mut self, d: u32, m: u32, y: Option<i32>) {
        match Date::try_new(y.unwrap_or(ANY_LEAP_YEAR), m, d) {
            Ok(_) => self.items.push(It::P(Pt::Day { d, m, y })),
            Err(problem) => self.impossible.push(ImpossibleDate::new(d, m, y, problem)),
        }
    }

    fn number(&mut self, v: u32, digits: usize) {
        if digits == 4 && (1990..=2100).contains(&v) {
            let y1 = v as i32;
            // «2020-2021», «2020/2021», «2022-23», «2020 - 2021 гг.»
            if let Some(Tok::Dash | Tok::Slash) = self.toks.get(self.i) {
                let slash = matches!(self.toks.get(self.i), Some(Tok::Slash));
                let y2 = match self.toks.get(self.i + 1) {
                    Some(Tok::Num { v: v2, digits: 4 }) => Some(*v2 as i32),
                    Some(Tok::Num { v: v2, digits: 2 }) => Some(y1 - y1 % 100 + *v2 as i32),
                    _ => None,
                };
                if let Some(y2) = y2.filter(|y2| *y2 > y1 && *y2 <= y1 + 10) {
                    self.i += 2;
                    let words = self.skip_year_words();
                    let academic = if slash { Some(true) } else { words };
                    self.items.push(It::P(Pt::Years { y1, y2, academic }));
                    return;
                }
            }
            let academic = self.skip_year_words();
            if academic == Some(true) {
                // «2022 учебный год»: the academic year that starts then.
                self.items.push(It::P(Pt::Years {
                    y1,
                    y2: y1 + 1,
                    academic: Some(true),
                }));
            } else {
                self.items.push(It::P(Pt::Year(y1)));
            }
            return;
        }
        if digits <= 2 && (1..=31).contains(&v) {
            if let Some(m) = self.word(self.i).and_then(month_of_word) {
                self.i += 1;
                let y = self.year_at(self.i);
                if y.is_some() {
                    self.i += 1;
                }
                self.skip_year_words();
                self.day(v, m, y);
                return;
            }
            if self.unit_after_ordinal(v) {}
        }
        // Any other number («1 раз в квартал», a stray figure) means nothing by itself.
    }

    fn word_tok(&mut self, w: &str) {
        if let Some(m) = month_of_word(w) {
            let y = self.year_at(self.i);
            if y.is_some() {
                self.i += 1;
                self.skip_year_words();
            }
            self.items.push(It::P(Pt::Month { m, y }));
            return;
        }
        if let Some(n) = ordinal_word(w) {
            if self.unit_after_ordinal(n) {
                return;
            }
        }
        match w {
            "течение" | "течении" | "протяжении" => {
                // «в течение года», «в течение учебного года», «в течение всего периода»
                let mut j = self.i;
                let mut academic = false;
                while let Some(x) = self.word(j) {
                    if is_academic_word(x) {
                        academic = true;
                    } else if !matches!(x, "всего" | "текущего" | "этого" | "данного")
                    {
                        break;
                    }
                    j += 1;
                }
                if let Some(x) = self.word(j) {
                    if matches!(x, "года" | "год" | "периода" | "срока") {
                        self.i = j + 1;
                        self.items.push(It::P(Pt::ContextYear { academic }));
                    }
                }
            }
            "весь" | "всего"
                if matches!(
                    self.word(self.i),
                    Some("период" | "периода" | "срок" | "срока")
                ) =>
            {
                self.i += 1;
                self.items.push(It::P(Pt::ContextYear { academic: false }));
            }
            "до" | "к" | "по" | "позднее" | "позже" => {
                if self.point_starts(self.i) && self.word(self.i) != Some("конца") {
                    self.items.push(It::Until);
                } else if w == "до" {
                    // «до конца года», «до конца учебного года»
                    if self.word(self.i) == Some("конца") {
                        let mut j = self.i + 1;
                        let mut academic = false;
                        while let Some(x) = self.word(j) {
                            if is_academic_word(x) {
                                academic = true;
                                j += 1;
                            } else if matches!(x, "текущего" | "этого" | "данного")
                            {
                                j += 1;
                            } else {
                                break;
                            }
                        }
                        if matches!(self.word(j), Some("года" | "периода")) {
                            self.i = j + 1;
                            self.items.push(It::Until);
                            self.items.push(It::P(Pt::ContextYear { academic }));
                        }
                    }
                }
            }
            "с" | "со" | "от" if self.point_starts(self.i) => {
                self.items.push(It::From);
            }
            "раз" | "раза" | "каждый" | "каждую" | "каждое" | "каждого" | "каждом" | "каждой" =>
            {
                let mut j = self.i;
                if matches!(self.word(j), Some("в" | "во")) {
                    j += 1;
                }
                let r = match self.word(j) {
                    Some(u) if u.starts_with("месяц") => Some(Recurrence::Monthly),
                    Some(u) if u.starts_with("квартал") || u.starts_with("четверт") => {
                        Some(Recurrence::Quarterly)
                    }
                    Some(u) if u.starts_with("полугод") || u.starts_with("семестр") => {
                        Some(Recurrence::HalfYearly)
                    }
                    Some(u) if u.starts_with("недел") => Some(Recurrence::Weekly),
                    Some(u) if u.starts_with("дн") || u == "день" => Some(Recurrence::Daily),
                    Some(u) if is_year_word(u) || is_academic_word(u) => Some(Recurrence::Yearly),
                    _ => None,
                };
                if let Some(r) = r {
                    self.i = j + 1;
                    if r == Recurrence::Yearly {
                        self.skip_year_words();
                    }
                    self.push_recur(r);
                }
            }
            _ if w.starts_with("ежегодн") => self.push_recur(Recurrence::Yearly),
            _ if w.starts_with("ежемесячн") => self.push_recur(Recurrence::Monthly),
            _ if w.starts_with("ежекварт") => self.push_recur(Recurrence::Quarterly),
            _ if w.starts_with("еженедел") => self.push_recur(Recurrence::Weekly),
            _ if w.starts_with("ежедневн") => self.push_recur(Recurrence::Daily),
            _ if w.starts_with("постоянн")
                || w.starts_with("систематическ")
                || w.starts_with("регулярн") =>
            {
                self.push_recur(Recurrence::Continuous)
            }
            _ if w.starts_with("запрос")
                || w.starts_with("требовани")
                || w.starts_with("заявк") =>
            {
                self.push_cond(Condition::OnRequest)
            }
            _ if w.starts_with("график") => self.push_cond(Condition::BySchedule),
            _ if w.starts_with("план") => self.push_cond(Condition::ByPlan),
            _ if w.starts_with("необходимост") => self.push_cond(Condition::AsNeeded),
            _ if w.starts_with("согласовани") => self.push_cond(Condition::ByAgreement),
            _ => {}
        }
    }
}

fn spans(items: &[It]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.len() {
        match items[i] {
            It::From => {
                if let Some(It::P(a)) = items.get(i + 1) {
                    if let (Some(It::Until | It::Dash), Some(It::P(b))) =
                        (items.get(i + 2), items.get(i + 3))
                    {
                        out.push(Span::Range(*a, *b));
                        i += 4;
                    } else {
                        out.push(Span::From(*a));
                        i += 2;
                    }
                    continue;
                }
            }
            It::Until => {
                if let Some(It::P(a)) = items.get(i + 1) {
                    out.push(Span::Until(*a));
                    i += 2;
                    continue;
                }
            }
            It::P(a) => {
                // «7.08.-11.08.2021», «Декабрь-август», «сентябрь 2022 по май 2023»
                if let (Some(It::Dash | It::Until), Some(It::P(b))) =
                    (items.get(i + 1), items.get(i + 2))
                {
                    // Year spans and «в течение года» are not ends of a range.
                    let ok = !matches!(
                        (a, b),
                        (Pt::ContextYear { .. }, _)
                            | (_, Pt::ContextYear { .. })
                            | (Pt::Years { .. }, _)
                            | (_, Pt::Years { .. })
                    );
                    if ok {
                        out.push(Span::Range(a, *b));
                        i += 3;
                        continue;
                    }
                }
                out.push(Span::One(a));
            }
            It::Dash | It::Sep => {}
        }
        i += 1;
    }
    out
}

fn span_points_mut(s: &mut Span) -> (&mut Pt, Option<&mut Pt>) {
    match s {
        Span::One(a) | Span::Until(a) | Span::From(a) => (a, None),
        Span::Range(a, b) => (a, Some(b)),
    }
}

/// Fills missing years from the text itself: within a range («апрель-май
/// 2023», «7.08.-11.08.2021»), then from the right («июнь, сентябрь 2022»),
/// then from the left («сентябрь 2022, октябрь»).
fn years_from_text(spans: &mut [Span]) {
    for s in spans.iter_mut() {
        if let Span::Range(a, b) = s {
            match (a.year(), b.year()) {
                (None, Some(yb)) if a.needs_year() => {
                    let wrap = a.key_start() > b.key_start();
                    a.set_year(if wrap { yb - 1 } else { yb });
                }
                (Some(ya), None) if b.needs_year() => {
                    let wrap = b.key_start() < a.key_start();
                    b.set_year(if wrap { ya + 1 } else { ya });
                }
                _ => {}
            }
        }
    }
    let dated = |p: &Pt| p.year().map(|y| (y, p.key_start()));
    // From the right.
    let mut right: Option<(i32, Option<(u32, u32)>)> = None;
    for s in spans.iter_mut().rev() {
        let (a, b) = span_points_mut(s);
        let mut pts: Vec<&mut Pt> = vec![a];
        if let Some(b) = b {
            pts.push(b);
        }
        for p in pts.into_iter().rev() {
            if p.needs_year() {
                if let Some((y, k)) = right {
                    if p.key_start().is_some() && k.is_some() {
                        p.set_year(if p.key_start() > k { y - 1 } else { y });
                    }
                }
            }
            if let Some(d) = dated(p) {
                right = Some(d);
            } else if !matches!(p, Pt::Day { .. } | Pt::Month { .. } | Pt::Unit { .. }) {
                right = None;
            }
        }
    }
    // From the left.
    let mut left: Option<(i32, Option<(u32, u32)>)> = None;
    for s in spans.iter_mut() {
        let (a, b) = span_points_mut(s);
        let mut pts: Vec<&mut Pt> = vec![a];
        if let Some(b) = b {
            pts.push(b);
        }
        for p in pts {
            if p.needs_year() {
                if let Some((y, k)) = left {
                    if p.key_start().is_some() && k.is_some() {
                        p.set_year(if p.key_start() < k { y + 1 } else { y });
                    }
                }
            }
            if let Some(d) = dated(p) {
                left = Some(d);
            } else if !matches!(p, Pt::Day { .. } | Pt::Month { .. } | Pt::Unit { .. }) {
                left = None;
            }
        }
    }
}

/// The year of a month under academic-year logic.
fn context_year(month: u32, period: &Period) -> i32 {
    if month >= 9 {
        period.first_year()
    } else {
        period.second_year()
    }
}

/// Fills missing years from the plan's period. Returns true if it did.
fn years_from_period(spans: &mut [Span], period: &Period) -> bool {
    let mut used = false;
    for s in spans.iter_mut() {
        match s {
            Span::Range(a, b) if a.needs_year() && b.needs_year() => {
                let (Some((m1, _)), Some((m2, _))) = (a.key_start(), b.key_start()) else {
                    continue;
                };
                let first = period.first_year();
                let (y1, y2) = if m1 > m2 {
                    // Crosses the new year: «Декабрь-август».
                    let y1 = if m1 >= 9 {
                        first
                    } else {
                        context_year(m1, period)
                    };
                    (y1, y1 + 1)
                } else if m1 >= 9 {
                    (first, first)
                } else if m2 <= 8 {
                    let y = period.second_year();
                    (y, y)
                } else {
                    // Over the summer («Август – сентябрь»): the start of the academic year.
                    (first, first)
                };
                a.set_year(y1);
                b.set_year(y2);
                used = true;
            }
            _ => {
                let (a, b) = span_points_mut(s);
                let mut pts: Vec<&mut Pt> = vec![a];
                if let Some(b) = b {
                    pts.push(b);
                }
                for p in pts {
                    if p.needs_year() {
                        if let Pt::Unit {
                            unit: Unit::Half,
                            school,
                            ..
                        } = p
                        {
                            *school = true;
                        }
                        if let Some((m, _)) = p.key_start() {
                            p.set_year(context_year(m, period));
                            used = true;
                        }
                    }
                }
            }
        }
    }
    used
}

/// First and last day of a resolved point; `None` when it still lacks a year
/// (or needs a period that is not known).
fn point_range(p: &Pt, period: Option<&Period>) -> Option<DateRange> {
    match *p {
        Pt::Day { d, m, y: Some(y) } => {
            let day = Date::new(y, m, d)?;
            Some(DateRange {
                start: day,
                end: day,
            })
        }
        Pt::Month { m, y: Some(y) } => DateRange::month(y, m),
        Pt::Year(y) => DateRange::months(y, 1, y, 12),
        Pt::Years { y1, y2, academic } => {
            let academic = academic.unwrap_or_else(|| {
                period.is_some_and(|p| p.academic && p.start.year() == y1 && p.end.year() == y2)
            });
            if academic {
                DateRange::new(Date::new(y1, 9, 1)?, Date::new(y2, 8, 31)?)
            } else {
                DateRange::months(y1, 1, y2, 12)
            }
        }
        Pt::Unit {
            unit,
            n,
            y: Some(y),
            school,
        } => {
            let (m1, m2) = unit_months(unit, n, school);
            DateRange::months(y, m1, y, m2)
        }
        Pt::ContextYear { academic } => {
            let p = period?;
            if academic && !p.academic {
                DateRange::new(
                    Date::new(p.first_year(), 9, 1)?,
                    Date::new(p.second_year().max(p.first_year() + 1), 8, 31)?,
                )
            } else {
                Some(p.range())
            }
        }
        _ => None,
    }
}

fn month_list(spans: &[Span]) -> Vec<u32> {
    let mut months = Vec::new();
    for s in spans {
        let pts: Vec<&Pt> = match s {
            Span::One(a) | Span::Until(a) | Span::From(a) => vec![a],
            Span::Range(a, b) => vec![a, b],
        };
        for p in pts {
            if let Pt::Month { m, y: None } = p {
                if !months.contains(m) {
                    months.push(*m);
                }
            }
        }
    }
    months
}

/// Normalises spaces (keeps the words as written).
pub fn normalize_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses a deadline as written. `period` is the plan's period, used for
/// months without a year and for «в течение года». A date that does not
/// exist («31.13.2027») gives no date; [`try_parse_deadline`] reports it.
pub fn parse_deadline(text: &str, period: Option<&Period>) -> Deadline {
    read_deadline(text, period).0
}

/// Parses a deadline as written, rejecting a date that does not exist
/// («31.13.2027», «31.04.2024», «29.02.2023», «00.05.2024»).
pub fn try_parse_deadline(text: &str, period: Option<&Period>) -> Result<Deadline, ImpossibleDate> {
    let (deadline, impossible) = read_deadline(text, period);
    match impossible.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(deadline),
    }
}

/// The deadline and the dates written in it that do not exist.
fn read_deadline(text: &str, period: Option<&Period>) -> (Deadline, Vec<ImpossibleDate>) {
    let text_n = normalize_space(text);
    let mut scan = Scan {
        toks: tokenize(&text_n),
        i: 0,
        items: Vec::new(),
        conditions: Vec::new(),
        recurrence: None,
        impossible: Vec::new(),
    };
    scan.run();
    let mut spans = spans(&scan.items);
    years_from_text(&mut spans);

    let recurrence = scan.recurrence;
    let months_written = month_list(&spans);
    let mut year_from_period = false;
    let mut periods: Vec<DateRange> = Vec::new();
    let mut until_end: Option<Date> = None;
    let mut from_start: Option<Date> = None;

    // A yearly activity with months and no year: every year of the scope
    // (a span written in the text, else the plan's period).
    let yearly_months = recurrence == Some(Recurrence::Yearly)
        && spans.iter().any(|s| {
            let (a, b) = match s {
                Span::One(a) | Span::Until(a) | Span::From(a) => (a, None),
                Span::Range(a, b) => (a, Some(b)),
            };
            a.needs_year() || b.is_some_and(|b| b.needs_year())
        });
    if yearly_months {
        let written_scope = spans.iter().find_map(|s| match s {
            Span::One(p @ (Pt::Years { .. } | Pt::Year(_))) => point_range(p, period),
            _ => None,
        });
        let scope = written_scope.or_else(|| period.map(|p| p.range()));
        if written_scope.is_none() && scope.is_some() {
            year_from_period = true;
        }
        let mut rest = Vec::new();
        for s in &spans {
            match s {
                Span::One(Pt::Years { .. } | Pt::Year(_)) if written_scope.is_some() => {}
                Span::One(p) | Span::Until(p) | Span::From(p) if p.needs_year() => {
                    if let (Some(scope), Some((m1, _)), Some((m2, _))) =
                        (scope, p.key_start(), p.key_end())
                    {
                        for y in scope.start.year()..=scope.end.year() {
                            if let Some(r) = DateRange::months(y, m1, y, m2) {
                                if r.start >= scope.start && r.end <= scope.end {
                                    periods.push(r);
                                }
                            }
                        }
                    }
                }
                Span::Range(a, b) if a.needs_year() && b.needs_year() => {
                    if let (Some(scope), Some((m1, _)), Some((m2, _))) =
                        (scope, a.key_start(), b.key_end())
                    {
                        for y in scope.start.year()..=scope.end.year() {
                            let y2 = if m2 < m1 { y + 1 } else { y };
                            if let Some(r) = DateRange::months(y, m1, y2, m2) {
                                if r.start >= scope.start && r.end <= scope.end {
                                    periods.push(r);
                                }
                            }
                        }
                    }
                }
                other => rest.push(*other),
            }
        }
        spans = rest;
    } else if let Some(p) = period {
        if years_from_period(&mut spans, p) {
            year_from_period = true;
        }
    }

    for s in &spans {
        match s {
            Span::One(p) => {
                if let Some(r) = point_range(p, period) {
                    if matches!(p, Pt::ContextYear { .. }) {
                        year_from_period = true;
                    }
                    periods.push(r);
                }
            }
            Span::Range(a, b) => {
                if let (Some(ra), Some(rb)) = (point_range(a, period), point_range(b, period)) {
                    let (start, end) = (ra.start.min(rb.start), ra.end.max(rb.end));
                    periods.push(DateRange { start, end });
                }
            }
            Span::Until(p) => {
                if let Some(r) = point_range(p, period) {
                    if matches!(p, Pt::ContextYear { .. }) {
                        year_from_period = true;
                    }
                    until_end = Some(until_end.map_or(r.end, |e| e.max(r.end)));
                }
            }
            Span::From(p) => {
                if let Some(r) = point_range(p, period) {
                    from_start = Some(from_start.map_or(r.start, |s| s.min(r.start)));
                }
            }
        }
    }
    let months = if periods.is_empty() && until_end.is_none() && from_start.is_none() {
        months_written
    } else {
        Vec::new()
    };
    // A recurrence with no date at all runs over the plan's period.
    if recurrence.is_some()
        && periods.is_empty()
        && until_end.is_none()
        && from_start.is_none()
        && months.is_empty()
    {
        if let Some(p) = period {
            periods.push(p.range());
            year_from_period = true;
        }
    }
    let mut sorted = periods.clone();
    sorted.sort();
    sorted.dedup();
    let periods = if sorted.len() == periods.len() {
        periods
    } else {
        sorted
    };

    let mut start = periods.iter().map(|r| r.start).min();
    let mut end = periods.iter().map(|r| r.end).max();
    if let Some(u) = until_end {
        end = Some(end.map_or(u, |e| e.max(u)));
    }
    if let Some(f) = from_start {
        start = Some(start.map_or(f, |s| s.min(f)));
        if periods.is_empty() && until_end.is_none() {
            end = None;
        }
    }
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            // «с сентября 2022 до августа 2022»: contradictory text, keep only the end.
            start = None;
        }
    }

    let kind = if text_n.is_empty() {
        DeadlineKind::Empty
    } else if recurrence.is_some()
        && (start.is_some() || end.is_some() || !months.is_empty() || period.is_none())
    {
        DeadlineKind::Recurring
    } else if start.is_some() || end.is_some() {
        if periods.is_empty() && until_end.is_some() {
            DeadlineKind::Until
        } else if periods.is_empty() && from_start.is_some() {
            DeadlineKind::From
        } else if periods.len() > 1 {
            DeadlineKind::Periods
        } else if start == end {
            DeadlineKind::Date
        } else {
            DeadlineKind::Range
        }
    } else if !months.is_empty() {
        DeadlineKind::Months
    } else if spans.iter().any(|s| {
        matches!(
            s,
            Span::One(Pt::ContextYear { .. }) | Span::Until(Pt::ContextYear { .. })
        )
    }) {
        DeadlineKind::WholePeriod
    } else if !scan.conditions.is_empty() {
        DeadlineKind::Condition
    } else {
        DeadlineKind::Text
    };
    let mut d = Deadline {
        text: text_n,
        kind,
        start,
        end,
        periods: if periods.len() > 1 || recurrence.is_some() {
            periods
        } else {
            Vec::new()
        },
        recurrence,
        months,
        conditions: scan.conditions,
        year_from_period: year_from_period && (start.is_some() || end.is_some()),
        summary: String::new(),
    };
    d.summary = summary(&d);
    (d, scan.impossible)
}

/// What was understood, in Russian.
fn summary(d: &Deadline) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(r) = d.recurrence {
        parts.push(r.title().to_string());
    }
    match d.kind {
        DeadlineKind::Empty => return "срок не указан".into(),
        DeadlineKind::Text => return "срок не распознан, сохранён текстом".into(),
        _ => {}
    }
    if !d.months.is_empty() {
        let names: Vec<&str> = d
            .months
            .iter()
            .map(|m| MONTHS_NOMINATIVE[(*m - 1) as usize])
            .collect();
        parts.push(format!("{} (год не указан)", names.join(", ")));
    }
    if d.periods.len() > 1 {
        parts.push(
            d.periods
                .iter()
                .map(|p| p.ru())
                .collect::<Vec<_>>()
                .join("; "),
        );
    } else {
        match (d.start, d.end) {
            (Some(s), Some(e)) if s == e => parts.push(s.ru()),
            (Some(s), Some(e)) => parts.push(format!("{} – {}", s.ru(), e.ru())),
            (None, Some(e)) => parts.push(format!("до {}", e.ru())),
            (Some(s), None) => parts.push(format!("с {}", s.ru())),
            (None, None) => {}
        }
    }
    if d.kind == DeadlineKind::WholePeriod {
        parts.push("весь период плана".into());
    }
    for c in &d.conditions {
        parts.push(c.title().to_string());
    }
    if d.year_from_period {
        parts.push("год — из периода плана".into());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert_eq!(
            tokenize("7.08.-11.08.2021 года"),
            vec![
                Tok::DayMonth {
                    d: 7,
                    m: 8,
                    y: None
                },
                Tok::Dash,
                Tok::DayMonth {
                    d: 11,
                    m: 8,
                    y: Some(2021)
                },
                Tok::Word("года".into())
            ]
        );
        assert_eq!(
            tokenize("2022г."),
            vec![Tok::Num { v: 2022, digits: 4 }, Tok::Word("г".into())]
        );
        assert_eq!(month_of_word("Августа"), Some(8));
        assert_eq!(month_of_word("мая"), Some(5));
        assert_eq!(month_of_word("мастер"), None);
        assert_eq!(month_of_word("сент"), Some(9));
    }

    #[test]
    fn periods() {
        let p = Period::parse("на 2020-2021 годы").unwrap();
        assert!(!p.academic);
        assert_eq!(
            (p.start.iso(), p.end.iso()),
            ("2020-01-01".into(), "2021-12-31".into())
        );
        let p = Period::parse("в 2022-2023 учебном году").unwrap();
        assert!(p.academic);
        assert_eq!(
            (p.start.iso(), p.end.iso()),
            ("2022-09-01".into(), "2023-08-31".into())
        );
        assert!(Period::parse("2022/2023").unwrap().academic);
        assert!(Period::parse("2022-23").unwrap().academic);
        assert_eq!(Period::parse("2023 год").unwrap().end.iso(), "2023-12-31");
        assert!(Period::parse("без срока").is_none());
    }
}
