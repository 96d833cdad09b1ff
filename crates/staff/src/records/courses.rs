//! Completed qualification courses: one row per course of one person.

use super::{date, full_name, personnel_no, FULL_NAME, PERSONNEL_NO, SCHOOL_ID};
use crate::model::{CourseKind, ProviderKind};
use opora_io::records::{clean_name, count, school_code, Fields};
use opora_io::{Field, Schema};
use opora_plans::date::Date;

pub static SCHEMA: Schema = Schema {
    fields: &[
        SCHOOL_ID,
        PERSONNEL_NO,
        FULL_NAME,
        Field {
            name: "title",
            aliases: &[
                "Наименование программы",
                "Название программы",
                "Программа",
                "Тема курсов",
                "Наименование курсов",
                "Название курса",
                "Тема",
            ],
            required: true,
        },
        Field {
            name: "kind",
            aliases: &["Вид обучения", "Вид программы", "Вид", "Тип программы"],
            required: false,
        },
        Field {
            name: "hours",
            aliases: &[
                "Количество часов",
                "Кол-во часов",
                "Объём, ч",
                "Объем часов",
                "Часов",
                "Объём программы",
            ],
            required: false,
        },
        Field {
            name: "provider",
            aliases: &[
                "Организация",
                "Организация, проводившая обучение",
                "Место прохождения",
                "Где проходил обучение",
                "Учреждение",
                "Образовательная организация ДПО",
            ],
            required: false,
        },
        Field {
            name: "provider_kind",
            aliases: &["Вид организации", "Тип организации"],
            required: false,
        },
        Field {
            name: "start_date",
            aliases: &["Дата начала", "Начало обучения", "Начало"],
            required: false,
        },
        Field {
            name: "end_date",
            aliases: &[
                "Дата окончания",
                "Окончание обучения",
                "Дата выдачи удостоверения",
                "Окончание",
            ],
            required: true,
        },
        Field {
            name: "certificate_no",
            aliases: &[
                "Номер удостоверения",
                "№ удостоверения",
                "Номер документа",
                "Удостоверение",
                "Номер диплома",
                "Регистрационный номер",
            ],
            required: false,
        },
        Field {
            name: "subject_area",
            aliases: &["Предметная область", "Направленность", "Предмет"],
            required: false,
        },
    ],
    tasks: false,
    keep_unknown: false,
};

/// A row of the file: whose course (school, number, name) and the course.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseRecord {
    pub school_code: String,
    pub personnel_no: Option<String>,
    pub full_name: String,
    pub fields: CourseFields,
}

/// What people write about a course (the file's row and the card's form).
#[derive(Debug, Clone, PartialEq)]
pub struct CourseFields {
    pub title: String,
    pub kind: CourseKind,
    pub hours: Option<i64>,
    pub provider: String,
    pub provider_kind: ProviderKind,
    pub start: Option<Date>,
    pub end: Date,
    pub certificate_no: String,
    pub subject_area: String,
}

/// Hours of a programme: a whole number from 1 to 3000.
pub fn hours(s: &str) -> Result<i64, String> {
    let h = count(s.trim().trim_end_matches(['ч', '.', ' ']))?;
    if !(1..=3000).contains(&h) {
        return Err("ожидается количество часов от 1 до 3000".into());
    }
    Ok(h)
}

pub fn parse_row(f: &mut Fields<'_>) -> Option<CourseRecord> {
    let school_code = f.req("school_id", school_code);
    let personnel_no = f.opt("personnel_no", personnel_no);
    let full_name = f.req("full_name", full_name);
    let title = f.text("title").map(|s| clean_name(&s));
    let kind = f.opt("kind", CourseKind::parse);
    let hours = f.opt("hours", hours);
    let provider_kind = f.opt("provider_kind", ProviderKind::parse);
    let start = f.opt("start_date", date);
    let end = f.req("end_date", date);
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            f.fail(
                "start_date",
                format!(
                    "дата начала позже даты окончания ({}); проверьте даты",
                    e.ru()
                ),
            );
        }
    }
    if f.bad {
        return None;
    }
    let provider = f
        .opt_text("provider")
        .map(|s| clean_name(&s))
        .unwrap_or_default();
    Some(CourseRecord {
        school_code: school_code?,
        personnel_no,
        full_name: full_name?,
        fields: CourseFields {
            title: title?,
            kind: kind.unwrap_or(CourseKind::Upgrade),
            hours,
            provider_kind: provider_kind.unwrap_or_else(|| ProviderKind::guess(&provider)),
            provider,
            start,
            end: end?,
            certificate_no: f
                .opt_text("certificate_no")
                .map(|s| clean_name(&s))
                .unwrap_or_default(),
            subject_area: f
                .opt_text("subject_area")
                .map(|s| clean_name(&s))
                .unwrap_or_default(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_accept_a_trailing_unit() {
        assert_eq!(hours("72").unwrap(), 72);
        assert_eq!(hours("36 ч.").unwrap(), 36);
        assert!(hours("0").is_err());
        assert!(hours("семьдесят два").is_err());
    }
}
