//! `opora sites check URL`: does a school's site publish what it must?
//! `opora sites audit`: the same for every school of the registry with a
//! website (or one), one site after another, each result saved in the
//! database. The crawl and the rules are the `sites` crate's, storing is the
//! store's; this prints the result.

use crate::cli::{DbArgs, OutputFormat, SitesAuditArgs, SitesCheckArgs, SitesCommand};
use anyhow::{bail, Result};
use opora_sites::{default_requirements, Audit, Group, Options, Status};
use serde::Serialize;
use std::time::Duration;

/// The actor the audit log names for checks made from the command line.
const ACTOR: &str = "cli";

pub async fn run(db: &DbArgs, cmd: SitesCommand) -> Result<()> {
    match cmd {
        SitesCommand::Check(args) => check(args).await,
        SitesCommand::Audit(args) => audit(db, args).await,
    }
}

fn options(delay_ms: u64, max_pages: u32) -> Options {
    Options {
        delay: Duration::from_millis(delay_ms),
        max_pages: max_pages as usize,
        ..Options::default()
    }
}

async fn check(args: SitesCheckArgs) -> Result<()> {
    let options = options(args.delay_ms, args.max_pages);
    let audit = opora_sites::check_site(&args.url, &default_requirements(), &options).await?;
    match args.format {
        OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&json(&audit))?),
        OutputFormat::Text => text(&audit),
    }
    Ok(())
}

/// The documented JSON shape, in this order and nothing more:
/// `{"url", "checked_at", "items": [{"requirement", "status", "url"}]}`.
#[derive(Serialize)]
struct Report<'a> {
    url: &'a str,
    checked_at: &'a str,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    requirement: &'a str,
    /// `found` or `missing`.
    status: &'static str,
    /// None (null) when missing.
    url: Option<&'a str>,
}

fn json(audit: &Audit) -> Report<'_> {
    Report {
        url: &audit.url,
        checked_at: &audit.checked_at,
        items: audit
            .items
            .iter()
            .map(|f| Item {
                requirement: &f.requirement,
                status: f.status.code(),
                url: f.url.as_deref(),
            })
            .collect(),
    }
}

fn text(audit: &Audit) {
    say!("Сайт: {}", audit.url);
    say!(
        "Проверено: {} (UTC); запросов страниц: {}, документов проверено: {}",
        audit.checked_at,
        audit.pages_visited,
        audit.documents_checked
    );
    let mut group = None;
    for f in &audit.items {
        if group != Some(f.group) {
            group = Some(f.group);
            say!();
            say!("{}", f.group.title());
        }
        match (f.status, &f.url) {
            (Status::Found, Some(url)) => {
                say!("  {}: найдено — {url} ({})", f.requirement, f.evidence)
            }
            _ => say!("  {}: {} ({})", f.requirement, f.status.title(), f.evidence),
        }
    }
    say!();
    let of = |g: Group| audit.items.iter().filter(move |f| f.group == g);
    let found = |g: Group| of(g).filter(|f| f.status == Status::Found).count();
    say!(
        "Итого: найдено {} из {}; подразделов сведений {} из {}, документов программы {} из {}.",
        audit.found_count(),
        audit.items.len(),
        found(Group::Sveden),
        of(Group::Sveden).count(),
        found(Group::Programme),
        of(Group::Programme).count()
    );
    if audit.limit_reached {
        say!("Достигнут предел запросов страниц: сайт проверен не весь (--max-pages).");
    }
    if !audit.broken_links.is_empty() {
        const SHOWN: usize = 20;
        say!("Неработающие ссылки: {}", audit.broken_links.len());
        for b in audit.broken_links.iter().take(SHOWN) {
            match &b.from {
                Some(from) => say!("  {} — {} (ссылка на странице {from})", b.url, b.reason),
                None => say!("  {} — {}", b.url, b.reason),
            }
        }
        if audit.broken_links.len() > SHOWN {
            say!("  … и ещё {}", audit.broken_links.len() - SHOWN);
        }
    }
}

/// One school's line of `opora sites audit --format json`.
#[derive(Serialize)]
struct AuditLine {
    school_code: String,
    school: String,
    /// The home page as reached (or the registry's address, on error).
    url: String,
    checked_at: Option<String>,
    found: Option<usize>,
    total: Option<usize>,
    /// Why the site could not be checked; null when it was.
    error: Option<String>,
}

#[derive(Serialize)]
struct AuditReport {
    checked: usize,
    failed: usize,
    schools: Vec<AuditLine>,
}

async fn audit(db_args: &DbArgs, args: SitesAuditArgs) -> Result<()> {
    let db = db_args.open().await?;
    let outcome = audit_schools(&db, &args).await;
    db.close().await;
    let report = outcome?;
    match args.format {
        OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&report)?),
        OutputFormat::Text => say!(
            "Итого: сайтов проверено {}, не удалось проверить {}. Результаты сохранены в базе: страница «Сайты школ», /api/sites.",
            report.checked,
            report.failed
        ),
    }
    Ok(())
}

/// Checks the sites one after another and saves each result as it comes
/// (an interrupted run keeps what it did). A site that cannot be checked is
/// saved with its reason and the run goes on.
async fn audit_schools(db: &opora_store::Db, args: &SitesAuditArgs) -> Result<AuditReport> {
    let schools = match &args.school {
        Some(code) => {
            let Some(s) = db.school_by_code(code.trim()).await? else {
                bail!("школы с кодом «{}» нет в реестре", code.trim());
            };
            if s.website.trim().is_empty() {
                bail!(
                    "у школы {} ({}) в реестре не указан сайт",
                    s.short_name,
                    s.code
                );
            }
            vec![s]
        }
        None => db
            .schools(None)
            .await?
            .into_iter()
            .filter(|s| !s.website.trim().is_empty())
            .collect(),
    };
    if schools.is_empty() && args.format == OutputFormat::Text {
        say!("В реестре нет школ с адресом сайта: проверять нечего.");
    }
    let requirements = default_requirements();
    let options = options(args.delay_ms, args.max_pages);
    let mut report = AuditReport {
        checked: 0,
        failed: 0,
        schools: vec![],
    };
    for s in schools {
        let url = s.website.trim();
        let line = match opora_sites::check_site(url, &requirements, &options).await {
            Ok(a) => {
                db.save_site_audit(s.id, &a, ACTOR).await?;
                report.checked += 1;
                AuditLine {
                    school_code: s.code.clone(),
                    school: s.short_name.clone(),
                    url: a.url.clone(),
                    checked_at: Some(a.checked_at.clone()),
                    found: Some(a.found_count()),
                    total: Some(a.items.len()),
                    error: None,
                }
            }
            Err(e) => {
                let error = e.to_string();
                db.save_site_error(s.id, url, &error, ACTOR).await?;
                report.failed += 1;
                AuditLine {
                    school_code: s.code.clone(),
                    school: s.short_name.clone(),
                    url: url.to_string(),
                    checked_at: None,
                    found: None,
                    total: None,
                    error: Some(error),
                }
            }
        };
        if args.format == OutputFormat::Text {
            match (&line.error, line.found, line.total) {
                (None, Some(found), Some(total)) => {
                    say!(
                        "{} {} — {}: найдено {found} из {total}",
                        line.school_code,
                        line.school,
                        line.url
                    )
                }
                (error, ..) => say!(
                    "{} {} — {}: не проверен ({})",
                    line.school_code,
                    line.school,
                    line.url,
                    error.as_deref().unwrap_or_default()
                ),
            }
        }
        report.schools.push(line);
    }
    Ok(report)
}
