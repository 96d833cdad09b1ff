//! Website audits of schools (issue 12), one aggregate: every check of a
//! school's site (`opora_sites::Audit`, or the reason it could not be
//! checked), one row per requirement, and people's overrides.
//!
//! The store keeps the `sites` crate's own types: [`Db::save_site_audit`]
//! takes an [`opora_sites::Audit`] as the crawler returns it, so the
//! crawler's result has one definition. The store depends on the `sites`
//! crate for these data types and the requirement list only; it never
//! crawls (the web, the binary and the seed call the crawler and then
//! save).
//!
//! # What a school's state is
//!
//! - **Requirements** are kept by their stable `code` (codes never change;
//!   names may be reworded), with the Russian name as it was at the check.
//!   Items are read over the current list
//!   ([`opora_sites::default_requirements`]), in its order; a stored item of
//!   a requirement no longer in the list is not shown.
//! - **The audit that counts** is the latest *successful* check (by
//!   `checked_at`, then id). A check that failed (the site did not open) is
//!   kept and shown as the latest attempt, but does not erase what the last
//!   successful check found: a site down for an hour has not unpublished
//!   its documents.
//! - **An override** (found or missing, with a comment, who and when)
//!   stands over any check until it is removed or replaced. It can be set
//!   for a school never checked (a site closed to robots, checked by a
//!   person).
//! - **Effective status** = the override, else the audit's status, else
//!   none (never checked and not overridden).
//!
//! # Short keys for indicator formulas
//!
//! [`Db::site_found`] answers per school `key → found` with each
//! requirement's short key (`requirements.toml`, field `key`), meant as the
//! formula fields `сайт.<key>` (да/нет); [`site_fields`] lists them with
//! their names:
//!
//! | key | requirement |
//! |---|---|
//! | `основные_сведения` | Основные сведения |
//! | `структура` | Структура и органы управления образовательной организацией |
//! | `документы` | Документы |
//! | `образование` | Образование |
//! | `стандарты` | Образовательные стандарты и требования |
//! | `руководство` | Руководство |
//! | `педагогический_состав` | Педагогический состав |
//! | `материально_техническое_обеспечение` | Материально-техническое обеспечение и оснащённость образовательного процесса. Доступная среда |
//! | `платные_услуги` | Платные образовательные услуги |
//! | `финансово_хозяйственная_деятельность` | Финансово-хозяйственная деятельность |
//! | `вакантные_места` | Вакантные места для приёма (перевода) обучающихся |
//! | `стипендии` | Стипендии и меры поддержки обучающихся |
//! | `международное_сотрудничество` | Международное сотрудничество |
//! | `питание` | Организация питания в образовательной организации |
//! | `программа` | Программа повышения качества образования (перехода в эффективный режим работы) |
//! | `приказ_о_программе` | Приказ об утверждении программы |
//! | `дорожная_карта` | План мероприятий (дорожная карта) |
//! | `справки_о_результатах` | Аналитические справки по результатам оценочных процедур |
//! | `справки_о_компетенциях` | Аналитические справки по результатам диагностики профессиональных компетенций педагогов |
//! | `адресные_рекомендации` | Адресные рекомендации |
//! | `сетевые_договоры` | Договоры о сетевом взаимодействии |
//!
//! Rights are the web's business; every people-facing list here takes the
//! caller's [`Scope`]; the per-school reads take an id the caller has
//! already checked against its scope.

use crate::audit::now_text;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_sites::{default_requirements, Audit, Group, Requirement, Status};
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// A requirement as a formula field: its short key, its Russian name and
/// its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteField {
    pub key: String,
    pub code: String,
    pub name: String,
    pub group: Group,
}

/// The requirements as formula fields (`сайт.<key>`, да/нет), in the
/// list's order.
pub fn site_fields() -> Vec<SiteField> {
    default_requirements()
        .into_iter()
        .map(|r| SiteField {
            key: r.key,
            code: r.code,
            name: r.name,
            group: r.group,
        })
        .collect()
}

