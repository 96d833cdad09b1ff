//! An indicator and its target as a passport writes them.

use serde::Serialize;

/// What an indicator counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share in per cent («100%», «20 %»).
    Percent,
    /// A number of schools, people or events («не менее 3»).
    Count,
    /// A score or a mean («0,5», «средний балл 3,8»).
    Score,
    /// Done or not («Да», «Нет»).
    YesNo,
}

impl Unit {
    /// The stored code (the same as in JSON).
    pub fn code(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Count => "count",
            Unit::Score => "score",
            Unit::YesNo => "yes_no",
        }
    }

    /// The unit of a stored code; `None` for an unknown one.
    pub fn from_code(code: &str) -> Option<Unit> {
        [Unit::Percent, Unit::Count, Unit::Score, Unit::YesNo]
            .into_iter()
            .find(|u| u.code() == code)
    }

    pub fn title(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Count => "количество",
            Unit::Score => "балл",
            Unit::YesNo => "да/нет",
        }
    }
}

/// Which way the fact should go against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The fact should reach the target or exceed it (the usual case).
    AtLeast,
    /// The fact should not exceed the target («не более 10%», «снижение доли…»).
    AtMost,
    /// The fact should be exactly it (yes/no targets).
    Equal,
}

impl Direction {
    /// The stored code (the same as in JSON).
    pub fn code(self) -> &'static str {
        match self {
            Direction::AtLeast => "at_least",
            Direction::AtMost => "at_most",
            Direction::Equal => "equal",
        }
    }

    /// The direction of a stored code; `None` for an unknown one.
    pub fn from_code(code: &str) -> Option<Direction> {
        [Direction::AtLeast, Direction::AtMost, Direction::Equal]
            .into_iter()
            .find(|d| d.code() == code)
    }

    /// «не менее », «не более », «» before a target.
    pub fn prefix(self) -> &'static str {
        match self {
            Direction::AtLeast => "не менее ",
            Direction::AtMost => "не более ",
            Direction::Equal => "",
        }
    }
}

/// A target as written: a number (per cent as 100, 20) or yes/no.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Target {
    Number(f64),
    /// «Да» or «Нет», as written.
    Text(String),
}

/// One indicator of a programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub name: String,
    /// The passport's section the indicator is listed under («По оценке
    /// процессов управления качеством образования»); empty without one.
    pub group: String,
    pub unit: Unit,
    pub target: Target,
    pub direction: Direction,
    /// The target cell as written (kept for the report and for checking).
    #[serde(skip)]
    pub target_text: String,
}

/// Why a target cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "целевое значение «{0}» не понято: напишите число («20%», «0,5», «не менее 3») или «Да»/«Нет»"
)]
pub struct TargetError(pub String);

/// Reads a target cell with the indicator's name (the name tells a count
/// from a score and which direction is good). Returns (unit, target, direction).
pub fn read_target(text: &str, name: &str) -> Result<(Unit, Target, Direction), TargetError> {
    let t = text.trim().trim_end_matches('.').trim();
    let lower = t.to_lowercase();
    let name_lower = name.to_lowercase();
    match lower.as_str() {
        "да" | "нет" => {
            let mut yes_no = t.to_string();
            // «да» and «ДА» read as «Да».
            if let Some(first) = yes_no.chars().next() {
                yes_no = first.to_uppercase().collect::<String>() + &lower[first.len_utf8()..];
            }
            return Ok((Unit::YesNo, Target::Text(yes_no), Direction::Equal));
        }
        _ => {}
    }
    let value = number_in(&lower).ok_or_else(|| TargetError(t.to_string()))?;
    let unit = if lower.contains('%') || lower.contains("процент") {
        Unit::Percent
    } else if ["балл", "средн", "индекс", "коэффициент"]
        .iter()
        .any(|w| name_lower.contains(w) || lower.contains(w))
        || value.fract() != 0.0
    {
        Unit::Score
    } else if name_lower.starts_with("доля") || name_lower.contains(" доля ") {
        // «Доля …» with a bare whole number: a share written without «%».
        Unit::Percent
    } else {
        Unit::Count
    };
    let at_most = ["не более", "не выше", "≤", "<"]
        .iter()
        .any(|w| lower.contains(w))
        || lower.starts_with("до ")
        || ["снижение", "уменьшение", "сокращение"]
            .iter()
            .any(|w| name_lower.starts_with(w));
    let direction = if at_most {
        Direction::AtMost
    } else {
        Direction::AtLeast
    };
    Ok((unit, Target::Number(value), direction))
}

