//! Педагоги over HTTP (issue 13): each role sees the staff of its scope and
//! nothing else (404 as a page and through the API), a teacher only their
//! own record; the school keeps its list (adds, edits, courses) and uploads
//! its HR file, which may not touch another school; a teacher adds their
//! own courses; the municipality moves a teacher and the courses follow;
//! the due list and the API agree with the clock on the card.

mod common;

use common::*;
use opora_store::scope::Scope;
use opora_store::staff::teachers::{Teacher, TeacherFilter};

async fn teachers_of(db: &opora_store::Db, school_id: i64) -> Vec<Teacher> {
    db.teachers(&Scope::School(school_id), &TeacherFilter::default(), "test")
        .await
        .unwrap()
}

#[tokio::test]
async fn each_role_sees_the_staff_of_its_scope_and_a_teacher_only_their_own_record() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let outside_school = schools(&t.db, ms[1].id).await.remove(0);
        let outside = teachers_of(&t.db, outside_school.id).await.remove(0);
        let own = teachers_of(&t.db, cast.school_id).await;
        let linked = own
            .iter()
            .find(|x| x.user_id.is_some())
            .expect("teacher1 is linked to a record");
        let colleague = own.iter().find(|x| x.user_id.is_none()).unwrap();

        for login in ["region", "mo1", "metod1", "school1"] {
            let mut c = logged_in(&base, login).await;
            let list = c.get("/staff").await;
            assert_eq!(list.status, 200, "{login}");
            assert!(list.body.contains("Педагоги"), "{login}");
            let card = c.get(&format!("/staff/{}", colleague.id)).await;
            assert_eq!(card.status, 200, "{login}");
            assert!(card.body.contains(&colleague.fields.full_name), "{login}");
            let foreign = c.get(&format!("/staff/{}", outside.id)).await;
            let api = c
                .json(&format!("/api/teachers?school={}", outside_school.code))
                .await;
            if login == "region" {
                assert_eq!((foreign.status, api.0), (200, 200));
            } else {
                assert_eq!((foreign.status, api.0), (404, 404), "{login}");
                assert!(!foreign.body.contains(&outside.fields.full_name), "{login}");
            }
        }
        // The region's list is a summary per school; the municipality's has only its schools.
        let mut mo = logged_in(&base, "mo1").await;
        let (status, all) = mo.json("/api/teachers").await;
        assert_eq!(status, 200);
        let codes: std::collections::HashSet<String> = schools(&t.db, cast.municipality_id)
            .await
            .into_iter()
            .map(|s| s.code)
            .collect();
        assert!(all
            .as_array()
            .unwrap()
            .iter()
            .all(|x| codes.contains(x["school_code"].as_str().unwrap())));
        assert!(all.as_array().unwrap().len() > 50);
        // The filter form as a browser sends it (an empty school: all schools).
        let overdue = mo.get("/staff?school=&clock=overdue&q=").await;
        assert_eq!(overdue.status, 200);
        assert!(
            overdue.body.contains("id=\"teacher-"),
            "the municipality's overdue teachers are listed"
        );
        assert!(overdue.body.contains("просрочено"));
        assert!(
            !overdue.body.contains(">в срок</span></td>"),
            "only the overdue"
        );

        let mut teacher = logged_in(&base, "teacher1").await;
        let list = teacher.get("/staff").await;
        assert_eq!(
            list.location,
            format!("/staff/{}", linked.id),
            "a teacher goes to their own card"
        );
        assert_eq!(
            teacher.get(&format!("/staff/{}", linked.id)).await.status,
            200
        );
        assert_eq!(
            teacher
                .get(&format!("/staff/{}", colleague.id))
                .await
                .status,
            404
        );
        let (status, mine) = teacher.json("/api/teachers").await;
        assert_eq!(status, 200);
        let mine = mine.as_array().unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0]["id"], linked.id);

        // Reading is audited under the reader's name.
        let entries = t.db.audit_entries(200).await.unwrap();
        assert!(entries
            .iter()
            .any(|e| e.actor == "teacher1" && e.action == "просмотр: карточка педагога"));
    });
}

