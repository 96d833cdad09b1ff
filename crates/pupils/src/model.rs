//! The register's vocabulary: stable English codes (stored, in JSON) with
//! Russian titles (on pages).

use opora_plans::coded;

coded!(
    /// The level of general education a grade belongs to.
    EducationLevel {
        Primary = "noo", "НОО (1–4 классы)";
        Basic = "ooo", "ООО (5–9 классы)";
        Secondary = "soo", "СОО (10–11 классы)";
    }
);

impl EducationLevel {
    /// The level of a grade 1–11 (`None` outside).
    pub fn of_grade(grade: i64) -> Option<EducationLevel> {
        match grade {
            1..=4 => Some(EducationLevel::Primary),
            5..=9 => Some(EducationLevel::Basic),
            10 | 11 => Some(EducationLevel::Secondary),
            _ => None,
        }
    }
}

coded!(
    /// Causes and risks of low results, the school's checklist.
    Cause {
        LearningGaps = "learning_gaps", "пробелы в знаниях";
        Attendance = "attendance", "пропуски занятий";
        Health = "health", "здоровье";
        Family = "family", "семейные обстоятельства";
        Language = "language", "русский язык не родной";
        Motivation = "motivation", "низкая учебная мотивация";
        Behaviour = "behaviour", "поведение";
    }
);

/// Causes stored as «code,code» in the order of [`Cause::ALL`]; unknown
/// codes are skipped (a code removed from the list stays readable).
pub fn causes_from_codes(s: &str) -> Vec<Cause> {
    let found: Vec<Cause> = s
        .split(',')
        .filter_map(|c| Cause::from_code(c.trim()))
        .collect();
    Cause::ALL
        .iter()
        .copied()
        .filter(|c| found.contains(c))
        .collect()
}

/// The stored form of a set of causes.
pub fn causes_to_codes(causes: &[Cause]) -> String {
    Cause::ALL
        .iter()
        .filter(|c| causes.contains(c))
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(",")
}

coded!(
    /// How a pupil came onto the register.
    Origin {
        Results = "results", "по результатам оценочных процедур";
        Manual = "manual", "добавлен школой";
    }
);

coded!(
    /// A pupil's place on the register.
    RegisterStatus {
        Active = "active", "на учёте";
        Left = "left", "снят с учёта";
    }
);

coded!(
    /// Why a pupil left the register.
    LeaveReason {
        Overcome = "overcome", "отставание преодолено";
        Moved = "moved", "выбыл из школы";
        Graduated = "graduated", "окончил школу";
        Other = "other", "другое";
    }
);

coded!(
    /// Tiers of support (the multi-tier model): every pupil of a class gets
    /// tier 1; tier 2 is group work; tier 3 is individual and intensive.
    Tier {
        Universal = "1", "1 уровень — в классе";
        Group = "2", "2 уровень — групповая поддержка";
        Individual = "3", "3 уровень — индивидуальная поддержка";
    }
);

coded!(
    /// What a step of an individual route is.
    StepKind {
        Consultation = "consultation", "консультации учителя";
        Tutoring = "tutoring", "занятия с тьютором";
        ExtraLessons = "extra_lessons", "дополнительные занятия";
        Psychologist = "psychologist", "педагог-психолог";
        SpeechTherapist = "speech_therapist", "учитель-логопед";
        SocialPedagogue = "social_pedagogue", "социальный педагог";
        IndividualCurriculum = "individual_curriculum", "индивидуальный учебный план";
        CareerGuidance = "career_guidance", "профориентация";
        Other = "other", "другое";
    }
);

coded!(
    /// A step's state.
    StepStatus {
        Planned = "planned", "запланирован";
        Done = "done", "выполнен";
        Cancelled = "cancelled", "отменён";
    }
);

coded!(
    /// A route's state: one active route per pupil.
    RouteStatus {
        Active = "active", "действует";
        Closed = "closed", "завершён";
    }
);

coded!(
    /// How a route ended.
    Outcome {
        Achieved = "achieved", "цели достигнуты";
        Partly = "partly", "цели достигнуты частично";
        NotAchieved = "not_achieved", "цели не достигнуты";
        Left = "left", "обучающийся выбыл";
    }
);

/// Whether a grade graduates (career guidance applies): 9 and 11.
pub fn is_graduating(grade: i64) -> bool {
    grade == 9 || grade == 11
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_fall_into_the_three_levels() {
        assert_eq!(EducationLevel::of_grade(1), Some(EducationLevel::Primary));
        assert_eq!(EducationLevel::of_grade(4), Some(EducationLevel::Primary));
        assert_eq!(EducationLevel::of_grade(5), Some(EducationLevel::Basic));
        assert_eq!(EducationLevel::of_grade(9), Some(EducationLevel::Basic));
        assert_eq!(
            EducationLevel::of_grade(10),
            Some(EducationLevel::Secondary)
        );
        assert_eq!(EducationLevel::of_grade(12), None);
        assert_eq!(EducationLevel::of_grade(0), None);
    }

    #[test]
    fn causes_keep_the_checklist_order_and_skip_unknown_codes() {
        let causes = causes_from_codes("motivation, nonsense,health");
        assert_eq!(causes, vec![Cause::Health, Cause::Motivation]);
        assert_eq!(causes_to_codes(&causes), "health,motivation");
        assert!(causes_from_codes("").is_empty());
    }
}
