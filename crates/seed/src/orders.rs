//! The demo's orders register: the region's order approving the run's
//! lists (so the demo's lists in force are approved ones, with their
//! appendices), and the municipality's orders approving its roadmap and
//! calling its seminar. Does nothing when any order exists.

use crate::story::Cast;
use opora_plans::date::Date;
use opora_store::orders::{OrderFields, OrderKind};
use opora_store::scope::Scope;
use opora_store::{Db, StoreError};

pub async fn create_demo_orders(db: &Db, cast: &Cast, today: Date) -> Result<(), StoreError> {
    if db.count("orders").await? > 0 {
        return Ok(());
    }
    let region = OrderFields {
        number: "01-07/812".into(),
        signed_on: today,
        title: "Об утверждении перечней общеобразовательных организаций с низкими образовательными результатами и функционирующих в неблагоприятных социальных условиях".into(),
        kind: OrderKind::Lists,
        municipality_id: None,
        run_id: Some(cast.run_id),
        plan_id: None,
    };
    db.add_order(&Scope::Region, &region, None, "region")
        .await?;
    let municipal = Scope::Municipality(cast.municipality_id);
    let roadmap = db
        .plans(&municipal, today)
        .await?
        .into_iter()
        .find(|p| p.level == "municipality" && p.school_id.is_none() && !p.is_template);
    if let Some(plan) = roadmap {
        let f = OrderFields {
            number: "245".into(),
            signed_on: today.add_days(-80).unwrap_or(today),
            title: format!("Об утверждении плана мероприятий «{}»", plan.title),
            kind: OrderKind::Roadmap,
            municipality_id: Some(cast.municipality_id),
            run_id: None,
            plan_id: Some(plan.id),
        };
        db.add_order(&municipal, &f, None, "mo1").await?;
    }
    let seminar = OrderFields {
        number: "318".into(),
        signed_on: today.add_days(-30).unwrap_or(today),
        title: "О проведении муниципального семинара по формирующему оцениванию".into(),
        kind: OrderKind::Events,
        municipality_id: Some(cast.municipality_id),
        run_id: None,
        plan_id: None,
    };
    db.add_order(&municipal, &seminar, None, "mo1").await?;
    Ok(())
}
