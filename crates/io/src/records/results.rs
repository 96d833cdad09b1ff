//! Results of assessment procedures, pupil level or school level.

use super::{clean_name, count, non_negative, percent, school_code, Fields};
use crate::values::{parse_date, parse_integer, parse_mark, parse_year};
use crate::{ColumnMap, Field, IoError, Schema};
use opora_analytics::{AssessmentKey, PupilResult, SchoolResult};

pub const KEY_FIELDS: [Field; 5] = [
    Field {
        name: "year",
        aliases: &["Год", "Учебный год", "Год проведения"],
        required: true,
    },
    Field {
        name: "school_id",
        aliases: &["Код ОО", "Логин ОО", "Логин", "Код школы"],
        required: true,
    },
    Field {
        name: "procedure",
        aliases: &[
            "Процедура",
            "Оценочная процедура",
            "Вид работы",
            "Вид оценочной процедуры",
        ],
        required: true,
    },
    Field {
        name: "subject",
        aliases: &["Предмет", "Учебный предмет"],
        required: true,
    },
    Field {
        name: "grade",
        aliases: &["Класс", "Параллель"],
        required: true,
    },
];

pub static PUPIL_SCHEMA: Schema = Schema {
    fields: &[
        KEY_FIELDS[0],
        KEY_FIELDS[1],
        KEY_FIELDS[2],
        KEY_FIELDS[3],
        KEY_FIELDS[4],
        Field {
            name: "student_key",
            aliases: &[
                "Код участника",
                "Код обучающегося",
                "Идентификатор",
                "Псевдоним",
                "Код ученика",
            ],
            required: true,
        },
        Field {
            name: "score",
            aliases: &["Балл", "Первичный балл", "Сумма баллов", "Итоговый балл"],
            required: true,
        },
        // ЕГЭ exports carry the primary score and the test (100-point) score.
        Field {
            name: "test_score",
            aliases: &[
                "Тестовый балл",
                "Балл по 100-балльной шкале",
                "Стобалльный балл",
            ],
            required: false,
        },
        Field {
            name: "max_score",
            aliases: &["Максимальный балл", "Макс балл", "Максимум"],
            required: false,
        },
        Field {
            name: "mark",
            aliases: &["Отметка", "Оценка", "Отметка за работу"],
            required: false,
        },
        Field {
            name: "journal_mark",
            aliases: &[
                "Отметка по журналу",
                "Отметка за четверть",
                "Отметка за триместр",
                "Отметка за полугодие",
            ],
            required: false,
        },
        Field {
            name: "date",
            aliases: &["Дата", "Дата проведения"],
            required: false,
        },
    ],
    tasks: true,
    keep_unknown: false,
};

pub static SCHOOL_SCHEMA: Schema = Schema {
    fields: &[
        KEY_FIELDS[0],
        KEY_FIELDS[1],
        KEY_FIELDS[2],
        KEY_FIELDS[3],
        KEY_FIELDS[4],
        Field {
            name: "n",
            aliases: &[
                "Количество участников",
                "Число участников",
                "Участников",
                "Кол-во участников",
            ],
            required: true,
        },
        Field {
            name: "mean_score",
            aliases: &["Средний балл"],
            required: true,
        },
        Field {
            name: "sd_score",
            aliases: &["Стандартное отклонение", "СКО"],
            required: false,
        },
        Field {
            name: "se",
            aliases: &["Стандартная ошибка"],
            required: false,
        },
        Field {
            name: "share_2",
            aliases: &["Доля 2", "Доля «2»", "% 2"],
            required: false,
        },
        Field {
            name: "share_3",
            aliases: &["Доля 3", "Доля «3»", "% 3"],
            required: false,
        },
        Field {
            name: "share_4",
            aliases: &["Доля 4", "Доля «4»", "% 4"],
            required: false,
        },
        Field {
            name: "share_5",
            aliases: &["Доля 5", "Доля «5»", "% 5"],
            required: false,
        },
    ],
    tasks: false,
    keep_unknown: false,
};

/// «впр» → «ВПР»; other procedures keep their spelling in upper case.
pub fn normalize_procedure(s: &str) -> String {
    clean_name(s).to_uppercase()
}

/// «РУССКИЙ  ЯЗЫК» → «Русский язык»: one spelling per subject.
pub fn normalize_subject(s: &str) -> String {
    let lower = clean_name(s).to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => lower,
    }
}

/// Grades taught in Russian schools: 1–11, and 12 in evening (shift) and
/// open schools.
pub const GRADES: std::ops::RangeInclusive<i64> = 1..=12;

