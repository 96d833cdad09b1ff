//! The database: one connection type over SQLite (embedded default) or
//! PostgreSQL (servers), migrations per backend, one module per aggregate.
//!
//! SQL is written once with `$1` placeholders, which both backends accept;
//! [`on_db!`] expands the same query code for each pool type, so callers never
//! see which backend they talk to.

#[macro_use]
pub mod db;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod campaigns;
pub mod error;
pub mod events;
pub mod import;
pub mod indicator_values;
pub mod indicators;
pub mod leaders;
pub mod migrate;
pub mod notes;
pub mod notifications;
pub mod orders;
pub mod password;
pub mod plan_reports;
pub mod plans;
pub mod pupils;
pub mod registry;
pub mod run_index;
pub mod runs;
pub mod school_card;
pub mod school_facts;
pub mod scope;
pub mod sessions;
pub mod site_audits;
pub mod staff;
pub mod stats;
pub mod users;

pub use db::{Backend, Db};
pub use error::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
