//! Two worlds for the security tests: the demo's own (its municipality and
//! school, where the demo users work) and a second municipality's, built by
//! the demo's own seeding (programme, activities, cascade, support pair,
//! periods, campaigns), with a user, an evidence link and notifications.

use opora_store::scope::Scope;
use opora_store::users::{NewUser, Role};
use opora_store::Db;
use opora_web::Route;
use std::collections::HashMap;

/// The logins of the demo users, and `anonymous` (no session).
pub const LOGINS: [&str; 6] = [
    "region",
    "mo1",
    "metod1",
    "school1",
    "teacher1",
    "anonymous",
];

/// The ids of one world.
#[derive(Debug, Clone)]
pub struct World {
    pub school_id: i64,
    pub school_code: String,
    /// A second school of the same municipality (the mentor of support pairs).
    pub other_school_id: i64,
    pub user_id: i64,
    pub plan_id: i64,
    pub activity_id: i64,
    pub evidence_id: i64,
    pub indicator_id: i64,
    pub period_id: i64,
    pub campaign_id: i64,
    pub support_id: i64,
    pub run_id: i64,
    /// A teacher of the world's school: in the demo's world the record of
    /// `teacher1`, so that the teacher sees it as their own.
    pub teacher_id: i64,
    /// A mentoring pair whose mentee is the world's teacher.
    pub pair_id: i64,
    /// The world's teacher's active development plan, and a step of it.
    pub dev_plan_id: i64,
    pub dev_step_id: i64,
    /// Another teacher's development plan of the world's school, to close.
    pub closable_dev_plan: i64,
    /// A programme of the catalogue (the same in both worlds: the region's).
    pub programme_id: i64,
    /// An open self-assessment (the region's, the same in both worlds), and
    /// a complete form of answers to it.
    pub instrument_id: i64,
    pub answers: String,
    /// A pupil on the world's school's register with an active route, and
    /// a step of it.
    pub pupil_id: i64,
    pub pupil_route_id: i64,
    pub pupil_step_id: i64,
    /// Per login: a pupil to take off the register, one to open a route
    /// for, and a route to close.
    pub leaving_pupils: HashMap<String, i64>,
    pub routable_pupils: HashMap<String, i64>,
    pub closable_routes: HashMap<String, i64>,
    /// The world's municipality.
    pub municipality_id: i64,
    /// An order of the world's municipality, with its file.
    pub order_id: i64,
    /// An issued note of the world's school.
    pub note_id: i64,
    /// A municipal event for the world's school (held on 01.09.2026), its
    /// teacher invited.
    pub event_id: i64,
    /// Per login: an invited teacher to take off the event's list, a
    /// decision to delete and one to turn into a roadmap activity.
    pub removable_participants: HashMap<String, i64>,
    pub deletable_decisions: HashMap<String, i64>,
    pub transferable_decisions: HashMap<String, i64>,
    /// Per login: a notification of that user (own world) or of another
    /// user (foreign world).
    pub notifications: HashMap<String, i64>,
    /// Per login: an evidence file to remove and a period to close (each
    /// role that may do so does it once, and the others still find theirs).
    pub removable_evidence: HashMap<String, i64>,
    pub closable_periods: HashMap<String, i64>,
    /// Per login: a course of the world's teacher to delete.
    pub removable_courses: HashMap<String, i64>,
    /// Per login: a mentoring pair of the world's teacher to close.
    pub closable_pairs: HashMap<String, i64>,
}

impl World {
    /// Fills the path's `{…}` parameters (and the same names in a body).
    pub fn fill(&self, text: &str, login: &str) -> String {
        let notification = self.notifications.get(login).copied().unwrap_or(999_999);
        let mut out = text.to_string();
        for (name, value) in [
            ("{code}", self.school_code.clone()),
            ("{school}", self.school_id.to_string()),
            ("{school_id}", self.school_id.to_string()),
            ("{other_school}", self.other_school_id.to_string()),
            ("{teacher}", self.teacher_id.to_string()),
            ("{user}", self.user_id.to_string()),
            ("{plan}", self.plan_id.to_string()),
            ("{period}", self.period_id.to_string()),
            ("{version}", "1".to_string()),
            ("{list}", "shnor".to_string()),
            ("{notification}", notification.to_string()),
            ("{login}", login.to_string()),
            ("{municipality}", self.municipality_id.to_string()),
            ("{answers}", self.answers.clone()),
            (
                "{year}",
                opora_plans::clock::today().academic_year().to_string(),
            ),
        ] {
            out = out.replace(name, &value);
        }
        out
    }

