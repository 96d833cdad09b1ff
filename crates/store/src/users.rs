//! Users with a role and a scope. Password hashes are made and checked by
//! the web crate (argon2id); here they are only stored.

use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use sqlx::Row;

const USER_COLUMNS: &str =
    "u.id, u.login, u.display_name, u.role, u.municipality_id, u.school_id, u.blocked, u.email";

/// Maps a row of [`USER_COLUMNS`] (expanded once per backend's row type); a
/// role that is not one of the known codes is a damaged row, never a teacher.
macro_rules! user_from_row {
    () => {
        |r| -> Result<User> {
            Ok(User {
                id: r.get(0),
                login: r.get(1),
                display_name: r.get(2),
                role: Role::from_stored(&r.get::<String, _>(3))?,
                municipality_id: r.get(4),
                school_id: r.get(5),
                blocked: r.get::<i64, _>(6) != 0,
                email: r.get(7),
            })
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Role {
    /// Региональный оператор: the whole region.
    Region,
    /// Муниципальный администратор: one municipality.
    Municipality,
    /// Методист / куратор: the schools assigned to it.
    Curator,
    /// Администратор школы: its own school.
    SchoolAdmin,
    /// Учитель: itself and its pupils at risk, within one school.
    Teacher,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Region => "region",
            Role::Municipality => "municipality",
            Role::Curator => "curator",
            Role::SchoolAdmin => "school",
            Role::Teacher => "teacher",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Role::Region => "Региональный оператор",
            Role::Municipality => "Муниципальный администратор",
            Role::Curator => "Методист / куратор",
            Role::SchoolAdmin => "Администратор школы",
            Role::Teacher => "Учитель",
        }
    }
    pub fn from_code(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }
    /// A role read from the database: an unknown code is a damaged value.
    pub fn from_stored(s: &str) -> Result<Role> {
        Role::from_code(s).ok_or_else(|| StoreError::stored("роль пользователя", s))
    }
    pub const ALL: [Role; 5] = [
        Role::Region,
        Role::Municipality,
        Role::Curator,
        Role::SchoolAdmin,
        Role::Teacher,
    ];
    /// Whether this role administers users (region and municipality).
    pub fn manages_users(self) -> bool {
        matches!(self, Role::Region | Role::Municipality)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub municipality_id: Option<i64>,
    pub school_id: Option<i64>,
    pub blocked: bool,
    /// Where notifications are e-mailed (none: in the application only).
    pub email: Option<String>,
}

pub struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub municipality_id: Option<i64>,
    pub school_id: Option<i64>,
    pub password_hash: Option<&'a str>,
    /// Schools assigned to a curator.
    pub curated_schools: &'a [i64],
}

impl Db {
    /// Creates a user, checking that the scope fits the role. A login that
    /// is taken (also by a concurrent request) is [`StoreError::Conflict`];
    /// an unknown municipality or school is [`StoreError::ForeignKey`].
    pub async fn create_user(&self, u: &NewUser<'_>) -> Result<i64> {
        check_scope(u)?;
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO users (login, display_name, role, municipality_id, school_id, password_hash, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let inserted: Result<i64> = on_tx!(&mut tx, c => {
            sqlx::query_scalar(sql).bind(u.login).bind(u.display_name).bind(u.role.code())
                .bind(u.municipality_id).bind(u.school_id).bind(u.password_hash).bind(crate::audit::now_text())
                .fetch_one(&mut *c).await.map_err(StoreError::from)
        });
        let id = inserted.map_err(|e| match e {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("логин «{}» уже занят", u.login))
            }
            other => other,
        })?;
        insert_curated(&mut tx, id, u.curated_schools).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        self.users_in(&Scope::Region).await
    }

    /// Users a caller with `scope` may see: the whole region sees everyone; a
    /// municipality sees the users of its municipality and of its schools;
    /// narrower scopes see no one.
    pub async fn users_in(&self, scope: &Scope) -> Result<Vec<User>> {
        let cond = users_scope_sql(scope);
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE {cond} ORDER BY u.id");
        on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?.iter().map(user_from_row!()).collect())
    }

    /// One user, if the caller's scope covers it.
    pub async fn user_in(&self, scope: &Scope, id: i64) -> Result<Option<User>> {
        let cond = users_scope_sql(scope);
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1 AND {cond}");
        on_db!(self, p => sqlx::query(&sql).bind(id).fetch_optional(p).await?.as_ref().map(user_from_row!()).transpose())
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        self.user_in(&Scope::Region, id).await
    }

    /// A user and its password hash, by login (case-insensitive for ASCII).
    pub async fn user_for_login(&self, login: &str) -> Result<Option<(User, Option<String>)>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE LOWER(u.login) = LOWER($1)"
        );
        on_db!(self, p => sqlx::query(&sql).bind(login.trim()).fetch_optional(p).await?.as_ref().map(|r| {
            let hash: Option<String> = r.get(8);
            Ok((Some(r).map(user_from_row!()).expect("row")?, hash))
        }).transpose())
    }

    pub async fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<()> {
        let sql = "UPDATE users SET password_hash = $1 WHERE id = $2";
        on_db!(self, p => sqlx::query(sql).bind(hash).bind(user_id).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn set_blocked(&self, user_id: i64, blocked: bool) -> Result<()> {
        let sql = "UPDATE users SET blocked = $1 WHERE id = $2";
        on_db!(self, p => sqlx::query(sql).bind(blocked as i64).bind(user_id).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Changes a user's name, role and scope (and a curator's schools).
    pub async fn update_user(&self, id: i64, u: &NewUser<'_>) -> Result<()> {
        check_scope(u)?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => {
            sqlx::query("UPDATE users SET display_name = $1, role = $2, municipality_id = $3, school_id = $4 WHERE id = $5")
                .bind(u.display_name).bind(u.role.code()).bind(u.municipality_id).bind(u.school_id).bind(id)
                .execute(&mut *c).await?;
            sqlx::query("DELETE FROM user_schools WHERE user_id = $1").bind(id).execute(&mut *c).await?;
        });
        insert_curated(&mut tx, id, u.curated_schools).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets or clears (`None`, or blank) the address notifications are
    /// e-mailed to. Only the shape is checked here (one `@`, no spaces, at
    /// most 254 characters); the web checks it as an e-mail address.
    pub async fn set_user_email(&self, user_id: i64, email: Option<&str>) -> Result<()> {
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email {
            if !plausible_email(e) {
                return Err(StoreError::Invalid(format!(
                    "«{e}» не похоже на адрес электронной почты"
                )));
            }
        }
        let sql = "UPDATE users SET email = $1 WHERE id = $2";
        let n = on_db!(self, p => sqlx::query(sql).bind(email).bind(user_id).execute(p).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound(format!("пользователь № {user_id}")));
        }
        Ok(())
    }

    pub async fn login_taken(&self, login: &str) -> Result<bool> {
        let sql = "SELECT COUNT(*) FROM users WHERE LOWER(login) = LOWER($1)";
        Ok(
            on_db!(self, p => sqlx::query_scalar::<_, i64>(sql).bind(login.trim()).fetch_one(p).await)?
                > 0,
        )
    }
}

/// A curator's schools, each once (the same school twice in a form is one choice).
async fn insert_curated(tx: &mut crate::db::Tx, user_id: i64, schools: &[i64]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for s in schools.iter().filter(|s| seen.insert(**s)) {
        on_tx!(tx, c => sqlx::query("INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2)").bind(user_id).bind(*s)
            .execute(&mut *c).await.map(|_| ())?);
    }
    Ok(())
}

/// `local@domain`: one `@` with text on both sides, a dot in the domain, no
/// spaces or control characters, at most 254 characters.
fn plausible_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    e.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
}

fn users_scope_sql(scope: &Scope) -> String {
    match scope {
        Scope::Region => "1 = 1".into(),
        Scope::Municipality(m) => format!(
            "(u.municipality_id = {m} OR u.school_id IN (SELECT id FROM schools WHERE municipality_id = {m}))"
        ),
        _ => "1 = 0".into(),
    }
}

fn check_scope(u: &NewUser<'_>) -> Result<()> {
    let scope_ok = match u.role {
        Role::Region => true,
        Role::Municipality | Role::Curator => u.municipality_id.is_some(),
        Role::SchoolAdmin | Role::Teacher => u.school_id.is_some(),
    };
    if !scope_ok {
        return Err(StoreError::Invalid(format!(
            "для роли «{}» нужно указать область доступа",
            u.role.title()
        )));
    }
    Ok(())
}