/// One school with a website, as the list of sites shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolSiteStatus {
    pub school_id: i64,
    pub school_code: String,
    pub school: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub website: String,
    /// The latest check, whatever its outcome (UTC).
    pub last_checked_at: Option<String>,
    /// Why the latest check could not be done; `None` when it was done (or
    /// there was none).
    pub last_error: Option<String>,
    /// The latest successful check (UTC): the one whose items count.
    pub audited_at: Option<String>,
    /// Requirements found, overrides counted.
    pub found: usize,
    /// Requirements in the list.
    pub total: usize,
    /// Requirements whose status a person set.
    pub overridden: usize,
}

/// One check of a school's site, as its history shows it (the crawler's
/// own counts, without overrides).
#[derive(Debug, Clone, Serialize)]
pub struct SiteAuditSummary {
    pub id: i64,
    pub school_id: i64,
    pub url: String,
    pub checked_at: String,
    pub pages: i64,
    pub documents: i64,
    pub limit_reached: bool,
    /// Why the site could not be checked; `None` for a done check.
    pub error: Option<String>,
    /// A login, «расписание» or «cli».
    pub actor: String,
    pub found: usize,
    pub total: usize,
}

/// A person's decision on one requirement of one school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteOverride {
    pub status: Status,
    pub comment: String,
    /// UTC.
    pub at: String,
    pub actor: String,
}

/// One requirement of a school's site: what the latest successful check
/// said and what a person set.
#[derive(Debug, Clone, Serialize)]
pub struct SiteItem {
    pub code: String,
    pub key: String,
    /// The Russian name.
    pub requirement: String,
    pub group: Group,
    /// The check's status; `None` when the school was never checked
    /// successfully.
    pub checked: Option<Status>,
    /// The page or document found.
    pub url: Option<String>,
    /// The check's reason, in Russian.
    pub evidence: String,
    /// When the check that said so started (UTC).
    pub checked_at: Option<String>,
    pub overridden: Option<SiteOverride>,
}

impl SiteItem {
    /// The override, else the check; `None`: nothing known.
    pub fn status(&self) -> Option<Status> {
        self.overridden.as_ref().map(|o| o.status).or(self.checked)
    }

    pub fn found(&self) -> bool {
        self.status() == Some(Status::Found)
    }
}

fn status_of(code: &str) -> Result<Status> {
    match code {
        "found" => Ok(Status::Found),
        "missing" => Ok(Status::Missing),
        other => Err(StoreError::stored("состояние требования к сайту", other)),
    }
}

/// What decides which stored check is the latest.
#[derive(Clone)]
struct AuditRow {
    id: i64,
    school_id: i64,
    checked_at: String,
    error: Option<String>,
}

/// A stored item.
struct ItemRow {
    status: Status,
    url: Option<String>,
    evidence: String,
}

/// What is known of one school: its latest attempt, its latest successful
/// check with the items, its overrides.
#[derive(Default)]
struct Known {
    last: Option<AuditRow>,
    audited: Option<AuditRow>,
    items: HashMap<String, ItemRow>,
    overrides: HashMap<String, SiteOverride>,
}

impl Known {
    /// The items over the requirement list, in its order.
    fn items(&self, list: &[Requirement]) -> Vec<SiteItem> {
        list.iter()
            .map(|r| {
                let item = self.items.get(&r.code);
                SiteItem {
                    code: r.code.clone(),
                    key: r.key.clone(),
                    requirement: r.name.clone(),
                    group: r.group,
                    checked: item.map(|i| i.status),
                    url: item.and_then(|i| i.url.clone()),
                    evidence: item.map(|i| i.evidence.clone()).unwrap_or_default(),
                    checked_at: item
                        .and(self.audited.as_ref())
                        .map(|a| a.checked_at.clone()),
                    overridden: self.overrides.get(&r.code).cloned(),
                }
            })
            .collect()
    }
}

/// Later check first: by start time, then by id.
fn later(a: &AuditRow, b: &AuditRow) -> bool {
    (a.checked_at.as_str(), a.id) > (b.checked_at.as_str(), b.id)
}

/// The requirement a caller names by code or by Russian name.
fn requirement_named(name: &str) -> Result<Requirement> {
    let name = name.trim();
    default_requirements()
        .into_iter()
        .find(|r| r.code == name || r.name == name)
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "требования «{name}» нет в списке требований к сайту"
            ))
        })
}

