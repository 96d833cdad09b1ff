//! The demo tells one story: everything the demo users see follows from the
//! saved identification run (issue 10, item 5).

use opora_store::scope::Scope;
use opora_testkit::for_each_db;
use std::collections::HashMap;

#[tokio::test]
async fn the_demo_roadmap_pair_and_users_follow_from_its_saved_run() {
    for_each_db!(|t| {
        opora_seed::load(&t.db, opora_seed::DEMO_SEED)
            .await
            .unwrap();
        let cast = opora_seed::story::cast(&t.db).await.unwrap().expect("cast");
        // The first screen has a run: its ШНОР are not «0».
        let runs = t.db.runs_in(&Scope::Region).await.unwrap();
        assert_eq!(runs.len(), 1, "{}: one saved run", t.name);
        assert!(runs[0].shnor > 0);
        let lines: HashMap<i64, opora_store::run_index::RunLine> = {
            let ids = t.db.school_ids().await.unwrap();
            t.db.run_lines_in(&Scope::Region, cast.run_id)
                .await
                .unwrap()
                .into_iter()
                .map(|l| (ids[&l.school_code], l))
                .collect()
        };
        // The demo school is a ШНОР of the run; its mentor is resilient or
        // shows a positive effect, and is not itself ШНОР.
        assert!(lines[&cast.school_id].is_shnor);
        let leader = &lines[&cast.leader_id];
        assert!(!leader.is_shnor && !leader.is_low_results);
        assert!(leader.is_resilient || leader.ci_low.is_some_and(|lo| lo > 0.0));
        // The curator supports three schools that need support, the demo school first.
        assert_eq!(cast.curated.len(), 3);
        assert_eq!(cast.curated[0], cast.school_id);
        for id in &cast.curated {
            let l = &lines[id];
            assert!(l.is_shnor || l.is_shnsu || l.is_low_results, "school {id}");
        }
        // Every school the roadmap's activities were cascaded to is one of them.
        let today = opora_plans::Date::today();
        let plans = t.db.plans(&Scope::Region, today).await.unwrap();
        let school_plans: Vec<i64> = plans.iter().filter_map(|p| p.school_id).collect();
        assert!(!school_plans.is_empty());
        for id in &school_plans {
            assert!(cast.curated.contains(id), "plan of school {id}");
        }
        let municipal = plans.iter().find(|p| p.school_id.is_none()).unwrap();
        assert_eq!(municipal.municipality_id, Some(cast.municipality_id));
        // Seeding again changes nothing.
        let again = opora_seed::story_from_run(&t.db).await.unwrap();
        assert_eq!(again, cast);
        assert_eq!(t.db.runs_in(&Scope::Region).await.unwrap().len(), 1);
        assert_eq!(
            t.db.plans(&Scope::Region, today).await.unwrap().len(),
            plans.len()
        );
    });
}
