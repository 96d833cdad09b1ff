//! Individual development plans (индивидуальный образовательный маршрут
//! педагога, ИОМ): steps that address a teacher's deficits, drafted from
//! the latest diagnostic round and the region's catalogue of programmes,
//! then edited by people.
//!
//! **The draft** ([`draft`]), for the deficits of a round, in their order:
//!
//! - each deficit gets the catalogue programme that fits it best
//!   ([`Programme::fit`]: the same competence area, the same subject or a
//!   programme for every subject, most weak topics named) as a course step
//!   due in [`COURSE_MONTHS`] months — one programme that fits several
//!   deficits is one step; a deficit the catalogue has no programme for
//!   gets self-education on its weak topics instead;
//! - a methodical deficit adds an open lesson (showing the new practice)
//!   due in [`LESSON_MONTHS`] months;
//! - the weak topics of all deficits go into one step of the
//!   methodological association (ШМО/РМО) due in [`ASSOCIATION_MONTHS`];
//! - an active mentor adds regular meetings until the plan's end;
//! - the plan lasts [`PLAN_MONTHS`] months: the next diagnostic round
//!   (twice a year in the regional practice) shows which deficits closed.
//!
//! A step that addresses a deficit keeps its subject and area, so that the
//! next round tells its [`Outcome`].

use crate::clock::add_months;
use crate::diagnostics::{Cell, Competence};
use crate::subjects::covers;
use opora_plans::coded;
use opora_plans::date::Date;

/// How long a drafted plan lasts: until the next round of diagnostics.
pub const PLAN_MONTHS: u32 = 6;
/// When a drafted course step is due.
pub const COURSE_MONTHS: u32 = 3;
/// When a drafted methodological-association step is due.
pub const ASSOCIATION_MONTHS: u32 = 2;
/// When a drafted open lesson is due (after the course).
pub const LESSON_MONTHS: u32 = 5;

coded!(
    /// What a step of a plan is.
    StepKind {
        Course = "course", "курсы повышения квалификации";
        Mentoring = "mentoring", "работа с наставником";
        Association = "association", "методическое объединение (ШМО/РМО)";
        SelfEducation = "self_education", "самообразование";
        OpenLesson = "open_lesson", "открытый урок";
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
    /// A plan's state: one active plan per teacher.
    DevPlanStatus {
        Active = "active", "действует";
        Closed = "closed", "завершён";
    }
);

/// A programme of the catalogue, as the draft needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    pub id: i64,
    pub title: String,
    /// The subject it is for; empty: every subject.
    pub subject: String,
    /// The competence areas it develops (the deficits it addresses).
    pub competences: Vec<Competence>,
    pub topics: Vec<String>,
}

/// How well a programme fits a deficit; larger is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fit {
    /// Made for the deficit's subject (not for every subject).
    pub same_subject: bool,
    /// Weak topics of the deficit that the programme names.
    pub topics: usize,
}

impl Programme {
    /// How it fits `deficit`: `None` when it develops another area or is
    /// for another subject.
    pub fn fit(&self, deficit: &Cell) -> Option<Fit> {
        if !self.competences.contains(&deficit.competence) {
            return None;
        }
        let same_subject = !self.subject.trim().is_empty();
        if same_subject && !covers(&deficit.subject, &self.subject) {
            return None;
        }
        let topics = deficit
            .weak_topics
            .iter()
            .filter(|t| self.topics.iter().any(|p| same_topic(p, t)))
            .count();
        Some(Fit {
            same_subject,
            topics,
        })
    }
}

/// Topics are the same when one names the other («дроби» — «действия с
/// дробями» does not; «формативное оценивание» — «Формативное оценивание
/// на уроке» does): case and «ё» ignored.
fn same_topic(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().to_lowercase().replace('ё', "е");
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// The programme that fits `deficit` best (the first of the catalogue
/// among equals), if any.
pub fn best_programme<'a>(deficit: &Cell, catalogue: &'a [Programme]) -> Option<&'a Programme> {
    let mut best: Option<(&Programme, Fit)> = None;
    for p in catalogue {
        if let Some(fit) = p.fit(deficit) {
            if best.is_none_or(|(_, b)| fit > b) {
                best = Some((p, fit));
            }
        }
    }
    best.map(|(p, _)| p)
}