#[tokio::test]
async fn the_school_keeps_its_list_and_a_teacher_their_own_courses() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut school = logged_in(&base, "school1").await;
        let form = school.get("/staff/new").await;
        assert_eq!(form.status, 200);
        // Without the token: refused, nothing written.
        let before = teachers_of(&t.db, cast.school_id).await.len();
        let forged = school
            .post_raw(
                "/staff/new",
                &[
                    ("school".into(), cast.school_id.to_string()),
                    ("full_name".into(), "Новикова Ирина Сергеевна".into()),
                ],
                &[],
            )
            .await;
        assert_eq!(forged.status, 403);
        // A bad value: a Russian message naming the field.
        let bad = school
            .post(
                "/staff/new",
                &[
                    ("school", &cast.school_id.to_string()),
                    ("full_name", "Новикова"),
                    ("category", "none"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("ФИО"), "{}", bad.body);
        assert_eq!(teachers_of(&t.db, cast.school_id).await.len(), before);

        let created = school
            .post(
                "/staff/new",
                &[
                    ("school", &cast.school_id.to_string()),
                    ("full_name", "Новикова Ирина Сергеевна"),
                    ("position", "учитель"),
                    ("subjects", "Физика; Математика"),
                    ("grades", "7-11"),
                    ("category", "first"),
                    ("experience_years", "4"),
                    ("education", "высшее"),
                    ("education_subject", "Математика"),
                ],
            )
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
        let card_path = created.location.split('?').next().unwrap().to_string();
        let card = school.get(&created.location).await;
        assert!(card.body.contains("Педагог добавлен"));
        assert!(card.body.contains("просрочено"), "no course yet: red");
        assert!(
            card.body.contains("id=\"uncovered\""),
            "physics without a physics diploma"
        );

        let course = school
            .post(
                &format!("{card_path}/courses"),
                &[
                    ("title", "Методика преподавания физики"),
                    ("kind", "retraining"),
                    ("hours", "520"),
                    ("provider", "ГАУ ДПО «Институт развития образования»"),
                    ("end", "30.06.2026"),
                    ("subject_area", "Физика"),
                ],
            )
            .await;
        assert_eq!(course.status, 303, "{}", course.body);
        let card = school.get(&card_path).await;
        assert!(card.body.contains("Методика преподавания физики"));
        assert!(
            card.body.contains("<dd>4 года</dd>"),
            "experience in Russian plural form"
        );
        assert!(
            card.body.contains("следующие — до 30.06.2029"),
            "the next course three years after the last"
        );
        assert!(card.body.contains("в срок"));
        assert!(
            !card.body.contains("id=\"uncovered\""),
            "the retraining covers physics"
        );
        let future = school
            .post(
                &format!("{card_path}/courses"),
                &[
                    ("title", "Курс"),
                    ("kind", "upgrade"),
                    ("end", "01.01.2099"),
                ],
            )
            .await;
        assert_eq!(future.status, 422);
        assert!(future.body.contains("Дата окончания"), "{}", future.body);

        // The curator reads the card but does not change it.
        let mut metod = logged_in(&base, "metod1").await;
        let id: i64 = card_path.rsplit('/').next().unwrap().parse().unwrap();
        assert_eq!(metod.get(&card_path).await.status, 200);
        let refused = metod
            .post(&card_path, &[("full_name", "Другая Ирина Сергеевна")])
            .await;
        assert_eq!(refused.status, 403);
        assert_eq!(
            t.db.teacher(&Scope::Region, id)
                .await
                .unwrap()
                .unwrap()
                .fields
                .full_name,
            "Новикова Ирина Сергеевна"
        );

        // A teacher adds a course to their own record, not to a colleague's.
        let own = teachers_of(&t.db, cast.school_id).await;
        let linked = own.iter().find(|x| x.user_id.is_some()).unwrap();
        let mut teacher = logged_in(&base, "teacher1").await;
        // Yesterday: later than the demo's internship, whose course the
        // teacher already has.
        let yesterday = opora_plans::clock::today().add_days(-1).unwrap();
        let added = teacher
            .post(
                &format!("/staff/{}/courses", linked.id),
                &[
                    ("title", "Цифровые образовательные ресурсы"),
                    ("kind", "upgrade"),
                    ("hours", "36"),
                    ("end", &yesterday.ru()),
                ],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.body);
        assert_eq!(
            teacher
                .post(
                    &format!("/staff/{id}/courses"),
                    &[
                        ("title", "Курс"),
                        ("kind", "upgrade"),
                        ("end", "15.10.2026")
                    ]
                )
                .await
                .status,
            404
        );
        let (_, mine) = teacher.json("/api/teachers").await;
        assert_eq!(mine[0]["last_course_end"], yesterday.iso());
        assert_eq!(mine[0]["clock"], "green");
    });
}

