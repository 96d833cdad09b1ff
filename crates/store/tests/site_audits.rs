//! Website audits in the database, on SQLite and PostgreSQL: a saved check
//! is the school's state and a line of its history; a check that failed is
//! the latest attempt but does not erase what was found; the latest check
//! is the latest by time, whatever the order of saving; a person's override
//! needs a comment, stands over every later check until removed, and is in
//! the audit log; formulas read found/missing by short key, in the scope.

mod common;

use common::*;
use opora_sites::{default_requirements, Audit, Finding, Status};
use opora_store::scope::Scope;
use opora_store::{Db, StoreError};

/// The registry of the tests with websites: S001 and S002 have one, S003
/// has none (so it is not in the list of sites).
const SCHOOLS_WITH_SITES: &str = "Код ОО;Муниципалитет;Полное наименование;Краткое наименование;Тип;Местность;Контингент;Сайт\n\
S001;г. Северск;Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»;МБОУ «СОШ № 1»;СОШ;город;800;https://school1.example\n\
S002;г. Северск;Муниципальное бюджетное общеобразовательное учреждение «Лицей № 2»;МБОУ «Лицей № 2»;лицей;город;650;https://licey2.example\n\
S003;Ивановский муниципальный район;Муниципальное казённое общеобразовательное учреждение «Ивановская основная общеобразовательная школа»;МКОУ «Ивановская ООШ»;ООШ;село;85;\n";

async fn registry(db: &Db) {
    let dir = fixture_dir();
    let path = dir.join("schools.csv");
    write_cp1251(&path, SCHOOLS_WITH_SITES);
    import(db, opora_store::import::ImportKind::Schools, &path)
        .await
        .expect("schools import");
}

async fn school(db: &Db, code: &str) -> (i64, i64) {
    let s = db.school_by_code(code).await.unwrap().unwrap();
    (s.id, s.municipality_id)
}

/// A check of `site` at `at` that found the requirements with these codes.
fn check(site: &str, at: &str, found: &[&str]) -> Audit {
    let items = default_requirements()
        .iter()
        .map(|r| {
            if found.contains(&r.code.as_str()) {
                Finding::found(r, format!("{site}/{}", r.code), "адрес".into())
            } else {
                Finding::missing(r, "не встретилось; проверено страниц: 12".into())
            }
        })
        .collect();
    Audit {
        url: format!("{site}/"),
        checked_at: at.into(),
        pages_visited: 12,
        documents_checked: 1,
        limit_reached: false,
        items,
        broken_links: vec![],
    }
}

/// S001's line of the list of sites.
async fn s1_status(db: &Db) -> opora_store::site_audits::SchoolSiteStatus {
    db.latest_site_audits(&Scope::Region)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.school_code == "S001")
        .unwrap()
}

const PROGRAMME: &str =
    "Программа повышения качества образования (перехода в эффективный режим работы)";

async fn log_actions(db: &Db) -> Vec<(String, String, String)> {
    db.audit_entries(100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.actor, e.action, e.object))
        .collect()
}

#[tokio::test]
async fn a_saved_check_is_the_schools_state_and_a_line_of_its_history() {
    for_each_db!(|t| {
        registry(&t.db).await;
        let (s1, _) = school(&t.db, "S001").await;
        let audit = check(
            "https://school1.example",
            "2026-10-02T07:00:00Z",
            &["common", "struct", "document", "programme"],
        );
        let id = t.db.save_site_audit(s1, &audit, "cli").await.unwrap();

        // The list: the two schools with a website, by municipality and
        // name («Лицей № 2» before «СОШ № 1»), one checked, one not.
        let list = t.db.latest_site_audits(&Scope::Region).await.unwrap();
        let codes: Vec<&str> = list.iter().map(|s| s.school_code.as_str()).collect();
        assert_eq!(codes, ["S002", "S001"], "S003 has no website");
        let s = &list[1];
        assert_eq!(s.website, "https://school1.example");
        assert_eq!(s.last_checked_at.as_deref(), Some("2026-10-02T07:00:00Z"));
        assert_eq!(s.audited_at.as_deref(), Some("2026-10-02T07:00:00Z"));
        assert_eq!((s.found, s.total), (4, 21));
        assert!(s.last_error.is_none());
        assert_eq!(
            (
                list[0].last_checked_at.as_deref(),
                list[0].found,
                list[0].total
            ),
            (None, 0, 21)
        );

        // The items: every requirement of the list, in its order, with the
        // check's address, reason and date.
        let items = t.db.site_items(s1).await.unwrap();
        assert_eq!(items.len(), 21);
        assert_eq!(items[0].requirement, "Основные сведения");
        assert_eq!(items[0].key, "основные_сведения");
        assert_eq!(items[0].status(), Some(Status::Found));
        assert_eq!(
            items[0].url.as_deref(),
            Some("https://school1.example/common")
        );
        assert_eq!(items[0].checked_at.as_deref(), Some("2026-10-02T07:00:00Z"));
        let programme = items.iter().find(|i| i.requirement == PROGRAMME).unwrap();
        assert_eq!(
            (programme.key.as_str(), programme.found()),
            ("программа", true)
        );
        let inter = items.iter().find(|i| i.code == "inter").unwrap();
        assert_eq!(inter.status(), Some(Status::Missing));
        assert_eq!(inter.url, None);
        assert_eq!(inter.evidence, "не встретилось; проверено страниц: 12");

        // A school never checked: every requirement, none known.
        let (s2, _) = school(&t.db, "S002").await;
        assert!(t
            .db
            .site_items(s2)
            .await
            .unwrap()
            .iter()
            .all(|i| i.status().is_none()));

        // The history and the audit log.
        let history = t.db.site_audit_history(s1).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].id, id);
        assert_eq!(
            (history[0].found, history[0].total, history[0].pages),
            (4, 21, 12)
        );
        assert_eq!(
            (history[0].actor.as_str(), history[0].error.as_deref()),
            ("cli", None)
        );
        assert!(log_actions(&t.db).await.contains(&(
            "cli".into(),
            "проверка сайта школы".into(),
            "школа МБОУ «СОШ № 1» (S001)".into()
        )));
    });
}

