//! Demo seeding, used by `opora serve --demo`, `opora demo` and the web
//! tests:
//!
//! - [`region`]: the synthetic region of `opora-demo`, written as canonical
//!   files and loaded through the ordinary import path;
//! - [`users`]: a login for every role, scoped to the first municipality;
//! - [`plans`]: the first municipality's roadmap at work.
//!
//! Each step writes only into an empty database (or table), so seeding an
//! existing database changes nothing.

pub mod plans;
pub mod region;
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
}

/// Loads the demo region from `seed` and creates the demo users (and with
/// them the demo roadmap).
pub async fn load(db: &Db, seed: u64) -> Result<DemoSummary, SeedError> {
    let summary = region::load(db, seed).await?;
    users::create_demo_users(db)
        .await
        .map_err(SeedError::Users)?;
    Ok(summary)
}

/// [`load`] with [`DEMO_SEED`] unless the registry already has schools
/// (then `None`: nothing is loaded).
pub async fn load_if_empty(db: &Db) -> Result<Option<DemoSummary>, SeedError> {
    if db.count("schools").await? > 0 {
        return Ok(None);
    }
    load(db, DEMO_SEED).await.map(Some)
}
