//! Demo logins for every role (password `demo`, argon2id), scoped by the
//! demo's [`Cast`]: used by `opora serve --demo` and by the tests.

use opora_store::password::hash_password;
use opora_store::users::{NewUser, Role};
use opora_store::{Db, StoreError};

use crate::story::Cast;

pub const DEMO_PASSWORD: &str = "demo";

/// (login, role) of the demo users.
pub const DEMO_LOGINS: &[(&str, Role)] = &[
    ("region", Role::Region),
    ("mo1", Role::Municipality),
    ("metod1", Role::Curator),
    ("school1", Role::SchoolAdmin),
    ("school2", Role::SchoolAdmin),
    ("teacher1", Role::Teacher),
];

/// Creates the demo users unless there are users already. `region` sees the
/// region; `mo1` the cast's municipality; `metod1` curates the cast's
/// schools; `school1` and `teacher1` belong to the cast's school;
/// `school2` administers the curator's second school (a second ШНОР or
/// ШНСУ of the same municipality, so that a campaign has two schools).
pub async fn create_demo_users(db: &Db, cast: &Cast) -> Result<bool, StoreError> {
    if !db.users().await?.is_empty() {
        // A database made before logins existed: give the demo users without
        // a password the demo password.
        let mut hash = None;
        for (login, _) in DEMO_LOGINS {
            if let Some((u, None)) = db.user_for_login(login).await? {
                if hash.is_none() {
                    hash = Some(demo_hash().await?);
                }
                db.set_password_hash(u.id, hash.as_deref().unwrap_or_default())
                    .await?;
            }
        }
        return Ok(false);
    }
    let m = Some(cast.municipality_id);
    let school = Some(cast.school_id);
    let hash = demo_hash().await?;
    let users = [
        (
            "region",
            "Региональный оператор (демо)",
            Role::Region,
            None,
            None,
            vec![],
        ),
        (
            "mo1",
            "Управление образования (демо)",
            Role::Municipality,
            m,
            None,
            vec![],
        ),
        (
            "metod1",
            "Методист (демо)",
            Role::Curator,
            m,
            None,
            cast.curated.clone(),
        ),
        (
            "school1",
            "Директор школы (демо)",
            Role::SchoolAdmin,
            m,
            school,
            vec![],
        ),
        (
            "school2",
            "Директор второй школы (демо)",
            Role::SchoolAdmin,
            m,
            cast.curated.get(1).copied(),
            vec![],
        ),
        (
            "teacher1",
            "Учитель (демо)",
            Role::Teacher,
            m,
            school,
            vec![],
        ),
    ];
    for (login, name, role, municipality_id, school_id, curated) in users {
        db.create_user(&NewUser {
            login,
            display_name: name,
            role,
            municipality_id,
            school_id,
            password_hash: Some(&hash),
            curated_schools: &curated,
        })
        .await?;
    }
    Ok(true)
}

/// The hash of [`DEMO_PASSWORD`], made on the blocking pool.
async fn demo_hash() -> Result<String, StoreError> {
    tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .map_err(|e| StoreError::Invalid(e.to_string()))
}
