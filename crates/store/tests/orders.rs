//! The orders register in the database, on SQLite and PostgreSQL: the region
//! approves a run's lists by an order, and from then on «the lists in force»
//! are that run's — a newer run is a proposal until an order approves it;
//! a municipality registers only its own orders and never approves lists;
//! the same order twice is refused; files follow the evidence rules; each
//! is seen in its scope only, and a download is audited.

mod common;

use common::*;
use opora_plans::date::Date;
use opora_store::orders::{OrderFields, OrderFile, OrderKind};
use opora_store::scope::Scope;
use opora_store::{Db, StoreError};

fn on(y: i32, m: u32, d: u32) -> Date {
    Date::new(y, m, d).unwrap()
}

fn lists_order(number: &str, signed_on: Date, run_id: i64) -> OrderFields {
    OrderFields {
        number: number.into(),
        signed_on,
        title: "Об утверждении перечней ШНОР и ШНСУ".into(),
        kind: OrderKind::Lists,
        municipality_id: None,
        run_id: Some(run_id),
        plan_id: None,
    }
}

fn pdf() -> OrderFile {
    OrderFile {
        name: "Приказ 101-р.pdf".into(),
        media_type: "application/pdf".into(),
        sha256: "x".into(),
        content: b"%PDF-1.4\n%%EOF\n".to_vec(),
    }
}

/// Two saved runs of the demo-like registry: the ids, older first.
async fn two_runs(db: &Db) -> (i64, i64) {
    opora_seed::region::load(db, opora_seed::region::DEMO_SEED)
        .await
        .unwrap();
    let first = opora_seed::story::ensure_run(db).await.unwrap();
    let run = db.run(first).await.unwrap().unwrap();
    let second = db.save_run("test", &run).await.unwrap();
    (first, second)
}

#[tokio::test]
async fn the_lists_in_force_are_the_latest_approved_not_the_latest_run() {
    for_each_db!(|t| {
        let (first, second) = two_runs(&t.db).await;
        // Before any order the latest run is in force.
        assert_eq!(t.db.supported_run_id().await.unwrap(), Some(second));

        let id =
            t.db.add_order(
                &Scope::Region,
                &lists_order("101-р", on(2026, 9, 15), first),
                Some(&pdf()),
                "регион",
            )
            .await
            .unwrap();
        assert_eq!(
            t.db.supported_run_id().await.unwrap(),
            Some(first),
            "approved, though older"
        );
        let approving = t.db.approving_order().await.unwrap().unwrap();
        assert_eq!(approving.id, id);
        assert_eq!(approving.reference(), "приказ № 101-р от 15.09.2026");
        let supported_first = t.db.supported_schools_in(&Scope::Region).await.unwrap();
        assert!(!supported_first.is_empty());

        // The same order twice is refused; a later order approves the newer run.
        let twice =
            t.db.add_order(
                &Scope::Region,
                &lists_order("№ 101-р", on(2026, 9, 15), first),
                None,
                "регион",
            )
            .await;
        assert!(
            matches!(twice, Err(StoreError::Conflict(ref m)) if m.contains("уже в реестре")),
            "{twice:?}"
        );
        t.db.add_order(
            &Scope::Region,
            &lists_order("140-р", on(2026, 11, 2), second),
            None,
            "регион",
        )
        .await
        .unwrap();
        assert_eq!(t.db.supported_run_id().await.unwrap(), Some(second));

        // An unknown run, and a municipality approving lists, are refused.
        let unknown =
            t.db.add_order(
                &Scope::Region,
                &lists_order("1", on(2026, 11, 3), 999_999),
                None,
                "регион",
            )
            .await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "{unknown:?}"
        );
        let m = t.db.municipalities().await.unwrap();
        let (north, south) = (m[0].id, m[1].id);
        let mut municipal = lists_order("7", on(2026, 11, 3), second);
        municipal.municipality_id = Some(north);
        let refused =
            t.db.add_order(&Scope::Municipality(north), &municipal, None, "мо")
                .await;
        assert!(
            matches!(refused, Err(StoreError::Invalid(ref m)) if m.contains("утверждает регион")),
            "{refused:?}"
        );

        // A municipality's own order: seen in it, not in another.
        municipal.kind = OrderKind::Other;
        municipal.title = "О проведении методической недели".into();
        let own =
            t.db.add_order(&Scope::Municipality(north), &municipal, None, "мо")
                .await
                .unwrap();
        let other =
            t.db.add_order(&Scope::Municipality(south), &municipal, None, "мо")
                .await;
        assert!(
            matches!(other, Err(StoreError::Invalid(_))),
            "another municipality's order: {other:?}"
        );
        assert!(t
            .db
            .order(&Scope::Municipality(north), own)
            .await
            .unwrap()
            .is_some());
        assert!(t
            .db
            .order(&Scope::Municipality(south), own)
            .await
            .unwrap()
            .is_none());
        assert!(
            t.db.order(&Scope::Municipality(south), id)
                .await
                .unwrap()
                .is_some(),
            "the region's order is everyone's"
        );

        // A file of a type evidence does not accept is refused.
        let mut exe = pdf();
        exe.name = "приказ.exe".into();
        let bad =
            t.db.add_order(
                &Scope::Region,
                &lists_order("150-р", on(2026, 11, 4), second),
                Some(&exe),
                "регион",
            )
            .await;
        assert!(
            matches!(bad, Err(StoreError::UnsupportedType(_))),
            "{bad:?}"
        );

        // The download is audited.
        let order = t.db.order(&Scope::Region, id).await.unwrap().unwrap();
        let file = t.db.order_file(&order, "регион").await.unwrap().unwrap();
        assert_eq!(file.content, pdf().content);
        let log = t.db.audit_entries(100).await.unwrap();
        assert!(log.iter().any(|e| e.action == "файл приказа выгружен"));
        assert!(log.iter().any(|e| e.action == "приказ внесён в реестр"));
    });
}