#[tokio::test]
async fn the_school_uploads_its_hr_file_and_may_not_touch_another_school() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let own_code = schools(&t.db, cast.municipality_id)
            .await
            .into_iter()
            .find(|s| s.id == cast.school_id)
            .unwrap()
            .code;
        let ms = municipalities(&t.db).await;
        let other_code = schools(&t.db, ms[1].id).await.remove(0).code;
        let mut school = logged_in(&base, "school1").await;
        let upload = school.get("/upload").await;
        assert_eq!(upload.status, 200);
        assert!(upload.body.contains("Список педагогов"));
        assert!(
            !upload.body.contains("value=\"results\""),
            "results are the region's to upload"
        );

        let file = format!("Список педагогов школы\n\nКод ОО;ФИО;Должность;Преподаваемые предметы;Категория\n{own_code};Белова Дарья Андреевна;учитель;Английский язык;без категории\n{other_code};Чужой Пётр Петрович;учитель;История;первая\n");
        let p = school
            .upload("teachers", "кадры.csv", file.into_bytes())
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let done = school.post(&format!("{}/confirm", p.location), &[]).await;
        let result = school.get(&done.location).await;
        assert_eq!(result.status, 422);
        assert!(
            result.body.contains("вашей области доступа"),
            "{}",
            result.body
        );
        assert!(result.body.contains(&other_code));
        assert!(
            !teachers_of(&t.db, cast.school_id)
                .await
                .iter()
                .any(|x| x.fields.full_name.starts_with("Белова")),
            "all or nothing"
        );

        let file = format!("Код ОО;ФИО;Должность;Преподаваемые предметы;Категория\n{own_code};Белова Дарья Андреевна;учитель;Английский язык;без категории\n");
        let p = school
            .upload("teachers", "кадры.csv", file.into_bytes())
            .await;
        let done = school.post(&format!("{}/confirm", p.location), &[]).await;
        let result = school.get(&done.location).await;
        assert_eq!(result.status, 200, "{}", result.body);
        assert!(
            result.body.contains("педагогов добавлено: 1"),
            "{}",
            result.body
        );

        // She has no course: the due list names her, today and through the API.
        let (status, due) = school.json("/api/teachers/due").await;
        assert_eq!(status, 200);
        let names: Vec<&str> = due["teachers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"Белова Дарья Андреевна"), "{names:?}");
        let bad = school.json("/api/teachers/due?on=31.02.2026").await;
        assert_eq!(bad.0, 400);
        assert!(bad.1["error"].as_str().unwrap().contains("не дата"));
        // A results file is not the school's to upload.
        let refused = school.upload("results", "vpr.csv", b"x\n".to_vec()).await;
        assert_eq!(refused.status, 403);
    });
}

#[tokio::test]
async fn the_municipality_moves_a_teacher_and_the_courses_follow() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let moving = teachers_of(&t.db, cast.school_id)
            .await
            .into_iter()
            .find(|x| x.user_id.is_none() && x.last_course_end.is_some())
            .unwrap();
        let mut school = logged_in(&base, "school1").await;
        let refused = school
            .post(
                &format!("/staff/{}/move", moving.id),
                &[("school", &cast.leader_id.to_string())],
            )
            .await;
        assert_eq!(refused.status, 403);
        let mut mo = logged_in(&base, "mo1").await;
        let ms = municipalities(&t.db).await;
        let outside = schools(&t.db, ms[1].id).await.remove(0);
        let wrong = mo
            .post(
                &format!("/staff/{}/move", moving.id),
                &[("school", &outside.id.to_string())],
            )
            .await;
        assert_eq!(
            wrong.status, 400,
            "a school outside the scope named in the form"
        );
        let moved = mo
            .post(
                &format!("/staff/{}/move", moving.id),
                &[
                    ("school", &cast.leader_id.to_string()),
                    ("on", "01.09.2026"),
                ],
            )
            .await;
        assert_eq!(moved.status, 303, "{}", moved.body);
        let card = mo.get(&moved.location).await;
        assert!(card.body.contains("id=\"moves\""));
        assert!(card.body.contains("01.09.2026"));
        let after =
            t.db.teacher(&Scope::Region, moving.id)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(after.school_id, cast.leader_id);
        assert_eq!(
            after.last_course_end, moving.last_course_end,
            "the courses follow the person"
        );
        // The old school no longer sees the person.
        assert_eq!(
            school.get(&format!("/staff/{}", moving.id)).await.status,
            404
        );
    });
}

