//! The demo's staff: the teachers' and courses' files of `opora-demo` are
//! imported with the rest of the region (`region`); here the demo teacher's
//! login (`teacher1`) gets its staff record — a teacher of the demo school
//! who teaches, so that the teacher's own card tells the story.

use crate::story::Cast;
use opora_store::scope::Scope;
use opora_store::staff::teachers::TeacherFilter;
use opora_store::{Db, StoreError};

/// Links `teacher1` to the first subject teacher of the demo school whose
/// record has no login yet. Does nothing when the login is already linked
/// or the school has no teachers (a region loaded without staff files).
pub async fn link_demo_teacher(db: &Db, cast: &Cast) -> Result<(), StoreError> {
    let Some((user, _)) = db.user_for_login("teacher1").await? else {
        return Ok(());
    };
    if db.teacher_of_user(user.id).await?.is_some() {
        return Ok(());
    }
    let filter = TeacherFilter {
        school_id: Some(cast.school_id),
        user_id: None,
    };
    let teachers = db
        .teachers(&Scope::School(cast.school_id), &filter, "demo")
        .await?;
    let chosen = teachers.iter().find(|t| {
        t.user_id.is_none()
            && t.fields.position.to_lowercase() == "учитель"
            && !t.fields.subjects.is_empty()
    });
    if let Some(t) = chosen {
        db.set_teacher_user(t.id, Some(user.id)).await?;
    }
    Ok(())
}

/// Mentoring pairs for the demo school's teachers (a ШНОР of the run): up
/// to three subject teachers without a login, each with the best mentor
/// the municipality would be offered (a leader school's teacher first),
/// appointed on 1 September of the current academic year, with a first
/// meeting two weeks later when that day has come. Does nothing when any
/// pair exists.
pub async fn create_demo_mentoring(db: &Db, cast: &Cast) -> Result<(), StoreError> {
    use opora_staff::mentoring::MentoringForm;
    use opora_store::staff::mentoring::PairFields;
    let municipal = Scope::Municipality(cast.municipality_id);
    if !db
        .mentoring_pairs(&Scope::Region, None, "demo")
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let today = opora_plans::clock::today();
    let year = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    let starts_on = opora_plans::date::Date::new(year, 9, 1).expect("a real date");
    let filter = TeacherFilter {
        school_id: Some(cast.school_id),
        user_id: None,
    };
    let mentees: Vec<_> = db
        .teachers(&municipal, &filter, "demo")
        .await?
        .into_iter()
        .filter(|t| t.user_id.is_none() && t.fields.position.to_lowercase() == "учитель")
        .filter(|t| {
            t.fields
                .subjects
                .iter()
                .any(|s| s == "Математика" || s == "Русский язык")
        })
        .take(3)
        .collect();
    for mentee in mentees {
        let Some((mentor, candidate)) = db
            .mentor_suggestions(&municipal, &mentee, 1, "demo")
            .await?
            .into_iter()
            .next()
        else {
            continue;
        };
        let fields = PairFields {
            form: if candidate.leader_school {
                MentoringForm::LeaderSchool
            } else {
                MentoringForm::TeacherTeacher
            },
            goals: format!(
                "Преодоление профессиональных дефицитов по предмету «{}»; подготовка обучающихся к ГИА",
                mentee.fields.subjects[0]
            ),
            starts_on,
            ends_on: opora_plans::date::Date::new(year + 1, 5, 31),
            order_ref: format!("Приказ управления образования № 112 от 01.09.{year}"),
        };
        let id = db
            .create_mentoring_pair(&municipal, mentee.id, mentor.id, &fields, "demo")
            .await?;
        let first = opora_plans::date::Date::from_days(starts_on.days() + 14).expect("a real date");
        if first <= today {
            let pair = db
                .mentoring_pair(&municipal, id)
                .await?
                .expect("the pair just created");
            db.add_mentoring_meeting(
                &pair,
                first,
                "Диагностика затруднений и план совместной работы",
                "Выбраны темы для взаимопосещения уроков; согласован график консультаций.",
                "demo",
            )
            .await?;
        }
    }
    Ok(())
}
