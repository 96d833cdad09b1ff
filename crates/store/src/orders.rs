//! The orders register (issue 16): the region's and the municipalities'
//! orders (приказы) — number, date, title, kind, the signed file — and what
//! an order approves: the lists of ШНОР and ШНСУ of an identification run
//! (the run's lists are the order's appendices), or a roadmap.
//!
//! «The current approved list» is the run of the latest order of the kind
//! «lists» (by date of signing, then by registration), not the latest run:
//! a run saved after the order is a proposal until an order approves it.
//! [`Db::supported_run_id`] is what every «ШНОР и ШНСУ» choice reads.
//!
//! The region's orders are seen by everyone; a municipality's by its
//! municipality (its users, curators and schools).

use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::staff::teachers::stored_date;
use crate::{Db, Result, StoreError};
use opora_plans::coded;
use opora_plans::date::Date;

coded!(
    /// What an order is about.
    OrderKind {
        Lists = "lists", "об утверждении перечней ШНОР и ШНСУ";
        Roadmap = "roadmap", "об утверждении дорожной карты (программы)";
        Events = "events", "о проведении мероприятий";
        Other = "other", "иное";
    }
);

/// What people write about an order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFields {
    pub number: String,
    pub signed_on: Date,
    pub title: String,
    pub kind: OrderKind,
    /// The issuer; `None`: the region.
    pub municipality_id: Option<i64>,
    /// The run whose lists it approves (kind «lists»).
    pub run_id: Option<i64>,
    /// The roadmap it approves (kind «roadmap»).
    pub plan_id: Option<i64>,
}

/// The signed file of an order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFile {
    pub name: String,
    pub media_type: String,
    pub sha256: String,
    pub content: Vec<u8>,
}

/// An order of the register.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub id: i64,
    pub fields: OrderFields,
    /// «Министерство образования» or the municipality's name.
    pub issuer: String,
    pub file_name: String,
    pub size_bytes: Option<i64>,
    pub created_at: String,
    pub created_by: String,
}

impl Order {
    /// «Приказ № 123-р от 15.09.2026».
    pub fn reference(&self) -> String {
        format!(
            "приказ № {} от {}",
            self.fields.number,
            self.fields.signed_on.ru()
        )
    }
}

const COLUMNS: &str =
    "o.id, o.number, o.signed_on, o.title, o.kind, o.municipality_id, o.run_id, o.plan_id, \
    o.file_name, o.size_bytes, o.created_at, o.created_by, COALESCE(m.name, '')";

type OrderRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    Option<i64>,
    String,
    String,
    String,
);

fn order_from_row(r: OrderRow) -> Result<Order> {
    let (
        id,
        number,
        signed_on,
        title,
        kind,
        municipality_id,
        run_id,
        plan_id,
        file_name,
        size,
        at,
        by,
        m,
    ) = r;
    Ok(Order {
        id,
        fields: OrderFields {
            number,
            signed_on: stored_date(&signed_on)?,
            title,
            kind: OrderKind::from_code(&kind)
                .ok_or_else(|| StoreError::stored("вид приказа", &kind))?,
            municipality_id,
            run_id,
            plan_id,
        },
        issuer: if m.is_empty() {
            "региональный орган управления образованием".into()
        } else {
            m
        },
        file_name,
        size_bytes: size,
        created_at: at,
        created_by: by,
    })
}

/// An SQL condition on the order aliased `o` under which the caller sees it.
fn orders_sql(scope: &Scope) -> String {
    match scope {
        Scope::Region => "1 = 1".into(),
        Scope::Municipality(m) => format!("(o.municipality_id IS NULL OR o.municipality_id = {m})"),
        Scope::School(_) | Scope::Schools(_) => format!(
            "(o.municipality_id IS NULL OR o.municipality_id IN (SELECT s.municipality_id FROM schools s WHERE {}))",
            scope.schools_sql("s")
        ),
    }
}