/// The first number in a text, with a decimal comma or point («0,5», «20 %», «не менее 70»).
fn number_in(text: &str) -> Option<f64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.' || *c == ' ' || *c == '\u{a0}')
        .filter(|c| !c.is_whitespace())
        .collect();
    let digits = digits.trim_end_matches([',', '.']).replace(',', ".");
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(t: &str, name: &str) -> (Unit, Target, Direction) {
        read_target(t, name).unwrap()
    }

    #[test]
    fn targets_are_read_as_passports_write_them() {
        let share = "Доля ШНОР и ШНСУ, на сайтах которых размещена программа";
        assert_eq!(
            read("100%", share),
            (Unit::Percent, Target::Number(100.0), Direction::AtLeast)
        );
        assert_eq!(read("20 %", share).1, Target::Number(20.0));
        assert_eq!(read("не менее 70%", share).1, Target::Number(70.0));
        assert_eq!(read("0,5", "Средний балл ОГЭ по математике").0, Unit::Score);
        assert_eq!(read("0,5", "Прирост результатов").1, Target::Number(0.5));
        assert_eq!(
            read("Да", "Участие в мероприятиях межрегионального уровня"),
            (Unit::YesNo, Target::Text("Да".into()), Direction::Equal)
        );
        assert_eq!(read("ДА", "Участие").1, Target::Text("Да".into()));
        assert_eq!(read("3", "Количество семинаров").0, Unit::Count);
        assert_eq!(read("30", "Доля учителей").0, Unit::Percent);
        assert_eq!(read("не более 10%", share).2, Direction::AtMost);
        assert_eq!(
            read("5%", "Снижение доли обучающихся с отметкой «2»").2,
            Direction::AtMost
        );
        assert_eq!(
            read("1 000", "Количество участников").1,
            Target::Number(1000.0)
        );
    }

    #[test]
    fn a_target_without_a_number_or_yes_no_is_refused_with_the_text() {
        let e = read_target("высокий", "Уровень").unwrap_err();
        assert!(e.to_string().contains("«высокий»"), "{e}");
    }
}

/// How far a fact is from its target, for a traffic light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// The target is reached.
    Green,
    /// Within a fifth of the target.
    Yellow,
    /// Further away.
    Red,
    /// No fact yet.
    Grey,
}

impl Light {
    pub fn code(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
            Light::Grey => "grey",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Light::Green => "достигнуто",
            Light::Yellow => "близко к цели",
            Light::Red => "далеко от цели",
            Light::Grey => "нет данных",
        }
    }

    /// The light of a fact against a target. A numeric fact is compared
    /// with a numeric target in the target's direction; «близко» is within
    /// 20 % of the target. A yes/no target compares the fact's text
    /// («да»/«нет», any case) or a number (1 = да).
    pub fn of(target: &Target, direction: Direction, fact: Option<f64>, fact_text: &str) -> Light {
        match target {
            Target::Text(t) => {
                let wanted = t.trim().to_lowercase() == "да";
                let got = match fact_text.trim().to_lowercase().as_str() {
                    "да" => Some(true),
                    "нет" => Some(false),
                    _ => fact.map(|v| v != 0.0),
                };
                match got {
                    None => Light::Grey,
                    Some(g) if g == wanted => Light::Green,
                    Some(_) => Light::Red,
                }
            }
            Target::Number(t) => {
                let Some(f) = fact.filter(|f| f.is_finite()) else {
                    return Light::Grey;
                };
                let (reached, near) = match direction {
                    Direction::AtLeast => (f >= *t, f >= t * 0.8),
                    Direction::AtMost => (f <= *t, f <= t * 1.2 || (*t == 0.0 && f <= 1.0)),
                    Direction::Equal => ((f - t).abs() < 1e-9, (f - t).abs() <= t.abs() * 0.2),
                };
                if reached {
                    Light::Green
                } else if near {
                    Light::Yellow
                } else {
                    Light::Red
                }
            }
        }
    }
}

#[cfg(test)]
mod light_tests {
    use super::*;

    #[test]
    fn a_fact_is_green_at_its_target_yellow_near_it_and_red_far_from_it() {
        let t = Target::Number(20.0);
        assert_eq!(
            Light::of(&t, Direction::AtLeast, Some(25.0), ""),
            Light::Green
        );
        assert_eq!(
            Light::of(&t, Direction::AtLeast, Some(17.0), ""),
            Light::Yellow
        );
        assert_eq!(Light::of(&t, Direction::AtLeast, Some(5.0), ""), Light::Red);
        assert_eq!(
            Light::of(&t, Direction::AtMost, Some(5.0), ""),
            Light::Green
        );
        assert_eq!(
            Light::of(&t, Direction::AtMost, Some(23.0), ""),
            Light::Yellow
        );
        assert_eq!(Light::of(&t, Direction::AtLeast, None, ""), Light::Grey);
        let yes = Target::Text("Да".into());
        assert_eq!(Light::of(&yes, Direction::Equal, None, "да"), Light::Green);
        assert_eq!(Light::of(&yes, Direction::Equal, Some(0.0), ""), Light::Red);
        assert_eq!(Light::of(&yes, Direction::Equal, None, ""), Light::Grey);
    }
}