/// What a step says: drafted here or written by people, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StepFields {
    pub kind: StepKind,
    pub title: String,
    /// The deficit it addresses (subject and area), if one.
    pub subject: String,
    pub competence: Option<Competence>,
    pub programme_id: Option<i64>,
    pub due_on: Date,
}

/// The drafted plan: its period and steps.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDraft {
    pub starts_on: Date,
    pub ends_on: Date,
    pub steps: Vec<StepFields>,
}

/// Drafts a plan from `deficits` (a teacher's cells of a round that are
/// deficits; others are ignored), starting on `start`; `mentor` is the
/// name of the teacher's active mentor, if any. See the module's rules.
pub fn draft(
    deficits: &[Cell],
    catalogue: &[Programme],
    mentor: Option<&str>,
    start: Date,
) -> PlanDraft {
    let deficits: Vec<&Cell> = deficits.iter().filter(|c| c.is_deficit()).collect();
    let ends_on = add_months(start, PLAN_MONTHS);
    let mut steps: Vec<StepFields> = Vec::new();
    let step = |kind, title: String, deficit: Option<&Cell>, programme_id, months| StepFields {
        kind,
        title,
        subject: deficit.map(|d| d.subject.clone()).unwrap_or_default(),
        competence: deficit.map(|d| d.competence),
        programme_id,
        due_on: add_months(start, months),
    };
    for d in &deficits {
        match best_programme(d, catalogue) {
            Some(p) if steps.iter().any(|s| s.programme_id == Some(p.id)) => {}
            Some(p) => steps.push(step(
                StepKind::Course,
                p.title.clone(),
                Some(d),
                Some(p.id),
                COURSE_MONTHS,
            )),
            None => steps.push(step(
                StepKind::SelfEducation,
                format!(
                    "Самообразование: {} ({}, {} компетенции)",
                    topics_or_area(d),
                    d.subject,
                    d.competence.title()
                ),
                Some(d),
                None,
                COURSE_MONTHS,
            )),
        }
    }
    let mut topics: Vec<&str> = Vec::new();
    for t in deficits.iter().flat_map(|d| d.weak_topics.iter()) {
        if !topics.iter().any(|x| same_topic(x, t)) {
            topics.push(t);
        }
    }
    if !topics.is_empty() {
        steps.push(step(
            StepKind::Association,
            format!(
                "Разбор на заседании ШМО/РМО трудных тем: {}",
                topics.join("; ")
            ),
            None,
            None,
            ASSOCIATION_MONTHS,
        ));
    }
    for d in deficits
        .iter()
        .filter(|d| d.competence == Competence::Methodical)
    {
        steps.push(step(
            StepKind::OpenLesson,
            format!("Открытый урок ({}) с анализом освоенных приёмов", d.subject),
            Some(d),
            None,
            LESSON_MONTHS,
        ));
    }
    if let Some(name) = mentor {
        steps.push(step(
            StepKind::Mentoring,
            format!("Встречи с наставником ({name}) не реже раза в месяц"),
            None,
            None,
            PLAN_MONTHS,
        ));
    }
    steps.sort_by_key(|s| s.due_on);
    PlanDraft {
        starts_on: start,
        ends_on,
        steps,
    }
}

fn topics_or_area(d: &Cell) -> String {
    if d.weak_topics.is_empty() {
        "дефицитная область".into()
    } else {
        d.weak_topics.join("; ")
    }
}

/// What the diagnostics say of a deficit a step addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not diagnosed in a round after the plan's.
    NotYet,
    Closed,
    Persisting,
}

impl Outcome {
    pub fn title(self) -> &'static str {
        match self {
            Outcome::NotYet => "повторная диагностика ещё не проводилась",
            Outcome::Closed => "дефицит преодолён",
            Outcome::Persisting => "дефицит сохраняется",
        }
    }
}

