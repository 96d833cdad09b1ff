//! A municipality that started on a laptop moves to a server (issue 17):
//! the SQLite installation's backup restored into PostgreSQL serves the
//! same pages, word for word, as the original (CSRF tokens aside).

mod common;

use common::*;

/// The page without its per-session CSRF token.
fn normalised(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("name=\"csrf\" value=\"") {
        let start = at + "name=\"csrf\" value=\"".len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        rest = &rest[rest.find('"').unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn a_sqlite_installation_restored_into_postgresql_serves_the_same_pages() {
    let Some(url) = opora_testkit::postgres_url() else {
        return;
    };
    let laptop_dir = tempfile::tempdir().unwrap();
    let laptop = opora_store::Db::open(None, laptop_dir.path())
        .await
        .unwrap();
    let cast = load_demo(&laptop).await;
    let archive = laptop_dir.path().join("перенос.zip");
    laptop.backup_to(&archive).await.unwrap();

    let schema = opora_testkit::unique_name("moved");
    let server = opora_store::Db::connect_postgres(&url, Some(&schema))
        .await
        .unwrap();
    server.migrate().await.unwrap();
    server.restore_from(&archive).await.unwrap();

    let own = schools(&laptop, cast.municipality_id).await;
    let programme = demo_programme(&laptop, &cast).await;
    let campaign = laptop
        .campaigns_in(&opora_store::scope::Scope::Region)
        .await
        .unwrap()[0]
        .campaign
        .id;
    let pages = [
        "/".to_string(),
        "/schools".into(),
        format!("/schools/{}", own[0].code),
        "/identification".into(),
        "/plans".into(),
        format!("/plans/{programme}"),
        "/indicators".into(),
        "/campaigns".into(),
        format!("/campaigns/{campaign}"),
        "/sites".into(),
        "/support".into(),
    ];
    let (a, b) = (
        spawn(&laptop, test_config()).await,
        spawn(&server, test_config()).await,
    );
    for login in ["region", "mo1"] {
        let (mut on_laptop, mut on_server) =
            (logged_in(&a, login).await, logged_in(&b, login).await);
        for page in &pages {
            let (x, y) = (on_laptop.get(page).await, on_server.get(page).await);
            assert_eq!(x.status, 200, "{login} {page}");
            assert_eq!(y.status, x.status, "{login} {page}");
            let (x, y) = (normalised(&x.body), normalised(&y.body));
            if x != y {
                let at = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
                let from = at.saturating_sub(150);
                panic!(
                    "{login} {page} differs at char {at}:\nlaptop: {}\nserver: {}",
                    x.chars().skip(from).take(300).collect::<String>(),
                    y.chars().skip(from).take(300).collect::<String>()
                );
            }
        }
    }
    laptop.close().await;
    server.close().await;
    if let Ok(opora_store::Db::Postgres(p)) = opora_store::Db::connect_postgres(&url, None).await {
        let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&p)
            .await;
    }
}
