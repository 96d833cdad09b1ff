//! The teachers' list of a school's HR office: one row per person.

use super::{full_name, personnel_no, FULL_NAME, PERSONNEL_NO, SCHOOL_ID};
use crate::model::{parse_yes_no, Category};
use crate::subjects::{parse_grades, split_list};
use opora_io::records::{clean_name, school_code, Fields};
use opora_io::{Field, Schema};

pub static SCHEMA: Schema = Schema {
    fields: &[
        SCHOOL_ID,
        PERSONNEL_NO,
        FULL_NAME,
        Field {
            name: "position",
            aliases: &["Должность", "Занимаемая должность"],
            required: false,
        },
        Field {
            name: "subjects",
            aliases: &[
                "Преподаваемые предметы",
                "Преподаваемый предмет",
                "Предметы",
                "Предмет",
                "Преподаваемые дисциплины",
            ],
            required: false,
        },
        Field {
            name: "grades",
            aliases: &["Классы", "Параллели", "В каких классах", "Классы обучения"],
            required: false,
        },
        Field {
            name: "category",
            aliases: &[
                "Квалификационная категория",
                "Категория",
                "Кв. категория",
                "Квалификация",
            ],
            required: false,
        },
        Field {
            name: "experience_years",
            aliases: &[
                "Педагогический стаж",
                "Стаж педагогической работы",
                "Пед. стаж",
                "Стаж работы по специальности",
                "Стаж",
            ],
            required: false,
        },
        Field {
            name: "education",
            aliases: &["Образование", "Уровень образования"],
            required: false,
        },
        Field {
            name: "education_subject",
            aliases: &[
                "Специальность по диплому",
                "Направление подготовки",
                "Специальность",
                "Квалификация по диплому",
                "Направление подготовки и (или) специальность",
            ],
            required: false,
        },
        Field {
            name: "young_specialist",
            aliases: &["Молодой специалист", "Молодой педагог"],
            required: false,
        },
    ],
    tasks: false,
    keep_unknown: false,
};

/// A row of the file: the school and what is written about the person.
#[derive(Debug, Clone, PartialEq)]
pub struct TeacherRecord {
    pub school_code: String,
    pub fields: TeacherFields,
}

/// What people write about a teacher: the HR file's row and the card's
/// form give the same fields.
#[derive(Debug, Clone, PartialEq)]
pub struct TeacherFields {
    pub personnel_no: Option<String>,
    pub full_name: String,
    pub position: String,
    pub subjects: Vec<String>,
    pub grades: Vec<u8>,
    pub category: Category,
    pub experience_years: Option<i64>,
    pub education: String,
    pub education_subject: String,
    pub young_specialist: bool,
}

/// Teaching experience in whole years: «12», «12 лет», «3 года», «7,5».
pub fn experience(s: &str) -> Result<i64, String> {
    let number: String = s
        .trim()
        .trim_end_matches(|c: char| c.is_alphabetic() || c == '.' || c.is_whitespace())
        .to_string();
    let years = opora_io::values::parse_number(&number)
        .map_err(|_| "ожидается стаж в годах числом, например «12» или «12 лет»".to_string())?;
    if !(0.0..=70.0).contains(&years) {
        return Err("стаж должен быть от 0 до 70 лет".into());
    }
    Ok(years.floor() as i64)
}

pub fn parse_row(f: &mut Fields<'_>) -> Option<TeacherRecord> {
    let school_code = f.req("school_id", school_code);
    let personnel_no = f.opt("personnel_no", personnel_no);
    let full_name = f.req("full_name", full_name);
    let subjects = f.opt_text("subjects").map(|s| split_list(&s));
    let grades = f.opt("grades", parse_grades);
    let category = f.opt("category", Category::parse);
    let experience_years = f.opt("experience_years", experience);
    let young_specialist = f.opt("young_specialist", parse_yes_no);
    if f.bad {
        return None;
    }
    Some(TeacherRecord {
        school_code: school_code?,
        fields: TeacherFields {
            personnel_no,
            full_name: full_name?,
            position: f
                .opt_text("position")
                .map(|s| clean_name(&s))
                .unwrap_or_else(|| "учитель".into()),
            subjects: subjects.unwrap_or_default(),
            grades: grades.unwrap_or_default(),
            category: category.unwrap_or(Category::None),
            experience_years,
            education: f
                .opt_text("education")
                .map(|s| clean_name(&s))
                .unwrap_or_default(),
            education_subject: f
                .opt_text("education_subject")
                .map(|s| clean_name(&s))
                .unwrap_or_default(),
            young_specialist: young_specialist.unwrap_or(false),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn experience_is_read_with_or_without_the_word_years() {
        assert_eq!(experience("12").unwrap(), 12);
        assert_eq!(experience("12 лет").unwrap(), 12);
        assert_eq!(experience("3 года").unwrap(), 3);
        assert_eq!(experience("7,5").unwrap(), 7);
        assert!(experience("много").is_err());
        assert!(experience("120").is_err());
    }
}
