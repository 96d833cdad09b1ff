//! Педагоги (issue 13): the teachers of the schools in scope with their
//! qualification and the three-year rule («курсы повышения квалификации не
//! реже раза в три года»): a clock per teacher — green under 24 months
//! since the last course ended, amber from 24 (due within the year), red
//! from 36 or with no course at all (overdue).
//!
//! - `/staff`: for more than one school a summary per school (teachers,
//!   green, amber, red, teaching without matching education), and the
//!   teachers of the chosen school, or of every school when a clock filter
//!   is chosen (the list of the teachers due this year across the
//!   municipality); a teacher goes straight to their own card;
//! - `card`: a teacher's card (fields, clock, diagnostics, courses, moves)
//!   and its forms;
//! - `diagnostics`: the heat map of the diagnostics of professional
//!   deficits;
//! - `mentoring`: mentoring pairs, their meetings, appointing a mentor;
//! - `rights`: the role table.
//!
//! Staff data is personal: the store audits every list and card read.

pub mod card;
pub mod development;
pub mod diagnostics;
pub mod instruments;
pub mod mentoring;
pub mod principals;
pub mod rights;

use crate::auth::{Caller, Layout};
use crate::error::WebResult;
use crate::extract::Query;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::date::Date;
use opora_staff::clock::Light;
use opora_store::staff::teachers::{Teacher, TeacherFilter};
use opora_store::users::Role;

/// An optional date field of a form (`дд.мм.гггг` or ISO); `label` names it
/// in the message.
pub(crate) fn date_field(
    form: &crate::extract::Fields,
    name: &str,
    label: &str,
) -> WebResult<Option<Date>> {
    Some(form.get(name))
        .filter(|v| !v.is_empty())
        .map(opora_staff::records::date)
        .transpose()
        .map_err(|e| crate::error::WebError::Unprocessable(format!("{label}: {e}.")))
}

/// A form's on/off switch `name` («1» or «0»); `choices` names the two
/// actions in the message (««вывести» или «вернуть»»).
pub(crate) fn switch(form: &crate::extract::Fields, name: &str, choices: &str) -> WebResult<bool> {
    match form.get(name) {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(crate::error::WebError::Unprocessable(format!(
            "Действие: выберите {choices}."
        ))),
    }
}

/// The list's filter by clock colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockFilter {
    All,
    /// Amber and red: to be sent on a course this year.
    Due,
    /// Red only.
    Overdue,
}

impl ClockFilter {
    fn parse(s: &str) -> ClockFilter {
        match s {
            "due" => ClockFilter::Due,
            "overdue" => ClockFilter::Overdue,
            _ => ClockFilter::All,
        }
    }
    fn code(self) -> &'static str {
        match self {
            ClockFilter::All => "",
            ClockFilter::Due => "due",
            ClockFilter::Overdue => "overdue",
        }
    }
    fn keeps(self, light: Light) -> bool {
        match self {
            ClockFilter::All => true,
            ClockFilter::Due => light != Light::Green,
            ClockFilter::Overdue => light == Light::Red,
        }
    }
}

/// The CSS class of a clock's badge.
pub fn light_class(light: Light) -> &'static str {
    match light {
        Light::Green => "st-done",
        Light::Amber => "st-amber",
        Light::Red => "st-overdue",
    }
}

/// One teacher in a list.
pub struct TeacherLine {
    pub id: i64,
    pub name: String,
    pub school: String,
    pub position: String,
    pub subjects: String,
    pub category: &'static str,
    pub experience: String,
    pub last_course: String,
    pub months: String,
    pub light: &'static str,
    pub light_class: &'static str,
    pub uncovered: String,
}

/// «5 лет», «нет данных».
pub fn years_text(years: Option<i64>) -> String {
    match years {
        Some(y) => crate::fmt::plural(y, "год", "года", "лет"),
        None => "нет данных".into(),
    }
}

/// «14 мес.» or «курсов нет».
pub fn months_text(months: Option<i32>) -> String {
    match months {
        Some(m) => crate::fmt::plural(m as i64, "месяц", "месяца", "месяцев"),
        None => "курсов нет".into(),
    }
}

fn line(t: &Teacher, on: Date) -> TeacherLine {
    let clock = t.clock(on);
    TeacherLine {
        id: t.id,
        name: t.fields.full_name.clone(),
        school: t.school_name.clone(),
        position: t.fields.position.clone(),
        subjects: t.fields.subjects.join(", "),
        category: t.fields.category.title(),
        experience: years_text(t.fields.experience_years),
        last_course: clock.last_course_end.map(|d| d.ru()).unwrap_or_default(),
        months: months_text(clock.months_since),
        light: clock.light.title(),
        light_class: light_class(clock.light),
        uncovered: t.uncovered_subjects().join(", "),
    }
}

/// One school in the summary.
#[derive(Default)]
pub struct SchoolSummary {
    pub school_id: i64,
    pub school: String,
    pub teachers: usize,
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub uncovered: usize,
}

