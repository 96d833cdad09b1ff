//! Self-assessment instruments (самодиагностика): the methodological centre
//! writes statements per competence area («Умею проектировать урок по
//! ФГОС»), a teacher rates each on a four-step scale, and the answers
//! become the teacher's results of the instrument's round — a score per
//! area and the statements rated low as weak topics — so a self-diagnosis
//! shows on the profile, the heat map and the plans like any round.
//! Tests with a score per topic are taken on the providers' platforms and
//! imported from their files (`opora import diagnostics`).

use crate::diagnostics::{Cell, Competence};

/// The scale, from 1 to 4.
pub const SCALE: [&str; 4] = [
    "не владею",
    "владею частично",
    "владею в основном",
    "владею полностью",
];

/// An answer at or below this is a weak topic.
pub const WEAK_AT_MOST: u8 = 2;

/// A statement of an instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub competence: Competence,
    pub text: String,
}

/// Reads the statements written one per line as «область: утверждение»
/// («методическая: Умею проектировать урок по ФГОС»); blank lines are
/// skipped. Every line that does not read is named with its number.
pub fn parse_items(text: &str) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((area, statement)) = line.split_once(':') else {
            errors.push(format!(
                "строка {}: нет двоеточия; напишите «область: утверждение», например «методическая: Умею проектировать урок по ФГОС»",
                n + 1
            ));
            continue;
        };
        let statement = statement.split_whitespace().collect::<Vec<_>>().join(" ");
        match (Competence::parse(area), statement.is_empty()) {
            (Err(e), _) => errors.push(format!("строка {}: «{}» — {e}", n + 1, area.trim())),
            (Ok(_), true) => {
                errors.push(format!("строка {}: после двоеточия нет утверждения", n + 1))
            }
            (Ok(competence), false) => items.push(Item {
                competence,
                text: statement,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("; "));
    }
    if items.is_empty() {
        return Err("нет ни одного утверждения".into());
    }
    Ok(items)
}

/// The results of one teacher's answers (`answers[i]` rates `items[i]`,
/// 1–4) for `subject`: per area, the mean of (answer − 1) ÷ 3 in percent,
/// and the statements rated [`WEAK_AT_MOST`] or lower as weak topics.
pub fn cells(subject: &str, items: &[Item], answers: &[u8]) -> Vec<Cell> {
    Competence::ALL
        .iter()
        .filter_map(|&area| {
            let rated: Vec<(&Item, u8)> = items
                .iter()
                .zip(answers)
                .filter(|(i, _)| i.competence == area)
                .map(|(i, a)| (i, *a))
                .collect();
            if rated.is_empty() {
                return None;
            }
            let sum: f64 = rated
                .iter()
                .map(|(_, a)| f64::from(a.saturating_sub(1)))
                .sum();
            Some(Cell {
                subject: subject.to_string(),
                competence: area,
                score: 100.0 * sum / (3.0 * rated.len() as f64),
                weak_topics: rated
                    .iter()
                    .filter(|(_, a)| *a <= WEAK_AT_MOST)
                    .map(|(i, _)| i.text.clone())
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_read_per_area_and_bad_lines_are_named() {
        let items = parse_items(
            "предметная: Решаю задачи с параметром\n\n Методическая :  Умею   проектировать урок по ФГОС\nППК: Работаю с родителями",
        )
        .unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[1].competence, Competence::Methodical);
        assert_eq!(items[1].text, "Умею проектировать урок по ФГОС");
        let err =
            parse_items("Умею всё\nцифровая: Веду электронный журнал\nпредметная:").unwrap_err();
        assert!(err.starts_with("строка 1: нет двоеточия"), "{err}");
        assert!(err.contains("строка 2: «цифровая»"), "{err}");
        assert!(
            err.contains("строка 3: после двоеточия нет утверждения"),
            "{err}"
        );
        assert_eq!(parse_items("\n").unwrap_err(), "нет ни одного утверждения");
    }

    #[test]
    fn answers_give_a_score_per_area_and_weak_topics() {
        let items = parse_items(
            "предметная: Задачи с параметром\nпредметная: Геометрия\nметодическая: Формирующее оценивание",
        )
        .unwrap();
        let cells = cells("Математика", &items, &[1, 4, 3]);
        assert_eq!(cells.len(), 2, "no statements of the third area");
        assert_eq!(cells[0].competence, Competence::Subject);
        assert_eq!(cells[0].score, 50.0);
        assert_eq!(cells[0].weak_topics, vec!["Задачи с параметром"]);
        assert!(!cells[0].is_deficit(), "50 % is not under 50 %");
        assert!((cells[1].score - 200.0 / 3.0).abs() < 1e-9);
        assert!(cells[1].weak_topics.is_empty());
    }
}
