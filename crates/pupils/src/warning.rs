//! Early warning: a level per pupil and period, computed afresh from the
//! period's evidence (the latest assessments, the period's attendance, the
//! causes the school has marked), with the triggers that fired kept beside
//! it. Nothing carries over from the previous period: a pupil who caught up
//! loses the label when the next period is computed.
//!
//! **The rule** ([`assess`]):
//!
//! - each subject with mark «2» or below the minimum score counts
//!   [`FAILING_POINTS`]; each subject below the school's own threshold
//!   (and not failing) counts 1; each marked cause counts 1; lessons missed
//!   without a valid reason above [`UNEXCUSED_PCT`] % of the lessons count 1;
//! - the sum gives the level: 0 — no signal, 1–2 — attention, 3–4 — risk,
//!   5 and more — high risk;
//! - chronic absence (more than the school's threshold, 10 % by default,
//!   of the period's lessons missed) raises the level by one step, and so
//!   does severe absence (more than twice that) once more.
//!
//! The thresholds are the school's ([`Thresholds`]).

use crate::model::Cause;
use opora_plans::coded;
use opora_plans::date::Date;
use serde::{Deserialize, Serialize};

/// Points of a failing subject.
pub const FAILING_POINTS: u32 = 2;
/// Share of lessons missed without a valid reason that counts, percent.
pub const UNEXCUSED_PCT: f64 = 5.0;

/// The school's thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// A result below this share of the maximum score is low, percent.
    pub low_result_pct: f64,
    /// More than this share of lessons missed is chronic absence, percent.
    pub chronic_absence_pct: f64,
    /// Weeks between reviews of an individual route.
    pub review_weeks: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            low_result_pct: 30.0,
            chronic_absence_pct: 10.0,
            review_weeks: 6,
        }
    }
}

impl Thresholds {
    /// Checks the values a school sets; the message says which and why.
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=100.0).contains(&self.low_result_pct) {
            return Err("порог низкого результата: от 0 до 100 %".into());
        }
        if !(1.0..=100.0).contains(&self.chronic_absence_pct) {
            return Err("порог хронических пропусков: от 1 до 100 %".into());
        }
        if !(1..=26).contains(&self.review_weeks) {
            return Err("цикл пересмотра маршрута: от 1 до 26 недель".into());
        }
        Ok(())
    }
}

/// Lessons of a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub lessons: i64,
    pub missed: i64,
    /// Of the missed, without a valid reason.
    pub unexcused: i64,
}

impl Attendance {
    pub fn add(&mut self, other: Attendance) {
        self.lessons += other.lessons;
        self.missed += other.missed;
        self.unexcused += other.unexcused;
    }

    /// Missed lessons in percent of the lessons (0 without lessons).
    pub fn missed_pct(&self) -> f64 {
        pct(self.missed, self.lessons)
    }

    pub fn unexcused_pct(&self) -> f64 {
        pct(self.unexcused, self.lessons)
    }
}

fn pct(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// What is known of a pupil in a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// Subjects with mark «2» or below the minimum in the latest assessments.
    pub failing: Vec<String>,
    /// Subjects below the school's threshold (and not failing).
    pub low: Vec<String>,
    /// The period's attendance, if imported.
    pub attendance: Option<Attendance>,
    pub causes: Vec<Cause>,
}

/// A trigger that fired, kept with the level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    Failing { subject: String },
    Low { subject: String, threshold: f64 },
    ChronicAbsence { missed_pct: f64, threshold: f64 },
    SevereAbsence { missed_pct: f64, threshold: f64 },
    Unexcused { unexcused_pct: f64 },
    Cause { cause: Cause },
}

impl Trigger {
    /// The trigger in plain Russian.
    pub fn describe(&self) -> String {
        match self {
            Trigger::Failing { subject } => {
                format!("{subject}: отметка «2» или результат ниже минимального балла")
            }
            Trigger::Low { subject, threshold } => format!(
                "{subject}: результат ниже порога школы ({} % от максимального балла)",
                ru(*threshold)
            ),
            Trigger::ChronicAbsence {
                missed_pct,
                threshold,
            } => format!(
                "пропущено {} % уроков — больше порога хронических пропусков ({} %)",
                ru(*missed_pct),
                ru(*threshold)
            ),
            Trigger::SevereAbsence {
                missed_pct,
                threshold,
            } => format!(
                "пропущено {} % уроков — больше {} %, уровень повышен ещё на ступень",
                ru(*missed_pct),
                ru(*threshold)
            ),
            Trigger::Unexcused { unexcused_pct } => format!(
                "без уважительной причины пропущено {} % уроков",
                ru(*unexcused_pct)
            ),
            Trigger::Cause { cause } => format!("отмечено школой: {}", cause.title()),
        }
    }
}

/// «12,5»: one decimal, comma, no trailing «,0».
fn ru(v: f64) -> String {
    let s = format!("{:.1}", v);
    s.trim_end_matches(".0").replace('.', ",")
}

