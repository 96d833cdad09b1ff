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
