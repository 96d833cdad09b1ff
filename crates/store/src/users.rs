//! Users with a role and a scope. Authentication (passwords, sessions) is
//! layered on top by the web crate.

use crate::{Db, Result, StoreError};
use sqlx::Row;

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
        [Role::Region, Role::Municipality, Role::Curator, Role::SchoolAdmin, Role::Teacher].into_iter().find(|r| r.code() == s)
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
    /// Creates a user, checking that the scope fits the role.
    pub async fn create_user(&self, u: &NewUser<'_>) -> Result<i64> {
        let scope_ok = match u.role {
            Role::Region => true,
            Role::Municipality | Role::Curator => u.municipality_id.is_some(),
            Role::SchoolAdmin | Role::Teacher => u.school_id.is_some(),
        };
        if !scope_ok {
            return Err(StoreError::Invalid(format!("для роли «{}» нужно указать область доступа", u.role.title())));
        }
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO users (login, display_name, role, municipality_id, school_id, password_hash, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let id: i64 = on_tx!(&mut tx, c => {
            let id: i64 = sqlx::query_scalar(sql).bind(u.login).bind(u.display_name).bind(u.role.code())
                .bind(u.municipality_id).bind(u.school_id).bind(u.password_hash).bind(crate::audit::now_text())
                .fetch_one(&mut *c).await?;
            for s in u.curated_schools {
                sqlx::query("INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2)").bind(id).bind(*s).execute(&mut *c).await?;
            }
            id
        });
        tx.commit().await?;
        Ok(id)
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = "SELECT id, login, display_name, role, municipality_id, school_id, blocked FROM users ORDER BY id";
        Ok(on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| User {
            id: r.get(0), login: r.get(1), display_name: r.get(2),
            role: Role::from_code(&r.get::<String, _>(3)).unwrap_or(Role::Teacher),
            municipality_id: r.get(4), school_id: r.get(5), blocked: r.get::<i64, _>(6) != 0,
        }).collect()))
    }
}