    /// The id an `{id}` means on this path.
    fn id_for(&self, path: &str, login: &str) -> String {
        let first = path
            .trim_start_matches("/api")
            .split('/')
            .nth(1)
            .unwrap_or("");
        let id = match first {
            "identification" | "runs" => self.run_id,
            "users" => self.user_id,
            "plans" => self.plan_id,
            "indicators" => self.indicator_id,
            "activities" => self.activity_id,
            "evidence" => self.evidence_id,
            "campaigns" => self.campaign_id,
            "support" => self.support_id,
            "staff" | "teachers" => self.teacher_id,
            "events" => self.event_id,
            "orders" => self.order_id,
            "notes" => self.note_id,
            "notifications" => self.notifications.get(login).copied().unwrap_or(999_999),
            // In-memory previews: no id outside the session that made one.
            "upload" => 999_999,
            other => panic!("no id for /{other} (path {path}): add it to World::id_for"),
        };
        id.to_string()
    }

    pub fn path(&self, route: &Route, login: &str, foreign: bool) -> String {
        let mut p = route.path.to_string();
        if p == "/evidence/{id}/remove" {
            p = p.replace("{id}", &self.removable_evidence[login].to_string());
        }
        if p.ends_with("/close") && p.contains("{period}") {
            p = p.replace("{period}", &self.closable_periods[login].to_string());
        }
        if p.contains("{course_id}") {
            p = p.replace("{course_id}", &self.removable_courses[login].to_string());
        }
        if p.starts_with("/staff/plans/") {
            let plan = if p.ends_with("/close") {
                self.closable_dev_plan
            } else {
                self.dev_plan_id
            };
            p = p
                .replace("{step_id}", &self.dev_step_id.to_string())
                .replace("{id}", &plan.to_string());
        }
        if p.starts_with("/staff/instruments/") {
            p = p.replace("{id}", &self.instrument_id.to_string());
        }
        if p.starts_with("/staff/programmes/") {
            p = p.replace("{id}", &self.programme_id.to_string());
        }
        if p.starts_with("/staff/mentoring/") {
            let pair = if p.ends_with("/close") {
                self.closable_pairs[login]
            } else {
                self.pair_id
            };
            p = p.replace("{id}", &pair.to_string());
        }
        if p.starts_with("/events/{id}/") {
            p = p
                .replace(
                    "{teacher_id}",
                    &self.removable_participants[login].to_string(),
                )
                .replace(
                    "{decision_id}",
                    &if p.ends_with("/delete") {
                        self.deletable_decisions[login]
                    } else {
                        self.transferable_decisions[login]
                    }
                    .to_string(),
                );
        }
        if p.starts_with("/pupils/routes/") {
            let route = if p.ends_with("/close") {
                self.closable_routes[login]
            } else {
                self.pupil_route_id
            };
            p = p
                .replace("{step_id}", &self.pupil_step_id.to_string())
                .replace("{id}", &route.to_string());
        }
        if p.starts_with("/pupils/{id}") {
            let pupil = if p.ends_with("/leave") {
                self.leaving_pupils[login]
            } else if p.ends_with("/routes") {
                self.routable_pupils[login]
            } else {
                self.pupil_id
            };
            p = p.replace("{id}", &pupil.to_string());
        }
        if p.contains("{id}") {
            p = p.replace("{id}", &self.id_for(route.path, login));
        }
        if p.starts_with("/notes/") {
            p = p.replace("{file}", "note.pdf");
        }
        p = p.replace(
            "{file}",
            match (route.path.starts_with("/static"), foreign) {
                (true, false) => "opora.css",
                (true, true) => "..%2F..%2FCargo.toml",
                (false, false) => "schools.xlsx",
                (false, true) => "..%2F..%2F..%2Fetc%2Fpasswd",
            },
        );
        p = p.replace(
            "{token}",
            if foreign {
                "..%2Fetc"
            } else {
                "0000000000000000"
            },
        );
        self.fill(&p, login)
    }
}

