//! `opora sites check URL`: does a school's site publish what it must?
//! The crawl and the rules are the `sites` crate's; this prints the result.

use crate::cli::{OutputFormat, SitesCheckArgs, SitesCommand};
use anyhow::Result;
use opora_sites::{default_requirements, Audit, Group, Options, Status};
use serde::Serialize;
use std::time::Duration;

pub async fn run(cmd: SitesCommand) -> Result<()> {
    match cmd {
        SitesCommand::Check(args) => check(args).await,
    }
}

async fn check(args: SitesCheckArgs) -> Result<()> {
    let options = Options {
        delay: Duration::from_millis(args.delay_ms),
        max_pages: args.max_pages as usize,
        ..Options::default()
    };
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
