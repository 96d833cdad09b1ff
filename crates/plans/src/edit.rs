//! Editing a plan by hand (issue 10, item 6): the tree operations behind
//! the browser's roadmap editor — add, change, move and remove sections and
//! activities, found by their stored ids. Pure: the store applies the same
//! change to the database and keeps the edited tree as the new version's
//! snapshot, so the history shows exactly what the plan became.

use crate::deadline::{try_parse_deadline, ImpossibleDate};
use crate::{Activity, Deadline, DocumentType, Period, Plan, Responsible, Section, SectionKind};

/// Longest text of one field (an activity's text is a paragraph, not a file).
pub const MAX_TEXT: usize = 4000;

/// What cannot be edited, in Russian, saying what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("не заполнено поле «{0}»")]
    Empty(&'static str),
    #[error("поле «{field}» длиннее {max} символов: сократите текст")]
    TooLong { field: &'static str, max: usize },
    #[error("срок «{text}»: {source}; исправьте дату")]
    ImpossibleDeadline {
        text: String,
        #[source]
        source: ImpossibleDate,
    },
    #[error("в плане нет мероприятия № {0} (возможно, его уже удалили): обновите страницу")]
    NoActivity(i64),
    #[error("в плане нет раздела № {0} (возможно, его уже удалили): обновите страницу")]
    NoSection(i64),
    #[error("переместить некуда: это крайнее место в разделе")]
    AtEdge,
    #[error("в разделе «{title}» есть мероприятия ({activities}) или подразделы: сначала перенесите или удалите их")]
    SectionNotEmpty { title: String, activities: usize },
}

/// Up or down among the siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// An activity's fields as a person types them in the editor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFields {
    /// «2.1.»; may be empty.
    pub number: String,
    pub text: String,
    /// The deadline as written («до 15.10.2026», «ноябрь, март»).
    pub deadline: String,
    pub responsible: String,
    pub form: String,
    pub result: String,
}

impl ActivityFields {
    /// The fields of an existing activity (to fill the editor's form).
    pub fn of(a: &Activity) -> ActivityFields {
        ActivityFields {
            number: a.number.clone().unwrap_or_default(),
            text: a.text.clone(),
            deadline: a.deadline.text.clone(),
            responsible: a.responsible_text.clone(),
            form: a.form.clone().unwrap_or_default(),
            result: a.result.clone().unwrap_or_default(),
        }
    }

    /// Checks the fields and reads the deadline against the plan's period.
    pub fn check(&self, period: Option<&Period>) -> Result<Deadline, EditError> {
        let fields: [(&'static str, &str); 6] = [
            ("номер", &self.number),
            ("мероприятие", &self.text),
            ("срок", &self.deadline),
            ("ответственные", &self.responsible),
            ("форма", &self.form),
            ("результат", &self.result),
        ];
        for (field, value) in fields {
            if value.chars().count() > MAX_TEXT {
                return Err(EditError::TooLong {
                    field,
                    max: MAX_TEXT,
                });
            }
        }
        if self.text.trim().is_empty() {
            return Err(EditError::Empty("мероприятие"));
        }
        try_parse_deadline(self.deadline.trim(), period).map_err(|source| {
            EditError::ImpossibleDeadline {
                text: self.deadline.trim().to_string(),
                source,
            }
        })
    }

    /// Writes the fields into `a` (the deadline as [`check`](Self::check) read it).
    pub fn apply(&self, a: &mut Activity, deadline: Deadline) {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        a.number = opt(&self.number);
        a.text = self.text.trim().to_string();
        a.deadline = deadline;
        let responsible = self.responsible.trim();
        // Unchanged text keeps the responsibles' parts read from the document.
        if a.responsible_text != responsible {
            a.responsible_text = responsible.to_string();
            a.responsibles = Responsible::split(responsible, None);
        }
        a.form = opt(&self.form);
        a.result = opt(&self.result);
        a.result_document = a.result.as_deref().and_then(DocumentType::detect);
    }
}

/// A new section's number and title, checked.
pub fn new_section(number: &str, title: &str) -> Result<Section, EditError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(EditError::Empty("название раздела"));
    }
    if title.chars().count() > MAX_TEXT {
        return Err(EditError::TooLong {
            field: "название раздела",
            max: MAX_TEXT,
        });
    }
    let mut s = Section::new(
        Some(number.trim().to_string()).filter(|n| !n.is_empty()),
        title,
    );
    s.kind = SectionKind::detect(title);
    Ok(s)
}