/// A grade (class year) 1–12.
pub fn grade(s: &str) -> std::result::Result<i64, String> {
    match parse_integer(s) {
        Ok(g) if GRADES.contains(&g) => Ok(g),
        _ => Err(format!(
            "ожидается номер класса от {} до {}",
            GRADES.start(),
            GRADES.end()
        )),
    }
}

/// A test score (ЕГЭ's 100-point scale): 0–100.
pub fn parse_test_score(s: &str) -> std::result::Result<f64, String> {
    let v = crate::values::parse_number(s)?;
    if !(0.0..=100.0).contains(&v) {
        return Err("тестовый балл — от 0 до 100".into());
    }
    Ok(v)
}

/// Mark scale of an assessment.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub max: f64,
    pub thresholds: [Option<f64>; 3],
}

impl Scale {
    pub fn mark(&self, score: f64) -> Option<u8> {
        let [t3, t4, t5] = self.thresholds;
        let (t3, t4, t5) = (t3?, t4?, t5?);
        Some(if score >= t5 {
            5
        } else if score >= t4 {
            4
        } else if score >= t3 {
            3
        } else {
            2
        })
    }
}

/// One parsed row.
#[derive(Debug, Clone)]
pub struct ResultRecord {
    pub school_code: String,
    pub key: AssessmentKey,
    pub body: ResultBody,
}

#[derive(Debug, Clone)]
pub enum ResultBody {
    /// A pupil's result (its `school_id` is the school code; `score` is the
    /// primary score), the test score on the 100-point scale if the file
    /// has one (ЕГЭ), the date the work was written, if given (ISO), and the
    /// task scores as written, `;`-separated (empty when the file has no
    /// task columns).
    Pupil {
        result: PupilResult,
        test_score: Option<f64>,
        held_on: Option<String>,
        tasks_text: String,
    },
    School(SchoolResult),
}

/// Whether a results file is school level: it has `n` and `mean_score`
/// columns (or they are mapped explicitly) and no pupil `score` column.
/// A school-level file with another problem (two columns for one field)
/// still counts as school level, so that resolving it reports that problem.
pub fn is_school_level(file: &str, header: &[String], explicit: &[(String, String)]) -> bool {
    if ColumnMap::resolve(file, header, &PUPIL_SCHEMA, explicit).is_ok() {
        return false;
    }
    !matches!(
        ColumnMap::resolve(file, header, &SCHOOL_SCHEMA, explicit),
        Err(IoError::MissingColumns { .. } | IoError::Mapping(_))
    )
}

/// The last assessment key read and its raw cells: consecutive rows of a
/// file nearly always share it, so normalising names once per run of rows
/// instead of once per row saves most of the key's cost.
#[derive(Debug, Default)]
pub struct KeyCache {
    raw: String,
    scratch: String,
    key: Option<AssessmentKey>,
}

impl KeyCache {
    fn lookup(&mut self, f: &Fields<'_>) -> Option<AssessmentKey> {
        self.scratch.clear();
        for field in ["year", "procedure", "subject", "grade"] {
            self.scratch
                .push_str(f.map.get(f.cells, field).unwrap_or(""));
            self.scratch.push('\u{1f}');
        }
        if self.scratch == self.raw {
            return self.key.clone();
        }
        None
    }

    fn store(&mut self, key: &AssessmentKey) {
        std::mem::swap(&mut self.raw, &mut self.scratch);
        self.key = Some(key.clone());
    }
}

/// Reads the key fields; `school_known` says whether a code is in the registry.
fn read_key(
    f: &mut Fields<'_>,
    cache: &mut KeyCache,
    school_known: &dyn Fn(&str) -> bool,
) -> Option<(String, AssessmentKey)> {
    let code = f.req("school_id", school_code);
    let key = match cache.lookup(f) {
        Some(k) => Some(k),
        None => {
            let year = f.req("year", parse_year);
            let procedure = f.req("procedure", |s| Ok(normalize_procedure(s)));
            let subject = f.req("subject", |s| Ok(normalize_subject(s)));
            let grade = f.req("grade", grade);
            let key = AssessmentKey {
                year: year?,
                procedure: procedure?,
                subject: subject?,
                grade: grade? as i32,
            };
            cache.store(&key);
            Some(key)
        }
    };
    if let Some(c) = &code {
        if !school_known(c) {
            f.fail(
                "school_id",
                "ОО с таким кодом нет в реестре; сначала загрузите реестр школ или исправьте код",
            );
            return None;
        }
    }
    Some((code?, key?))
}

