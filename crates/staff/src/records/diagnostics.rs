//! Results of an external diagnostic of professional deficits: one row per
//! teacher, subject and competence area, with the score in percent and the
//! topics found weak; the round (its title and date) is named in each row,
//! so one file may carry several rounds.

use super::{date, full_name, personnel_no, FULL_NAME, PERSONNEL_NO, SCHOOL_ID};
use crate::diagnostics::{split_topics, Competence};
use opora_io::records::{clean_name, school_code, Fields};
use opora_io::{Field, Schema};
use opora_plans::date::Date;

pub static SCHEMA: Schema = Schema {
    fields: &[
        Field {
            name: "round",
            aliases: &["Диагностика", "Название диагностики", "Мероприятие", "Этап"],
            required: true,
        },
        Field {
            name: "held_on",
            aliases: &["Дата проведения", "Дата диагностики", "Дата"],
            required: true,
        },
        SCHOOL_ID,
        PERSONNEL_NO,
        FULL_NAME,
        Field {
            name: "subject",
            aliases: &["Предмет", "Учебный предмет"],
            required: true,
        },
        Field {
            name: "competence",
            aliases: &["Компетенция", "Область компетенций", "Блок", "Область"],
            required: true,
        },
        Field {
            name: "score",
            aliases: &[
                "Результат, %",
                "Результат",
                "Процент выполнения",
                "% выполнения",
                "Балл, %",
            ],
            required: true,
        },
        Field {
            name: "weak_topics",
            aliases: &[
                "Дефициты",
                "Выявленные дефициты",
                "Темы с затруднениями",
                "Западающие темы",
            ],
            required: false,
        },
    ],
    tasks: false,
    keep_unknown: false,
};

/// A row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosticRecord {
    pub round: String,
    pub held_on: Date,
    pub school_code: String,
    pub personnel_no: Option<String>,
    pub full_name: String,
    pub subject: String,
    pub competence: Competence,
    pub score: f64,
    pub weak_topics: Vec<String>,
}

/// A score in percent, 0–100 («67», «67,5», «67 %»).
pub fn score(s: &str) -> Result<f64, String> {
    let v = opora_io::records::percent(s.trim().trim_end_matches('%').trim())?;
    Ok(v)
}

pub fn parse_row(f: &mut Fields<'_>) -> Option<DiagnosticRecord> {
    let round = f.text("round").map(|s| clean_name(&s));
    let held_on = f.req("held_on", date);
    let school_code = f.req("school_id", school_code);
    let personnel_no = f.opt("personnel_no", personnel_no);
    let full_name = f.req("full_name", full_name);
    let subject = f.text("subject").map(|s| clean_name(&s));
    let competence = f.req("competence", Competence::parse);
    let score = f.req("score", score);
    if f.bad {
        return None;
    }
    Some(DiagnosticRecord {
        round: round?,
        held_on: held_on?,
        school_code: school_code?,
        personnel_no,
        full_name: full_name?,
        subject: crate::subjects::split_list(&subject?).join(" "),
        competence: competence?,
        score: score?,
        weak_topics: f
            .opt_text("weak_topics")
            .map(|t| split_topics(&t))
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn scores_are_percentages_with_or_without_the_sign() {
        assert_eq!(super::score("67,5 %").unwrap(), 67.5);
        assert_eq!(super::score("100").unwrap(), 100.0);
        assert!(super::score("120").is_err());
    }
}
