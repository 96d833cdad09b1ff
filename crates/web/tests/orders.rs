//! The orders register over HTTP (issue 16): the region registers an order
//! approving a newer run's lists with its signed file, and from then on that
//! run's lists are in force (the register, the run's page and the API say
//! so); the municipality cannot approve lists and registers only its own
//! orders; files are downloaded as attachments.

mod common;

use common::*;

#[tokio::test]
async fn an_order_approves_a_run_and_its_lists_come_into_force() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let run = t.db.run(cast.run_id).await.unwrap().unwrap();
        let newer = t.db.save_run("test", &run).await.unwrap();
        let mut region = logged_in(&base, "region").await;
        let today = opora_plans::clock::today().ru();

        // The demo's order approved the demo's run: the newer one is a proposal.
        let page = region.get(&format!("/identification/runs/{newer}")).await;
        assert!(
            page.body.contains("не утверждены приказом"),
            "{}",
            page.body
        );
        let list = region.get("/orders").await;
        assert!(
            list.body.contains("Есть более новый расчёт"),
            "{}",
            list.body
        );

        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let added = region
            .post_file(
                "/orders",
                &[
                    ("number", "№ 01-07/901"),
                    ("signed_on", &today),
                    ("title", "Об утверждении перечней ШНОР и ШНСУ на 2027 год"),
                    ("kind", "lists"),
                    ("run", &newer.to_string()),
                ],
                "Приказ 901.pdf",
                pdf.clone(),
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.body);
        assert_eq!(t.db.supported_run_id().await.unwrap(), Some(newer));
        let page = region.get(&format!("/identification/runs/{newer}")).await;
        assert!(
            page.body
                .contains(&format!("приказ № 01-07/901 от {today}")),
            "{}",
            page.body
        );
        let (status, json) = region.json("/api/orders").await;
        assert_eq!(status, 200);
        let ours = json
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["number"] == "01-07/901")
            .unwrap();
        assert_eq!(ours["in_force"], true);
        assert_eq!(ours["run_id"], newer);
        let id = ours["id"].as_i64().unwrap();
        let (status, bytes, _) = region.get_bytes(&format!("/orders/{id}/file")).await;
        assert_eq!(status, 200);
        assert_eq!(bytes, pdf);

        // The same order again is refused in Russian; the municipality does
        // not approve lists.
        let again = region
            .post_file(
                "/orders",
                &[
                    ("number", "01-07/901"),
                    ("signed_on", &today),
                    ("title", "Повтор"),
                    ("kind", "lists"),
                    ("run", &newer.to_string()),
                ],
                "Приказ 901.pdf",
                pdf.clone(),
            )
            .await;
        assert_eq!(again.status, 409, "{}", again.body);
        assert!(again.body.contains("уже в реестре"));
        let mut mo = logged_in(&base, "mo1").await;
        let refused = mo
            .post_file(
                "/orders",
                &[
                    ("number", "12"),
                    ("signed_on", "01.12.2026"),
                    ("title", "Об утверждении перечня"),
                    ("kind", "lists"),
                    ("run", &newer.to_string()),
                ],
                "Приказ 12.pdf",
                pdf,
            )
            .await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(
            refused.body.contains("утверждает регион"),
            "{}",
            refused.body
        );
        assert_eq!(t.db.supported_run_id().await.unwrap(), Some(newer));
    });
}
