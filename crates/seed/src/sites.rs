//! The demo's website audits (issue 12): a few schools of the demo
//! municipality get small websites made in memory — a home page, the
//! section «Сведения об образовательной организации» with some of its
//! subsections at their usual `/sveden/…` addresses, and some of the
//! programme's documents (PDF) linked from «Документы» — served on
//! 127.0.0.1 for the time of seeding. The real crawler checks them and the
//! audits are saved; then the servers stop.
//!
//! Who gets what, so that a first look tells a story:
//!
//! - the demo school (a ШНОР): two checks — an older one (nine subsections,
//!   no documents) and the latest (thirteen subsections, the programme, the
//!   order approving it and the road map);
//! - the curator's second school: every subsection, of the programme's
//!   documents only an analytical report;
//! - the curator's third school: twelve subsections, the programme, the
//!   road map and the recommendations; the municipality's administrator
//!   (`mo1`) marked the road map missing by hand: it is the one of 2022;
//! - the mentor: every subsection and the network agreement;
//! - one more school of the municipality: its site answered with an error
//!   (the check failed, and says why).
//!
//! The sites answer on a local port, but the audits are stored with the
//! school's address from the registry (addresses, evidence and errors are
//! rewritten), as a real check of that site would read. Writes only into
//! an empty `site_audits` table.

use crate::story::Cast;
use crate::SeedError;
use axum::http::{header, StatusCode, Uri};
use axum::response::IntoResponse;
use opora_sites::Status;
use opora_sites::{default_requirements, Audit, Options, Requirement};
use opora_store::scope::Scope;
use opora_store::Db;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The actor of the demo's checks.
const ACTOR: &str = "демо";

/// One demo site: the subsections (codes) it has, the documents (codes) it
/// publishes, or an error answer for everything.
struct DemoSite {
    sveden: &'static [&'static str],
    documents: &'static [&'static str],
    down: bool,
}

const ALL_SVEDEN: &[&str] = &[
    "common",
    "struct",
    "document",
    "education",
    "edu_standards",
    "managers",
    "employees",
    "objects",
    "paid_edu",
    "budget",
    "vacant",
    "grants",
    "inter",
    "catering",
];

const DEMO_BEFORE: DemoSite = DemoSite {
    sveden: &[
        "common",
        "struct",
        "document",
        "education",
        "edu_standards",
        "managers",
        "employees",
        "objects",
        "budget",
    ],
    documents: &[],
    down: false,
};
const DEMO_NOW: DemoSite = DemoSite {
    sveden: &[
        "common",
        "struct",
        "document",
        "education",
        "edu_standards",
        "managers",
        "employees",
        "objects",
        "paid_edu",
        "budget",
        "vacant",
        "grants",
        "catering",
    ],
    documents: &["programme", "programme_order", "roadmap"],
    down: false,
};
const CURATED_SECOND: DemoSite = DemoSite {
    sveden: ALL_SVEDEN,
    documents: &["assessment_reports"],
    down: false,
};
const CURATED_THIRD: DemoSite = DemoSite {
    sveden: &[
        "common",
        "struct",
        "document",
        "education",
        "edu_standards",
        "managers",
        "employees",
        "objects",
        "budget",
        "vacant",
        "grants",
        "catering",
    ],
    documents: &["programme", "roadmap", "recommendations"],
    down: false,
};
const MENTOR: DemoSite = DemoSite {
    sveden: ALL_SVEDEN,
    documents: &["network_agreements"],
    down: false,
};
const DOWN: DemoSite = DemoSite {
    sveden: &[],
    documents: &[],
    down: true,
};

/// A document's file name and link text (matched by the real rules).
fn document(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "programme" => ("programma_povysheniya_kachestva.pdf", "Программа повышения качества образования на 2025–2027 годы"),
        "programme_order" => ("prikaz_ob_utverzhdenii_programmy.pdf", "Приказ об утверждении программы повышения качества образования"),
        "roadmap" => ("dorozhnaya_karta.pdf", "Дорожная карта по повышению качества образования"),
        "assessment_reports" => ("analiz_vpr.pdf", "Аналитическая справка по результатам ВПР"),
        "teacher_diagnostics" => (
            "diagnostika_kompetenciy.pdf",
            "Аналитическая справка по результатам диагностики профессиональных компетенций педагогов",
        ),
        "recommendations" => ("adresnye_rekomendacii.pdf", "Адресные рекомендации по итогам мониторинга"),
        "network_agreements" => ("dogovor_setevoe.pdf", "Договор о сетевом взаимодействии со школой-наставником"),
        _ => return None,
    })
}

/// An answer of a demo site: status, content type, body.
#[derive(Clone)]
struct Answer {
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
}

