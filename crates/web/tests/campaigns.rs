//! Сбор данных over HTTP (issue 12): a municipality creates a campaign for
//! two schools, each school fills its form in its inbox (mistakes come back
//! in Russian with the field and the value), the municipality returns one
//! with a comment and accepts both; every role can do only its part, and
//! nobody sees or touches a school outside its scope.

mod common;

use common::*;
use opora_plans::Date;

fn in_days(days: i64) -> String {
    let t = Date::today();
    Date::from_days(t.days() + days).unwrap().ru()
}

const FORM: &str = "педагоги: Число педагогов | целое | обязательно | от 1 до 500 | чел.
диагностика: Прошли диагностику | целое | обязательно | от 0 | чел.
программа: Программа на сайте | да/нет | обязательно
правило: диагностика <= педагоги | Прошедших диагностику не может быть больше, чем педагогов
";

/// Creates the campaign as `client` for the schools with `codes`; returns its id.
async fn create(client: &mut Client, codes: &str) -> i64 {
    client.get("/campaigns/new").await;
    let (opens, deadline, locks) = (in_days(0), in_days(14), in_days(21));
    let page = client
        .post(
            "/campaigns",
            &[
                ("title", "Мониторинг программы: февраль"),
                ("period", "февраль 2027"),
                ("programme", ""),
                ("target", "list"),
                ("codes", codes),
                ("opens_on", &opens),
                ("deadline", &deadline),
                ("locks_on", &locks),
                ("form", FORM),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    page.location
        .trim_start_matches("/campaigns/")
        .parse()
        .unwrap()
}

async fn fill(client: &mut Client, path: &str, fields: &[(&str, &str)]) -> Page {
    client.get(path).await;
    client.post(path, fields).await
}

#[tokio::test]
async fn a_municipality_collects_from_two_schools_returns_one_and_accepts_both() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let own = schools(&t.db, cast.municipality_id).await;
        let (first, second) = (&own[0], &own[1]);
        let mut mo = logged_in(&base, "mo1").await;
        let id = create(&mut mo, &format!("{}, {}", first.code, second.code)).await;
        let overview = mo.get(&format!("/campaigns/{id}")).await;
        assert!(overview.body.contains("0%") && overview.body.contains("получено 0 из 2"));

        // The first school: its inbox, a broken rule, then a sent form.
        let mut s1 = logged_in(&base, "school1").await;
        let inbox = s1.get("/campaigns").await;
        assert!(inbox.body.contains("id=\"inbox\"") && inbox.body.contains("осталось 14 дней"));
        let path1 = format!("/campaigns/{id}/schools/{}", first.id);
        let bad = fill(
            &mut s1,
            &path1,
            &[
                ("v_педагоги", "12"),
                ("v_диагностика", "40"),
                ("v_программа", "да"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(bad.status, 422);
        assert!(bad
            .body
            .contains("Прошедших диагностику не может быть больше, чем педагогов"));
        assert!(
            bad.body.contains("«Прошли диагностику», значение «40»"),
            "the field and the value"
        );
        // A value far from the school's accepted spring answer asks for confirmation first.
        let far = s1
            .post(
                &path1,
                &[
                    ("v_педагоги", "500"),
                    ("v_диагностика", "17"),
                    ("v_программа", "да"),
                    ("action", "submit"),
                ],
            )
            .await;
        assert_eq!(far.status, 200);
        assert!(
            far.body.contains("id=\"confirm-box\"")
                && far
                    .body
                    .contains("В кампании «Мониторинг программы: весна» было")
        );
        let sent = s1
            .post(
                &path1,
                &[
                    ("v_педагоги", "34"),
                    ("v_диагностика", "17"),
                    ("v_программа", "да"),
                    ("action", "submit"),
                    ("confirm", "1"),
                ],
            )
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);

        // The second school sends; it cannot open the first school's form.
        let mut s2 = logged_in(&base, "school2").await;
        assert_eq!(s2.get(&path1).await.status, 404);
        let path2 = format!("/campaigns/{id}/schools/{}", second.id);
        let sent = fill(
            &mut s2,
            &path2,
            &[
                ("v_педагоги", "20"),
                ("v_диагностика", "5"),
                ("v_программа", "нет"),
                ("action", "submit"),
                ("confirm", "1"),
            ],
        )
        .await;
        assert_eq!(sent.status, 303, "{}", sent.body);

        // The municipality returns the first with a comment on a value.
        let review1 = format!("{path1}/review");
        mo.get(&path1).await;
        let back = mo
            .post(
                &review1,
                &[
                    ("action", "return"),
                    ("comment", "Сверьте число с приказом"),
                    ("c_диагностика", "Не совпадает с отчётом"),
                ],
            )
            .await;
        assert_eq!(back.status, 303);
        let inbox = s1.get("/campaigns").await;
        assert!(inbox.body.contains("Замечание: Сверьте число с приказом"));
        let form = s1.get(&path1).await;
        assert!(form.body.contains("Замечание: Не совпадает с отчётом"));
        let again = s1
            .post(
                &path1,
                &[
                    ("v_педагоги", "34"),
                    ("v_диагностика", "16"),
                    ("v_программа", "да"),
                    ("action", "submit"),
                    ("confirm", "1"),
                ],
            )
            .await;
        assert_eq!(again.status, 303);
        for (path, review) in [
            (&path1, review1.clone()),
            (&path2, format!("{path2}/review")),
        ] {
            mo.get(path).await;
            let ok = mo.post(&review, &[("action", "accept")]).await;
            assert_eq!(ok.status, 303, "{}", ok.body);
        }
        let overview = mo.get(&format!("/campaigns/{id}")).await;
        assert!(overview.body.contains("получено 2 из 2") && overview.body.contains("100%"));
        let history = mo.get(&path1).await;
        assert!(history.body.contains("«Прошли диагностику»: 16"));
        assert!(history
            .body
            .contains("возвращена на доработку: Сверьте число с приказом"));
        let inbox = s1.get("/campaigns").await;
        assert!(
            !inbox.body.contains(&format!("href=\"{path1}\"")),
            "accepted: no longer in the inbox"
        );
    });
}

#[tokio::test]
async fn each_role_does_only_its_part_and_only_in_its_scope() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let own = schools(&t.db, cast.municipality_id).await;
        let other = schools(&t.db, ms[1].id).await;
        let mut region = logged_in(&base, "region").await;
        let inside = create(&mut region, &own[0].code).await;
        let outside = create(&mut region, &other[0].code).await;
        let path = format!("/campaigns/{inside}/schools/{}", own[0].id);
        let values = [
            ("v_педагоги", "30"),
            ("v_диагностика", "3"),
            ("v_программа", "да"),
            ("action", "submit"),
            ("confirm", "1"),
        ];

        // Out of scope: not found, for every role below the region.
        for login in ["mo1", "metod1", "school1", "teacher1"] {
            let mut c = logged_in(&base, login).await;
            assert_eq!(
                c.get(&format!("/campaigns/{outside}")).await.status,
                404,
                "{login}"
            );
            let out_path = format!("/campaigns/{outside}/schools/{}", other[0].id);
            assert_eq!(c.get(&out_path).await.status, 404, "{login}");
            assert_eq!(
                c.get(&format!("/campaigns/{inside}")).await.status,
                200,
                "{login}"
            );
        }
        // Only the school's administrator fills in; a teacher, a curator and the municipality read.
        for login in ["teacher1", "metod1", "mo1"] {
            let mut c = logged_in(&base, login).await;
            let page = fill(&mut c, &path, &values).await;
            assert_eq!(page.status, 403, "{login}");
        }
        // Only reviewers review; the school cannot accept its own form.
        let mut s1 = logged_in(&base, "school1").await;
        assert_eq!(fill(&mut s1, &path, &values).await.status, 303);
        for login in ["school1", "teacher1", "metod1"] {
            let mut c = logged_in(&base, login).await;
            c.get(&path).await;
            let page = c
                .post(&format!("{path}/review"), &[("action", "accept")])
                .await;
            assert_eq!(page.status, 403, "{login}");
        }
        // Creating is for the region and municipalities; a municipality names only its schools.
        let mut s = logged_in(&base, "school1").await;
        assert_eq!(s.get("/campaigns/new").await.status, 403);
        let mut mo = logged_in(&base, "mo1").await;
        mo.get("/campaigns/new").await;
        let refused = mo
            .post(
                "/campaigns",
                &[
                    ("title", "Чужая школа"),
                    ("period", "февраль 2027"),
                    ("target", "list"),
                    ("codes", &other[0].code),
                    ("opens_on", &in_days(0)),
                    ("deadline", &in_days(3)),
                    ("locks_on", &in_days(5)),
                    ("form", FORM),
                ],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains(&format!(
            "школа с кодом «{}» не найдена среди ваших школ",
            other[0].code
        )));
        // A form without the session's token is refused.
        let mut stranger = logged_in(&base, "school1").await;
        stranger.csrf = "wrong".into();
        assert_eq!(stranger.post(&path, &values).await.status, 403);
    });
}

