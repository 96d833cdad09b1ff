//! `opora indicators import`: a programme passport read and shown
//! (`--dry-run`, text and JSON), then saved to a programme, where a second
//! import changes nothing — on SQLite and PostgreSQL.

use std::path::PathBuf;

mod common;

use common::*;

fn passport() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../indicators/tests/fixtures/programme_passport.docx")
}

#[test]
fn a_passport_is_read_as_json_with_numbers_for_percentages_and_text_for_yes_no() {
    let b = &backends()[0];
    let f = passport();
    let o = opora(
        b,
        &[
            "indicators",
            "import",
            f.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v["indicators"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    for i in list {
        let keys: Vec<&str> = i.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["direction", "group", "name", "target", "unit"],
            "{i}"
        );
    }
    assert_eq!(list[0]["target"], 100.0);
    assert_eq!(list[0]["unit"], "percent");
    assert_eq!(list[1]["target"], "Да");
    assert_eq!(list[3]["target"], 20.0);
    assert_eq!(
        list[3]["group"],
        "По выявлению динамики образовательных результатов"
    );
    let o = opora(
        b,
        &["indicators", "import", f.to_str().unwrap(), "--dry-run"],
    );
    assert!(
        text(&o).contains("показателей 5") && text(&o).contains("не менее 100%"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_passport_saved_to_a_programme_twice_changes_nothing_the_second_time() {
    for b in backends() {
        eprintln!("backend: {}", b.name);
        let plan = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../plans/tests/fixtures/seed_000_alekseevsky.docx");
        let o = opora(
            &b,
            &[
                "plan",
                "import",
                plan.to_str().unwrap(),
                "--level",
                "region",
            ],
        );
        assert!(text(&o).contains("План сохранён: № 1"), "{}", text(&o));
        let f = passport();
        let save = || {
            opora(
                &b,
                &["indicators", "import", f.to_str().unwrap(), "--plan", "1"],
            )
        };
        let o = save();
        assert!(o.status.success(), "{}", text(&o));
        assert!(
            text(&o).contains("добавлено 5, изменено 0, без изменений 0"),
            "{}",
            text(&o)
        );
        let o = save();
        assert!(
            text(&o).contains("добавлено 0, изменено 0, без изменений 5"),
            "{}",
            text(&o)
        );
        // A plan that does not exist: a clear refusal, non-zero exit.
        let o = opora(
            &b,
            &["indicators", "import", f.to_str().unwrap(), "--plan", "99"],
        );
        assert!(
            !o.status.success() && text(&o).contains("план № 99"),
            "{}",
            text(&o)
        );
        // Without --plan or --dry-run nothing is done.
        let o = opora(&b, &["indicators", "import", f.to_str().unwrap()]);
        assert!(
            !o.status.success() && text(&o).contains("--plan"),
            "{}",
            text(&o)
        );
    }
}
