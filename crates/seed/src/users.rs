//! Demo logins for every role (password `demo`, argon2id), scoped to the
//! first municipality: used by `opora serve --demo` and by the tests.

use opora_store::password::hash_password;
use opora_store::users::{NewUser, Role};
use opora_store::{Db, StoreError};

pub const DEMO_PASSWORD: &str = "demo";

/// (login, role) of the demo users.
pub const DEMO_LOGINS: &[(&str, Role)] = &[
    ("region", Role::Region),
    ("mo1", Role::Municipality),
    ("metod1", Role::Curator),
    ("school1", Role::SchoolAdmin),
    ("teacher1", Role::Teacher),
];

/// Creates the demo users unless there are users already. `region` sees the
/// region; `mo1` the first municipality; `metod1` curates its first three
/// schools; `school1` and `teacher1` belong to its first school.
pub async fn create_demo_users(db: &Db) -> Result<bool, StoreError> {
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
    let first = db
        .municipalities()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Invalid("в демо-регионе нет муниципалитетов".into()))?;
    let ids: Vec<i64> = db
        .schools(Some(first.id))
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    if ids.len() < 3 {
        return Err(StoreError::Invalid(
            "в первом муниципалитете меньше трёх школ".into(),
        ));
    }
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
            Some(first.id),
            None,
            vec![],
        ),
        (
            "metod1",
            "Методист (демо)",
            Role::Curator,
            Some(first.id),
            None,
            ids[..3].to_vec(),
        ),
        (
            "school1",
            "Директор школы (демо)",
            Role::SchoolAdmin,
            Some(first.id),
            Some(ids[0]),
            vec![],
        ),
        (
            "teacher1",
            "Учитель (демо)",
            Role::Teacher,
            Some(first.id),
            Some(ids[0]),
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
    crate::plans::create_demo_plans(db).await?;
    Ok(true)
}

/// The hash of [`DEMO_PASSWORD`], made on the blocking pool.
async fn demo_hash() -> Result<String, StoreError> {
    tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .map_err(|e| StoreError::Invalid(e.to_string()))
}