#[tokio::test]
async fn diagnostics_show_on_the_card_and_as_a_heat_map_to_all_but_teachers() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let own = teachers_of(&t.db, cast.school_id).await;
        let linked = own.iter().find(|x| x.user_id.is_some()).unwrap();
        let code = schools(&t.db, cast.municipality_id)
            .await
            .into_iter()
            .find(|s| s.id == cast.school_id)
            .unwrap()
            .code;
        let name = &linked.fields.full_name;
        let subject = linked.fields.subjects[0].clone();
        let file = format!(
            "Диагностика;Дата проведения;Код ОО;ФИО;Предмет;Компетенция;Результат, %;Выявленные дефициты\n\
             Диагностика школы, весна 2026;20.03.2026;{code};{name};{subject};предметная;38;Сложные задачи\n\
             Диагностика школы, весна 2026;20.03.2026;{code};{name};{subject};методическая;61;\n\
             Диагностика школы, осень 2026;15.10.2026;{code};{name};{subject};предметная;66;\n\
             Диагностика школы, осень 2026;15.10.2026;{code};{name};{subject};методическая;44;Формирующее оценивание\n"
        );
        let mut school = logged_in(&base, "school1").await;
        let p = school
            .upload("diagnostics", "диагностика.csv", file.into_bytes())
            .await;
        let done = school.post(&format!("{}/confirm", p.location), &[]).await;
        let result = school.get(&done.location).await;
        assert_eq!(result.status, 200, "{}", result.body);

        // The teacher's card: both rounds and what changed.
        let mut teacher = logged_in(&base, "teacher1").await;
        let card = teacher.get(&format!("/staff/{}", linked.id)).await;
        assert!(
            card.body
                .contains("Диагностика школы, осень 2026 (15.10.2026)"),
            "{}",
            card.body
        );
        assert!(card.body.contains("дефицит преодолён"));
        assert!(card.body.contains("новый дефицит"));
        assert!(card.body.contains("Формирующее оценивание"));
        // The map is not a teacher's to read.
        assert_eq!(teacher.get("/staff/diagnostics").await.status, 403);
        assert_eq!(teacher.json("/api/diagnostics").await.0, 403);

        // The school's map of the latest round: one teacher, a methodical deficit.
        let map = school.get("/staff/diagnostics").await;
        assert_eq!(map.status, 200);
        assert!(map.body.contains("id=\"heat-map\""));
        assert!(map.body.contains("1 из 1"), "{}", map.body);
        let (status, api) = school.json("/api/diagnostics").await;
        assert_eq!(status, 200);
        assert_eq!(api["round"]["title"], "Диагностика школы, осень 2026");
        let methodical = api["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["competence"] == "methodical")
            .unwrap();
        assert_eq!(
            (
                methodical["diagnosed"].as_u64(),
                methodical["with_deficit"].as_u64()
            ),
            (Some(1), Some(1))
        );

        // The municipality reads its schools; another municipality's school is 404 through the API.
        let mut mo = logged_in(&base, "mo1").await;
        assert_eq!(mo.get("/staff/diagnostics").await.status, 200);
        let ms = municipalities(&t.db).await;
        let outside = schools(&t.db, ms[1].id).await.remove(0);
        assert_eq!(
            mo.json(&format!("/api/diagnostics?school={}", outside.code))
                .await
                .0,
            404
        );
    });
}