#[tokio::test]
async fn mistakes_in_a_new_campaign_come_back_in_russian_with_the_line() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let own = schools(&t.db, cast.municipality_id).await;
        let mut mo = logged_in(&base, "mo1").await;
        mo.get("/campaigns/new").await;
        let page = mo
            .post(
                "/campaigns",
                &[
                    ("title", "Мониторинг"),
                    ("period", "февраль 2027"),
                    ("target", "list"),
                    ("codes", &own[0].code),
                    ("opens_on", "31.02.2027"),
                    ("deadline", &in_days(3)),
                    ("locks_on", &in_days(5)),
                    ("form", "педагоги: Число педагогов | дата"),
                ],
            )
            .await;
        assert_eq!(page.status, 422);
        assert!(
            page.body.contains("Открытие: дата «31.02.2027» не понята"),
            "{}",
            page.body
        );
        assert!(page.body.contains("строка 1") && page.body.contains("тип «дата» не известен"));
        // The typed form is kept for correction.
        assert!(page.body.contains("педагоги: Число педагогов | дата"));
    });
}

/// The exported sheet's rows as texts (header first).
fn sheet_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Writes rows back as a workbook, a title row above them as people add.
fn workbook(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "Мониторинг: заполнено в Excel")
        .unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 2, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn answers_filled_in_excel_load_all_or_nothing_and_once() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let own = schools(&t.db, cast.municipality_id).await;
        let mut mo = logged_in(&base, "mo1").await;
        let id = create(&mut mo, &format!("{}, {}", own[0].code, own[1].code)).await;
        let (status, bytes, _) = mo.get_bytes(&format!("/campaigns/{id}/answers.xlsx")).await;
        assert_eq!(status, 200);
        let mut rows = sheet_rows(&bytes);
        assert_eq!(rows[0][1], "Код школы");
        assert_eq!(rows.len(), 3, "a row per school");
        let col = |name: &str| rows[0].iter().position(|h| h.starts_with(name)).unwrap();
        let (teachers, diagnosed, site) = (
            col("Число педагогов"),
            col("Прошли диагностику"),
            col("Программа на сайте"),
        );
        rows[1][teachers] = "30".into();
        rows[1][diagnosed] = "45".into(); // more than the teachers
        rows[1][site] = "да".into();
        rows[2][teachers] = "20".into();
        rows[2][diagnosed] = "4".into();
        rows[2][site] = "нет".into();

        mo.get(&format!("/campaigns/{id}")).await;
        let refused = mo
            .post_file(
                &format!("/campaigns/{id}/import"),
                &[("submit", "1")],
                "ответы.xlsx",
                workbook(&rows),
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("ничего не сохранено"));
        assert!(
            refused.body.contains("строка 4, столбец"),
            "the sheet's own row number: {}",
            refused.body
        );
        assert!(refused
            .body
            .contains("Прошедших диагностику не может быть больше, чем педагогов"));
        let untouched = t.db.answer(id, own[1].id).await.unwrap().unwrap();
        assert!(
            untouched.values.is_empty(),
            "the valid row was not saved either"
        );

        rows[1][diagnosed] = "12".into();
        let ok = mo
            .post_file(
                &format!("/campaigns/{id}/import"),
                &[("submit", "1")],
                "ответы.xlsx",
                workbook(&rows),
            )
            .await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        assert!(ok.body.contains("изменены ответы 2 школ"));
        let again = mo
            .post_file(
                &format!("/campaigns/{id}/import"),
                &[("submit", "1")],
                "ответы.xlsx",
                workbook(&rows),
            )
            .await;
        assert!(
            again
                .body
                .contains("изменены ответы 0 школ, без изменений — 2"),
            "{}",
            again.body
        );
        let overview = mo.get(&format!("/campaigns/{id}")).await;
        assert!(overview.body.contains("получено 2 из 2"));
    });
}

