//! `backup_to` / `restore_from` as a specification: the demo region (with an
//! evidence file kept in the database) goes SQLite → archive → PostgreSQL →
//! archive → SQLite and every table's checksum and a few things people read
//! (schools, a plan with its activities, campaign answers, the evidence
//! file's bytes) come back the same; a database that is not empty, a tampered
//! archive and an archive of another schema version are refused with
//! nothing written.

use opora_store::backup::{BackupError, Manifest};
use opora_store::scope::Scope;
use opora_store::Db;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The demo region's files, results thinned to every 6th row (as the web tests).
fn demo_files() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("opora-backup-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let summary =
        opora_demo::write_demo(&dir, &opora_demo::DemoOptions::default()).expect("demo files");
    for f in &summary.files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("results") {
            let text = std::fs::read_to_string(f).unwrap();
            let mut lines = text.lines();
            let mut out = String::from(lines.next().unwrap());
            out.push('\n');
            for (i, l) in lines.enumerate() {
                if i % 6 == 0 {
                    out.push_str(l);
                    out.push('\n');
                }
            }
            std::fs::write(f, out).unwrap();
        }
    }
    dir
}

/// What people read, to compare across backends.
#[derive(Debug, PartialEq)]
struct Facts {
    schools: usize,
    plan: serde_json::Value,
    answers: serde_json::Value,
    evidence: Vec<u8>,
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    opora_store::on_db!(db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await.unwrap())
}

async fn facts(db: &Db) -> Facts {
    let plan_id = scalar(db, "SELECT MIN(plan_id) FROM plan_activities").await;
    let plan = db.plan(plan_id).await.unwrap().expect("a plan");
    let campaign = scalar(db, "SELECT MIN(id) FROM campaigns").await;
    let answers = db.answers(campaign, &Scope::Region).await.unwrap();
    assert!(!answers.is_empty(), "the demo campaign has answers");
    let evidence_id = scalar(db, "SELECT MIN(evidence_id) FROM plan_evidence_files").await;
    let (_, content) = db.evidence_item(evidence_id).await.unwrap().unwrap();
    Facts {
        schools: db.schools(None).await.unwrap().len(),
        plan: serde_json::to_value(&plan).unwrap(),
        answers: serde_json::to_value(&answers).unwrap(),
        evidence: content.expect("content in the database"),
    }
}

/// The bytes of the evidence file: every byte value, so that base64 and
/// BYTEA/BLOB conversions are all exercised.
fn evidence_bytes() -> Vec<u8> {
    (0..=255u8).chain(0..=255u8).collect()
}

struct Demo {
    archive: PathBuf,
    facts: Facts,
    manifest: Manifest,
}

/// The demo region loaded into SQLite once per test process and backed up.
async fn demo() -> &'static Demo {
    static DEMO: tokio::sync::OnceCell<Demo> = tokio::sync::OnceCell::const_new();
    DEMO.get_or_init(|| async {
        let dir = tempfile::tempdir().unwrap().keep();
        let db = Db::open(None, &dir.join("source")).await.unwrap();
        let files = demo_files();
        opora_seed::region::import_files(&db, &files, "test")
            .await
            .unwrap_or_else(|e| panic!("demo import: {e:?}"));
        let _ = std::fs::remove_dir_all(&files);
        opora_seed::story_from_run(&db)
            .await
            .unwrap_or_else(|e| panic!("demo story: {e:?}"));
        let activity = scalar(&db, "SELECT MIN(id) FROM plan_activities").await;
        let bytes = evidence_bytes();
        db.add_evidence_file_with_content(
            activity,
            &opora_store::plans::NewEvidenceFile {
                name: "акт.pdf".into(),
                media_type: "application/pdf".into(),
                size_bytes: bytes.len() as u64,
                sha256: String::new(),
                storage_path: "db".into(),
            },
            &bytes,
            "test",
        )
        .await
        .unwrap();
        let archive = dir.join("demo.opora.zip");
        let summary = db.backup_to(&archive).await.unwrap();
        assert!(summary.rows > 0 && summary.bytes > 0);
        let facts = facts(&db).await;
        db.close().await;
        let manifest = opora_store::backup::read_manifest(&archive).unwrap();
        Demo {
            archive,
            facts,
            manifest,
        }
    })
    .await
}

fn checksums(m: &Manifest) -> BTreeMap<String, (u64, String)> {
    m.tables
        .iter()
        .map(|t| (t.name.clone(), (t.rows, t.sha256.clone())))
        .collect()
}

/// Copies an archive, changing the named entry's bytes.
fn rewrite(from: &Path, to: &Path, entry: &str, change: impl Fn(Vec<u8>) -> Vec<u8>) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == entry {
            bytes = change(bytes);
        }
        zout.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