#[tokio::test]
async fn a_municipality_appoints_a_suggested_mentor_and_the_pair_meets_and_closes() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let linked = teachers_of(&t.db, cast.school_id)
            .await
            .into_iter()
            .find(|x| x.user_id.is_some())
            .unwrap();
        let mut mo = logged_in(&base, "mo1").await;
        let card = mo.get(&format!("/staff/{}", linked.id)).await;
        assert!(
            card.body.contains("id=\"mentor-form\""),
            "the municipality is offered mentors"
        );
        // The first suggestion is the checked radio button.
        let checked = card.body.split("name=\"mentor\" value=\"").nth(1).unwrap();
        let mentor: i64 = checked.split('"').next().unwrap().parse().unwrap();
        let mentor_record =
            t.db.teacher(&opora_store::scope::Scope::Region, mentor)
                .await
                .unwrap()
                .unwrap();
        assert!(
            mentor_record
                .fields
                .subjects
                .iter()
                .any(|s| linked.fields.subjects.contains(s)),
            "a mentor of the same subject"
        );
        let created = mo
            .post(
                &format!("/staff/{}/mentoring", linked.id),
                &[
                    ("mentor", &mentor.to_string()),
                    ("form", "teacher_teacher"),
                    ("goals", "Подготовка к ОГЭ"),
                    ("order_ref", "Приказ № 45 от 01.09.2026"),
                ],
            )
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
        let pair_path = created.location.split('?').next().unwrap().to_string();
        let page = mo.get(&created.location).await;
        assert!(page.body.contains("Наставник назначен"));
        assert!(page.body.contains(&mentor_record.fields.full_name));

        // The mentee (teacher1) writes a meeting; the curator may not; a future date is refused.
        let mut teacher = logged_in(&base, "teacher1").await;
        let future = teacher
            .post(
                &format!("{pair_path}/meetings"),
                &[("held_on", "01.01.2099"), ("topic", "Встреча")],
            )
            .await;
        assert_eq!(future.status, 422);
        let met = teacher
            .post(
                &format!("{pair_path}/meetings"),
                &[
                    ("held_on", "15.10.2026"),
                    ("topic", "Разбор открытого урока"),
                    ("notes", "Следующий урок — 12.11"),
                ],
            )
            .await;
        assert_eq!(met.status, 303, "{}", met.body);
        let mut metod = logged_in(&base, "metod1").await;
        assert_eq!(metod.get(&pair_path).await.status, 200);
        assert_eq!(
            metod
                .post(
                    &format!("{pair_path}/meetings"),
                    &[("held_on", "15.10.2026"), ("topic", "Ещё")]
                )
                .await
                .status,
            403
        );
        let (_, pairs) = teacher.json("/api/mentoring").await;
        let pairs = pairs.as_array().unwrap();
        assert_eq!(pairs.len(), 1, "a teacher sees the pairs they are in");
        assert_eq!(pairs[0]["meetings"], 1);

        // The school closes the pair; a closed pair takes no meetings.
        let mut school = logged_in(&base, "school1").await;
        assert_eq!(
            school.post(&format!("{pair_path}/close"), &[]).await.status,
            303
        );
        assert!(school.get(&pair_path).await.body.contains("завершена"));
        assert_eq!(
            teacher
                .post(
                    &format!("{pair_path}/meetings"),
                    &[("held_on", "16.10.2026"), ("topic", "После закрытия")]
                )
                .await
                .status,
            400
        );
    });
}