impl Db {
    /// The orders the caller sees, latest first.
    pub async fn orders(&self, scope: &Scope) -> Result<Vec<Order>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM orders o LEFT JOIN municipalities m ON m.id = o.municipality_id \
             WHERE {} ORDER BY o.signed_on DESC, o.id DESC",
            orders_sql(scope)
        );
        let rows: Vec<OrderRow> = on_db!(self, p => sqlx::query_as(&sql).fetch_all(p).await?);
        rows.into_iter().map(order_from_row).collect()
    }

    /// One order the caller sees.
    pub async fn order(&self, scope: &Scope, id: i64) -> Result<Option<Order>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM orders o LEFT JOIN municipalities m ON m.id = o.municipality_id \
             WHERE o.id = $1 AND {}",
            orders_sql(scope)
        );
        let row: Option<OrderRow> =
            on_db!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?);
        row.map(order_from_row).transpose()
    }

    /// The order's file (the caller has checked the order); the read is
    /// audited.
    pub async fn order_file(&self, order: &Order, actor: &str) -> Result<Option<OrderFile>> {
        let row: Option<(String, String, String, Option<Vec<u8>>)> = on_db!(self, p => sqlx::query_as(
            "SELECT file_name, media_type, sha256, content FROM orders WHERE id = $1")
            .bind(order.id).fetch_optional(p).await?);
        let Some((name, media_type, sha256, Some(content))) = row else {
            return Ok(None);
        };
        self.audit_for(
            actor,
            "файл приказа выгружен",
            &order.reference(),
            &name,
            order.fields.municipality_id,
        )
        .await?;
        Ok(Some(OrderFile {
            name,
            media_type,
            sha256,
            content,
        }))
    }

    /// Registers an order with its file. The run of a «lists» order must be
    /// saved and the issuer the region; a roadmap must be the caller's to
    /// see. The same issuer, number and date twice is a conflict.
    pub async fn add_order(
        &self,
        scope: &Scope,
        f: &OrderFields,
        file: Option<&OrderFile>,
        actor: &str,
    ) -> Result<i64> {
        let f = self.checked_order(scope, f).await?;
        if let Some(file) = file {
            crate::plans::check_file(&file.name, file.content.len() as u64)?;
        }
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO orders (number, signed_on, title, kind, municipality_id, run_id, plan_id, \
                   file_name, media_type, size_bytes, sha256, content, created_at, created_by) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
        let id: Result<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(&f.number).bind(f.signed_on.iso()).bind(&f.title).bind(f.kind.code())
            .bind(f.municipality_id).bind(f.run_id).bind(f.plan_id)
            .bind(file.map(|x| x.name.clone()).unwrap_or_default())
            .bind(file.map(|x| x.media_type.clone()).unwrap_or_default())
            .bind(file.map(|x| x.content.len() as i64))
            .bind(file.map(|x| x.sha256.clone()).unwrap_or_default())
            .bind(file.map(|x| x.content.clone()))
            .bind(now_text()).bind(actor).fetch_one(&mut *c).await.map_err(StoreError::from));
        let id = match id {
            Err(StoreError::Conflict(_)) => {
                return Err(StoreError::Conflict(format!(
                    "приказ № {} от {} уже в реестре",
                    f.number,
                    f.signed_on.ru()
                )))
            }
            other => other?,
        };
        let details = match f.run_id {
            Some(run) => format!("{}; утверждены перечни расчёта № {run}", f.title),
            None => f.title.clone(),
        };
        audit_for_in(
            &mut tx,
            actor,
            "приказ внесён в реестр",
            &format!("приказ № {} от {}", f.number, f.signed_on.ru()),
            &details,
            f.municipality_id,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn checked_order(&self, scope: &Scope, f: &OrderFields) -> Result<OrderFields> {
        let mut f = f.clone();
        f.number = f.number.trim().trim_start_matches('№').trim().to_string();
        f.title = f.title.trim().to_string();
        if f.number.is_empty() {
            return Err(StoreError::Invalid("номер приказа: заполните поле".into()));
        }
        if f.title.is_empty() {
            return Err(StoreError::Invalid(
                "название приказа: заполните поле".into(),
            ));
        }
        match (scope, f.municipality_id) {
            (Scope::Region, _) => {}
            (Scope::Municipality(m), Some(x)) if *m == x => {}
            _ => {
                return Err(StoreError::Invalid(
                    "приказы в реестр вносят региональный оператор (приказы региона) и муниципалитет (свои)".into(),
                ))
            }
        }
        if f.kind == OrderKind::Lists {
            if f.municipality_id.is_some() {
                return Err(StoreError::Invalid(
                    "перечни ШНОР и ШНСУ утверждает регион: муниципальный приказ их не утверждает"
                        .into(),
                ));
            }
            let run = f.run_id.ok_or_else(|| {
                StoreError::Invalid("выберите расчёт, перечни которого утверждает приказ".into())
            })?;
            let known: i64 = on_db!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM identification_runs WHERE id = $1")
                .bind(run).fetch_one(p).await?);
            if known == 0 {
                return Err(StoreError::NotFound(format!("расчёт № {run}")));
            }
        } else {
            f.run_id = None;
        }
        if f.kind == OrderKind::Roadmap {
            let plan = f.plan_id.ok_or_else(|| {
                StoreError::Invalid("выберите дорожную карту, которую утверждает приказ".into())
            })?;
            if !self.plan_visible(scope, plan).await? {
                return Err(StoreError::NotFound(format!("план № {plan}")));
            }
        } else {
            f.plan_id = None;
        }
        Ok(f)
    }

    /// The latest order approving the lists, if any.
    pub async fn approving_order(&self) -> Result<Option<Order>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM orders o LEFT JOIN municipalities m ON m.id = o.municipality_id \
             WHERE o.kind = 'lists' ORDER BY o.signed_on DESC, o.id DESC LIMIT 1"
        );
        let row: Option<OrderRow> =
            on_db!(self, p => sqlx::query_as(&sql).fetch_optional(p).await?);
        row.map(order_from_row).transpose()
    }

    /// The run whose lists are in force: the one the latest «lists» order
    /// approved, or — before any order — the latest run.
    pub async fn supported_run_id(&self) -> Result<Option<i64>> {
        match self.approving_order().await? {
            Some(o) => Ok(o.fields.run_id),
            None => Ok(self.latest_run_ids().await?.0),
        }
    }
}