/// A user of `school_id` made for the matrix (blocked and reset by it, so
/// not one of the demo users).
pub async fn make_user(db: &Db, login: &str, municipality_id: i64, school_id: i64) -> i64 {
    db.create_user(&NewUser {
        login,
        display_name: "Проверка прав",
        role: Role::SchoolAdmin,
        municipality_id: Some(municipality_id),
        school_id: Some(school_id),
        password_hash: None,
        curated_schools: &[],
    })
    .await
    .unwrap()
}

pub async fn notify(db: &Db, user_id: i64, title: &str) -> i64 {
    use opora_store::notifications::{Notice, NoticeKind};
    db.notify(
        &[user_id],
        &Notice {
            kind: NoticeKind::Reminder,
            title: title.into(),
            body: String::new(),
            link: String::new(),
            dedup: None,
        },
    )
    .await
    .unwrap();
    db.notifications_for(user_id, 1).await.unwrap()[0].id
}

/// Attaches a small PDF to an activity; returns the evidence's id.
async fn add_pdf(db: &Db, activity_id: i64) -> i64 {
    use sha2::Digest;
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    db.add_evidence_file_with_content(
        activity_id,
        &opora_store::plans::NewEvidenceFile {
            name: "протокол.pdf".into(),
            media_type: "application/pdf".into(),
            size_bytes: pdf.len() as u64,
            sha256: hex::encode(sha2::Sha256::digest(pdf)),
            storage_path: String::new(),
        },
        pdf,
        "test",
    )
    .await
    .unwrap()
}

/// Per login, an evidence to remove and a period to close.
async fn add_disposables(db: &Db, w: &mut World) {
    for (n, login) in LOGINS.iter().enumerate() {
        let evidence = add_pdf(db, w.activity_id).await;
        w.removable_evidence.insert(login.to_string(), evidence);
        let period = db
            .add_period(
                w.plan_id,
                &format!("проверка {login}"),
                opora_plans::Date::new(2030, 1, 1 + n as u32).unwrap(),
                "test",
            )
            .await
            .unwrap();
        w.closable_periods.insert(login.to_string(), period);
        let course = db
            .add_course(
                &Scope::Region,
                w.teacher_id,
                &opora_store::staff::courses::CourseFields {
                    title: format!("Курс для удаления ({login})"),
                    kind: opora_staff::CourseKind::Upgrade,
                    hours: Some(16),
                    provider: String::new(),
                    provider_kind: opora_staff::ProviderKind::Other,
                    start: None,
                    end: opora_plans::Date::new(2024, 5, 1 + n as u32).unwrap(),
                    certificate_no: String::new(),
                    subject_area: String::new(),
                },
                "test",
            )
            .await
            .unwrap();
        w.removable_courses.insert(login.to_string(), course);
        let pair = mentoring_pair(db, w.school_id, w.teacher_id, n + 1).await;
        w.closable_pairs.insert(login.to_string(), pair);
        let leaving = manual_pupil(db, w.school_id, &format!("matrix-leave-{login}")).await;
        w.leaving_pupils.insert(login.to_string(), leaving.id);
        let routable = manual_pupil(db, w.school_id, &format!("matrix-route-{login}")).await;
        w.routable_pupils.insert(login.to_string(), routable.id);
        event_disposables(db, w, login).await;
        let closing = manual_pupil(db, w.school_id, &format!("matrix-close-{login}")).await;
        let route = open_route(db, &closing).await;
        w.closable_routes.insert(login.to_string(), route);
    }
}