impl Plan {
    /// The list holding activity `id` and its index there.
    pub fn activity_slot(&mut self, id: i64) -> Result<(&mut Vec<Activity>, usize), EditError> {
        fn find<'a>(
            acts: &'a mut Vec<Activity>,
            sections: &'a mut [Section],
            id: i64,
        ) -> Option<(&'a mut Vec<Activity>, usize)> {
            if let Some(i) = acts.iter().position(|a| a.id == Some(id)) {
                return Some((acts, i));
            }
            sections
                .iter_mut()
                .find_map(|s| find(&mut s.activities, &mut s.sections, id))
        }
        find(&mut self.activities, &mut self.sections, id).ok_or(EditError::NoActivity(id))
    }

    /// The list holding section `id` and its index there.
    pub fn section_slot(&mut self, id: i64) -> Result<(&mut Vec<Section>, usize), EditError> {
        fn find(sections: &mut Vec<Section>, id: i64) -> Option<(&mut Vec<Section>, usize)> {
            if let Some(i) = sections.iter().position(|s| s.id == Some(id)) {
                return Some((sections, i));
            }
            sections.iter_mut().find_map(|s| find(&mut s.sections, id))
        }
        find(&mut self.sections, id).ok_or(EditError::NoSection(id))
    }

    pub fn activity_mut(&mut self, id: i64) -> Result<&mut Activity, EditError> {
        let (list, i) = self.activity_slot(id)?;
        Ok(&mut list[i])
    }

    pub fn section_mut(&mut self, id: i64) -> Result<&mut Section, EditError> {
        let (list, i) = self.section_slot(id)?;
        Ok(&mut list[i])
    }

    /// The activities of section `id`, or the plan's own (outside sections) for `None`.
    pub fn activities_of(&mut self, section: Option<i64>) -> Result<&mut Vec<Activity>, EditError> {
        match section {
            None => Ok(&mut self.activities),
            Some(id) => Ok(&mut self.section_mut(id)?.activities),
        }
    }

    /// Swaps activity `id` with its neighbour in its section.
    pub fn move_activity(&mut self, id: i64, to: Direction) -> Result<(), EditError> {
        let (list, i) = self.activity_slot(id)?;
        swap_with_neighbour(list, i, to)
    }

    /// Swaps section `id` (with everything in it) with its neighbour.
    pub fn move_section(&mut self, id: i64, to: Direction) -> Result<(), EditError> {
        let (list, i) = self.section_slot(id)?;
        swap_with_neighbour(list, i, to)
    }

    /// Takes activity `id` out of the plan.
    pub fn remove_activity(&mut self, id: i64) -> Result<Activity, EditError> {
        let (list, i) = self.activity_slot(id)?;
        Ok(list.remove(i))
    }

    /// Takes an empty section out of the plan.
    pub fn remove_section(&mut self, id: i64) -> Result<Section, EditError> {
        let (list, i) = self.section_slot(id)?;
        let s = &list[i];
        if !s.activities.is_empty() || !s.sections.is_empty() {
            return Err(EditError::SectionNotEmpty {
                title: s.title.clone(),
                activities: s.activities.len(),
            });
        }
        Ok(list.remove(i))
    }

    /// Document order as stored positions: the plan's own activities, then
    /// each section (pre-order) followed by its activities — the order the
    /// import writes.
    pub fn positions(&self) -> Positions {
        fn walk(s: &Section, n: &mut i64, secs: &mut Vec<(i64, i64)>, acts: &mut Vec<(i64, i64)>) {
            *n += 1;
            if let Some(id) = s.id {
                secs.push((id, *n));
            }
            for a in &s.activities {
                *n += 1;
                if let Some(id) = a.id {
                    acts.push((id, *n));
                }
            }
            for c in &s.sections {
                walk(c, n, secs, acts);
            }
        }
        let (mut secs, mut acts, mut n) = (Vec::new(), Vec::new(), 0i64);
        for a in &self.activities {
            n += 1;
            if let Some(id) = a.id {
                acts.push((id, n));
            }
        }
        for s in &self.sections {
            walk(s, &mut n, &mut secs, &mut acts);
        }
        Positions {
            sections: secs,
            activities: acts,
        }
    }
}

