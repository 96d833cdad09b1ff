//! Programme indicators in the browser's flow and the API (issue 12, first
//! part): the passport read with a preview, saved once, shown on the
//! programme's page; only the programme's managers load it; the API lists
//! the indicators in the caller's scope — on SQLite and PostgreSQL.

mod common;

use common::*;
use opora_plans::Date;
use opora_store::scope::Scope;

const PASSPORT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../indicators/tests/fixtures/programme_passport.docx"
);

#[tokio::test]
async fn a_passport_is_previewed_saved_once_and_shown_with_its_groups() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let plans = t.db.plans(&Scope::Region, Date::today()).await.unwrap();
        let programme = plans.iter().find(|p| p.level == "municipality").unwrap().id;
        // The demo programme ships its indicator set.
        let demo_set = t.db.indicators(programme).await.unwrap().len();
        assert!(demo_set >= 4);

        let mut mo = logged_in(&base, "mo1").await;
        let page = mo.get(&format!("/plans/{programme}")).await;
        assert!(
            page.body.contains("id=\"indicators-table\"") && page.body.contains("не менее 100 %")
        );
        let bytes = std::fs::read(PASSPORT).unwrap();
        let p = mo
            .post_file(
                &format!("/plans/{programme}/indicators"),
                &[],
                "паспорт.docx",
                bytes.clone(),
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let preview = mo.get(&p.location).await;
        assert!(
            preview
                .body
                .contains("<strong id=\"indicator-count\">5</strong>"),
            "{}",
            preview.body
        );
        assert!(preview.body.contains("По оказанию методической помощи"));
        // Nothing is saved before the confirmation.
        assert_eq!(t.db.indicators(programme).await.unwrap().len(), demo_set);
        let token = preview
            .body
            .split("name=\"token\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let p = mo.post("/indicators/confirm", &[("token", &token)]).await;
        assert_eq!(p.status, 303, "{}", p.body);
        // The four shared with the demo set are unchanged; one is added.
        assert_eq!(
            t.db.indicators(programme).await.unwrap().len(),
            demo_set + 1
        );
        // The same token again: already used.
        let p = mo.post("/indicators/confirm", &[("token", &token)]).await;
        assert_eq!(p.status, 400);

        // A file without an indicator table: a clear message, nothing staged.
        let p = mo
            .post_file(
                &format!("/plans/{programme}/indicators"),
                &[],
                "план.docx",
                std::fs::read(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../plans/tests/fixtures/seed_002_school46.docx"
                ))
                .unwrap(),
            )
            .await;
        assert_eq!(p.status, 422, "{}", p.body);
        assert!(
            p.body.contains("не найдена таблица показателей"),
            "{}",
            p.body
        );

        // The school and the curator do not load a programme's indicators.
        for login in ["school1", "metod1"] {
            let mut c = logged_in(&base, login).await;
            c.get("/plans").await;
            let p = c
                .post_file(
                    &format!("/plans/{programme}/indicators"),
                    &[],
                    "паспорт.docx",
                    bytes.clone(),
                )
                .await;
            assert!(matches!(p.status, 403 | 404), "{login}: {}", p.status);
        }

        // The API: the municipality's indicators for mo1; the region sees them too.
        let (s, list) = mo.json("/api/indicators").await;
        assert_eq!(s, 200);
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), demo_set + 1);
        // The demo programme's first indicator is computed from the autumn campaign.
        assert!(
            list[0]["fact"].is_number() && list[0]["period"].is_string(),
            "{}",
            list[0]
        );
        assert!(matches!(
            list[0]["status"].as_str(),
            Some("achieved" | "not_achieved")
        ));
        assert!(
            list.iter().any(|i| i["status"] == "no_data"),
            "an imported indicator without a source"
        );
        assert!(list.iter().any(|i| i["target"] == "Да"));
        let (_, all) = logged_in(&base, "region")
            .await
            .json("/api/indicators")
            .await;
        assert_eq!(all.as_array().unwrap().len(), demo_set + 1);
    });
}