/// The world's event: municipal, for its school, held on 01.09.2026, the
/// world's teacher invited.
async fn event_world(db: &Db, municipality_id: i64, school_id: i64, teacher_id: i64) -> i64 {
    use opora_events::{EventKind, EventLevel, Schedule};
    let fields = opora_store::events::register::EventFields {
        title: "Семинар проверки прав".into(),
        kind: EventKind::Seminar,
        level: EventLevel::Municipal,
        schedule: Schedule::new(
            opora_plans::Date::new(2026, 9, 1).unwrap(),
            None,
            None,
            None,
        )
        .unwrap(),
        place: String::new(),
        organiser: String::new(),
        municipality_id: Some(municipality_id),
        school_id: None,
        description: String::new(),
        materials: String::new(),
        hours: None,
        certificate: false,
        school_ids: vec![school_id],
    };
    let id = db
        .create_event(&Scope::Region, &fields, "test")
        .await
        .unwrap();
    let e = db.event(&Scope::Region, id).await.unwrap().unwrap();
    db.invite_teachers(&Scope::Region, &e, &[teacher_id], "test")
        .await
        .unwrap();
    id
}

/// The world's order: its municipality's, with a signed PDF.
async fn order_world(db: &Db, municipality_id: i64) -> i64 {
    use opora_store::orders::{OrderFields, OrderFile, OrderKind};
    let fields = OrderFields {
        number: format!("М-{municipality_id}"),
        signed_on: opora_plans::Date::new(2026, 9, 1).unwrap(),
        title: "О проверке прав".into(),
        kind: OrderKind::Other,
        municipality_id: Some(municipality_id),
        run_id: None,
        plan_id: None,
    };
    let file = OrderFile {
        name: "приказ.pdf".into(),
        media_type: "application/pdf".into(),
        sha256: String::new(),
        content: b"%PDF-1.4\n%%EOF\n".to_vec(),
    };
    db.add_order(
        &Scope::Municipality(municipality_id),
        &fields,
        Some(&file),
        "test",
    )
    .await
    .unwrap()
}

/// An issued note of the world's school (a short one: the matrix asks for
/// its page and its PDF).
async fn note_world(db: &Db, school: &opora_store::registry::School) -> i64 {
    let mut section = opora_notes::Section::new("Проверка прав");
    section.paragraph("Справка для проверки прав.");
    let note = opora_notes::Note {
        title: "Аналитическая справка".into(),
        subject: school.short_name.clone(),
        as_of: "01.12.2026".into(),
        snapshot: vec!["проверка".into()],
        sections: vec![section],
    };
    let subject = opora_store::notes::NoteSubject {
        kind: "school",
        key: school.code.clone(),
        name: school.short_name.clone(),
        municipality_id: Some(school.municipality_id),
        school_id: Some(school.id),
    };
    db.issue_note(
        &subject,
        opora_plans::Date::new(2026, 12, 1).unwrap(),
        &serde_json::to_string(&note).unwrap(),
        "test",
    )
    .await
    .unwrap()
    .0
}

/// A login's invited teacher and two decisions of the world's event.
async fn event_disposables(db: &Db, w: &mut World, login: &str) {
    use opora_store::events::protocol::DecisionFields;
    let scope = Scope::Region;
    let mut fields = opora_staff::records::teachers::TeacherFields {
        personnel_no: None,
        full_name: format!("Участник Проверки {login}"),
        position: "учитель".into(),
        subjects: vec!["Математика".into()],
        grades: vec![5],
        category: opora_staff::Category::None,
        experience_years: None,
        education: String::new(),
        education_subject: String::new(),
        young_specialist: false,
    };
    fields.personnel_no = Some(format!("matrix-{login}"));
    let teacher = db
        .create_teacher(&scope, w.school_id, &fields, "test")
        .await
        .unwrap();
    let e = db.event(&scope, w.event_id).await.unwrap().unwrap();
    db.invite_teachers(&scope, &e, &[teacher], "test")
        .await
        .unwrap();
    w.removable_participants.insert(login.to_string(), teacher);
    let today = opora_plans::clock::today();
    let decision = |text: String| DecisionFields {
        text,
        responsible: String::new(),
        deadline: String::new(),
    };
    let deletable = db
        .add_decision(&e, &decision(format!("Удалить ({login})")), today, "test")
        .await
        .unwrap();
    let transferable = db
        .add_decision(
            &e,
            &decision(format!("В дорожную карту ({login})")),
            today,
            "test",
        )
        .await
        .unwrap();
    w.deletable_decisions.insert(login.to_string(), deletable);
    w.transferable_decisions
        .insert(login.to_string(), transferable);
}

