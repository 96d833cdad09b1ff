//! The staff files as school offices keep them: the teachers' list from the
//! HR office and the list of completed courses. Each kind has a [`Schema`]
//! of Russian and English header aliases and a `parse_row` that collects
//! every bad cell as a Russian row error, like the registry and results
//! records of `opora_io::records` (they live here, not in `io`, because they
//! decode into this crate's types and `io` sits below the domain crates).
//!
//! [`Schema`]: opora_io::Schema

pub mod courses;
pub mod diagnostics;
pub mod teachers;

use opora_io::Field;
use opora_plans::date::Date;

/// The school of a person's row (both files).
pub(crate) const SCHOOL_ID: Field = Field {
    name: "school_id",
    aliases: &["Код ОО", "Логин ОО", "Код школы", "Код организации"],
    required: true,
};

/// The person within the school, when the HR office numbers people.
pub(crate) const PERSONNEL_NO: Field = Field {
    name: "personnel_no",
    aliases: &[
        "Табельный номер",
        "Таб. №",
        "Табельный №",
        "Таб. номер",
        "Личный номер",
        "СНИЛС",
    ],
    required: false,
};

/// The person's full name.
pub(crate) const FULL_NAME: Field = Field {
    name: "full_name",
    aliases: &[
        "ФИО",
        "Ф.И.О.",
        "ФИО педагога",
        "ФИО работника",
        "ФИО сотрудника",
        "ФИО слушателя",
        "Фамилия, имя, отчество",
        "Фамилия Имя Отчество",
    ],
    required: true,
};

/// How a person is found in a school when the file has no personnel number:
/// the full name in lower case, «ё» as «е», single spaces.
pub fn name_key(full_name: &str) -> String {
    full_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// A date written as people write it (`дд.мм.гггг`, ISO, an Excel date).
pub fn date(s: &str) -> Result<Date, String> {
    let (y, m, d) = opora_io::values::parse_date(s)?;
    Date::new(y, m, d).ok_or_else(|| "такой даты не бывает; проверьте день и месяц".to_string())
}

/// A full name: at least a surname and a first name, letters only.
pub fn full_name(s: &str) -> Result<String, String> {
    let name = opora_io::records::clean_name(s);
    if name.split(' ').count() < 2 {
        return Err("ожидаются фамилия, имя и (при наличии) отчество через пробел, например «Иванова Мария Петровна»".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.')))
    {
        return Err(format!(
            "в ФИО недопустимый символ «{c}»: ожидаются буквы, пробелы и дефис"
        ));
    }
    Ok(name)
}

/// A personnel number: a code within the school (kept as written).
pub fn personnel_no(s: &str) -> Result<String, String> {
    let code = opora_io::records::code(s)?;
    if opora_io::text::looks_like_formula(&code) {
        return Err("табельный номер не может начинаться с «=», «+», «-» или «@»: электронная таблица выполнит такую ячейку как формулу".into());
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys_ignore_case_spaces_and_yo() {
        assert_eq!(
            name_key("  Семёнова   Анна  Петровна "),
            name_key("семенова анна петровна")
        );
    }

    #[test]
    fn full_names_need_two_words_of_letters() {
        assert_eq!(
            full_name(" Иванова  Мария Петровна ").unwrap(),
            "Иванова Мария Петровна"
        );
        assert!(full_name("Иванова").is_err());
        assert!(full_name("Иванова М.П.").is_ok());
        assert!(full_name("Иванова <b>Мария</b>").is_err());
    }

    #[test]
    fn dates_are_read_in_russian_and_iso_forms() {
        assert_eq!(date("05.03.2024").unwrap().iso(), "2024-03-05");
        assert_eq!(date("2024-03-05").unwrap().iso(), "2024-03-05");
        assert!(date("31.02.2024").is_err());
    }
}