coded!(
    /// The early-warning level.
    WarningLevel {
        None = "none", "нет сигнала";
        Attention = "attention", "внимание";
        Risk = "risk", "риск";
        High = "high", "высокий риск";
    }
);

impl WarningLevel {
    /// 0 (none) to 3 (high).
    pub fn rank(self) -> u8 {
        match self {
            WarningLevel::None => 0,
            WarningLevel::Attention => 1,
            WarningLevel::Risk => 2,
            WarningLevel::High => 3,
        }
    }

    fn from_rank(rank: u8) -> WarningLevel {
        match rank {
            0 => WarningLevel::None,
            1 => WarningLevel::Attention,
            2 => WarningLevel::Risk,
            _ => WarningLevel::High,
        }
    }

    fn from_points(points: u32) -> WarningLevel {
        match points {
            0 => WarningLevel::None,
            1 | 2 => WarningLevel::Attention,
            3 | 4 => WarningLevel::Risk,
            _ => WarningLevel::High,
        }
    }
}

/// The level of a pupil's evidence and the triggers that fired.
pub fn assess(e: &Evidence, t: &Thresholds) -> (WarningLevel, Vec<Trigger>) {
    let mut triggers = Vec::new();
    let mut points = 0;
    for subject in &e.failing {
        points += FAILING_POINTS;
        triggers.push(Trigger::Failing {
            subject: subject.clone(),
        });
    }
    for subject in e.low.iter().filter(|s| !e.failing.contains(s)) {
        points += 1;
        triggers.push(Trigger::Low {
            subject: subject.clone(),
            threshold: t.low_result_pct,
        });
    }
    for cause in &e.causes {
        points += 1;
        triggers.push(Trigger::Cause { cause: *cause });
    }
    let mut raise = 0;
    if let Some(a) = e.attendance.filter(|a| a.lessons > 0) {
        if a.unexcused_pct() > UNEXCUSED_PCT {
            points += 1;
            triggers.push(Trigger::Unexcused {
                unexcused_pct: a.unexcused_pct(),
            });
        }
        if a.missed_pct() > t.chronic_absence_pct {
            raise += 1;
            triggers.push(Trigger::ChronicAbsence {
                missed_pct: a.missed_pct(),
                threshold: t.chronic_absence_pct,
            });
        }
        if a.missed_pct() > 2.0 * t.chronic_absence_pct {
            raise += 1;
            triggers.push(Trigger::SevereAbsence {
                missed_pct: a.missed_pct(),
                threshold: 2.0 * t.chronic_absence_pct,
            });
        }
    }
    let level = WarningLevel::from_rank(WarningLevel::from_points(points).rank() + raise);
    (level, triggers)
}

/// A period of the early warning: a half of an academic year (September to
/// December, January to August). Levels are computed per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    /// The academic year by its last calendar year (2027: 2026-2027).
    pub academic_year: i32,
    /// 1 or 2.
    pub half: u8,
}

impl Period {
    /// The period a date falls in.
    pub fn of(d: Date) -> Period {
        Period {
            academic_year: d.academic_year(),
            half: if d.month() >= 9 { 1 } else { 2 },
        }
    }

    /// «2027-1».
    pub fn code(&self) -> String {
        format!("{}-{}", self.academic_year, self.half)
    }

    pub fn parse(code: &str) -> Option<Period> {
        let (y, h) = code.trim().split_once('-')?;
        let academic_year: i32 = y.parse().ok()?;
        let half: u8 = h.parse().ok()?;
        ((1..=2).contains(&half) && (1990..=2100).contains(&academic_year)).then_some(Period {
            academic_year,
            half,
        })
    }

    /// «1-е полугодие 2026-2027 учебного года».
    pub fn title(&self) -> String {
        format!(
            "{}-е полугодие {}-{} учебного года",
            self.half,
            self.academic_year - 1,
            self.academic_year
        )
    }

    /// Whether a calendar month belongs to the period.
    pub fn contains_month(&self, year: i32, month: u32) -> bool {
        match self.half {
            1 => year == self.academic_year - 1 && (9..=12).contains(&month),
            _ => year == self.academic_year && (1..=8).contains(&month),
        }
    }

    /// The first and last months of the period as stored («2026-09»,
    /// «2026-12»): they compare as text.
    pub fn month_codes(&self) -> (String, String) {
        match self.half {
            1 => (
                format!("{}-09", self.academic_year - 1),
                format!("{}-12", self.academic_year - 1),
            ),
            _ => (
                format!("{}-01", self.academic_year),
                format!("{}-08", self.academic_year),
            ),
        }
    }