/// A pupil added by hand to `school_id`'s register under `key`.
async fn manual_pupil(db: &Db, school_id: i64, key: &str) -> opora_store::pupils::register::Pupil {
    let scope = Scope::School(school_id);
    let fields = opora_store::pupils::register::PupilFields {
        class_name: "7А".into(),
        grade: 7,
        subjects: vec!["Математика".into()],
        causes: vec![],
        note: String::new(),
    };
    let today = opora_plans::clock::today();
    let id = db
        .add_pupil(&scope, school_id, key, &fields, today, "test")
        .await
        .unwrap();
    db.pupil(&scope, id).await.unwrap().unwrap()
}

/// Opens a route for a pupil; returns its id.
async fn open_route(db: &Db, p: &opora_store::pupils::register::Pupil) -> i64 {
    let goals = vec![("Математика".to_string(), "отметка «3»".to_string())];
    db.open_pupil_route(
        p,
        opora_pupils::model::Tier::Group,
        opora_plans::clock::today(),
        6,
        &goals,
        "test",
    )
    .await
    .unwrap()
}

/// A pupil of `school_id`'s register with an active route (the register
/// built from the school's latest results when empty, a route opened when
/// none is), and a step added to the route: (pupil, route, step).
async fn pupil_world(db: &Db, school_id: i64) -> (i64, i64, i64) {
    let scope = Scope::School(school_id);
    if db.pupils(&scope, "test").await.unwrap().is_empty() {
        let year = db.pupil_result_years(school_id).await.unwrap()[0];
        db.build_pupil_register(&scope, school_id, year, opora_plans::clock::today(), "test")
            .await
            .unwrap();
    }
    let pupils = db.pupils(&scope, "test").await.unwrap();
    let active = |p: &&opora_store::pupils::register::Pupil| {
        p.status == opora_pupils::model::RegisterStatus::Active
    };
    let pupil = pupils
        .iter()
        .filter(active)
        .find(|p| p.route.is_some())
        .or(pupils.iter().find(active))
        .expect("a pupil on the register");
    let route_id = match &pupil.route {
        Some(r) => r.id,
        None => open_route(db, pupil).await,
    };
    let route = db.pupil_route(&scope, route_id).await.unwrap().unwrap();
    db.add_route_step(
        &route,
        &opora_store::pupils::routes::StepFields {
            kind: opora_pupils::model::StepKind::Other,
            title: "Шаг для проверки прав".into(),
            owner: String::new(),
            due_on: None,
            with_family: false,
        },
        "test",
    )
    .await
    .unwrap();
    let route = db.pupil_route(&scope, route_id).await.unwrap().unwrap();
    let step = route
        .steps
        .iter()
        .find(|s| s.fields.title == "Шаг для проверки прав")
        .unwrap();
    (pupil.id, route_id, step.id)
}

/// A mentoring pair in `school_id`: `mentee` and a colleague as mentor (the
/// `nth` colleague: each pair has its own).
async fn mentoring_pair(db: &Db, school_id: i64, mentee: i64, nth: usize) -> i64 {
    let mentor = db
        .teachers(
            &Scope::School(school_id),
            &opora_store::staff::teachers::TeacherFilter::default(),
            "test",
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.id != mentee)
        .nth(nth)
        .unwrap()
        .id;
    db.create_mentoring_pair(
        &Scope::Region,
        mentee,
        mentor,
        &opora_store::staff::mentoring::PairFields {
            form: opora_staff::mentoring::MentoringForm::TeacherTeacher,
            goals: "Проверка прав".into(),
            starts_on: opora_plans::Date::new(2026, 9, 1).unwrap(),
            ends_on: None,
            order_ref: String::new(),
        },
        "test",
    )
    .await
    .unwrap()
}