#[tokio::test]
async fn sending_returning_and_reminding_reach_the_right_inboxes() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let own = schools(&t.db, cast.municipality_id).await;
        let mut mo = logged_in(&base, "mo1").await;
        let id = create(&mut mo, &format!("{}, {}", own[0].code, own[1].code)).await;

        // A reminder reaches the schools that have not sent, once a day.
        mo.get(&format!("/campaigns/{id}")).await;
        let r = mo.post(&format!("/campaigns/{id}/remind"), &[]).await;
        assert_eq!(r.status, 303);
        assert!(r.location.ends_with("reminded=2"), "{}", r.location);
        let r = mo.post(&format!("/campaigns/{id}/remind"), &[]).await;
        assert!(
            r.location.ends_with("reminded=0"),
            "not twice a day: {}",
            r.location
        );
        let mut s1 = logged_in(&base, "school1").await;
        let inbox = s1.get("/notifications").await;
        assert!(inbox
            .body
            .contains("Напоминание: форма «Мониторинг программы: февраль»"));
        let mut teacher = logged_in(&base, "teacher1").await;
        assert!(
            !teacher
                .get("/notifications")
                .await
                .body
                .contains("Напоминание: форма"),
            "for administrators only"
        );

        // Sending tells the municipality; returning tells the school, with the comment.
        let path = format!("/campaigns/{id}/schools/{}", own[0].id);
        s1.get(&path).await;
        let sent = s1
            .post(
                &path,
                &[
                    ("v_педагоги", "30"),
                    ("v_диагностика", "3"),
                    ("v_программа", "да"),
                    ("action", "submit"),
                    ("confirm", "1"),
                ],
            )
            .await;
        assert_eq!(sent.status, 303);
        assert!(mo
            .get("/notifications")
            .await
            .body
            .contains("форма «Мониторинг программы: февраль» отправлена"));
        mo.get(&path).await;
        mo.post(
            &format!("{path}/review"),
            &[
                ("action", "return"),
                ("comment", "Уточните число педагогов"),
            ],
        )
        .await;
        let inbox = s1.get("/notifications").await;
        assert!(
            inbox.body.contains("возвращена на доработку")
                && inbox.body.contains("Уточните число педагогов")
        );
        let mut s2 = logged_in(&base, "school2").await;
        assert!(
            !s2.get("/notifications")
                .await
                .body
                .contains("возвращена на доработку"),
            "another school's return"
        );
    });
}