fn html(title: &str, body: &str) -> Answer {
    Answer {
        status: StatusCode::OK,
        content_type: "text/html; charset=utf-8",
        body: format!(
            "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><h1>{title}</h1>{body}</body></html>"
        )
        .into_bytes(),
    }
}

/// The pages of a demo site, by path.
fn pages(school: &str, site: &DemoSite, requirements: &[Requirement]) -> HashMap<String, Answer> {
    let mut out = HashMap::new();
    if site.down {
        return out;
    }
    let present: Vec<&Requirement> = requirements
        .iter()
        .filter(|r| site.sveden.contains(&r.code.as_str()))
        .collect();
    out.insert(
        "/".into(),
        html(
            school,
            "<nav><a href=\"/sveden/\">Сведения об образовательной организации</a> <a href=\"/news/\">Новости</a></nav>\
             <p>Добро пожаловать на сайт школы.</p>",
        ),
    );
    out.insert(
        "/news/".into(),
        html("Новости", "<p>Начался учебный год.</p>"),
    );
    let menu: String = present
        .iter()
        .filter_map(|r| {
            Some(format!(
                "<li><a href=\"{}\">{}</a></li>",
                r.paths.first()?,
                r.name
            ))
        })
        .collect();
    out.insert(
        "/sveden/".into(),
        html(
            "Сведения об образовательной организации",
            &format!("<ul>{menu}</ul>"),
        ),
    );
    let files: Vec<(&str, &str)> = site.documents.iter().filter_map(|c| document(c)).collect();
    for r in &present {
        let Some(path) = r.paths.first() else {
            continue;
        };
        let body = if r.code == "document" {
            let list: String = files
                .iter()
                .map(|(file, text)| format!("<li><a href=\"/files/{file}\">{text}</a> (PDF)</li>"))
                .collect();
            format!("<p>Документы школы.</p><ul>{list}</ul>")
        } else {
            format!("<p>{}: сведения школы.</p>", r.name)
        };
        out.insert(path.clone(), html(&r.name, &body));
    }
    for (file, _) in files {
        out.insert(
            format!("/files/{file}"),
            Answer {
                status: StatusCode::OK,
                content_type: "application/pdf",
                body: b"%PDF-1.4\n% demo\n".to_vec(),
            },
        );
    }
    out
}

