//! What an event is: its kind, the level of its organiser, its state, and a
//! participant's attendance. Stable English codes with Russian titles.

use opora_plans::coded_parsed;
use opora_staff::development::StepKind;

coded_parsed!(
    /// The forms of events the programmes and roadmaps name.
    EventKind {
        Seminar = "seminar", "семинар";
        Webinar = "webinar", "вебинар";
        Association = "association", "методическое объединение (РМО, ШМО)";
        RoundTable = "round_table", "круглый стол";
        MasterClass = "master_class", "мастер-класс";
        OpenLesson = "open_lesson", "открытый урок";
        Conference = "conference", "конференция";
        Consultation = "consultation", "консультация";
        Internship = "internship", "стажировка";
        Contest = "contest", "конкурс";
        TeachersCouncil = "teachers_council", "педагогический совет";
        HeadsMeeting = "heads_meeting", "совещание с руководителями";
    }
);

impl EventKind {
    /// Whether attending it is methodological support of a teacher (the
    /// indicator «доля педагогов ШНОР и ШНСУ, которым оказана методическая
    /// поддержка»). A contest measures, a teachers' council and a meeting
    /// with heads govern: they support nobody's teaching by themselves.
    pub fn is_methodical_support(self) -> bool {
        !matches!(
            self,
            EventKind::Contest | EventKind::TeachersCouncil | EventKind::HeadsMeeting
        )
    }

    /// The step of a teacher's development plan that attending it is.
    pub fn step_kind(self) -> StepKind {
        match self {
            EventKind::Association => StepKind::Association,
            EventKind::OpenLesson => StepKind::OpenLesson,
            EventKind::Internship => StepKind::Course,
            _ => StepKind::Other,
        }
    }
}

coded_parsed!(
    /// The level of an event: whose it is.
    EventLevel {
        Federal = "federal", "федеральный";
        Regional = "regional", "региональный";
        Municipal = "municipal", "муниципальный";
        School = "school", "школьный";
    }
);

coded_parsed!(
    /// An event's state. Attendance and the protocol are written once it
    /// is held; a cancelled event keeps its record with the reason.
    EventStatus {
        Planned = "planned", "запланировано";
        Held = "held", "проведено";
        Cancelled = "cancelled", "отменено";
    }
);

coded_parsed!(
    /// A participant's attendance.
    Attendance {
        Invited = "invited", "приглашён";
        Attended = "attended", "присутствовал";
        Absent = "absent", "отсутствовал";
    }
);

/// The fewest hours of a course of further education (повышение
/// квалификации): an event shorter than this gives no certificate.
pub const MIN_COURSE_HOURS: u32 = 16;

/// Why an event's certificate cannot be: in Russian.
pub fn check_certificate(certificate: bool, hours: Option<u32>) -> Result<(), String> {
    if !certificate {
        return Ok(());
    }
    match hours {
        Some(h) if h >= MIN_COURSE_HOURS => Ok(()),
        Some(h) => Err(format!(
            "удостоверение о повышении квалификации выдаётся за программу не короче {MIN_COURSE_HOURS} часов, а у мероприятия {h}: уберите отметку об удостоверении или исправьте число часов"
        )),
        None => Err(format!(
            "укажите число часов: удостоверение о повышении квалификации выдаётся за программу не короче {MIN_COURSE_HOURS} часов"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contests_councils_and_meetings_are_not_methodical_support() {
        assert!(EventKind::Seminar.is_methodical_support());
        assert!(EventKind::Association.is_methodical_support());
        assert!(EventKind::Internship.is_methodical_support());
        assert!(!EventKind::Contest.is_methodical_support());
        assert!(!EventKind::TeachersCouncil.is_methodical_support());
        assert!(!EventKind::HeadsMeeting.is_methodical_support());
    }

    #[test]
    fn attending_is_the_development_step_of_its_kind() {
        assert_eq!(EventKind::Association.step_kind(), StepKind::Association);
        assert_eq!(EventKind::OpenLesson.step_kind(), StepKind::OpenLesson);
        assert_eq!(EventKind::Internship.step_kind(), StepKind::Course);
        assert_eq!(EventKind::Webinar.step_kind(), StepKind::Other);
    }

    #[test]
    fn kinds_are_read_from_a_code_or_a_russian_title() {
        assert_eq!(EventKind::parse("Семинар"), Some(EventKind::Seminar));
        assert_eq!(EventKind::parse("round_table"), Some(EventKind::RoundTable));
        assert_eq!(
            EventLevel::parse("муниципальный"),
            Some(EventLevel::Municipal)
        );
        assert_eq!(EventKind::parse("пикник"), None);
    }

    #[test]
    fn a_certificate_needs_a_course_of_sixteen_hours() {
        assert!(check_certificate(false, None).is_ok());
        assert!(check_certificate(true, Some(16)).is_ok());
        assert!(check_certificate(true, Some(72)).is_ok());
        let short = check_certificate(true, Some(6)).unwrap_err();
        assert!(short.contains("не короче 16 часов"), "{short}");
        assert!(short.contains("у мероприятия 6"), "{short}");
        assert!(check_certificate(true, None).is_err());
    }
}