/// The outcome of the deficit (`subject`, `competence`) in `later`, the
/// teacher's cells of the latest round after the plan's round (`None`
/// without such a round).
pub fn outcome(subject: &str, competence: Competence, later: Option<&[Cell]>) -> Outcome {
    let cell = later
        .unwrap_or_default()
        .iter()
        .find(|c| c.subject == subject && c.competence == competence);
    match cell {
        None => Outcome::NotYet,
        Some(c) if c.is_deficit() => Outcome::Persisting,
        Some(_) => Outcome::Closed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn cell(subject: &str, competence: Competence, score: f64, topics: &[&str]) -> Cell {
        Cell {
            subject: subject.into(),
            competence,
            score,
            weak_topics: topics.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn programme(id: i64, subject: &str, competences: &[Competence], topics: &[&str]) -> Programme {
        Programme {
            id,
            title: format!("Программа {id}"),
            subject: subject.into(),
            competences: competences.to_vec(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn a_programme_fits_its_area_and_subject_and_prefers_named_topics() {
        let deficit = cell(
            "Математика",
            Competence::Subject,
            35.0,
            &["Текстовые задачи", "Геометрия"],
        );
        let catalogue = [
            programme(1, "", &[Competence::Subject], &[]),
            programme(
                2,
                "Русский язык",
                &[Competence::Subject],
                &["текстовые задачи"],
            ),
            programme(3, "Математика", &[Competence::Methodical], &[]),
            programme(4, "Математика", &[Competence::Subject], &[]),
            programme(
                5,
                "математика",
                &[Competence::Subject],
                &["текстовые задачи"],
            ),
        ];
        assert_eq!(catalogue[1].fit(&deficit), None, "another subject");
        assert_eq!(catalogue[2].fit(&deficit), None, "another area");
        assert_eq!(best_programme(&deficit, &catalogue).unwrap().id, 5);
        assert_eq!(best_programme(&deficit, &catalogue[..4]).unwrap().id, 4);
        assert_eq!(best_programme(&deficit, &catalogue[..1]).unwrap().id, 1);
        assert_eq!(best_programme(&deficit, &catalogue[1..3]), None);
    }

    #[test]
    fn the_draft_covers_every_deficit_and_only_deficits() {
        let cells = [
            cell(
                "Математика",
                Competence::Subject,
                35.0,
                &["Текстовые задачи"],
            ),
            cell(
                "Математика",
                Competence::Methodical,
                40.0,
                &["Формативное оценивание"],
            ),
            cell(
                "Математика",
                Competence::PsychPedagogical,
                80.0,
                &["Конфликты"],
            ),
        ];
        let catalogue = [programme(7, "Математика", &[Competence::Subject], &[])];
        let plan = draft(&cells, &catalogue, Some("Петрова А. В."), d("2026-09-01"));
        assert_eq!(plan.ends_on, d("2027-03-01"));
        let kinds: Vec<StepKind> = plan.steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                StepKind::Association,
                StepKind::Course,
                StepKind::SelfEducation,
                StepKind::OpenLesson,
                StepKind::Mentoring
            ]
        );
        let course = &plan.steps[1];
        assert_eq!(
            (course.programme_id, course.competence, course.due_on),
            (Some(7), Some(Competence::Subject), d("2026-12-01"))
        );
        assert!(plan.steps[2].title.contains("Формативное оценивание"));
        assert!(
            !plan.steps[0].title.contains("Конфликты"),
            "not a deficit: {}",
            plan.steps[0].title
        );
        assert!(plan.steps[4].title.contains("Петрова А. В."));
    }

    #[test]
    fn one_programme_for_several_deficits_is_one_step() {
        let cells = [
            cell("Математика", Competence::Subject, 35.0, &[]),
            cell("Физика", Competence::Subject, 30.0, &[]),
        ];
        let catalogue = [programme(3, "", &[Competence::Subject], &[])];
        let plan = draft(&cells, &catalogue, None, d("2026-09-01"));
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.steps[0].subject, "Математика");
    }

    #[test]
    fn no_deficits_draft_an_empty_plan() {
        let cells = [cell("Математика", Competence::Subject, 90.0, &["Дроби"])];
        assert!(draft(&cells, &[], None, d("2026-09-01")).steps.is_empty());
    }

    #[test]
    fn the_next_round_tells_whether_a_deficit_closed() {
        let later = [
            cell("Математика", Competence::Subject, 62.0, &[]),
            cell("Математика", Competence::Methodical, 41.0, &[]),
        ];
        assert_eq!(
            outcome("Математика", Competence::Subject, Some(&later)),
            Outcome::Closed
        );
        assert_eq!(
            outcome("Математика", Competence::Methodical, Some(&later)),
            Outcome::Persisting
        );
        assert_eq!(
            outcome("Математика", Competence::PsychPedagogical, Some(&later)),
            Outcome::NotYet
        );
        assert_eq!(
            outcome("Математика", Competence::Subject, None),
            Outcome::NotYet
        );
    }
}
