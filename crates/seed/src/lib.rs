//! Demo seeding, used by `opora serve --demo`, `opora demo` and the web
//! tests:
//!
//! - [`region`]: the synthetic region of `opora-demo`, written as canonical
//!   files and loaded through the ordinary import path;
//! - [`story`]: a saved identification run and the cast chosen from it, so
//!   that everything after follows from the run;
//! - [`users`]: a login for every role, scoped by the cast;
//! - [`plans`]: the cast's municipal roadmap at work, cascaded to its ШНОР,
//!   and the demo school's support pair;
//! - [`campaigns`]: the programme's indicators fed by two campaigns;
//! - [`sites`]: website audits of a few schools, made by the real crawler
//!   over small sites served locally while seeding;
//! - [`staff`]: the demo teacher's login linked to its staff record, the
//!   catalogue of programmes, development plans of the ШНОР teachers, an
//!   open self-assessment, an evaluation of the principals, and
//!   mentoring pairs for the demo school (the teachers, courses and
//!   diagnostics themselves are files of the region);
//! - [`pupils`]: registers of pupils with low results in the ШНОР and ШНСУ
//!   of the demo municipality, routes of the past and the current year,
//!   attendance, the early warning;
//! - [`events`]: the calendar around today — a held seminar with its
//!   attendance, protocol and a decision in the roadmap, a certifying
//!   internship, coming events and a cancelled one;
//! - [`orders`]: the region's order approving the run's lists, the
//!   municipality's orders on its roadmap and its seminar.
//!
//! Each step writes only into an empty database (or table), so seeding an
//! existing database changes nothing.

pub mod campaigns;
pub mod events;
pub mod orders;
pub mod plans;
pub mod pupils;
pub mod region;
pub mod sites;
pub mod staff;
pub mod story;
pub mod users;

pub use opora_demo::DemoSummary;
pub use region::{DEMO_REGION, DEMO_SEED};
pub use users::{DEMO_LOGINS, DEMO_PASSWORD};

use opora_store::{Db, StoreError};

/// What failed while seeding. The messages say which step failed; the
/// cause follows as the error's source.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the demo files.
    #[error(transparent)]
    Files(#[from] std::io::Error),
    /// Importing one of the demo files (the kind's Russian title).
    #[error("демо-данные: {kind}")]
    Import {
        kind: &'static str,
        #[source]
        source: StoreError,
    },
    #[error("демо-пользователи")]
    Users(#[source] StoreError),
    #[error("демо-план")]
    Plans(#[source] StoreError),
    /// The demo's identification run failed (the engine's message).
    #[error("демо-расчёт: {0}")]
    Run(String),
    /// The run gives no consistent story (what is missing).
    #[error("демо: {0}")]
    Story(String),
}

/// Loads the demo region from `seed`, then [`story_from_run`].
pub async fn load(db: &Db, seed: u64) -> Result<DemoSummary, SeedError> {
    let summary = region::load(db, seed).await?;
    story_from_run(db).await?;
    Ok(summary)
}

/// Everything after the region: the identification run (unless one is
/// saved), the cast chosen from it, the demo users, the demo roadmap, the
/// campaigns and the website audits (each unless it exists). Returns the
/// cast.
pub async fn story_from_run(db: &Db) -> Result<story::Cast, SeedError> {
    let run_id = story::ensure_run(db).await?;
    let cast = match story::cast(db).await? {
        Some(cast) => cast,
        None => story::choose_cast(db, run_id).await?,
    };
    users::create_demo_users(db, &cast)
        .await
        .map_err(SeedError::Users)?;
    plans::create_demo_plans(db, &cast)
        .await
        .map_err(SeedError::Plans)?;
    // Staff before the campaigns: the indicators' closed period is
    // computed there, and its `кадры.*` facts need the plans and pairs.
    staff::link_demo_teacher(db, &cast)
        .await
        .map_err(SeedError::Users)?;
    staff::create_demo_mentoring(db, &cast)
        .await
        .map_err(SeedError::Users)?;
    staff::create_demo_catalogue(db)
        .await
        .map_err(SeedError::Users)?;
    staff::create_demo_development_plans(db, &cast)
        .await
        .map_err(SeedError::Users)?;
    staff::create_demo_instrument(db)
        .await
        .map_err(SeedError::Users)?;
    campaigns::create_demo_campaigns(db, &cast)
        .await
        .map_err(SeedError::Plans)?;
    sites::create_demo_site_audits(db, &cast).await?;
    pupils::create_demo_pupils(db, &cast, opora_plans::clock::today())
        .await
        .map_err(SeedError::Users)?;
    events::create_demo_events(db, &cast, opora_plans::clock::today())
        .await
        .map_err(SeedError::Plans)?;
    orders::create_demo_orders(db, &cast, opora_plans::clock::today())
        .await
        .map_err(SeedError::Plans)?;
    // Last: it reads the roadmaps, the runs and the staff.
    staff::create_demo_principal_evaluation(db)
        .await
        .map_err(SeedError::Users)?;
    Ok(cast)
}

/// [`load`] with [`DEMO_SEED`] unless the registry already has schools
/// (then `None`: nothing is loaded).
pub async fn load_if_empty(db: &Db) -> Result<Option<DemoSummary>, SeedError> {
    if db.count("schools").await? > 0 {
        return Ok(None);
    }
    load(db, DEMO_SEED).await.map(Some)
}