#[tokio::test]
async fn a_failed_check_is_the_latest_attempt_but_keeps_what_was_found() {
    for_each_db!(|t| {
        registry(&t.db).await;
        let (s1, _) = school(&t.db, "S001").await;
        let site = "https://school1.example";
        t.db.save_site_audit(
            s1,
            &check(site, "2026-02-03T07:00:00Z", &["common", "programme"]),
            "расписание",
        )
        .await
        .unwrap();
        t.db.save_site_error(
            s1,
            site,
            "сайт https://school1.example/ недоступен: нет ответа",
            "расписание",
        )
        .await
        .unwrap();

        let s = s1_status(&t.db).await;
        assert_eq!(
            s.last_error.as_deref(),
            Some("сайт https://school1.example/ недоступен: нет ответа")
        );
        assert_ne!(
            s.last_checked_at, s.audited_at,
            "the failed attempt is later"
        );
        assert_eq!(s.audited_at.as_deref(), Some("2026-02-03T07:00:00Z"));
        assert_eq!(
            s.found, 2,
            "what the last successful check found still stands"
        );
        let history = t.db.site_audit_history(s1).await.unwrap();
        assert_eq!(history.len(), 2);
        assert!(history[0].error.is_some() && history[0].total == 0);
        assert_eq!((history[1].found, history[1].error.as_deref()), (2, None));
        assert!(t.db.site_found(&Scope::Region).await.unwrap()[&s1]["программа"]);
        assert!(log_actions(&t.db)
            .await
            .iter()
            .any(|(_, action, _)| action == "проверка сайта школы не удалась"));
    });
}

#[tokio::test]
async fn the_latest_check_is_the_latest_in_time_whatever_the_order_of_saving() {
    for_each_db!(|t| {
        registry(&t.db).await;
        let (s1, _) = school(&t.db, "S001").await;
        let site = "https://school1.example";
        t.db.save_site_audit(
            s1,
            &check(site, "2026-10-02T07:00:00Z", &["common", "programme"]),
            "cli",
        )
        .await
        .unwrap();
        // An older check saved afterwards (a demo's history, a late import).
        t.db.save_site_audit(s1, &check(site, "2026-02-02T07:00:00Z", &["common"]), "cli")
            .await
            .unwrap();
        let s = s1_status(&t.db).await;
        assert_eq!(s.audited_at.as_deref(), Some("2026-10-02T07:00:00Z"));
        assert_eq!(s.found, 2);
        let history = t.db.site_audit_history(s1).await.unwrap();
        let dates: Vec<&str> = history.iter().map(|h| h.checked_at.as_str()).collect();
        assert_eq!(
            dates,
            ["2026-10-02T07:00:00Z", "2026-02-02T07:00:00Z"],
            "latest first"
        );
    });
}