#[tokio::test]
async fn the_demo_region_goes_sqlite_to_postgres_to_sqlite_unchanged() {
    let demo = demo().await;
    let tables: Vec<&str> = demo
        .manifest
        .tables
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    for excluded in ["sessions", "login_failures", "schema_migrations"] {
        assert!(!tables.contains(&excluded), "{excluded} is not archived");
    }
    for expected in [
        "schools",
        "plan_evidence_files",
        "campaign_values",
        "site_audits",
    ] {
        assert!(tables.contains(&expected), "{expected} is archived");
    }
    assert_eq!(demo.manifest.source_backend, "sqlite");

    let mut archive = demo.archive.clone();
    let mut dbs = opora_testkit::databases().await;
    // PostgreSQL first (when there is one), then SQLite from its archive.
    dbs.reverse();
    let work = tempfile::tempdir().unwrap();
    for t in dbs {
        eprintln!("restore into {}", t.name);
        let summary = t.db.restore_from(&archive).await.unwrap();
        assert_eq!(summary.tables, demo.manifest.tables.len());
        assert_eq!(facts(&t.db).await, demo.facts, "{}", t.name);

        let again = work.path().join(format!("{}.zip", t.name));
        t.db.backup_to(&again).await.unwrap();
        let manifest = opora_store::backup::read_manifest(&again).unwrap();
        assert_eq!(manifest.source_backend, t.name);
        assert_eq!(
            checksums(&manifest),
            checksums(&demo.manifest),
            "{}",
            t.name
        );

        // New rows get new ids (PostgreSQL's identity sequences were moved on).
        let activity = scalar(&t.db, "SELECT MIN(id) FROM plan_activities").await;
        let id =
            t.db.add_evidence_file_with_content(
                activity,
                &opora_store::plans::NewEvidenceFile {
                    name: "ещё.pdf".into(),
                    media_type: "application/pdf".into(),
                    size_bytes: 3,
                    sha256: String::new(),
                    storage_path: "db".into(),
                },
                b"abc",
                "test",
            )
            .await
            .unwrap();
        assert!(id > scalar(&t.db, "SELECT MIN(id) FROM plan_evidence").await);
        archive = again;
        t.drop_schema().await;
    }
}

#[tokio::test]
async fn a_database_that_is_not_empty_is_refused_and_left_unchanged() {
    let demo = demo().await;
    let work = tempfile::tempdir().unwrap();
    opora_testkit::for_each_db!(|t| {
        t.db.restore_from(&demo.archive).await.unwrap();
        let before = work.path().join(format!("{}-before.zip", t.name));
        t.db.backup_to(&before).await.unwrap();

        let err = t.db.restore_from(&demo.archive).await.unwrap_err();
        assert!(matches!(err, BackupError::NotEmpty { .. }), "{err:?}");
        assert!(err.to_string().contains("не пуста"), "{err}");

        let after = work.path().join(format!("{}-after.zip", t.name));
        t.db.backup_to(&after).await.unwrap();
        assert_eq!(
            checksums(&opora_store::backup::read_manifest(&before).unwrap()),
            checksums(&opora_store::backup::read_manifest(&after).unwrap())
        );
    });
}

#[tokio::test]
async fn a_tampered_archive_is_refused_and_nothing_is_written() {
    let demo = demo().await;
    let work = tempfile::tempdir().unwrap();
    let tampered = work.path().join("tampered.zip");
    rewrite(&demo.archive, &tampered, "tables/schools.jsonl", |bytes| {
        String::from_utf8(bytes)
            .unwrap()
            .replacen(',', ", ", 1)
            .into_bytes()
    });
    opora_testkit::for_each_db!(|t| {
        let err = t.db.restore_from(&tampered).await.unwrap_err();
        assert!(
            matches!(&err, BackupError::Checksum { table, .. } if table == "schools"),
            "{err:?}"
        );
        assert!(err.to_string().contains("повреждена"), "{err}");
        assert_eq!(t.db.schools(None).await.unwrap().len(), 0);
        // Still empty: the genuine archive restores.
        t.db.restore_from(&demo.archive).await.unwrap();
    });
}

#[tokio::test]
async fn an_archive_of_another_schema_version_is_refused() {
    let demo = demo().await;
    let work = tempfile::tempdir().unwrap();
    let newer = work.path().join("newer.zip");
    rewrite(&demo.archive, &newer, "manifest.json", |bytes| {
        let mut m: Manifest = serde_json::from_slice(&bytes).unwrap();
        m.schema_version += 1;
        serde_json::to_vec(&m).unwrap()
    });
    let not_zip = work.path().join("notes.txt");
    std::fs::write(&not_zip, "не архив").unwrap();
    opora_testkit::for_each_db!(|t| {
        let err = t.db.restore_from(&newer).await.unwrap_err();
        assert!(matches!(err, BackupError::SchemaVersion { .. }), "{err:?}");
        assert!(err.to_string().contains("версии"), "{err}");
        assert_eq!(t.db.schools(None).await.unwrap().len(), 0);

        let err = t.db.restore_from(&not_zip).await.unwrap_err();
        assert!(matches!(err, BackupError::NotArchive { .. }), "{err:?}");
    });
}
