//! Diagnostics of professional deficits: a round of a diagnostic (a test
//! or a self-assessment) gives each teacher a score per subject and
//! competence area, and the topics found weak. A score under
//! [`DEFICIT_BELOW`] percent is a deficit. A teacher's profile compares the
//! latest two rounds (which deficits closed, which persist, which are new);
//! a heat map shows, per subject and competence, the share of the
//! diagnosed teachers with a deficit.

use opora_plans::coded;
use std::collections::BTreeMap;

coded!(
    /// The competence areas the regional diagnostics measure.
    Competence {
        Subject = "subject", "предметная";
        Methodical = "methodical", "методическая";
        PsychPedagogical = "psych_pedagogical", "психолого-педагогическая";
    }
);

impl Competence {
    /// As diagnostic reports write it: «Предметная», «предметные
    /// компетенции», «Методические», «ППК», «психолого-педагогические».
    pub fn parse(text: &str) -> Result<Competence, String> {
        let t = text.trim().to_lowercase().replace('ё', "е");
        let found = if t.starts_with("предмет") {
            Some(Competence::Subject)
        } else if t.starts_with("методич") {
            Some(Competence::Methodical)
        } else if t.starts_with("психолог") || t == "ппк" {
            Some(Competence::PsychPedagogical)
        } else {
            None
        };
        found.ok_or_else(|| {
            "неизвестная область компетенций; допустимые: предметная, методическая, психолого-педагогическая".into()
        })
    }
}

/// A score under this many percent is a deficit.
pub const DEFICIT_BELOW: f64 = 50.0;

pub fn is_deficit(score: f64) -> bool {
    score < DEFICIT_BELOW
}

/// One result of one teacher in one round.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub subject: String,
    pub competence: Competence,
    /// Percent, 0–100.
    pub score: f64,
    pub weak_topics: Vec<String>,
}

impl Cell {
    pub fn is_deficit(&self) -> bool {
        is_deficit(self.score)
    }
}

/// How a (subject, competence) of a teacher changed between two rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A deficit before, none now.
    Closed,
    /// A deficit in both rounds.
    Persisting,
    /// No deficit before (or not diagnosed), a deficit now.
    New,
}

impl Change {
    pub fn title(self) -> &'static str {
        match self {
            Change::Closed => "дефицит преодолён",
            Change::Persisting => "дефицит сохраняется",
            Change::New => "новый дефицит",
        }
    }
}

/// The changes of deficits from `earlier` to `later` (one teacher's cells
/// of two rounds). Only areas diagnosed in the later round count: an area
/// not diagnosed again has not closed.
pub fn compare(earlier: &[Cell], later: &[Cell]) -> Vec<(String, Competence, Change)> {
    let before: BTreeMap<(&str, Competence), bool> = earlier
        .iter()
        .map(|c| ((c.subject.as_str(), c.competence), c.is_deficit()))
        .collect();
    let mut out = Vec::new();
    for c in later {
        let was = before
            .get(&(c.subject.as_str(), c.competence))
            .copied()
            .unwrap_or(false);
        let change = match (was, c.is_deficit()) {
            (true, false) => Change::Closed,
            (true, true) => Change::Persisting,
            (false, true) => Change::New,
            (false, false) => continue,
        };
        out.push((c.subject.clone(), c.competence, change));
    }
    out
}

/// One cell of a heat map: of the teachers diagnosed in `subject` and
/// `competence`, how many have a deficit.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatCell {
    pub subject: String,
    pub competence: Competence,
    pub diagnosed: usize,
    pub with_deficit: usize,
}

impl HeatCell {
    /// The share with a deficit, percent.
    pub fn share(&self) -> f64 {
        if self.diagnosed == 0 {
            0.0
        } else {
            100.0 * self.with_deficit as f64 / self.diagnosed as f64
        }
    }
}

/// The heat map of a round's cells (any number of teachers), by subject
/// (alphabetical) and competence (in [`Competence::ALL`] order).
pub fn heat_map<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> Vec<HeatCell> {
    let mut counts: BTreeMap<(String, Competence), (usize, usize)> = BTreeMap::new();
    for c in cells {
        let e = counts.entry((c.subject.clone(), c.competence)).or_default();
        e.0 += 1;
        e.1 += usize::from(c.is_deficit());
    }
    counts
        .into_iter()
        .map(
            |((subject, competence), (diagnosed, with_deficit))| HeatCell {
                subject,
                competence,
                diagnosed,
                with_deficit,
            },
        )
        .collect()
}

/// Splits «тема 1; тема 2» into topics.
pub fn split_topics(text: &str) -> Vec<String> {
    text.split([';', '\n'])
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(subject: &str, competence: Competence, score: f64) -> Cell {
        Cell {
            subject: subject.into(),
            competence,
            score,
            weak_topics: vec![],
        }
    }

    #[test]
    fn competences_are_read_as_reports_write_them() {
        assert_eq!(
            Competence::parse("Предметные компетенции").unwrap(),
            Competence::Subject
        );
        assert_eq!(
            Competence::parse("методическая").unwrap(),
            Competence::Methodical
        );
        assert_eq!(
            Competence::parse("ППК").unwrap(),
            Competence::PsychPedagogical
        );
        assert!(Competence::parse("цифровая")
            .unwrap_err()
            .contains("предметная"));
    }

    #[test]
    fn a_score_under_half_is_a_deficit() {
        assert!(is_deficit(49.9));
        assert!(!is_deficit(50.0));
    }

    #[test]
    fn comparing_rounds_names_closed_persisting_and_new_deficits() {
        use Competence::*;
        let spring = [
            cell("Математика", Subject, 30.0),
            cell("Математика", Methodical, 40.0),
            cell("Математика", PsychPedagogical, 70.0),
        ];
        let autumn = [
            cell("Математика", Subject, 62.0),
            cell("Математика", Methodical, 45.0),
            cell("Математика", PsychPedagogical, 48.0),
        ];
        assert_eq!(
            compare(&spring, &autumn),
            vec![
                ("Математика".to_string(), Subject, Change::Closed),
                ("Математика".to_string(), Methodical, Change::Persisting),
                ("Математика".to_string(), PsychPedagogical, Change::New),
            ]
        );
        // Not diagnosed again: not closed.
        assert!(compare(&spring, &[]).is_empty());
    }

    #[test]
    fn a_heat_map_counts_the_diagnosed_and_those_with_a_deficit() {
        use Competence::*;
        let cells = [
            cell("Математика", Subject, 30.0),
            cell("Математика", Subject, 80.0),
            cell("Русский язык", Subject, 10.0),
        ];
        let map = heat_map(&cells);
        assert_eq!(map.len(), 2);
        assert_eq!(
            (
                map[0].subject.as_str(),
                map[0].diagnosed,
                map[0].with_deficit
            ),
            ("Математика", 2, 1)
        );
        assert_eq!(map[0].share(), 50.0);
        assert_eq!(map[1].share(), 100.0);
    }

    #[test]
    fn topics_are_split_by_semicolons_and_lines() {
        assert_eq!(
            split_topics(" Вероятность ;  Задачи  с параметром\nТексты;"),
            vec!["Вероятность", "Задачи с параметром", "Тексты"]
        );
    }
}