#[tokio::test]
async fn an_override_needs_a_comment_and_stands_over_later_checks_until_removed() {
    for_each_db!(|t| {
        registry(&t.db).await;
        let (s1, _) = school(&t.db, "S001").await;
        let site = "https://school1.example";
        t.db.save_site_audit(s1, &check(site, "2026-10-02T07:00:00Z", &["common"]), "cli")
            .await
            .unwrap();

        // No comment: refused, in Russian, naming the requirement.
        let e =
            t.db.set_site_override(s1, "programme", Status::Found, "  ", "mo1")
                .await
                .unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)));
        assert!(
            e.to_string().contains("напишите комментарий") && e.to_string().contains(PROGRAMME),
            "{e}"
        );
        // An unknown requirement: refused.
        let e =
            t.db.set_site_override(s1, "Расписание звонков", Status::Found, "есть", "mo1")
                .await
                .unwrap_err();
        assert!(e.to_string().contains("нет в списке требований"), "{e}");

        // By its Russian name (or its code): found, with who and why.
        t.db.set_site_override(
            s1,
            PROGRAMME,
            Status::Found,
            "Программа в разделе «Документы», ссылка без подписи",
            "mo1",
        )
        .await
        .unwrap();
        t.db.set_site_override(s1, "common", Status::Missing, "Страница пустая", "region")
            .await
            .unwrap();
        let items = t.db.site_items(s1).await.unwrap();
        let programme = items.iter().find(|i| i.code == "programme").unwrap();
        assert_eq!(programme.checked, Some(Status::Missing));
        assert_eq!(programme.status(), Some(Status::Found));
        let o = programme.overridden.as_ref().unwrap();
        assert_eq!(
            (o.actor.as_str(), o.comment.as_str()),
            ("mo1", "Программа в разделе «Документы», ссылка без подписи")
        );
        let s = s1_status(&t.db).await;
        assert_eq!(
            (s.found, s.overridden),
            (1, 2),
            "programme found, common no longer"
        );

        // A later check says otherwise: the override stands.
        t.db.save_site_audit(
            s1,
            &check(site, "2027-02-02T07:00:00Z", &["common"]),
            "расписание",
        )
        .await
        .unwrap();
        let found = t.db.site_found(&Scope::Region).await.unwrap();
        assert_eq!(
            (found[&s1]["программа"], found[&s1]["основные_сведения"]),
            (true, false)
        );

        // Replaced, then removed: the check counts again.
        t.db.set_site_override(
            s1,
            "programme",
            Status::Missing,
            "Файл не открывается",
            "region",
        )
        .await
        .unwrap();
        let items = t.db.site_items(s1).await.unwrap();
        let o = items
            .iter()
            .find(|i| i.code == "programme")
            .unwrap()
            .overridden
            .clone()
            .unwrap();
        assert_eq!((o.status, o.actor.as_str()), (Status::Missing, "region"));
        assert!(t
            .db
            .remove_site_override(s1, "programme", "region")
            .await
            .unwrap());
        assert!(
            !t.db
                .remove_site_override(s1, "programme", "region")
                .await
                .unwrap(),
            "nothing left to remove"
        );
        assert!(t
            .db
            .remove_site_override(s1, "common", "region")
            .await
            .unwrap());
        let found = t.db.site_found(&Scope::Region).await.unwrap();
        assert_eq!(
            (found[&s1]["программа"], found[&s1]["основные_сведения"]),
            (false, true)
        );

        let log = log_actions(&t.db).await;
        let object = format!("школа МБОУ «СОШ № 1» (S001), «{PROGRAMME}»");
        assert!(
            log.contains(&(
                "mo1".into(),
                "требование к сайту отмечено вручную".into(),
                object.clone()
            )),
            "{log:?}"
        );
        assert!(log.contains(&(
            "region".into(),
            "ручная отметка требования к сайту снята".into(),
            object
        )));
    });
}

#[tokio::test]
async fn formulas_read_found_or_missing_by_short_key_within_the_scope() {
    for_each_db!(|t| {
        registry(&t.db).await;
        let (s1, m1) = school(&t.db, "S001").await;
        let (s2, _) = school(&t.db, "S002").await;
        let (s3, m3) = school(&t.db, "S003").await;
        t.db.save_site_audit(
            s1,
            &check(
                "https://school1.example",
                "2026-10-02T07:00:00Z",
                &["programme", "roadmap"],
            ),
            "cli",
        )
        .await
        .unwrap();
        // A school without a website in the registry, checked by a person.
        t.db.set_site_override(
            s3,
            "programme",
            Status::Found,
            "Программа на странице района",
            "region",
        )
        .await
        .unwrap();

        let all = t.db.site_found(&Scope::Region).await.unwrap();
        assert_eq!(all.keys().copied().collect::<Vec<_>>(), {
            let mut v = vec![s1, s3];
            v.sort();
            v
        });
        assert!(
            !all.contains_key(&s2),
            "never checked, nothing set: no values"
        );
        assert_eq!(all[&s1].len(), 21);
        assert_eq!(
            (
                all[&s1]["программа"],
                all[&s1]["дорожная_карта"],
                all[&s1]["питание"]
            ),
            (true, true, false)
        );
        assert_eq!(all[&s3].len(), 1, "only what a person set");
        assert!(all[&s3]["программа"]);
        let keys: Vec<String> = opora_store::site_audits::site_fields()
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert!(all[&s1].keys().all(|k| keys.contains(k)));

        // Scope: a municipality sees its schools only, in every read.
        let own = t.db.site_found(&Scope::Municipality(m1)).await.unwrap();
        assert_eq!(own.keys().copied().collect::<Vec<_>>(), [s1]);
        let other = t.db.site_found(&Scope::Municipality(m3)).await.unwrap();
        assert_eq!(other.keys().copied().collect::<Vec<_>>(), [s3]);
        assert!(t
            .db
            .site_found(&Scope::School(s2))
            .await
            .unwrap()
            .is_empty());
        let list =
            t.db.latest_site_audits(&Scope::Municipality(m3))
                .await
                .unwrap();
        assert!(list.is_empty(), "S003 has no website");
        let list = t.db.latest_site_audits(&Scope::School(s2)).await.unwrap();
        assert_eq!(list.iter().map(|s| s.school_id).collect::<Vec<_>>(), [s2]);
    });
}
