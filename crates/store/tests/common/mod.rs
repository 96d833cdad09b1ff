//! Test support: every test runs against SQLite (a temporary file) and, when
//! `OPORA_TEST_DATABASE_URL` names a PostgreSQL server, against PostgreSQL in
//! a fresh schema of its own.

#![allow(dead_code)]

use opora_store::import::{ImportKind, ImportOptions, ImportReport};
use opora_store::{Db, StoreError};
use std::path::{Path, PathBuf};

pub use opora_testkit::for_each_db;

fn unique_name() -> String {
    opora_testkit::unique_name("t")
}

pub fn fixture_dir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name());
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `text` as Windows-1251 bytes.
pub fn write_cp1251(path: &Path, text: &str) {
    let (bytes, _, bad) = encoding_rs::WINDOWS_1251.encode(text);
    assert!(!bad);
    std::fs::write(path, bytes).unwrap();
}

pub async fn import(db: &Db, kind: ImportKind, path: &Path) -> Result<ImportReport, StoreError> {
    db.import_file(
        kind,
        path,
        &ImportOptions {
            actor: "test".into(),
            ..Default::default()
        },
        &|_| {},
    )
    .await
}

pub const SCHOOLS_CSV: &str = "Код ОО;Муниципалитет;Полное наименование;Краткое наименование;Тип;Местность;Контингент\n\
S001;г. Северск;Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»;МБОУ «СОШ № 1»;СОШ;город;800\n\
S002;г. Северск;Муниципальное бюджетное общеобразовательное учреждение «Лицей № 2»;МБОУ «Лицей № 2»;лицей;город;650\n\
S003;Ивановский муниципальный район;Муниципальное казённое общеобразовательное учреждение «Ивановская основная общеобразовательная школа»;МКОУ «Ивановская ООШ»;ООШ;село;85\n";

pub const SCALES_CSV: &str =
    "year,procedure,subject,grade,max_score,min_3,min_4,min_5\n2024,ВПР,Математика,5,20,7,12,16\n";

/// Registry and scale loaded; returns the fixture folder.
pub async fn with_registry(db: &Db) -> PathBuf {
    let dir = fixture_dir();
    write_cp1251(&dir.join("schools.csv"), SCHOOLS_CSV);
    import(db, ImportKind::Schools, &dir.join("schools.csv"))
        .await
        .expect("schools import");
    std::fs::write(dir.join("scales.csv"), SCALES_CSV).unwrap();
    import(db, ImportKind::Scales, &dir.join("scales.csv"))
        .await
        .expect("scales import");
    dir
}

/// Every data table as sorted text lines, to compare states of a database.
pub async fn dump(db: &Db) -> Vec<String> {
    let queries = [
        "SELECT 'm|' || id || '|' || name FROM municipalities",
        "SELECT 's|' || code || '|' || municipality_id || '|' || full_name || '|' || kind || '|' || COALESCE(CAST(enrolment AS TEXT), '')  FROM schools",
        "SELECT 'a|' || id || '|' || year || '|' || procedure || '|' || subject || '|' || grade FROM assessments",
        "SELECT 'p|' || assessment_id || '|' || school_id || '|' || student_key || '|' || CAST(score AS TEXT) || '|' || COALESCE(CAST(mark AS TEXT), '') || '|' || COALESCE(CAST(journal_mark AS TEXT), '') || '|' || COALESCE(tasks, '') FROM pupil_results",
        "SELECT 'st|' || assessment_id || '|' || school_id || '|' || n || '|' || stats || '|' || content_hash FROM assessment_stats",
        "SELECT 'c|' || school_id || '|' || year || '|' || indicator || '|' || CAST(value AS TEXT) FROM context_values",
        "SELECT 'k|' || school_id || '|' || year || '|' || COALESCE(CAST(continuation_rate AS TEXT), '') FROM checklist",
    ];
    let mut out = Vec::new();
    for q in queries {
        let rows: Vec<String> = match db {
            Db::Sqlite(p) => sqlx::query_scalar(q).fetch_all(p).await.unwrap(),
            Db::Postgres(p) => sqlx::query_scalar(q).fetch_all(p).await.unwrap(),
        };
        out.extend(rows);
    }
    out.sort();
    out
}