impl Db {
    /// Saves one check of a school's site with its items, and the audit
    /// log entry, in one transaction. Returns the check's id.
    pub async fn save_site_audit(&self, school_id: i64, audit: &Audit, actor: &str) -> Result<i64> {
        let (school, municipality) = self.site_school(school_id).await?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, t => sqlx::query_scalar(
            "INSERT INTO site_audits (school_id, url, checked_at, pages, documents, limit_reached, error, actor) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7) RETURNING id")
            .bind(school_id).bind(&audit.url).bind(&audit.checked_at).bind(audit.pages_visited as i64)
            .bind(audit.documents_checked as i64).bind(audit.limit_reached as i64).bind(actor)
            .fetch_one(&mut *t).await)?;
        for f in &audit.items {
            on_tx!(&mut tx, t => sqlx::query(
                "INSERT INTO site_audit_items (audit_id, code, requirement, grp, status, url, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id).bind(&f.code).bind(&f.requirement).bind(f.group.code()).bind(f.status.code())
                .bind(f.url.as_deref()).bind(&f.evidence).execute(&mut *t).await.map(|_| ()))?;
        }
        let details = format!(
            "{}: найдено {} из {}, запросов страниц {}",
            audit.url,
            audit.found_count(),
            audit.items.len(),
            audit.pages_visited
        );
        audit_entry(
            &mut tx,
            actor,
            "проверка сайта школы",
            &school,
            &details,
            municipality,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a check that could not be done (the site did not open, was
    /// closed to robots, …), with the reason. Returns its id.
    pub async fn save_site_error(
        &self,
        school_id: i64,
        url: &str,
        error: &str,
        actor: &str,
    ) -> Result<i64> {
        let (school, municipality) = self.site_school(school_id).await?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, t => sqlx::query_scalar(
            "INSERT INTO site_audits (school_id, url, checked_at, error, actor) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(school_id).bind(url).bind(now_text()).bind(error).bind(actor).fetch_one(&mut *t).await)?;
        audit_entry(
            &mut tx,
            actor,
            "проверка сайта школы не удалась",
            &school,
            &format!("{url}: {error}"),
            municipality,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// «СОШ № 5 (S001)» and the municipality of a school, for the log.
    async fn site_school(&self, school_id: i64) -> Result<(String, i64)> {
        let sql = "SELECT short_name, code, municipality_id FROM schools WHERE id = $1";
        let row: Option<(String, String, i64)> = on_db!(self, p => sqlx::query(sql).bind(school_id).fetch_optional(p).await?
            .map(|r| (r.get(0), r.get(1), r.get(2))));
        let (name, code, municipality) =
            row.ok_or_else(|| StoreError::NotFound(format!("школа № {school_id}")))?;
        Ok((format!("школа {name} ({code})"), municipality))
    }

    /// Every school in the scope with a website in the registry, by
    /// municipality and name: its latest check and the requirements found
    /// (overrides counted) of the list.
    pub async fn latest_site_audits(&self, scope: &Scope) -> Result<Vec<SchoolSiteStatus>> {
        let cond = format!("{} AND s.website <> ''", scope.schools_sql("s"));
        let sql = format!(
            "SELECT s.id, s.code, s.short_name, s.municipality_id, m.name, s.website FROM schools s \
             JOIN municipalities m ON m.id = s.municipality_id WHERE {cond}"
        );
        let schools: Vec<(i64, String, String, i64, String, String)> = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))).collect());
        let mut known = self.known(&cond).await?;
        let list = default_requirements();
        let mut out: Vec<SchoolSiteStatus> = schools
            .into_iter()
            .map(
                |(school_id, school_code, school, municipality_id, municipality, website)| {
                    let k = known.remove(&school_id).unwrap_or_default();
                    let items = k.items(&list);
                    SchoolSiteStatus {
                        school_id,
                        school_code,
                        school,
                        municipality_id,
                        municipality,
                        website,
                        last_checked_at: k.last.as_ref().map(|a| a.checked_at.clone()),
                        last_error: k.last.as_ref().and_then(|a| a.error.clone()),
                        audited_at: k.audited.as_ref().map(|a| a.checked_at.clone()),
                        found: items.iter().filter(|i| i.found()).count(),
                        total: items.len(),
                        overridden: items.iter().filter(|i| i.overridden.is_some()).count(),
                    }
                },
            )
            .collect();
        out.sort_by_cached_key(|s| {
            (
                crate::registry::ru_key(&s.municipality),
                crate::registry::ru_key(&s.school),
                s.school_id,
            )
        });
        Ok(out)
    }

    /// The checks of one school, latest first.
    pub async fn site_audit_history(&self, school_id: i64) -> Result<Vec<SiteAuditSummary>> {
        let sql = "SELECT a.id, a.school_id, a.url, a.checked_at, a.pages, a.documents, a.limit_reached, a.error, a.actor, \
                   (SELECT COUNT(*) FROM site_audit_items i WHERE i.audit_id = a.id AND i.status = 'found'), \
                   (SELECT COUNT(*) FROM site_audit_items i WHERE i.audit_id = a.id) \
                   FROM site_audits a WHERE a.school_id = $1 ORDER BY a.checked_at DESC, a.id DESC";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(school_id).fetch_all(p).await?.iter().map(|r| SiteAuditSummary {
            id: r.get(0),
            school_id: r.get(1),
            url: r.get(2),
            checked_at: r.get(3),
            pages: r.get(4),
            documents: r.get(5),
            limit_reached: r.get::<i64, _>(6) != 0,
            error: r.get(7),
            actor: r.get(8),
            found: r.get::<i64, _>(9) as usize,
            total: r.get::<i64, _>(10) as usize,
        }).collect()),
        )
    }