/// The active development plan of `teacher_id` (drafted when there is
/// none), and a step added to it.
async fn development_plan(db: &Db, teacher_id: i64) -> (i64, i64) {
    use opora_staff::development::{DevPlanStatus, StepKind};
    let existing = db
        .development_plans_of(teacher_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.status == DevPlanStatus::Active);
    let id = match existing {
        Some(p) => p.id,
        None => db
            .draft_development_plan(
                &Scope::Region,
                teacher_id,
                None,
                opora_plans::Date::new(2026, 9, 1).unwrap(),
                "test",
            )
            .await
            .unwrap(),
    };
    let (plan, teacher) = db
        .development_plan(&Scope::Region, id)
        .await
        .unwrap()
        .unwrap();
    let step = db
        .add_development_step(
            &plan,
            &teacher,
            &opora_store::staff::development::StepFields {
                kind: StepKind::Other,
                title: "Проверка прав".into(),
                subject: String::new(),
                competence: None,
                programme_id: None,
                due_on: opora_plans::Date::new(2027, 3, 1).unwrap(),
            },
            "test",
        )
        .await
        .unwrap();
    (id, step)
}

/// A development plan of a teacher of `school_id` other than `teacher_id`.
async fn closable_development_plan(db: &Db, school_id: i64, teacher_id: i64) -> i64 {
    let teachers = db
        .teachers(
            &Scope::School(school_id),
            &opora_store::staff::teachers::TeacherFilter::default(),
            "test",
        )
        .await
        .unwrap();
    for t in teachers.iter().filter(|t| t.id != teacher_id) {
        if db.development_plans_of(t.id).await.unwrap().is_empty() {
            return db
                .draft_development_plan(
                    &Scope::Region,
                    t.id,
                    None,
                    opora_plans::Date::new(2026, 9, 1).unwrap(),
                    "test",
                )
                .await
                .unwrap();
        }
    }
    panic!("every teacher of school {school_id} has a development plan")
}

/// A self-assessment of one subject (made once, for both worlds) and a
/// complete form of answers to it: «3» for every statement. (The subject
/// is the instrument's: the matrix edits `teacher1`'s own subjects.)
async fn instrument_answers(db: &Db) -> (i64, String) {
    const TITLE: &str = "Самодиагностика для проверки прав";
    let existing = db
        .instruments()
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.round.title == TITLE);
    let instrument = match existing {
        Some(i) => i,
        None => {
            let items = opora_staff::instruments::parse_items(
                "предметная: Решаю задачи\nметодическая: Проектирую урок",
            )
            .unwrap();
            let today = opora_plans::clock::today();
            let id = db
                .create_instrument(TITLE, "Математика", &items, today, "test")
                .await
                .unwrap();
            db.instrument(id).await.unwrap().unwrap()
        }
    };
    let form: Vec<String> = instrument
        .items
        .iter()
        .map(|(item, _)| format!("item_{item}=3"))
        .collect();
    (instrument.id, form.join("&"))
}

/// A teacher of `school_id`: the one linked to a login if any, else the first.
async fn teacher_of(db: &Db, school_id: i64) -> i64 {
    let teachers = db
        .teachers(
            &Scope::School(school_id),
            &opora_store::staff::teachers::TeacherFilter::default(),
            "test",
        )
        .await
        .unwrap();
    teachers
        .iter()
        .find(|t| t.user_id.is_some())
        .or(teachers.first())
        .expect("the demo's teachers.csv has every school's staff")
        .id
}

