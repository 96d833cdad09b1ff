//! A teacher's card (`/staff/{id}`): the record, the three-year clock, the
//! subjects taught without matching education, the courses, the moves
//! between schools; and its forms: edit, add or delete a course, move to
//! another school, add a teacher (`/staff/new`). Every form ends in a
//! redirect back to the card (POST-redirect-GET).

use super::rights::{self, Rights};
use super::{light_class, months_text, years_text};
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_staff::model::{Category, CourseKind, ProviderKind};
use opora_staff::records;
use opora_store::staff::courses::CourseFields;
use opora_store::staff::teachers::{Teacher, TeacherFields};

/// A teacher the caller sees (404 otherwise, also for another teacher's
/// record asked by a teacher).
pub(super) async fn visible(st: &AppState, c: &Caller, id: i64) -> WebResult<Teacher> {
    let t = st
        .db
        .teacher(&c.scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if rights::sees(c, &t) {
        Ok(t)
    } else {
        Err(WebError::NotFound)
    }
}

/// A teacher the caller may edit (403 when it only sees it).
async fn editable(st: &AppState, c: &Caller, id: i64) -> WebResult<Teacher> {
    let t = visible(st, c, id).await?;
    if rights::rights(c, &t).edit {
        Ok(t)
    } else {
        Err(WebError::Forbidden(
            "Запись педагога ведут администратор его школы и сам педагог.".into(),
        ))
    }
}

/// One course on the card.
pub struct CourseLine {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub hours: String,
    pub provider: String,
    pub dates: String,
    pub certificate_no: String,
    pub subject_area: String,
    pub added: String,
}

/// A choice of a select.
pub struct Choice {
    pub code: String,
    pub title: String,
    pub selected: bool,
}

pub(super) fn choices<T: Copy + PartialEq>(
    all: &[T],
    current: T,
    code: fn(&T) -> &'static str,
    title: fn(&T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            code: code(&v).into(),
            title: title(&v).into(),
            selected: v == current,
        })
        .collect()
}

/// The kinds of a course (повышение квалификации first).
pub(super) fn course_kind_choices() -> Vec<Choice> {
    choices(
        &[CourseKind::Upgrade, CourseKind::Retraining],
        CourseKind::Upgrade,
        CourseKind::code,
        CourseKind::title,
    )
}

/// The kinds of a course provider.
pub(super) fn provider_kind_choices() -> Vec<Choice> {
    choices(
        ProviderKind::ALL,
        ProviderKind::Other,
        ProviderKind::code,
        ProviderKind::title,
    )
}

/// What a course and a catalogue programme share on their forms: the kind
/// of training, the hours, the provider and its kind (guessed from the
/// name when not chosen).
pub(super) struct Offer {
    pub kind: CourseKind,
    pub hours: Option<i64>,
    pub provider: String,
    pub provider_kind: ProviderKind,
}

pub(super) fn offer_fields(f: &Fields) -> WebResult<Offer> {
    let kind = CourseKind::from_code(f.get("kind"))
        .ok_or_else(|| unprocessable("Вид обучения", "выберите значение из списка".into()))?;
    let provider = opora_io::records::clean_name(f.get("provider"));
    let provider_kind = match f.get("provider_kind") {
        "" => ProviderKind::guess(&provider),
        code => ProviderKind::from_code(code).ok_or_else(|| {
            unprocessable("Вид организации", "выберите значение из списка".into())
        })?,
    };
    let hours = match f.get("hours") {
        "" => None,
        h => Some(records::courses::hours(h).map_err(|e| unprocessable("Количество часов", e))?),
    };
    Ok(Offer {
        kind,
        hours,
        provider,
        provider_kind,
    })
}

/// The edit form's values.
pub struct FormValues {
    pub personnel_no: String,
    pub full_name: String,
    pub position: String,
    pub subjects: String,
    pub grades: String,
    pub categories: Vec<Choice>,
    pub experience_years: String,
    pub education: String,
    pub education_subject: String,
    pub young_specialist: bool,
}

impl FormValues {
    fn of(f: &TeacherFields) -> FormValues {
        FormValues {
            personnel_no: f.personnel_no.clone().unwrap_or_default(),
            full_name: f.full_name.clone(),
            position: f.position.clone(),
            subjects: f.subjects.join("; "),
            grades: opora_staff::subjects::format_grades(&f.grades),
            categories: choices(Category::ALL, f.category, Category::code, Category::title),
            experience_years: f
                .experience_years
                .map(|y| y.to_string())
                .unwrap_or_default(),
            education: f.education.clone(),
            education_subject: f.education_subject.clone(),
            young_specialist: f.young_specialist,
        }
    }