/// A demo site answering on 127.0.0.1 until dropped.
struct Served {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Served {
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

async fn serve(pages: HashMap<String, Answer>, down: bool) -> Result<Served, SeedError> {
    let pages = Arc::new(pages);
    let answer = move |uri: Uri| {
        let pages = pages.clone();
        async move {
            let a = match pages.get(uri.path()) {
                Some(a) => a.clone(),
                None if down && uri.path() != "/robots.txt" => Answer {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    content_type: "text/html; charset=utf-8",
                    body: b"<!DOCTYPE html><title>503</title><h1>Service Unavailable</h1>".to_vec(),
                },
                None => Answer {
                    status: StatusCode::NOT_FOUND,
                    ..html("Страница не найдена", "<p>Такой страницы нет.</p>")
                },
            };
            (a.status, [(header::CONTENT_TYPE, a.content_type)], a.body).into_response()
        }
    };
    let app = axum::Router::new()
        .route("/", axum::routing::get(answer.clone()))
        .route("/{*path}", axum::routing::get(answer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Served {
        base,
        stop: Some(tx),
        task,
    })
}

/// Replaces the local address by the school's in everything people read.
fn rehome(audit: &mut Audit, local: &str, website: &str) {
    let swap = |s: &mut String| *s = s.replace(local, website);
    swap(&mut audit.url);
    for f in &mut audit.items {
        if let Some(u) = f.url.as_mut() {
            swap(u);
        }
        swap(&mut f.evidence);
    }
    for b in &mut audit.broken_links {
        swap(&mut b.url);
        if let Some(from) = b.from.as_mut() {
            swap(from);
        }
        swap(&mut b.reason);
    }
}

/// `https://school.ru/` → `https://school.ru`.
fn origin(website: &str) -> String {
    website.trim().trim_end_matches('/').to_string()
}

/// A UTC time `days` before now, at 09:00, as stored.
fn days_ago(days: i64) -> String {
    let today = opora_plans::Date::today();
    let d = opora_plans::Date::from_days(today.days() - days).unwrap_or(today);
    format!("{}T06:00:00Z", d.iso())
}

/// Checks one demo site with the real crawler and saves the result under
/// the school's address; `checked_at` replaces the time of an older check.
async fn check_and_save(
    db: &Db,
    school_id: i64,
    website: &str,
    name: &str,
    site: &DemoSite,
    checked_at: Option<String>,
) -> Result<(), SeedError> {
    let requirements = default_requirements();
    let served = serve(pages(name, site, &requirements), site.down).await?;
    let options = Options {
        delay: Duration::ZERO,
        max_pages: 80,
        timeout: Duration::from_secs(5),
        ..Options::default()
    };
    let outcome = opora_sites::check_site(&served.base, &requirements, &options).await;
    let base = served.base.clone();
    served.stop().await;
    let website = origin(website);
    match outcome {
        Ok(mut audit) => {
            rehome(&mut audit, &base, &website);
            if let Some(at) = checked_at {
                audit.checked_at = at;
            }
            db.save_site_audit(school_id, &audit, ACTOR).await?;
        }
        Err(e) => {
            let error = e.to_string().replace(&base, &website);
            db.save_site_error(school_id, &format!("{website}/"), &error, ACTOR)
                .await?;
        }
    }
    Ok(())
}

/// Seeds the audits unless there are some. Returns whether it did.
pub async fn create_demo_site_audits(db: &Db, cast: &Cast) -> Result<bool, SeedError> {
    if db.count("site_audits").await? > 0 {
        return Ok(false);
    }
    let schools = db
        .schools_in(&Scope::Municipality(cast.municipality_id))
        .await?;
    let by_id = |id: i64| {
        schools
            .iter()
            .find(|s| s.id == id && !s.website.trim().is_empty())
    };
    let mut plan: Vec<(i64, &DemoSite)> = vec![(cast.school_id, &DEMO_NOW)];
    if let Some(&id) = cast.curated.get(1) {
        plan.push((id, &CURATED_SECOND));
    }
    if let Some(&id) = cast.curated.get(2) {
        plan.push((id, &CURATED_THIRD));
    }
    plan.push((cast.leader_id, &MENTOR));
    if let Some(s) = schools
        .iter()
        .find(|s| !s.website.trim().is_empty() && !plan.iter().any(|(id, _)| *id == s.id))
    {
        plan.push((s.id, &DOWN));
    }
    for (id, site) in &plan {
        let Some(s) = by_id(*id) else { continue };
        if s.id == cast.school_id {
            check_and_save(
                db,
                s.id,
                &s.website,
                &s.short_name,
                &DEMO_BEFORE,
                Some(days_ago(150)),
            )
            .await?;
        }
        check_and_save(db, s.id, &s.website, &s.short_name, site, None).await?;
    }
    if let Some(s) = cast.curated.get(2).and_then(|id| by_id(*id)) {
        db.set_site_override(
            s.id,
            "roadmap",
            Status::Missing,
            "Размещена дорожная карта 2022 года; актуальной на этот год на сайте нет",
            "mo1",
        )
        .await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_document_has_a_file_and_a_link_text() {
        for site in [
            &DEMO_BEFORE,
            &DEMO_NOW,
            &CURATED_SECOND,
            &CURATED_THIRD,
            &MENTOR,
        ] {
            assert!(site.documents.iter().all(|c| document(c).is_some()));
            assert!(site.sveden.iter().all(|c| ALL_SVEDEN.contains(c)));
        }
    }

    #[tokio::test]
    async fn the_real_crawler_finds_what_a_demo_site_publishes() {
        let requirements = default_requirements();
        let served = serve(pages("Школа", &CURATED_THIRD, &requirements), false)
            .await
            .unwrap();
        let options = Options {
            delay: Duration::ZERO,
            ..Options::default()
        };
        let audit = opora_sites::check_site(&served.base, &requirements, &options)
            .await
            .unwrap();
        served.stop().await;
        let found: Vec<&str> = audit
            .items
            .iter()
            .filter(|f| f.status == Status::Found)
            .map(|f| f.code.as_str())
            .collect();
        let mut expected: Vec<&str> = CURATED_THIRD.sveden.to_vec();
        expected.extend(CURATED_THIRD.documents);
        let order = |c: &&str| requirements.iter().position(|r| r.code == *c);
        expected.sort_by_key(order);
        assert_eq!(found, expected);
        assert!(!audit.limit_reached);
    }

    #[test]
    fn addresses_are_rewritten_to_the_schools() {
        let r = &default_requirements()[0];
        let mut a = Audit {
            url: "http://127.0.0.1:4000/".into(),
            checked_at: "2026-10-01T06:00:00Z".into(),
            pages_visited: 3,
            documents_checked: 0,
            limit_reached: false,
            items: vec![opora_sites::Finding::found(
                r,
                "http://127.0.0.1:4000/sveden/common".into(),
                "адрес «/sveden/common»".into(),
            )],
            broken_links: vec![],
        };
        rehome(
            &mut a,
            "http://127.0.0.1:4000",
            &origin("https://school.example/"),
        );
        assert_eq!(a.url, "https://school.example/");
        assert_eq!(
            a.items[0].url.as_deref(),
            Some("https://school.example/sveden/common")
        );
    }
}
