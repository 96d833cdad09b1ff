//! The caller's scope: which schools a user may see. Every query that
//! returns schools, runs, users or audit entries to a person takes a
//! [`Scope`]; objects outside it are simply not found (the web answers 404).

use crate::users::{Role, User};
use crate::{Db, Result};

/// What a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole region.
    Region,
    /// One municipality.
    Municipality(i64),
    /// A curator's assigned schools (ids), within its municipality.
    Schools(Vec<i64>),
    /// One school (school administrator, teacher).
    School(i64),
}

impl Scope {
    /// An SQL condition on a `schools` row aliased `alias`. Only numbers
    /// from the database are inlined, never user text.
    pub fn schools_sql(&self, alias: &str) -> String {
        match self {
            Scope::Region => "1 = 1".into(),
            Scope::Municipality(m) => format!("{alias}.municipality_id = {m}"),
            Scope::School(id) => format!("{alias}.id = {id}"),
            Scope::Schools(ids) if ids.is_empty() => "1 = 0".into(),
            Scope::Schools(ids) => {
                format!(
                    "{alias}.id IN ({})",
                    ids.iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        }
    }

    pub fn is_region(&self) -> bool {
        matches!(self, Scope::Region)
    }

    /// The municipality a municipal scope is limited to.
    pub fn municipality(&self) -> Option<i64> {
        match self {
            Scope::Municipality(m) => Some(*m),
            _ => None,
        }
    }
}

impl Db {
    /// The scope of a user: region, municipality, assigned schools or one school.
    /// A user whose role needs a scope it lacks sees nothing.
    pub async fn scope_of(&self, user: &User) -> Result<Scope> {
        Ok(match user.role {
            Role::Region => Scope::Region,
            Role::Municipality => match user.municipality_id {
                Some(m) => Scope::Municipality(m),
                None => Scope::Schools(vec![]),
            },
            Role::Curator => Scope::Schools(self.curated_schools(user.id).await?),
            Role::SchoolAdmin | Role::Teacher => match user.school_id {
                Some(s) => Scope::School(s),
                None => Scope::Schools(vec![]),
            },
        })
    }

    /// Ids of the schools assigned to a curator.
    pub async fn curated_schools(&self, user_id: i64) -> Result<Vec<i64>> {
        let sql = "SELECT school_id FROM user_schools WHERE user_id = $1 ORDER BY school_id";
        Ok(on_db!(self, p => sqlx::query_scalar(sql).bind(user_id).fetch_all(p).await)?)
    }
}