/// The first step id after `marker` on a page («id="cert-12"» → 12).
fn id_after(body: &str, marker: &str) -> i64 {
    let rest = body
        .split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no {marker} on the page"));
    rest.split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_school_drafts_a_plan_from_the_deficits_and_its_course_step_writes_the_course() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let teacher = teacher_with_deficits(&t.db, cast.school_id).await;
        let card_path = format!("/staff/{}", teacher.id);
        let mut school = logged_in(&base, "school1").await;
        assert!(school
            .get(&card_path)
            .await
            .body
            .contains("id=\"draft-plan\""));
        let drafted = school.post(&format!("{card_path}/plan"), &[]).await;
        assert_eq!(drafted.status, 303, "{}", drafted.body);
        assert!(drafted.location.contains("done=drafted"));
        let plan_path = drafted.location.split('?').next().unwrap().to_string();
        let page = school.get(&drafted.location).await;
        assert!(page
            .body
            .contains("План составлен по результатам диагностики"));
        assert!(
            page.body.contains("курсы повышения квалификации"),
            "a course from the catalogue"
        );
        assert!(page.body.contains("id=\"plan-deficits\""));
        // A second plan while this one is active: a Russian conflict.
        let twice = school.post(&format!("{card_path}/plan"), &[]).await;
        assert_eq!(twice.status, 409);
        assert!(
            twice.body.contains("уже есть действующий план"),
            "{}",
            twice.body
        );

        // The course step done: the course is on the card.
        let step = id_after(&page.body, "id=\"cert-");
        let done = school
            .post(
                &format!("{plan_path}/steps/{step}"),
                &[
                    ("status", "done"),
                    ("done_on", "10.11.2026"),
                    ("certificate_no", "772409999999"),
                    ("evidence", "удостоверение"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(done.location.contains("done=course"));
        let card = school.get(&card_path).await;
        assert!(
            card.body.contains("772409999999"),
            "the course is in the record"
        );
        // A step needs a date; a step from the catalogue takes the programme's title.
        let no_date = school
            .post(
                &format!("{plan_path}/steps"),
                &[("kind", "other"), ("title", "Взаимопосещение уроков")],
            )
            .await;
        assert_eq!(no_date.status, 422);
        assert!(no_date.body.contains("Срок"));
        let programme = t.db.programmes(true).await.unwrap().remove(0);
        let added = school
            .post(
                &format!("{plan_path}/steps"),
                &[
                    ("kind", "course"),
                    ("programme", &programme.id.to_string()),
                    ("due_on", "01.02.2027"),
                ],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.body);
        assert!(school
            .get(&plan_path)
            .await
            .body
            .contains(&programme.fields.title));

        // The municipality reads and keeps nothing; another teacher does not see the plan.
        let mut mo = logged_in(&base, "mo1").await;
        let read = mo.get(&plan_path).await;
        assert_eq!(read.status, 200);
        assert!(!read.body.contains("id=\"step-form\""));
        let refused = mo
            .post(
                &format!("{plan_path}/steps"),
                &[
                    ("kind", "other"),
                    ("title", "Шаг"),
                    ("due_on", "01.02.2027"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403);
        let mut own = logged_in(&base, "teacher1").await;
        assert_eq!(own.get(&plan_path).await.status, 404);
        let (_, mine) = own.json("/api/development-plans").await;
        let linked = teachers_of(&t.db, cast.school_id)
            .await
            .into_iter()
            .find(|x| x.user_id.is_some())
            .unwrap();
        assert!(
            mine.as_array()
                .unwrap()
                .iter()
                .all(|p| p["teacher_id"] == linked.id),
            "{mine}"
        );
        let (_, all) = mo.json("/api/development-plans").await;
        let this = all
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["teacher_id"] == teacher.id && p["status"] == "active")
            .unwrap();
        assert!(this["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "course" && s["status"] == "done"));

        // The curator reads and comments; the comment is on the plan.
        let mut metod = logged_in(&base, "metod1").await;
        let commented = metod
            .post(
                &format!("{plan_path}/comments"),
                &[("text", "Добавьте взаимопосещение уроков")],
            )
            .await;
        assert_eq!(commented.status, 303, "{}", commented.body);
        assert!(school
            .get(&plan_path)
            .await
            .body
            .contains("Добавьте взаимопосещение уроков"));
        let empty = metod
            .post(&format!("{plan_path}/comments"), &[("text", " ")])
            .await;
        assert_eq!(empty.status, 400);
        // The school closes the plan; a closed plan has no forms.
        let closed = school
            .post(
                &format!("{plan_path}/close"),
                &[("summary", "Дефициты преодолены")],
            )
            .await;
        assert_eq!(closed.status, 303, "{}", closed.body);
        let page = school.get(&plan_path).await;
        assert!(page.body.contains("завершён") && !page.body.contains("id=\"step-form\""));
    });
}

#[tokio::test]
async fn the_region_keeps_the_catalogue_of_programmes_and_others_read_it() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut region = logged_in(&base, "region").await;
        let page = region.get("/staff/programmes").await;
        assert!(page.body.contains("id=\"programme-form\""));
        let fields = [
            ("title", "Цифровые инструменты учителя"),
            ("provider", "ГАУ ДПО «Институт развития образования»"),
            ("kind", "upgrade"),
            ("hours", "24"),
        ];
        let no_area = region.post("/staff/programmes", &fields).await;
        assert_eq!(no_area.status, 422);
        assert!(
            no_area.body.contains("Области компетенций"),
            "{}",
            no_area.body
        );
        let mut with_area = fields.to_vec();
        with_area.push(("competence", "methodical"));
        let added = region.post("/staff/programmes", &with_area).await;
        assert_eq!(added.status, 303, "{}", added.body);
        let id =
            t.db.programmes(true)
                .await
                .unwrap()
                .into_iter()
                .find(|p| p.fields.title == "Цифровые инструменты учителя")
                .unwrap()
                .id;
        let withdrawn = region
            .post(
                &format!("/staff/programmes/{id}/active"),
                &[("active", "0")],
            )
            .await;
        assert_eq!(withdrawn.status, 303);
        assert!(!t
            .db
            .programmes(true)
            .await
            .unwrap()
            .iter()
            .any(|p| p.id == id));
        for login in ["mo1", "school1", "teacher1"] {
            let mut c = logged_in(&base, login).await;
            let page = c.get("/staff/programmes").await;
            assert_eq!(page.status, 200, "{login}");
            assert!(
                page.body.contains("Цифровые инструменты учителя")
                    && !page.body.contains("id=\"programme-form\"")
            );
            assert_eq!(
                c.post("/staff/programmes", &with_area).await.status,
                403,
                "{login}"
            );
            let (status, list) = c.json("/api/programmes").await;
            assert_eq!(status, 200);
            assert!(list
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == id && p["active"] == false));
        }
    });
}

