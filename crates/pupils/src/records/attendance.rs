//! Attendance per pupil and month, as school journals export it: the
//! school, the pupil's key, the month, lessons held, lessons missed and, of
//! these, missed without a valid reason.

use opora_io::records::{code, count, school_code, Fields};
use opora_io::{Field, Schema};
use opora_plans::deadline::month_of_word;

pub static SCHEMA: Schema = Schema {
    fields: &[
        Field {
            name: "school_id",
            aliases: &["Код ОО", "Логин ОО", "Код школы", "Код организации"],
            required: true,
        },
        Field {
            name: "student_key",
            aliases: &[
                "Код обучающегося",
                "Код участника",
                "Идентификатор обучающегося",
                "Участник",
                "Обучающийся",
            ],
            required: true,
        },
        Field {
            name: "month",
            aliases: &["Месяц", "Период", "Месяц, год"],
            required: true,
        },
        Field {
            name: "lessons",
            aliases: &[
                "Уроков",
                "Проведено уроков",
                "Всего уроков",
                "Уроков проведено",
            ],
            required: true,
        },
        Field {
            name: "missed",
            aliases: &[
                "Пропущено",
                "Пропущено уроков",
                "Пропуски",
                "Всего пропусков",
            ],
            required: true,
        },
        Field {
            name: "unexcused",
            aliases: &[
                "Без уважительной причины",
                "Пропущено без уважительной причины",
                "Из них без уважительной причины",
                "Прогулы",
            ],
            required: false,
        },
    ],
    tasks: false,
    keep_unknown: false,
};

/// A row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRecord {
    pub school_code: String,
    pub student_key: String,
    pub year: i32,
    pub month: u32,
    pub lessons: i64,
    pub missed: i64,
    pub unexcused: i64,
}

impl AttendanceRecord {
    /// «2025-09», the stored form of the month.
    pub fn month_code(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// A month as journals write it: «2025-09», «09.2025», «сентябрь 2025»,
/// «Сентябрь 2025 г.», or a date within the month («01.09.2025»).
pub fn month(s: &str) -> Result<(i32, u32), String> {
    let s = s.trim().trim_end_matches("г.").trim_end_matches('г').trim();
    let bad = || {
        format!("месяц «{s}» не распознан: напишите, например, «сентябрь 2025», «09.2025» или «2025-09»")
    };
    let in_range = |y: i32, m: u32| {
        if (1..=12).contains(&m) && (1990..=2100).contains(&y) {
            Ok((y, m))
        } else {
            Err(bad())
        }
    };
    if let Ok((y, m, _)) = opora_io::values::parse_date(s) {
        return in_range(y, m);
    }
    let parts: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == '.' || c == '-' || c == '/')
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b] = parts[..] else {
        return Err(bad());
    };
    if let Some(m) = month_of_word(&a.to_lowercase()) {
        return in_range(b.parse().map_err(|_| bad())?, m);
    }
    let (a, b): (u32, u32) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    if a > 999 {
        in_range(a as i32, b)
    } else {
        in_range(b as i32, a)
    }
}

pub fn parse_row(f: &mut Fields<'_>) -> Option<AttendanceRecord> {
    let school_code = f.req("school_id", school_code);
    let student_key = f.req("student_key", code);
    let month = f.req("month", month);
    let lessons = f.req("lessons", count);
    let missed = f.req("missed", count);
    let unexcused = f.opt("unexcused", count).unwrap_or(0);
    if f.bad {
        return None;
    }
    let (lessons, missed) = (lessons?, missed?);
    if missed > lessons {
        f.fail(
            "missed",
            format!("пропущено {missed} уроков, а проведено {lessons}: пропусков не может быть больше уроков; проверьте столбцы"),
        );
        return None;
    }
    if unexcused > missed {
        f.fail(
            "unexcused",
            format!("без уважительной причины {unexcused}, а всего пропущено {missed}: это часть пропусков; проверьте столбцы"),
        );
        return None;
    }
    let (year, month) = month?;
    Some(AttendanceRecord {
        school_code: school_code?,
        student_key: student_key?,
        year,
        month,
        lessons,
        missed,
        unexcused,
    })
}

#[cfg(test)]
mod tests {
    use super::month;

    #[test]
    fn months_are_read_as_journals_write_them() {
        assert_eq!(month("2025-09"), Ok((2025, 9)));
        assert_eq!(month("09.2025"), Ok((2025, 9)));
        assert_eq!(month("Сентябрь 2025 г."), Ok((2025, 9)));
        assert_eq!(month("октябрь 2025"), Ok((2025, 10)));
        assert_eq!(month("01.12.2025"), Ok((2025, 12)));
        assert!(month("13.2025").unwrap_err().contains("«13.2025»"));
        assert!(month("осень").is_err());
    }
}