/// The ids of a programme's world: its first activity, an evidence of it,
/// its first indicator and period, its newest campaign.
async fn programme_world(db: &Db, plan_id: i64, school_id: i64) -> World {
    // The activity cascaded to the school: the school's own work, which its
    // staff carry out and its curator checks.
    let school_plan = db
        .plans(&Scope::Region, opora_plans::Date::today())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.level == "school" && p.school_id == Some(school_id))
        .expect("the programme's activities cascaded to the school");
    let plan = db.plan(school_plan.id).await.unwrap().unwrap();
    let activity_id = plan.all_activities()[0].activity.id.unwrap();
    let evidence_id = add_pdf(db, activity_id).await;
    let indicator_id = db.indicators(plan_id).await.unwrap()[0].id;
    let period_id = db.periods(plan_id).await.unwrap().last().unwrap().id;
    let campaign_id = db
        .campaigns_in(&Scope::Region)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.campaign.plan_id == Some(plan_id))
        .map(|c| c.campaign.id)
        .max()
        .unwrap();
    let school = db
        .schools_in(&Scope::School(school_id))
        .await
        .unwrap()
        .remove(0);
    let teacher_id = teacher_of(db, school_id).await;
    let (dev_plan_id, dev_step_id) = development_plan(db, teacher_id).await;
    let (instrument_id, answers) = instrument_answers(db).await;
    let support_id = db
        .support_pairs(&Scope::Region)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.supported_school_id == school_id)
        .unwrap()
        .id;
    let (pupil_id, pupil_route_id, pupil_step_id) = pupil_world(db, school_id).await;
    let event_id = event_world(db, school.municipality_id, school_id, teacher_id).await;
    let order_id = order_world(db, school.municipality_id).await;
    let note_id = note_world(db, &school).await;
    World {
        note_id,
        municipality_id: school.municipality_id,
        order_id,
        event_id,
        removable_participants: HashMap::new(),
        deletable_decisions: HashMap::new(),
        transferable_decisions: HashMap::new(),
        school_id,
        school_code: school.code,
        other_school_id: 0,
        user_id: 0,
        plan_id,
        activity_id,
        evidence_id,
        indicator_id,
        period_id,
        campaign_id,
        support_id,
        run_id: 0,
        teacher_id,
        pair_id: mentoring_pair(db, school_id, teacher_id, 0).await,
        dev_plan_id,
        dev_step_id,
        closable_dev_plan: closable_development_plan(db, school_id, teacher_id).await,
        programme_id: db.programmes(true).await.unwrap()[0].id,
        instrument_id,
        answers,
        pupil_id,
        pupil_route_id,
        pupil_step_id,
        leaving_pupils: HashMap::new(),
        routable_pupils: HashMap::new(),
        closable_routes: HashMap::new(),
        notifications: HashMap::new(),
        removable_evidence: HashMap::new(),
        closable_periods: HashMap::new(),
        removable_courses: HashMap::new(),
        closable_pairs: HashMap::new(),
    }
}

/// The demo's world and a second municipality's, built by the demo's own
/// seeding (programme, cascade, support pair, periods, campaigns).
pub async fn worlds(db: &Db, cast: &opora_seed::story::Cast) -> (World, World) {
    let ms = super::municipalities(db).await;
    let mut own = programme_world(db, super::demo_programme(db, cast).await, cast.school_id).await;
    own.other_school_id = cast.leader_id;
    own.user_id = make_user(db, "matrix_own", ms[0].id, cast.school_id).await;
    own.run_id = cast.run_id;

    // The second municipality: its supported schools and a mentor.
    let mut second = None;
    for m in &ms[1..] {
        let supported = db
            .supported_schools_in(&Scope::Municipality(m.id))
            .await
            .unwrap();
        if !supported.is_empty() {
            second = Some((m.id, supported));
            break;
        }
    }
    let (municipality_id, supported) = second.expect("a second municipality with a ШНОР or ШНСУ");
    let leader = super::schools(db, municipality_id)
        .await
        .into_iter()
        .map(|s| s.id)
        .find(|id| !supported.contains(id))
        .unwrap();
    let cast_b = opora_seed::story::Cast {
        run_id: cast.run_id,
        municipality_id,
        school_id: supported[0],
        curated: supported.iter().copied().take(3).collect(),
        leader_id: leader,
    };
    let plan_b = opora_seed::plans::create_programme(db, &cast_b)
        .await
        .unwrap()
        .unwrap();
    assert!(opora_seed::campaigns::create_campaigns(db, &cast_b)
        .await
        .unwrap());
    let mut foreign = programme_world(db, plan_b, cast_b.school_id).await;
    foreign.other_school_id = leader;
    foreign.user_id = make_user(db, "matrix_foreign", municipality_id, cast_b.school_id).await;
    foreign.run_id = 999_999;

    // Each role's own notification, and one of somebody else.
    let users = db.users().await.unwrap();
    let id_of = |login: &str| users.iter().find(|u| u.login == login).unwrap().id;
    for login in LOGINS.iter().filter(|l| **l != "anonymous") {
        let mine = notify(db, id_of(login), "Своё уведомление").await;
        own.notifications.insert(login.to_string(), mine);
    }
    let others = notify(db, foreign.user_id, "Чужое уведомление").await;
    for login in LOGINS {
        foreign.notifications.insert(login.to_string(), others);
    }
    add_disposables(db, &mut own).await;
    add_disposables(db, &mut foreign).await;
    (own, foreign)
}