#[tokio::test]
async fn the_region_evaluates_principals_and_each_role_reads_its_schools() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let year = opora_plans::clock::today().academic_year();
        let mut region = logged_in(&base, "region").await;
        let page = region.get("/staff/principals").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("id=\"principals\""),
            "the demo's evaluation"
        );
        // Weights: a word is refused with its criterion named; numbers are kept.
        let mut weights: Vec<(String, String)> = opora_staff::principals::Criterion::ALL
            .iter()
            .map(|c| (format!("weight_{}", c.code()), "10".to_string()))
            .collect();
        weights[0].1 = "много".into();
        let fields: Vec<(&str, &str)> = weights
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let bad = region.post("/staff/principals/weights", &fields).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("результаты обучающихся"), "{}", bad.body);
        weights[0].1 = "40".into();
        let fields: Vec<(&str, &str)> = weights
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            region
                .post("/staff/principals/weights", &fields)
                .await
                .status,
            303
        );
        let evaluated = region
            .post("/staff/principals/evaluate", &[("year", &year.to_string())])
            .await;
        assert_eq!(evaluated.status, 303, "{}", evaluated.body);
        let (_, all) = region.json("/api/principals").await;
        let schools = all["schools"].as_array().unwrap();
        assert_eq!(all["year"], year);
        assert!(
            schools.iter().all(|s| s["scores"][0]["weight"] == 40),
            "the new weights"
        );
        // Each total is the weighted mean of the measures with data.
        for s in schools {
            let scores = s["scores"].as_array().unwrap();
            let (mut points, mut weight) = (0.0, 0.0);
            for c in scores.iter().filter(|c| !c["value"].is_null()) {
                points += c["points"].as_f64().unwrap();
                weight += c["weight"].as_f64().unwrap();
            }
            match s["total"].as_f64() {
                Some(total) => assert!((total - 100.0 * points / weight).abs() < 1e-9, "{s}"),
                None => assert_eq!(weight, 0.0),
            }
        }
        let roadmap = schools
            .iter()
            .flat_map(|s| s["scores"].as_array().unwrap())
            .find(|c| c["criterion"] == "roadmap" && !c["value"].is_null())
            .expect("a school with a roadmap due");
        assert!(roadmap["basis"].as_str().unwrap().starts_with("выполнено "));

        // The municipality reads its schools, the school its own, the teacher nothing.
        let own: std::collections::HashSet<String> = schools_of(&t.db, cast.municipality_id).await;
        let mut mo = logged_in(&base, "mo1").await;
        let (_, theirs) = mo.json("/api/principals").await;
        let theirs = theirs["schools"].as_array().unwrap();
        assert!(!theirs.is_empty() && theirs.len() < schools.len());
        assert!(theirs
            .iter()
            .all(|s| own.contains(s["school_code"].as_str().unwrap())));
        let mut school = logged_in(&base, "school1").await;
        let (_, one) = school.json("/api/principals").await;
        assert_eq!(one["schools"].as_array().unwrap().len(), 1);
        assert_eq!(
            school
                .post("/staff/principals/evaluate", &[("year", &year.to_string())])
                .await
                .status,
            403
        );
        let mut teacher = logged_in(&base, "teacher1").await;
        assert_eq!(teacher.get("/staff/principals").await.status, 403);
        assert_eq!(teacher.json("/api/principals").await.0, 403);

        // The export for the order: a row per school of the scope, the criteria's numbers beside the points.
        let (status, bytes, _) = mo
            .get_bytes(&format!("/staff/principals.xlsx?year={year}"))
            .await;
        assert_eq!(status, 200);
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("Оценка").unwrap();
        assert_eq!(sheet.height(), theirs.len() + 1);
        let header: Vec<String> = sheet
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert!(
            header
                .iter()
                .any(|h| h.starts_with("исполнение дорожной карты: основание")),
            "{header:?}"
        );
        assert_eq!(mo.get("/staff/principals?year=1999").await.status, 404);
    });
}