    /// The requirements of one school's site, in the list's order: the
    /// latest successful check's findings with the overrides.
    pub async fn site_items(&self, school_id: i64) -> Result<Vec<SiteItem>> {
        let k = self
            .known(&format!("s.id = {school_id}"))
            .await?
            .remove(&school_id)
            .unwrap_or_default();
        Ok(k.items(&default_requirements()))
    }

    /// The effective found (`true`) / missing (`false`) of every
    /// requirement, by its short key (`программа`), for every school in
    /// the scope that has a successful check or an override
    /// ([`Scope::Region`]: all schools). A requirement neither checked nor
    /// overridden is absent. This is what indicator formulas read as
    /// `сайт.<key>`.
    pub async fn site_found(&self, scope: &Scope) -> Result<BTreeMap<i64, BTreeMap<String, bool>>> {
        let list = default_requirements();
        Ok(self
            .known(&scope.schools_sql("s"))
            .await?
            .into_iter()
            .filter_map(|(school, k)| {
                let found: BTreeMap<String, bool> = k
                    .items(&list)
                    .iter()
                    .filter_map(|i| i.status().map(|s| (i.key.clone(), s == Status::Found)))
                    .collect();
                (!found.is_empty()).then_some((school, found))
            })
            .collect())
    }

    /// Sets a person's status of one requirement of a school (found or
    /// missing whatever the checks say), replacing an earlier one. The
    /// requirement is named by its code or its Russian name; the comment
    /// (why) is required. Recorded in the audit log.
    pub async fn set_site_override(
        &self,
        school_id: i64,
        requirement: &str,
        status: Status,
        comment: &str,
        actor: &str,
    ) -> Result<()> {
        let r = requirement_named(requirement)?;
        let comment = comment.trim();
        if comment.is_empty() {
            return Err(StoreError::Invalid(format!(
                "напишите комментарий: почему «{}» отмечается как «{}» вручную",
                r.name,
                status.title()
            )));
        }
        let (school, municipality) = self.site_school(school_id).await?;
        let sql = "INSERT INTO site_overrides (school_id, code, requirement, status, comment, at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                   ON CONFLICT (school_id, code) DO UPDATE SET requirement = excluded.requirement, status = excluded.status, \
                   comment = excluded.comment, at = excluded.at, actor = excluded.actor";
        on_db!(self, p => sqlx::query(sql).bind(school_id).bind(&r.code).bind(&r.name).bind(status.code()).bind(comment)
            .bind(now_text()).bind(actor).execute(p).await.map(|_| ()))?;
        self.audit_for(
            actor,
            "требование к сайту отмечено вручную",
            &format!("{school}, «{}»", r.name),
            &format!("{}: {comment}", status.title()),
            Some(municipality),
        )
        .await
    }