impl SchoolSummary {
    fn add(&mut self, t: &Teacher, on: Date) {
        self.teachers += 1;
        match t.clock(on).light {
            Light::Green => self.green += 1,
            Light::Amber => self.amber += 1,
            Light::Red => self.red += 1,
        }
        if !t.uncovered_subjects().is_empty() {
            self.uncovered += 1;
        }
    }

    /// «82 %»: the share of teachers whose courses are in time.
    pub fn green_share(&self) -> String {
        if self.teachers == 0 {
            return "—".into();
        }
        crate::fmt::pct(Some(100.0 * self.green as f64 / self.teachers as f64), 0)
    }
}

/// Summary lines per school (in list order) and the total.
fn summarise(teachers: &[Teacher], on: Date) -> (Vec<SchoolSummary>, SchoolSummary) {
    let mut lines: Vec<SchoolSummary> = Vec::new();
    let mut total = SchoolSummary {
        school: "Всего".into(),
        ..Default::default()
    };
    for t in teachers {
        if lines.last().is_none_or(|l| l.school_id != t.school_id) {
            lines.push(SchoolSummary {
                school_id: t.school_id,
                school: t.school_name.clone(),
                ..Default::default()
            });
        }
        lines.last_mut().expect("pushed").add(t, on);
        total.add(t, on);
    }
    (lines, total)
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    /// A school id; empty (the filter's «все школы») or anything else: all.
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub clock: String,
    #[serde(default)]
    pub q: String,
}

/// A school in the filter.
pub struct SchoolOption {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "staff/list.html")]
struct ListPage {
    l: Layout,
    on: String,
    schools: Vec<SchoolOption>,
    clock: &'static str,
    q: String,
    summary: Vec<SchoolSummary>,
    total: SchoolSummary,
    rows: Vec<TeacherLine>,
    /// Whether the list of people is shown (one school, or a filter).
    listed: bool,
    add_to: Option<i64>,
    can_import: bool,
    can_read_principals: bool,
    /// A teacher whose login is linked to no staff record.
    no_record: bool,
}

/// At most this many people on one page (the region's list is a summary).
const SHOWN: usize = 2000;

pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    if caller.role() == Role::Teacher {
        return Ok(match st.db.teacher_of_user(caller.user.id).await? {
            Some(id) => Redirect::to(&format!("/staff/{id}")).into_response(),
            None => Html(ListPage::without_record(&caller).render()?).into_response(),
        });
    }
    let on = opora_plans::clock::today();
    let schools = st.db.schools_in(&caller.scope).await?;
    let school = q
        .school
        .parse::<i64>()
        .ok()
        .filter(|id| schools.iter().any(|s| s.id == *id));
    let single = schools.len() == 1;
    let filter = TeacherFilter {
        school_id: school,
        user_id: None,
    };
    let teachers = st
        .db
        .teachers(&caller.scope, &filter, &caller.user.login)
        .await?;
    let (summary, total) = summarise(&teachers, on);
    let clock = ClockFilter::parse(&q.clock);
    let needle = opora_staff::records::name_key(&q.q);
    let listed = single || school.is_some() || clock != ClockFilter::All || !needle.is_empty();
    let rows: Vec<TeacherLine> = if listed {
        teachers
            .iter()
            .filter(|t| clock.keeps(t.clock(on).light))
            .filter(|t| {
                needle.is_empty()
                    || opora_staff::records::name_key(&t.fields.full_name).contains(&needle)
            })
            .take(SHOWN)
            .map(|t| line(t, on))
            .collect()
    } else {
        Vec::new()
    };
    let add_to = school
        .or(single.then(|| schools[0].id))
        .filter(|id| rights::adds_teachers(&caller, *id));
    let page = ListPage {
        l: Layout::new(&caller, "Педагоги", "/staff"),
        on: on.ru(),
        schools: schools
            .iter()
            .map(|s| SchoolOption {
                id: s.id,
                name: s.short_name.clone(),
                selected: Some(s.id) == school,
            })
            .collect(),
        clock: clock.code(),
        q: q.q.trim().to_string(),
        summary: if single || school.is_some() {
            Vec::new()
        } else {
            summary
        },
        total,
        rows,
        listed,
        add_to,
        can_import: rights::imports_staff(&caller),
        can_read_principals: rights::reads_principals(&caller),
        no_record: false,
    };
    Ok(Html(page.render()?).into_response())
}

impl ListPage {
    /// The page of a teacher whose login has no staff record.
    fn without_record(c: &Caller) -> ListPage {
        ListPage {
            l: Layout::new(c, "Педагоги", "/staff"),
            on: opora_plans::clock::today().ru(),
            schools: Vec::new(),
            clock: "",
            q: String::new(),
            summary: Vec::new(),
            total: SchoolSummary::default(),
            rows: Vec::new(),
            listed: false,
            add_to: None,
            can_import: false,
            can_read_principals: false,
            no_record: true,
        }
    }
}
