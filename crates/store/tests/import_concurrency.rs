//! Imports next to other work: a long results import never makes other
//! writers wait for it, never shows half its rows, leaves nothing visible
//! when it dies mid-way, and a second import waits for the first — on
//! SQLite and PostgreSQL.

mod common;

use common::*;
use opora_store::import::{ImportKind, ImportOptions, ImportReport, Progress};
use opora_store::{Db, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const HEADER: &str = "Год;Код ОО;Процедура;Предмет;Класс;Код участника;Первичный балл\n";

/// `pupils` results for each school and grade 4–8 of a year's ВПР in mathematics.
fn results_file(dir: &Path, name: &str, year: i32, schools: &[&str], pupils: usize) -> PathBuf {
    let mut text = String::with_capacity(pupils * schools.len() * 5 * 40);
    text.push_str(HEADER);
    for school in schools {
        for grade in 4..=8 {
            for p in 0..pupils {
                text.push_str(&format!(
                    "{year};{school};ВПР;Математика;{grade};{school}-{grade}-{p:06};{}\n",
                    (p * 7 + grade) % 21
                ));
            }
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Starts importing `path` in a task of its own; `reached` is notified once
/// the import has handed `rows` rows to the database.
fn start_import(
    db: &Db,
    path: PathBuf,
    rows: u64,
    reached: Arc<tokio::sync::Notify>,
) -> tokio::task::JoinHandle<Result<ImportReport, StoreError>> {
    let db = db.clone();
    tokio::spawn(async move {
        let told = std::sync::atomic::AtomicBool::new(false);
        let on_progress = |p: Progress| {
            if p.rows >= rows && !told.swap(true, std::sync::atomic::Ordering::Relaxed) {
                reached.notify_one();
            }
        };
        let opts = ImportOptions {
            actor: "test".into(),
            ..Default::default()
        };
        db.import_file(ImportKind::Results, &path, &opts, &on_progress)
            .await
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_during_a_long_import_does_not_wait_for_the_import_and_sees_no_half_import() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let path = results_file(&dir, "big.csv", 2024, &["S001", "S002", "S003"], 30_000);
        let stats_before = t.db.count("assessment_stats").await.unwrap();
        let reached = Arc::new(tokio::sync::Notify::new());
        let import = start_import(&t.db, path, 40_000, reached.clone());
        reached.notified().await;

        t.db.audit("test", "запись во время загрузки", "", "")
            .await
            .unwrap();
        assert!(
            !import.is_finished(),
            "the write waited until the import had finished"
        );
        assert_eq!(
            t.db.count("assessment_stats").await.unwrap(),
            stats_before,
            "half an import is visible"
        );

        let report = import.await.unwrap().unwrap();
        assert_eq!(
            (report.rows, report.written, report.groups_changed),
            (450_000, 450_000, 15)
        );
        assert_eq!(t.db.count("pupil_results").await.unwrap(), 450_000);
    });
}

/// A new pool on the same database, as a restarted server would open.
async fn reopened(db: &Db) -> Db {
    match db {
        Db::Sqlite(p) => Db::Sqlite(
            sqlx::SqlitePool::connect_with((*p.connect_options()).clone())
                .await
                .unwrap(),
        ),
        Db::Postgres(p) => Db::Postgres(
            sqlx::PgPool::connect_with((*p.connect_options()).clone())
                .await
                .unwrap(),
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_that_dies_mid_way_leaves_nothing_visible_and_its_rows_are_swept() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let first = results_file(&dir, "first.csv", 2023, &["S001"], 100);
        import(&t.db, ImportKind::Results, &first).await.unwrap();
        let before = dump(&t.db).await;

        let big = results_file(&dir, "big.csv", 2024, &["S001", "S002", "S003"], 20_000);
        let reached = Arc::new(tokio::sync::Notify::new());
        let import_task = start_import(&t.db, big.clone(), 30_000, reached.clone());
        reached.notified().await;
        import_task.abort(); // as a kill would: no code of the import runs after this
        assert!(import_task.await.unwrap_err().is_cancelled());

        // What a restarted process sees: new connections to the same database.
        let db = reopened(&t.db).await;
        assert_eq!(
            db.count("assessment_stats").await.unwrap(),
            5,
            "only the first file's groups are visible"
        );
        db.recover_imports().await.unwrap();
        assert_eq!(dump(&db).await, before, "the dead import's rows are swept");

        let report = import(&db, ImportKind::Results, &big).await.unwrap();
        assert_eq!(report.written, 300_000, "the next import succeeds");
        assert_eq!(db.count("pupil_results").await.unwrap(), 300_500);
        db.close().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_imports_at_once_both_succeed_one_after_the_other() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        // Both files start the same new assessments: at once they used to
        // collide on the unique constraint of assessments (PostgreSQL).
        let a = results_file(&dir, "a.csv", 2025, &["S001"], 2_000);
        let b = results_file(&dir, "b.csv", 2025, &["S002", "S003"], 2_000);
        let (ra, rb) = tokio::join!(
            import(&t.db, ImportKind::Results, &a),
            import(&t.db, ImportKind::Results, &b)
        );
        assert_eq!(ra.unwrap().written, 10_000);
        assert_eq!(rb.unwrap().written, 20_000);
        assert_eq!(t.db.count("pupil_results").await.unwrap(), 30_000);
        assert_eq!(t.db.count("assessment_stats").await.unwrap(), 15);
    });
}

#[tokio::test]
async fn a_reimport_of_the_same_file_reports_nothing_written_and_changes_nothing() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let path = results_file(&dir, "r.csv", 2024, &["S001", "S002"], 50);
        assert_eq!(
            import(&t.db, ImportKind::Results, &path)
                .await
                .unwrap()
                .written,
            500
        );
        let before = dump(&t.db).await;
        let again = import(&t.db, ImportKind::Results, &path).await.unwrap();
        assert_eq!(
            (again.written, again.groups_changed, again.groups_unchanged),
            (0, 0, 10)
        );
        assert_eq!(dump(&t.db).await, before);
    });
}

#[tokio::test]
async fn a_subject_the_system_does_not_know_is_listed_and_added_only_when_confirmed() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let path = dir.join("typo.csv");
        std::fs::write(&path, format!("{HEADER}2024;S001;ВПР;Математика;5;A1;10\n2024;S001;ВПР;Матиматика;6;A2;11\n2024;S001;НИКО;Математика;6;A3;9\n")).unwrap();
        let before = dump(&t.db).await;
        let err = import(&t.db, ImportKind::Results, &path).await.unwrap_err();
        let StoreError::NewNames { names, .. } = &err else {
            panic!("expected new names, got {err}")
        };
        let listed: Vec<(&str, u64)> = names
            .iter()
            .map(|n| (n.name.as_str(), n.first_row))
            .collect();
        assert_eq!(listed, [("НИКО", 4), ("Матиматика", 3)]);
        assert!(
            err.to_string()
                .contains("предмет «Матиматика» (впервые в строке 3)"),
            "{err}"
        );
        assert_eq!(dump(&t.db).await, before, "nothing is written");

        let opts = ImportOptions {
            actor: "test".into(),
            allow_new_names: true,
            ..Default::default()
        };
        let report =
            t.db.import_file(ImportKind::Results, &path, &opts, &|_| {})
                .await
                .unwrap();
        assert_eq!(report.written, 3);
    });
}
