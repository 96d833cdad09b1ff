//! Maximum scores and mark thresholds per assessment.

use super::results::{grade, normalize_procedure, normalize_subject, Scale};
use super::{non_negative, Fields};
use crate::values::parse_year;
use crate::{Field, Schema};
use opora_analytics::AssessmentKey;

pub static SCHEMA: Schema = Schema {
    fields: &[
        Field {
            name: "year",
            aliases: &["Год", "Учебный год"],
            required: true,
        },
        Field {
            name: "procedure",
            aliases: &["Процедура", "Оценочная процедура"],
            required: true,
        },
        Field {
            name: "subject",
            aliases: &["Предмет"],
            required: true,
        },
        Field {
            name: "grade",
            aliases: &["Класс", "Параллель"],
            required: true,
        },
        Field {
            name: "max_score",
            aliases: &["Максимальный балл", "Макс балл"],
            required: true,
        },
        Field {
            name: "min_3",
            aliases: &["Порог 3", "Минимальный балл на 3", "Порог «3»"],
            required: false,
        },
        Field {
            name: "min_4",
            aliases: &["Порог 4", "Минимальный балл на 4", "Порог «4»"],
            required: false,
        },
        Field {
            name: "min_5",
            aliases: &["Порог 5", "Минимальный балл на 5", "Порог «5»"],
            required: false,
        },
    ],
    tasks: false,
    keep_unknown: false,
};

pub fn parse_row(f: &mut Fields<'_>) -> Option<(AssessmentKey, Scale)> {
    let year = f.req("year", parse_year);
    let procedure = f.req("procedure", |s| Ok(normalize_procedure(s)));
    let subject = f.req("subject", |s| Ok(normalize_subject(s)));
    let grade = f.req("grade", grade);
    let max = f.req("max_score", non_negative);
    let t = [
        f.opt("min_3", non_negative),
        f.opt("min_4", non_negative),
        f.opt("min_5", non_negative),
    ];
    let given: Vec<f64> = t.iter().flatten().copied().collect();
    if given.windows(2).any(|w| w[0] >= w[1]) {
        f.fail(
            "min_4",
            "пороги отметок должны возрастать: порог «3» < порог «4» < порог «5»",
        );
    }
    if let Some(m) = max {
        if given.iter().any(|v| *v > m) {
            f.fail("max_score", "порог отметки больше максимального балла");
        }
    }
    if f.bad {
        return None;
    }
    let key = AssessmentKey {
        year: year?,
        procedure: procedure?,
        subject: subject?,
        grade: grade? as i32,
    };
    Some((
        key,
        Scale {
            max: max?,
            thresholds: t,
        },
    ))
}