/// (id, position) of every stored section and activity, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Positions {
    pub sections: Vec<(i64, i64)>,
    pub activities: Vec<(i64, i64)>,
}

fn swap_with_neighbour<T>(list: &mut [T], i: usize, to: Direction) -> Result<(), EditError> {
    let j = match to {
        Direction::Up => i.checked_sub(1),
        Direction::Down => Some(i + 1).filter(|j| *j < list.len()),
    }
    .ok_or(EditError::AtEdge)?;
    list.swap(i, j);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_deadline, Level};

    fn plan() -> Plan {
        let mut p = Plan::new(Level::Municipality, "План");
        p.period = Period::academic_years(2026, 2027);
        let mut id = 0;
        for title in ["Организация", "Методика"] {
            id += 1;
            let mut s = Section::new(None, title);
            s.id = Some(id * 100);
            for k in 1..=2 {
                let mut a = Activity::new(&format!("{title} {k}"), parse_deadline("", None));
                a.id = Some(id * 100 + k);
                s.activities.push(a);
            }
            p.sections.push(s);
        }
        p
    }

    fn texts(p: &Plan) -> Vec<String> {
        p.all_activities()
            .iter()
            .map(|l| l.activity.text.clone())
            .collect()
    }

    #[test]
    fn an_activity_moves_within_its_section_and_not_past_its_edge() {
        let mut p = plan();
        p.move_activity(102, Direction::Up).unwrap();
        assert_eq!(texts(&p)[..2], ["Организация 2", "Организация 1"]);
        assert_eq!(p.move_activity(102, Direction::Up), Err(EditError::AtEdge));
        assert_eq!(
            p.move_activity(999, Direction::Up),
            Err(EditError::NoActivity(999))
        );
    }

    #[test]
    fn a_section_moves_with_its_activities_and_positions_follow_document_order() {
        let mut p = plan();
        p.move_section(200, Direction::Up).unwrap();
        assert_eq!(texts(&p)[0], "Методика 1");
        let at = p.positions();
        assert_eq!(at.sections, vec![(200, 1), (100, 4)]);
        assert_eq!(at.activities, vec![(201, 2), (202, 3), (101, 5), (102, 6)]);
    }

    #[test]
    fn only_an_empty_section_is_removed() {
        let mut p = plan();
        assert!(matches!(
            p.remove_section(100),
            Err(EditError::SectionNotEmpty { activities: 2, .. })
        ));
        p.remove_activity(101).unwrap();
        p.remove_activity(102).unwrap();
        assert_eq!(p.remove_section(100).unwrap().title, "Организация");
        assert_eq!(p.sections.len(), 1);
    }

    #[test]
    fn fields_are_checked_and_the_deadline_is_read_against_the_period() {
        let p = plan();
        let mut f = ActivityFields {
            text: "Семинар".into(),
            deadline: "до 15.10".into(),
            responsible: "Методический центр, руководители ОО".into(),
            result: "Протокол".into(),
            ..Default::default()
        };
        let d = f.check(p.period.as_ref()).unwrap();
        assert_eq!(d.end.unwrap().iso(), "2026-10-15");
        let mut a = Activity::new("", parse_deadline("", None));
        f.apply(&mut a, d);
        assert_eq!(a.responsibles.len(), 2);
        assert_eq!(a.result_document, DocumentType::detect("Протокол"));
        f.deadline = "31.13.2026".into();
        let e = f.check(p.period.as_ref()).unwrap_err();
        assert!(e.to_string().contains("31.13.2026"), "{e}");
        f.text = "  ".into();
        assert_eq!(
            f.check(p.period.as_ref()),
            Err(EditError::Empty("мероприятие"))
        );
    }
}
