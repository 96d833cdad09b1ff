//! A results file naming a subject the system does not know (a typo, or a
//! new procedure) is not imported silently: the result page lists the new
//! names with their first rows and imports only after the user confirms —
//! on SQLite and PostgreSQL.

mod common;

use common::*;

#[tokio::test]
async fn new_subjects_are_listed_and_added_only_after_confirmation() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        let code = t.db.schools(None).await.unwrap()[0].code.clone();
        let file = format!(
            "Год;Код ОО;Процедура;Предмет;Класс;Код участника;Первичный балл\n\
             2026;{code};ВПР;Математика;5;N1;12\n2026;{code};ВПР;Матиматика;5;N2;10\n"
        );
        let before = t.db.count("pupil_results").await.unwrap();
        let p = c.upload("results", "опечатка.csv", file.into_bytes()).await;
        assert_eq!(p.status, 303, "{}", p.body);

        let done = c.post(&format!("{}/confirm", p.location), &[]).await;
        let first = c.get(&done.location).await;
        assert_eq!(first.status, 422);
        assert!(first.body.contains("id=\"new-names\""), "{}", first.body);
        assert!(
            first.body.contains("Матиматика") && first.body.contains("<td class=\"num\">3</td>"),
            "{}",
            first.body
        );
        assert!(first.body.contains("Ничего не записано"));
        assert_eq!(t.db.count("pupil_results").await.unwrap(), before);

        let done = c
            .post(&format!("{}/confirm", p.location), &[("new_names", "1")])
            .await;
        let second = c.get(&done.location).await;
        assert_eq!(second.status, 200, "{}", second.body);
        assert!(second.body.contains("Файл загружен"));
        assert_eq!(t.db.count("pupil_results").await.unwrap(), before + 2);
        t.db.close().await;
    });
}