async fn schools_of(
    db: &opora_store::Db,
    municipality_id: i64,
) -> std::collections::HashSet<String> {
    schools(db, municipality_id)
        .await
        .into_iter()
        .map(|s| s.code)
        .collect()
}

#[tokio::test]
async fn a_self_assessment_made_by_the_region_becomes_the_teachers_results() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut region = logged_in(&base, "region").await;
        let bad = region
            .post(
                "/staff/instruments",
                &[
                    ("title", "Самодиагностика учителя математики"),
                    ("items", "цифровая: Веду журнал"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("строка 1: «цифровая»"), "{}", bad.body);
        let made = region
            .post(
                "/staff/instruments",
                &[
                    ("title", "Самодиагностика учителя математики"),
                    ("subject", "Математика"),
                    ("items", "предметная: Решаю задачи с параметром\nпредметная: Решаю геометрические задачи\nметодическая: Применяю формирующее оценивание"),
                ],
            )
            .await;
        assert_eq!(made.status, 303, "{}", made.body);
        let instrument =
            t.db.instruments()
                .await
                .unwrap()
                .into_iter()
                .find(|i| i.subject == "Математика")
                .unwrap();
        let path = format!("/staff/instruments/{}", instrument.id);

        // The teacher answers (every statement is required), and sees it on their card.
        let mut teacher = logged_in(&base, "teacher1").await;
        let page = teacher.get(&path).await;
        assert!(page.body.contains("id=\"answers-form\""));
        let items: Vec<String> = instrument
            .items
            .iter()
            .map(|(id, _)| format!("item_{id}"))
            .collect();
        let partial = teacher
            .post(&format!("{path}/answers"), &[(&items[0], "1")])
            .await;
        assert_eq!(partial.status, 422);
        assert!(partial.body.contains("Утверждение 2"), "{}", partial.body);
        let answered = teacher
            .post(
                &format!("{path}/answers"),
                &[(&items[0], "1"), (&items[1], "2"), (&items[2], "4")],
            )
            .await;
        assert_eq!(answered.status, 303, "{}", answered.body);
        let (user, _) = t.db.user_for_login("teacher1").await.unwrap().unwrap();
        let own = t.db.teacher_of_user(user.id).await.unwrap().unwrap();
        let rounds = t.db.teacher_diagnostics(own).await.unwrap();
        let (round, cells) = rounds
            .iter()
            .find(|(r, _)| r.id == instrument.round.id)
            .unwrap();
        assert!(round.self_assessment);
        let subject = cells
            .iter()
            .find(|c| c.competence == opora_staff::diagnostics::Competence::Subject)
            .unwrap();
        assert!((subject.score - 100.0 / 6.0).abs() < 1e-9, "(0 + 1) / 6");
        assert_eq!(subject.weak_topics.len(), 2);
        let card = teacher.get(&format!("/staff/{own}")).await;
        assert!(
            card.body.contains("Самодиагностика учителя математики")
                && card.body.contains("Решаю задачи с параметром")
        );
        // Answering again replaces the results.
        let again = teacher
            .post(
                &format!("{path}/answers"),
                &[(&items[0], "4"), (&items[1], "4"), (&items[2], "4")],
            )
            .await;
        assert_eq!(again.status, 303);
        let rounds = t.db.teacher_diagnostics(own).await.unwrap();
        let (_, cells) = rounds
            .iter()
            .find(|(r, _)| r.id == instrument.round.id)
            .unwrap();
        assert!(cells
            .iter()
            .all(|c| c.score == 100.0 && c.weak_topics.is_empty()));

        // Others read the statements, not the answers, and do not answer.
        let mut school = logged_in(&base, "school1").await;
        let page = school.get(&path).await;
        assert!(page.body.contains("id=\"items\"") && !page.body.contains("answers-form"));
        assert_eq!(
            school
                .post(&format!("{path}/answers"), &[(&items[0], "4")])
                .await
                .status,
            403
        );
        // A closed instrument takes no answers.
        assert_eq!(
            region
                .post(&format!("{path}/open"), &[("open", "0")])
                .await
                .status,
            303
        );
        let closed = teacher
            .post(
                &format!("{path}/answers"),
                &[(&items[0], "4"), (&items[1], "4"), (&items[2], "4")],
            )
            .await;
        assert_eq!(closed.status, 400);
        assert!(closed.body.contains("закрыта"));
        let _ = cast;
    });
}