    fn blank() -> FormValues {
        FormValues::of(&TeacherFields {
            personnel_no: None,
            full_name: String::new(),
            position: "учитель".into(),
            subjects: Vec::new(),
            grades: Vec::new(),
            category: Category::None,
            experience_years: None,
            education: "высшее".into(),
            education_subject: String::new(),
            young_specialist: false,
        })
    }
}

/// One result of a round on the card.
pub struct DiagnosticLine {
    pub subject: String,
    pub competence: &'static str,
    pub score: String,
    pub deficit: bool,
    pub topics: String,
}

/// A round on the card.
pub struct DiagnosticRound {
    pub title: String,
    pub lines: Vec<DiagnosticLine>,
}

/// What changed between the latest two rounds.
pub struct ChangeLine {
    pub subject: String,
    pub competence: &'static str,
    pub change: &'static str,
    pub class: &'static str,
}

fn diagnostic_view(
    rounds: &[(
        opora_store::staff::diagnostics::Round,
        Vec<opora_staff::diagnostics::Cell>,
    )],
) -> (Vec<DiagnosticRound>, Vec<ChangeLine>) {
    use opora_staff::diagnostics::{compare, Change};
    let view = rounds
        .iter()
        .rev()
        .map(|(r, cells)| DiagnosticRound {
            title: format!("{} ({})", r.title, r.held_on.ru()),
            lines: cells
                .iter()
                .map(|c| DiagnosticLine {
                    subject: c.subject.clone(),
                    competence: c.competence.title(),
                    score: crate::fmt::pct(Some(c.score), 0),
                    deficit: c.is_deficit(),
                    topics: c.weak_topics.join("; "),
                })
                .collect(),
        })
        .collect();
    // The latest two rounds of one kind: tests with tests (the latest kind
    // when there are no tests), self-assessments with self-assessments.
    let tests = rounds.iter().any(|(r, _)| !r.self_assessment);
    let alike: Vec<&Vec<opora_staff::diagnostics::Cell>> = rounds
        .iter()
        .filter(|(r, _)| !tests || !r.self_assessment)
        .map(|(_, cells)| cells)
        .collect();
    let changes = match alike.as_slice() {
        [.., earlier, later] => compare(earlier, later)
            .into_iter()
            .map(|(subject, competence, change)| ChangeLine {
                subject,
                competence: competence.title(),
                change: change.title(),
                class: match change {
                    Change::Closed => "st-done",
                    Change::Persisting => "st-amber",
                    Change::New => "st-overdue",
                },
            })
            .collect(),
        _ => Vec::new(),
    };
    (view, changes)
}

/// A suggested mentor on the card.
pub struct MentorChoice {
    pub id: i64,
    pub name: String,
    pub school: String,
    pub subjects: String,
    pub experience: String,
    pub reasons: String,
}

/// A school to move to.
pub struct SchoolChoice {
    pub id: i64,
    pub name: String,
}

/// A line of the moves' history.
pub struct MoveLine {
    pub on: String,
    pub from: String,
    pub to: String,
    pub actor: String,
}

/// An event in a teacher's record.
pub struct EventLine {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub dates: String,
    pub attendance_code: &'static str,
    pub attendance: &'static str,
    pub course: bool,
}

