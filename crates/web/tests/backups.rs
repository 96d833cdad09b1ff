//! Scheduled backups of a running server (issue 17): one archive per day
//! in the configured folder, written once however often the round runs,
//! the oldest beyond the kept number removed (other files left alone), and
//! the archive restores into an empty database.

mod common;

use common::*;
use opora_plans::Date;
use opora_web::backups::{archive_name, run_once, BackupConfig};

#[tokio::test]
async fn a_day_gets_one_archive_the_oldest_go_and_it_restores() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let folder = tempfile::tempdir().unwrap();
        let cfg = BackupConfig {
            dir: folder.path().join("копии"),
            keep: 2,
        };
        std::fs::create_dir_all(&cfg.dir).unwrap();
        for old in ["opora-2026-11-01.zip", "opora-2026-11-02.zip"] {
            std::fs::write(cfg.dir.join(old), b"old").unwrap();
        }
        std::fs::write(cfg.dir.join("заметки.txt"), b"keep me").unwrap();
        let today = Date::new(2026, 12, 1).unwrap();

        let written = run_once(&t.db, &cfg, today).await.unwrap();
        assert_eq!(written, Some(cfg.dir.join(archive_name(today))));
        assert_eq!(
            run_once(&t.db, &cfg, today).await.unwrap(),
            None,
            "once a day"
        );
        let mut left: Vec<String> = std::fs::read_dir(&cfg.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "opora-2026-11-02.zip",
                "opora-2026-12-01.zip",
                "заметки.txt"
            ]
        );

        // The archive restores into an empty database with the same schools.
        let empty = tempfile::tempdir().unwrap();
        let restored = opora_store::Db::open(None, empty.path()).await.unwrap();
        restored
            .restore_from(&cfg.dir.join(archive_name(today)))
            .await
            .unwrap();
        assert_eq!(
            restored.count("schools").await.unwrap(),
            t.db.count("schools").await.unwrap()
        );
        restored.close().await;
    });
}
