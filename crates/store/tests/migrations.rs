//! Migrations: applying twice changes nothing, an edited migration is
//! refused, and two servers starting at once on one database both come up —
//! on SQLite and PostgreSQL.

mod common;

use common::*;
use opora_store::{Db, StoreError};

async fn execute(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap();
}

#[tokio::test]
async fn migrating_again_changes_nothing_and_every_migration_has_its_checksum() {
    for_each_db!(|t| {
        let before = t.db.count("schema_migrations").await.unwrap();
        t.db.migrate().await.unwrap();
        assert_eq!(t.db.count("schema_migrations").await.unwrap(), before);
        execute(
            &t.db,
            "DELETE FROM schema_migrations WHERE checksum IS NULL OR length(checksum) <> 64",
        )
        .await;
        assert_eq!(
            t.db.count("schema_migrations").await.unwrap(),
            before,
            "every checksum is a SHA-256"
        );
    });
}

#[tokio::test]
async fn a_migration_edited_after_it_was_applied_is_refused() {
    for_each_db!(|t| {
        execute(
            &t.db,
            "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 2",
        )
        .await;
        let err = t.db.migrate().await.unwrap_err();
        assert!(matches!(err, StoreError::Migration(_)), "{err}");
        assert!(
            err.to_string().contains("миграция 2") && err.to_string().contains("изменена"),
            "{err}"
        );
    });
}

#[tokio::test]
async fn a_database_migrated_before_checksums_gets_them_recorded() {
    for_each_db!(|t| {
        execute(&t.db, "UPDATE schema_migrations SET checksum = NULL").await;
        t.db.migrate().await.unwrap();
        execute(
            &t.db,
            "DELETE FROM schema_migrations WHERE checksum IS NULL",
        )
        .await;
        t.db.migrate().await.unwrap();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_starting_at_once_on_a_new_database_both_come_up() {
    let Some(url) = opora_testkit::postgres_url() else {
        return;
    };
    let schema = opora_testkit::unique_name("mig");
    // Two pools, as two server processes would have (the schema itself is
    // made by the first connection: that is test set-up, not start-up).
    let a = Db::connect_postgres(&url, Some(&schema)).await.unwrap();
    let b = Db::connect_postgres(&url, Some(&schema)).await.unwrap();
    let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
    ra.unwrap();
    rb.unwrap();
    assert!(a.count("schema_migrations").await.unwrap() >= 6);
    a.close().await;
    b.close().await;
    let admin = Db::connect_postgres(&url, None).await.unwrap();
    execute(&admin, &format!("DROP SCHEMA \"{schema}\" CASCADE")).await;
    admin.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_opening_a_new_sqlite_database_at_once_both_come_up() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = tokio::join!(Db::open(None, dir.path()), Db::open(None, dir.path()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.count("schema_migrations").await.unwrap(),
        b.count("schema_migrations").await.unwrap()
    );
    a.close().await;
    b.close().await;
}