impl EventLine {
    fn of(e: &opora_store::events::participants::TeacherEvent) -> EventLine {
        EventLine {
            id: e.event_id,
            title: e.title.clone(),
            kind: crate::fmt::capitalised(e.kind.title()),
            dates: match e.ends_on {
                Some(last) => format!("{}–{}", e.starts_on.ru(), last.ru()),
                None => e.starts_on.ru(),
            },
            attendance_code: e.attendance.code(),
            attendance: if e.status == opora_events::EventStatus::Cancelled {
                "мероприятие отменено"
            } else {
                e.attendance.title()
            },
            course: e.course_id.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "staff/card.html")]
struct CardPage {
    l: Layout,
    id: i64,
    name: String,
    school: String,
    school_id: i64,
    position: String,
    subjects: String,
    grades: String,
    category: &'static str,
    experience: String,
    education: String,
    young_specialist: bool,
    personnel_no: String,
    has_login: bool,
    light: &'static str,
    light_class: &'static str,
    clock_text: String,
    uncovered: String,
    courses: Vec<CourseLine>,
    moves: Vec<MoveLine>,
    diagnostics: Vec<DiagnosticRound>,
    changes: Vec<ChangeLine>,
    pairs: Vec<super::mentoring::PairLine>,
    plans: Vec<super::development::PlanLine>,
    /// Events the teacher was invited to: (id, title, kind, dates, attendance code, attendance).
    events: Vec<EventLine>,
    /// Open self-assessments, on the teacher's own card: (id, title).
    instruments: Vec<(i64, String)>,
    /// Drafts a plan (keeps the teacher's plan and none is active).
    can_draft: bool,
    /// Suggested mentors, when the caller appoints them.
    mentors: Vec<MentorChoice>,
    can_appoint: bool,
    mentoring_forms: Vec<Choice>,
    rights: Rights,
    form: FormValues,
    course_kinds: Vec<Choice>,
    provider_kinds: Vec<Choice>,
    move_to: Vec<SchoolChoice>,
    today: String,
    notice: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub struct CardQuery {
    #[serde(default)]
    pub done: String,
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<CardQuery>,
) -> WebResult<Html<String>> {
    visible(&st, &caller, id).await?;
    let card = st
        .db
        .teacher_card(&caller.scope, id, &caller.user.login)
        .await?
        .ok_or(WebError::NotFound)?;
    let t = &card.teacher;
    let today = opora_plans::clock::today();
    let clock = t.clock(today);
    let clock_text = match clock.last_course_end {
        Some(end) => format!(
            "Последние курсы окончены {}, {} назад; следующие — до {}.",
            end.ru(),
            months_text(clock.months_since),
            opora_staff::clock::due_date(end).ru()
        ),
        None => "Курсов повышения квалификации в Opora нет: добавьте пройденные курсы или направьте педагога на курсы.".into(),
    };
    let rights = rights::rights(&caller, t);
    let (diagnostics, changes) = diagnostic_view(&st.db.teacher_diagnostics(id).await?);
    let pairs: Vec<super::mentoring::PairLine> = st
        .db
        .mentoring_pairs(&caller.scope, Some(id), &caller.user.login)
        .await?
        .iter()
        .filter(|p| rights::sees_pair(&caller, p))
        .map(super::mentoring::pair_line)
        .collect();
    let plans = st.db.development_plans_of(id).await?;
    let can_draft = rights::keeps_plan(&caller, t)
        && !plans
            .iter()
            .any(|p| p.status == opora_staff::development::DevPlanStatus::Active);
    let instruments = if t.user_id == Some(caller.user.id) {
        st.db
            .instruments()
            .await?
            .into_iter()
            .filter(|i| i.open)
            .map(|i| (i.id, i.round.title))
            .collect()
    } else {
        Vec::new()
    };
    let can_appoint = rights::appoints_mentors(&caller, t);
    let mentors = if can_appoint {
        st.db
            .mentor_suggestions(
                &caller.scope,
                t,
                super::mentoring::SUGGESTED,
                &caller.user.login,
            )
            .await?
            .into_iter()
            .map(|(m, c)| MentorChoice {
                id: m.id,
                name: m.fields.full_name.clone(),
                school: m.school_name.clone(),
                subjects: m.fields.subjects.join(", "),
                experience: years_text(m.fields.experience_years),
                reasons: c.reasons().join(", "),
            })
            .collect()
    } else {
        Vec::new()
    };
    let move_to = if rights.relocate {
        st.db
            .schools_in(&caller.scope)
            .await?
            .into_iter()
            .filter(|s| s.id != t.school_id)
            .map(|s| SchoolChoice {
                id: s.id,
                name: s.short_name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let events = st
        .db
        .teacher_events(t.id)
        .await?
        .iter()
        .map(EventLine::of)
        .collect();
    let page = CardPage {
        l: Layout::new(&caller, t.fields.full_name.clone(), "/staff"),
        events,
        id,
        name: t.fields.full_name.clone(),
        school: t.school_name.clone(),
        school_id: t.school_id,
        position: t.fields.position.clone(),
        subjects: t.fields.subjects.join(", "),
        grades: opora_staff::subjects::format_grades(&t.fields.grades),
        category: t.fields.category.title(),
        experience: years_text(t.fields.experience_years),
        education: [
            t.fields.education.as_str(),
            t.fields.education_subject.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", "),
        young_specialist: t.fields.young_specialist,
        personnel_no: t.fields.personnel_no.clone().unwrap_or_default(),
        has_login: t.user_id.is_some(),
        light: clock.light.title(),
        light_class: light_class(clock.light),
        clock_text,
        uncovered: t.uncovered_subjects().join(", "),
        courses: card
            .courses
            .iter()
            .map(|c| CourseLine {
                id: c.id,
                title: c.fields.title.clone(),
                kind: c.fields.kind.title(),
                hours: c.fields.hours.map(|h| h.to_string()).unwrap_or_default(),
                provider: c.fields.provider.clone(),
                dates: match c.fields.start {
                    Some(s) => format!("{} – {}", s.ru(), c.fields.end.ru()),
                    None => c.fields.end.ru(),
                },
                certificate_no: c.fields.certificate_no.clone(),
                subject_area: c.fields.subject_area.clone(),
                added: format!("{}, {}", c.created_by, crate::fmt::date(&c.created_at)),
            })
            .collect(),
        moves: card
            .moves
            .iter()
            .map(|m| MoveLine {
                on: m.moved_on.ru(),
                from: m.from_school.clone(),
                to: m.to_school.clone(),
                actor: m.actor.clone(),
            })
            .collect(),
        diagnostics,
        changes,
        pairs,
        plans: super::development::plan_lines(&plans),
        instruments,
        can_draft,
        mentors,
        can_appoint,
        mentoring_forms: choices(
            opora_staff::mentoring::MentoringForm::ALL,
            if t.fields.young_specialist {
                opora_staff::mentoring::MentoringForm::YoungSpecialist
            } else {
                opora_staff::mentoring::MentoringForm::TeacherTeacher
            },
            opora_staff::mentoring::MentoringForm::code,
            opora_staff::mentoring::MentoringForm::title,
        ),
        rights,
        form: FormValues::of(&t.fields),
        course_kinds: course_kind_choices(),
        provider_kinds: provider_kind_choices(),
        move_to,
        today: today.ru(),
        notice: match q.done.as_str() {
            "saved" => "Изменения сохранены.",
            "created" => "Педагог добавлен.",
            "course" => "Курс добавлен.",
            "course-deleted" => "Курс удалён.",
            "moved" => "Педагог переведён; курсы и история остались с ним.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

fn unprocessable(label: &str, e: String) -> WebError {
    WebError::Unprocessable(format!("{label}: {e}."))
}

/// A form's teacher fields, each checked as the HR file's column would be.
fn teacher_fields(f: &Fields) -> WebResult<TeacherFields> {
    let optional = |name: &str| Some(f.get(name)).filter(|v| !v.is_empty());
    let category = match optional("category") {
        None => Category::None,
        Some(code) => Category::from_code(code)
            .ok_or_else(|| unprocessable("Категория", "выберите значение из списка".into()))?,
    };
    Ok(TeacherFields {
        personnel_no: optional("personnel_no")
            .map(records::personnel_no)
            .transpose()
            .map_err(|e| unprocessable("Табельный номер", e))?,
        full_name: records::full_name(f.get("full_name")).map_err(|e| unprocessable("ФИО", e))?,
        position: optional("position")
            .map(opora_io::records::clean_name)
            .unwrap_or_else(|| "учитель".into()),
        subjects: opora_staff::subjects::split_list(f.get("subjects")),
        grades: optional("grades")
            .map(opora_staff::subjects::parse_grades)
            .transpose()
            .map_err(|e| unprocessable("Классы", e))?
            .unwrap_or_default(),
        category,
        experience_years: optional("experience_years")
            .map(records::teachers::experience)
            .transpose()
            .map_err(|e| unprocessable("Педагогический стаж", e))?,
        education: opora_io::records::clean_name(f.get("education")),
        education_subject: opora_io::records::clean_name(f.get("education_subject")),
        young_specialist: f.get("young_specialist") == "1",
    })
}

/// A form's course fields.
fn course_fields(f: &Fields) -> WebResult<CourseFields> {
    let title = opora_io::records::clean_name(f.get("title"));
    if title.is_empty() {
        return Err(unprocessable("Название программы", "заполните поле".into()));
    }
    let offer = offer_fields(f)?;
    let start = super::date_field(f, "start", "Дата начала")?;
    let end = super::date_field(f, "end", "Дата окончания")?
        .ok_or_else(|| unprocessable("Дата окончания", "заполните поле (ДД.ММ.ГГГГ)".into()))?;
    if start.is_some_and(|s| s > end) {
        return Err(unprocessable(
            "Дата начала",
            "позже даты окончания; проверьте даты".into(),
        ));
    }
    if end > opora_plans::clock::today() {
        return Err(unprocessable(
            "Дата окончания",
            "в будущем; записываются пройденные курсы — добавьте курс после его окончания".into(),
        ));
    }
    Ok(CourseFields {
        title,
        kind: offer.kind,
        hours: offer.hours,
        provider: offer.provider,
        provider_kind: offer.provider_kind,
        start,
        end,
        certificate_no: opora_io::records::clean_name(f.get("certificate_no")),
        subject_area: opora_io::records::clean_name(f.get("subject_area")),
    })
}

pub async fn save(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    editable(&st, &caller, id).await?;
    let fields = teacher_fields(&form)?;
    st.db
        .update_teacher(&caller.scope, id, &fields, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/{id}?done=saved")).into_response())
}

pub async fn add_course(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    editable(&st, &caller, id).await?;
    let fields = course_fields(&form)?;
    st.db
        .add_course(&caller.scope, id, &fields, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/{id}?done=course")).into_response())
}

pub async fn delete_course(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, course_id)): Path<(i64, i64)>,
) -> WebResult<Response> {
    editable(&st, &caller, id).await?;
    // A course of another teacher is unknown here (the store's 404).
    st.db
        .delete_course(&caller.scope, id, course_id, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/{id}?done=course-deleted")).into_response())
}

pub async fn relocate(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let t = visible(&st, &caller, id).await?;
    if !rights::rights(&caller, &t).relocate {
        return Err(WebError::Forbidden(
            "Переводят педагога в другую школу муниципальный администратор и региональный оператор.".into(),
        ));
    }
    let to = form.id("school", "Школа")?;
    let on = match super::date_field(&form, "on", "Дата перевода")? {
        Some(d) => d,
        None => opora_plans::clock::today(),
    };
    match st
        .db
        .move_teacher(&caller.scope, id, to, on, &caller.user.login)
        .await
    {
        // A school outside the scope named in the form: the form is wrong, not the page.
        Err(opora_store::StoreError::NotFound(_)) => Err(WebError::BadRequest(
            "Школа: выберите школу из списка.".into(),
        )),
        other => other.map_err(WebError::from),
    }?;
    Ok(Redirect::to(&format!("/staff/{id}?done=moved")).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    pub school: Option<i64>,
}

#[derive(Template)]
#[template(path = "staff/new.html")]
struct NewPage {
    l: Layout,
    school_id: i64,
    school: String,
    form: FormValues,
}

/// The school a new teacher goes to: in scope (404) and the caller's to
/// add to (403).
async fn school_to_add_to(
    st: &AppState,
    c: &Caller,
    school_id: Option<i64>,
) -> WebResult<opora_store::registry::School> {
    let refused =
        || WebError::Forbidden("Педагогов в список школы добавляет администратор школы.".into());
    if c.role() != opora_store::users::Role::SchoolAdmin {
        return Err(refused());
    }
    let school_id = school_id.or(c.user.school_id).ok_or(WebError::NotFound)?;
    let school = st
        .db
        .schools_in(&c.scope)
        .await?
        .into_iter()
        .find(|s| s.id == school_id)
        .ok_or(WebError::NotFound)?;
    if !rights::adds_teachers(c, school.id) {
        return Err(refused());
    }
    Ok(school)
}

pub async fn new_form(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<NewQuery>,
) -> WebResult<Html<String>> {
    let school = school_to_add_to(&st, &caller, q.school).await?;
    let page = NewPage {
        l: Layout::new(&caller, "Новый педагог", "/staff"),
        school_id: school.id,
        school: school.short_name,
        form: FormValues::blank(),
    };
    Ok(Html(page.render()?))
}

pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    let school_id = form.id("school", "Школа")?;
    // A school outside the scope named in the form: the form is wrong.
    let school = school_to_add_to(&st, &caller, Some(school_id))
        .await
        .map_err(|e| match e {
            WebError::NotFound => WebError::BadRequest("Школа: выберите школу из списка.".into()),
            e => e,
        })?;
    let fields = teacher_fields(&form)?;
    let id = st
        .db
        .create_teacher(&caller.scope, school.id, &fields, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/{id}?done=created")).into_response())
}
