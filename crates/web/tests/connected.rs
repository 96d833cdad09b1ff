//! The pieces are connected (issue 10, item 7): the school card leads to the
//! school's plans, its support pair and its open activities; the home page
//! of a school's staff shows their school's status and their own tasks, not
//! region-wide tiles; a curator's home shows its queue.

mod common;

use common::*;

#[tokio::test]
async fn the_school_card_and_the_staff_home_page_show_the_schools_support() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let own = schools(&t.db, cast.municipality_id).await;
        let (school, leader) = (&own[0], &own[3]);
        assert_eq!((school.id, leader.id), (cast.school_id, cast.leader_id));

        let mut mo = logged_in(&base, "mo1").await;
        let card = mo.get(&format!("/schools/{}", school.code)).await;
        assert_eq!(card.status, 200);
        let plans = section(&card.body, "school-plans");
        assert!(plans.contains("href=\"/plans/"), "{plans}");
        let pairs = section(&card.body, "school-pairs");
        assert!(
            pairs.contains("Наставник") && pairs.contains(&leader.short_name),
            "{pairs}"
        );
        let activities = section(&card.body, "school-activities");
        assert!(activities.contains("href=\"/activities/"), "{activities}");
        // The mentor's card names the school it supports.
        let card = mo.get(&format!("/schools/{}", leader.code)).await;
        let pairs = section(&card.body, "school-pairs");
        assert!(
            pairs.contains("Поддерживаемая школа") && pairs.contains(&school.short_name),
            "{pairs}"
        );

        // The school's administrator and teacher: their school in plain words and their tasks.
        for login in ["school1", "teacher1"] {
            let mut c = logged_in(&base, login).await;
            let home = c.get("/").await;
            assert_eq!(home.status, 200);
            assert!(home.body.contains("id=\"own-verdict\""), "{login}");
            assert!(
                home.body.contains("ШНОР"),
                "{login}: the demo school is a ШНОР"
            );
            assert!(home.body.contains("id=\"school-plans\""), "{login}");
            assert!(home.body.contains("id=\"home-tasks\""), "{login}");
            // The demo's autumn campaign waits for the demo school.
            assert!(
                home.body.contains("id=\"home-forms\"")
                    && home.body.contains("Мониторинг программы: осень"),
                "{login}"
            );
            assert!(
                !home.body.contains("всего школ"),
                "{login}: no region tiles"
            );
        }
        // The curator: its queue on the first screen.
        let mut curator = logged_in(&base, "metod1").await;
        let home = curator.get("/").await;
        assert!(
            home.body.contains("id=\"home-tasks\"")
                && home.body.contains("Ждут вашего подтверждения")
        );
        // The region: the overview, no personal queue.
        let mut region = logged_in(&base, "region").await;
        let home = region.get("/").await;
        assert!(home.body.contains("всего школ") && !home.body.contains("id=\"home-tasks\""));
    });
}

/// The HTML of the element with `id` up to its closing tag (for messages and checks).
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &body[start..];
    let end = ["</ul>", "</table>"]
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}