/// Parses one results row; `None` when it had problems (recorded in `f`).
pub fn parse_row(
    f: &mut Fields<'_>,
    school_level: bool,
    cache: &mut KeyCache,
    school_known: &dyn Fn(&str) -> bool,
    scale_of: &dyn Fn(&AssessmentKey) -> Option<Scale>,
) -> Option<ResultRecord> {
    let (code, key) = read_key(f, cache, school_known)?;
    let scale = scale_of(&key);
    let body = if school_level {
        school_row(f, &code, &key, scale)?
    } else {
        pupil_row(f, &code, &key, scale)?
    };
    Some(ResultRecord {
        school_code: code,
        key,
        body,
    })
}

fn describe(k: &AssessmentKey) -> String {
    format!(
        "{}, {}, {} класс, {} год",
        k.procedure, k.subject, k.grade, k.year
    )
}

fn pupil_row(
    f: &mut Fields<'_>,
    code: &str,
    key: &AssessmentKey,
    scale: Option<Scale>,
) -> Option<ResultBody> {
    let map = f.map;
    let student_key = f.req("student_key", super::code);
    let score = f.req("score", non_negative);
    let test_score = f.opt("test_score", parse_test_score);
    let max_score = f.opt("max_score", non_negative);
    let mark = f.opt("mark", parse_mark);
    let journal_mark = f.opt("journal_mark", parse_mark);
    let held_on = f
        .opt("date", parse_date)
        .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    let mut tasks = Vec::with_capacity(map.tasks.len());
    let mut tasks_text = String::new();
    for (i, (n, idx)) in map.tasks.iter().enumerate() {
        let text = f.cells.get(*idx).map(|s| s.trim()).unwrap_or("");
        if i > 0 {
            tasks_text.push(';');
        }
        tasks_text.push_str(text);
        if text.is_empty() {
            tasks.push(None);
            continue;
        }
        match non_negative(text) {
            Ok(v) => tasks.push(Some(v)),
            Err(msg) => {
                let header = map.headers[*idx].clone();
                f.errors.push(
                    f.row,
                    Some(header),
                    Some(text),
                    format!("задание {n}: {msg}"),
                );
                f.bad = true;
            }
        }
    }
    let max = max_score.or(scale.map(|s| s.max));
    if let (Some(s), Some(m)) = (score, max) {
        if s > m {
            f.fail(
                "score",
                format!(
                    "балл больше максимального ({}) для {}; исправьте балл или максимальный балл",
                    opora_analytics::text::num(m, 1).trim_end_matches(",0"),
                    describe(key)
                ),
            );
        }
    }
    if f.bad {
        return None;
    }
    let score = score?;
    let mark = mark.or_else(|| scale.and_then(|s| s.mark(score)));
    Some(ResultBody::Pupil {
        result: PupilResult {
            year: key.year,
            school_id: code.to_string(),
            procedure: key.procedure.clone(),
            subject: key.subject.clone(),
            grade: key.grade,
            student_key: student_key?,
            score,
            max_score: max,
            mark,
            journal_mark,
            tasks,
        },
        test_score,
        held_on,
        tasks_text,
    })
}

fn school_row(
    f: &mut Fields<'_>,
    code: &str,
    key: &AssessmentKey,
    scale: Option<Scale>,
) -> Option<ResultBody> {
    let n = f.req("n", count);
    let mean = f.req("mean_score", non_negative);
    let sd = f.opt("sd_score", non_negative);
    let se = f.opt("se", non_negative);
    let shares = [
        f.opt("share_2", percent),
        f.opt("share_3", percent),
        f.opt("share_4", percent),
        f.opt("share_5", percent),
    ];
    if n == Some(0) {
        f.fail("n", "число участников должно быть больше нуля");
    }
    if let (Some(m), Some(s)) = (mean, scale) {
        if m > s.max {
            f.fail(
                "mean_score",
                format!(
                    "средний балл больше максимального ({}) для {}",
                    s.max,
                    describe(key)
                ),
            );
        }
    }
    if f.bad {
        return None;
    }
    Some(ResultBody::School(SchoolResult {
        year: key.year,
        school_id: code.to_string(),
        procedure: key.procedure.clone(),
        subject: key.subject.clone(),
        grade: key.grade,
        n: n? as u64,
        mean_score: mean?,
        sd_score: sd,
        se,
        mark_shares: shares,
    }))
}