    /// The period before this one.
    pub fn previous(&self) -> Period {
        match self.half {
            1 => Period {
                academic_year: self.academic_year - 1,
                half: 2,
            },
            _ => Period {
                academic_year: self.academic_year,
                half: 1,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(failing: &[&str], low: &[&str]) -> Evidence {
        Evidence {
            failing: failing.iter().map(|s| s.to_string()).collect(),
            low: low.iter().map(|s| s.to_string()).collect(),
            ..Evidence::default()
        }
    }

    #[test]
    fn a_pupil_without_evidence_has_no_signal() {
        let (level, triggers) = assess(&Evidence::default(), &Thresholds::default());
        assert_eq!(level, WarningLevel::None);
        assert!(triggers.is_empty());
    }

    #[test]
    fn one_failing_subject_is_attention_two_are_risk_three_are_high() {
        let t = Thresholds::default();
        assert_eq!(
            assess(&evidence(&["Математика"], &[]), &t).0,
            WarningLevel::Attention
        );
        let two = evidence(&["Математика", "Русский язык"], &[]);
        assert_eq!(assess(&two, &t).0, WarningLevel::Risk);
        let three = evidence(&["Математика", "Русский язык", "Физика"], &[]);
        assert_eq!(assess(&three, &t).0, WarningLevel::High);
    }

    #[test]
    fn a_low_result_in_a_failing_subject_is_not_counted_twice() {
        let e = evidence(&["Математика"], &["Математика"]);
        let (level, triggers) = assess(&e, &Thresholds::default());
        assert_eq!(level, WarningLevel::Attention);
        assert_eq!(triggers.len(), 1);
    }

    #[test]
    fn chronic_absence_raises_the_level_by_one_step_and_severe_by_two() {
        let t = Thresholds::default();
        let mut e = evidence(&["Математика"], &[]);
        e.attendance = Some(Attendance {
            lessons: 100,
            missed: 12,
            unexcused: 0,
        });
        let (level, triggers) = assess(&e, &t);
        assert_eq!(level, WarningLevel::Risk);
        assert!(triggers[1].describe().contains("12 %"), "{triggers:?}");
        e.attendance = Some(Attendance {
            lessons: 100,
            missed: 25,
            unexcused: 0,
        });
        assert_eq!(assess(&e, &t).0, WarningLevel::High);
        // Exactly at the threshold is not «more than».
        e.attendance = Some(Attendance {
            lessons: 100,
            missed: 10,
            unexcused: 0,
        });
        assert_eq!(assess(&e, &t).0, WarningLevel::Attention);
    }

    #[test]
    fn absence_alone_gives_attention_and_unexcused_absence_counts() {
        let t = Thresholds::default();
        let e = Evidence {
            attendance: Some(Attendance {
                lessons: 80,
                missed: 10,
                unexcused: 6,
            }),
            ..Evidence::default()
        };
        let (level, triggers) = assess(&e, &t);
        // 1 point (unexcused 7,5 %) → attention, raised by chronic 12,5 % → risk.
        assert_eq!(level, WarningLevel::Risk);
        assert_eq!(
            triggers[0].describe(),
            "без уважительной причины пропущено 7,5 % уроков"
        );
    }

    #[test]
    fn a_school_sets_its_own_thresholds() {
        let strict = Thresholds {
            chronic_absence_pct: 5.0,
            ..Thresholds::default()
        };
        let e = Evidence {
            attendance: Some(Attendance {
                lessons: 100,
                missed: 6,
                unexcused: 0,
            }),
            ..Evidence::default()
        };
        assert_eq!(assess(&e, &Thresholds::default()).0, WarningLevel::None);
        assert_eq!(assess(&e, &strict).0, WarningLevel::Attention);
        assert!(Thresholds {
            review_weeks: 0,
            ..Thresholds::default()
        }
        .check()
        .is_err());
    }

    #[test]
    fn causes_count_a_point_each() {
        let e = Evidence {
            causes: vec![Cause::Family, Cause::Motivation, Cause::Health],
            ..Evidence::default()
        };
        assert_eq!(assess(&e, &Thresholds::default()).0, WarningLevel::Risk);
    }

    #[test]
    fn periods_are_halves_of_the_academic_year() {
        let p = Period::of(Date::new(2026, 12, 1).unwrap());
        assert_eq!(p.code(), "2027-1");
        assert_eq!(p.title(), "1-е полугодие 2026-2027 учебного года");
        assert!(p.contains_month(2026, 9));
        assert!(!p.contains_month(2027, 1));
        let spring = Period::of(Date::new(2027, 3, 10).unwrap());
        assert_eq!(
            spring,
            Period {
                academic_year: 2027,
                half: 2
            }
        );
        assert_eq!(spring.previous(), p);
        assert_eq!(p.previous().code(), "2026-2");
        assert_eq!(p.month_codes(), ("2026-09".into(), "2026-12".into()));
        assert_eq!(spring.month_codes(), ("2027-01".into(), "2027-08".into()));
        assert_eq!(Period::parse("2027-1"), Some(p));
        assert_eq!(Period::parse("2027-3"), None);
    }
}
