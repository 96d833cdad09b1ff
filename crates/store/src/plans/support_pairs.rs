//! Support pairs: a leader school supporting another, with its curators.

use super::{db_err, opt_date};
use crate::audit::now_text;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::Date;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Default)]
pub struct NewSupportPair {
    pub leader_school_id: i64,
    pub supported_school_id: i64,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub agreement_number: String,
    pub agreement_date: Option<Date>,
    /// The agreement's file (storage path or link) as evidence.
    pub agreement_file: String,
    pub curator_user_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SupportPair {
    pub id: i64,
    pub leader_school_id: i64,
    pub leader: String,
    pub supported_school_id: i64,
    pub supported: String,
    pub municipality: String,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub agreement_number: String,
    pub agreement_date: Option<String>,
    pub agreement_file: String,
    pub status: String,
    /// Curators' display names.
    pub curators: Vec<String>,
}

impl Db {
    /// Creates a support pair. The schools must exist and differ; every
    /// curator must be a user with the curator role (each is kept once).
    /// The audit entry names the schools and the curators.
    pub async fn add_support_pair(&self, p: &NewSupportPair, actor: &str) -> Result<i64> {
        if p.leader_school_id == p.supported_school_id {
            return Err(db_err("школа не может поддерживать сама себя"));
        }
        if let (Some(a), Some(b)) = (p.period_start, p.period_end) {
            if a > b {
                return Err(db_err(format!(
                    "период пары: начало {} позже окончания {}",
                    a.ru(),
                    b.ru()
                )));
            }
        }
        let leader = self.school_name(p.leader_school_id).await?;
        let (supported, municipality) = {
            let sql = "SELECT short_name, municipality_id FROM schools WHERE id = $1";
            let row: Option<(String, i64)> = on_db!(self, c => sqlx::query(sql).bind(p.supported_school_id).fetch_optional(c).await?.map(|r| (r.get(0), r.get(1))));
            row.ok_or_else(|| StoreError::NotFound(format!("школа № {}", p.supported_school_id)))?
        };
        let curators = self.pair_curators(&p.curator_user_ids).await?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, c => {
            let id: i64 = sqlx::query_scalar("INSERT INTO support_pairs (leader_school_id, supported_school_id, period_start, period_end, agreement_number, \
                agreement_date, agreement_file, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                .bind(p.leader_school_id).bind(p.supported_school_id).bind(opt_date(p.period_start)).bind(opt_date(p.period_end))
                .bind(&p.agreement_number).bind(opt_date(p.agreement_date)).bind(&p.agreement_file).bind(now_text()).bind(actor)
                .fetch_one(&mut *c).await?;
            for (u, _) in &curators {
                sqlx::query("INSERT INTO support_pair_curators (pair_id, user_id) VALUES ($1, $2)").bind(id).bind(u).execute(&mut *c).await?;
            }
            id
        });
        tx.commit().await?;
        let mut details = Vec::new();
        if !curators.is_empty() {
            details.push(format!(
                "кураторы: {}",
                curators
                    .iter()
                    .map(|(_, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if p.period_start.is_some() || p.period_end.is_some() {
            let day = |d: Option<Date>| d.map(|d| d.ru()).unwrap_or_default();
            details.push(format!(
                "период: {} – {}",
                day(p.period_start),
                day(p.period_end)
            ));
        }
        if !p.agreement_number.trim().is_empty() {
            details.push(format!("соглашение № {}", p.agreement_number.trim()));
        }
        let object = format!("«{leader}» → «{supported}»");
        self.audit_for(
            actor,
            "пара поддержки создана",
            &object,
            &details.join("; "),
            Some(municipality),
        )
        .await?;
        Ok(id)
    }

    /// The curators of a new pair with their names, each once: an unknown
    /// user is [`StoreError::ForeignKey`], a user of another role [`StoreError::Invalid`].
    async fn pair_curators(&self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        let mut out: Vec<(i64, String)> = Vec::new();
        for &id in ids {
            if out.iter().any(|(u, _)| *u == id) {
                continue;
            }
            let sql = "SELECT display_name, role FROM users WHERE id = $1";
            let row: Option<(String, String)> = on_db!(self, c => sqlx::query(sql).bind(id).fetch_optional(c).await?.map(|r| (r.get(0), r.get(1))));
            let (name, role) = row
                .ok_or_else(|| StoreError::ForeignKey(format!("пользователь № {id} не найден")))?;
            if crate::users::Role::from_stored(&role)? != crate::users::Role::Curator {
                return Err(db_err(format!(
                    "«{name}» — не куратор: куратором пары может быть только методист / куратор"
                )));
            }
            out.push((id, name));
        }
        Ok(out)
    }

    /// Support pairs whose supported or leader school the scope may see.
    pub async fn support_pairs(&self, scope: &Scope) -> Result<Vec<SupportPair>> {
        let sql = format!(
            "SELECT sp.id, sp.leader_school_id, l.short_name, sp.supported_school_id, s.short_name, m.name, sp.period_start, sp.period_end, \
               sp.agreement_number, sp.agreement_date, sp.agreement_file, sp.status \
             FROM support_pairs sp JOIN schools l ON l.id = sp.leader_school_id JOIN schools s ON s.id = sp.supported_school_id \
             JOIN municipalities m ON m.id = s.municipality_id WHERE ({} OR {}) ORDER BY m.name, s.short_name, sp.id",
            scope.schools_sql("s"),
            scope.schools_sql("l")
        );
        let mut pairs = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?.iter().map(|r| SupportPair {
            id: r.get(0), leader_school_id: r.get(1), leader: r.get(2), supported_school_id: r.get(3), supported: r.get(4), municipality: r.get(5),
            period_start: r.get(6), period_end: r.get(7), agreement_number: r.get(8), agreement_date: r.get(9), agreement_file: r.get(10),
            status: r.get(11), curators: Vec::new(),
        }).collect::<Vec<_>>());
        let sql = "SELECT c.pair_id, u.display_name FROM support_pair_curators c JOIN users u ON u.id = c.user_id ORDER BY u.display_name";
        let curators: Vec<(i64, String)> = on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| (r.get(0), r.get(1))).collect());
        for pair in &mut pairs {
            pair.curators = curators
                .iter()
                .filter(|(id, _)| *id == pair.id)
                .map(|(_, n)| n.clone())
                .collect();
        }
        Ok(pairs)
    }

    pub async fn close_support_pair(&self, pair_id: i64, actor: &str) -> Result<()> {
        let sql = "SELECT l.short_name, s.short_name, s.municipality_id FROM support_pairs sp JOIN schools l ON l.id = sp.leader_school_id \
                   JOIN schools s ON s.id = sp.supported_school_id WHERE sp.id = $1";
        let row: Option<(String, String, i64)> = on_db!(self, p => sqlx::query(sql).bind(pair_id).fetch_optional(p).await?.map(|r| (r.get(0), r.get(1), r.get(2))));
        let (leader, supported, municipality) =
            row.ok_or_else(|| StoreError::NotFound(format!("пара № {pair_id}")))?;
        on_db!(self, p => sqlx::query("UPDATE support_pairs SET status = 'closed' WHERE id = $1").bind(pair_id).execute(p).await.map(|_| ()))?;
        self.audit_for(
            actor,
            "пара поддержки закрыта",
            &format!("«{leader}» → «{supported}»"),
            "",
            Some(municipality),
        )
        .await
    }
}
