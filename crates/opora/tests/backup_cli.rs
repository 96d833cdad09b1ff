//! `opora backup` and `opora restore` as users run them: a SQLite data
//! folder with the demo region's schools and context is backed up, then
//! restored into a fresh SQLite folder and (when OPORA_TEST_DATABASE_URL is
//! set) into a fresh PostgreSQL schema; a second restore into the same
//! database, and a file that is not a backup, are refused in Russian.

mod common;

use common::{backends, opora, text, Backend};

#[test]
fn a_sqlite_folder_is_backed_up_and_restored_into_each_backend() {
    let files = tempfile::tempdir().unwrap();
    let source = Backend {
        name: "sqlite",
        data: tempfile::tempdir().unwrap(),
        database_url: None,
    };
    let o = opora(&source, &["demo", "--out", files.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    for (kind, file) in [("schools", "schools.csv"), ("context", "context.csv")] {
        let path = files.path().join(file);
        let o = opora(&source, &["import", kind, path.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
    }

    let archive = files.path().join("копия.zip");
    let o = opora(&source, &["backup", archive.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Резервная копия записана"), "{out}");
    assert!(
        out.contains("таблиц ") && out.contains("строк ") && out.contains("размер "),
        "{out}"
    );
    assert!(archive.exists());

    for target in backends() {
        let o = opora(&target, &["restore", archive.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", target.name, text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.starts_with("Восстановлено из"), "{out}");
        assert!(out.contains("из SQLite"), "{out}");
        assert!(out.contains("сверены по контрольным суммам"), "{out}");

        // The restored database backs up to the same tables and rows.
        let again = files.path().join(format!("{}.zip", target.name));
        let o2 = opora(&target, &["backup", again.to_str().unwrap()]);
        assert!(o2.status.success(), "{}", text(&o2));
        let counts = |s: &str| {
            s.split(':')
                .nth(1)
                .and_then(|rest| rest.split(", размер").next())
                .map(str::to_string)
        };
        assert_eq!(
            counts(&String::from_utf8_lossy(&o2.stdout)),
            counts(&String::from_utf8_lossy(
                &opora(
                    &source,
                    &["backup", archive.with_extension("2").to_str().unwrap()]
                )
                .stdout
            )),
            "{}",
            target.name
        );

        let o = opora(&target, &["restore", archive.to_str().unwrap()]);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("Ошибка:") && err.contains("не пуста"), "{err}");
    }

    let notes = files.path().join("notes.txt");
    std::fs::write(&notes, "не архив").unwrap();
    let fresh = Backend {
        name: "sqlite",
        data: tempfile::tempdir().unwrap(),
        database_url: None,
    };
    let o = opora(&fresh, &["restore", notes.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("не является резервной копией Опоры"), "{err}");
}