    /// Removes a person's status of one requirement (the checks count
    /// again). Returns whether there was one. Recorded in the audit log.
    pub async fn remove_site_override(
        &self,
        school_id: i64,
        requirement: &str,
        actor: &str,
    ) -> Result<bool> {
        let r = requirement_named(requirement)?;
        let (school, municipality) = self.site_school(school_id).await?;
        let sql = "DELETE FROM site_overrides WHERE school_id = $1 AND code = $2";
        let n = on_db!(self, p => sqlx::query(sql).bind(school_id).bind(&r.code).execute(p).await?.rows_affected());
        if n > 0 {
            self.audit_for(
                actor,
                "ручная отметка требования к сайту снята",
                &format!("{school}, «{}»", r.name),
                "",
                Some(municipality),
            )
            .await?;
        }
        Ok(n > 0)
    }

    /// What is known of the schools matching `cond` (an SQL condition on
    /// `schools s`, numbers only).
    async fn known(&self, cond: &str) -> Result<HashMap<i64, Known>> {
        let sql = format!(
            "SELECT a.id, a.school_id, a.checked_at, a.error FROM site_audits a JOIN schools s ON s.id = a.school_id WHERE {cond}"
        );
        let rows: Vec<AuditRow> = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?.iter().map(|r| AuditRow {
            id: r.get(0),
            school_id: r.get(1),
            checked_at: r.get(2),
            error: r.get(3),
        }).collect());
        let mut known: HashMap<i64, Known> = HashMap::new();
        for a in rows {
            let k = known.entry(a.school_id).or_default();
            if a.error.is_none() && k.audited.as_ref().is_none_or(|b| later(&a, b)) {
                k.audited = Some(a.clone());
            }
            if k.last.as_ref().is_none_or(|b| later(&a, b)) {
                k.last = Some(a);
            }
        }
        let audited: HashMap<i64, i64> = known
            .iter()
            .filter_map(|(school, k)| k.audited.as_ref().map(|a| (a.id, *school)))
            .collect();
        let ids: Vec<i64> = audited.keys().copied().collect();
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT audit_id, code, status, url, evidence FROM site_audit_items WHERE audit_id IN ({list})");
            let items: Vec<(i64, String, String, Option<String>, String)> = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?
                .iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect());
            for (audit_id, code, status, url, evidence) in items {
                let status = status_of(&status)?;
                if let Some(k) = audited.get(&audit_id).and_then(|s| known.get_mut(s)) {
                    k.items.insert(
                        code,
                        ItemRow {
                            status,
                            url,
                            evidence,
                        },
                    );
                }
            }
        }
        let sql = format!(
            "SELECT o.school_id, o.code, o.status, o.comment, o.at, o.actor FROM site_overrides o \
             JOIN schools s ON s.id = o.school_id WHERE {cond}"
        );
        let overrides: Vec<(i64, String, String, String, String, String)> = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))).collect());
        for (school, code, status, comment, at, actor) in overrides {
            let status = status_of(&status)?;
            known.entry(school).or_default().overrides.insert(
                code,
                SiteOverride {
                    status,
                    comment,
                    at,
                    actor,
                },
            );
        }
        Ok(known)
    }
}

/// An audit log entry about a school, inside the transaction of the
/// change, for the school's municipality to read too.
async fn audit_entry(
    tx: &mut crate::db::Tx,
    actor: &str,
    action: &str,
    object: &str,
    details: &str,
    municipality: i64,
) -> Result<()> {
    on_tx!(tx, t => sqlx::query("INSERT INTO audit_log (at, actor, action, object, details, municipality_id) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(now_text()).bind(actor).bind(action).bind(object).bind(details).bind(municipality)
        .execute(&mut *t).await.map(|_| ()))?;
    Ok(())
}
