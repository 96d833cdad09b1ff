//! Analytical notes (issue 16): `/notes` lists the issued notes of the
//! caller's scope and starts a new one; `/notes/new` shows the note of a
//! school, a municipality or the region composed for a date, with its
//! conclusions editable before issuing; `POST /notes` issues it (kept as
//! the next version); `/notes/{id}` shows an issued note with its DOCX and
//! PDF, written from the kept content on each download.

use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path, Query};
use crate::pages::plans::off_runtime;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_notes::compose::{compose, Subject};
use opora_notes::{Block, Format, Note};
use opora_plans::clock::today;
use opora_plans::date::Date;
use opora_store::notes::{IssuedNote, NoteSubject};
use opora_store::users::Role;

/// The heading of the section whose paragraphs people edit before issuing.
const CONCLUSIONS: &str = "Выводы и рекомендации";

#[derive(serde::Deserialize, Default)]
pub struct SubjectQuery {
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub municipality: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub date: String,
}

impl SubjectQuery {
    fn of(form: &Fields) -> SubjectQuery {
        SubjectQuery {
            school: form.get("school").into(),
            municipality: form.get("municipality").into(),
            region: form.get("region").into(),
            date: form.get("date").into(),
        }
    }

    fn subject(&self) -> WebResult<Subject> {
        if !self.school.trim().is_empty() {
            return Ok(Subject::School(self.school.trim().to_string()));
        }
        if !self.municipality.trim().is_empty() {
            return self
                .municipality
                .trim()
                .parse()
                .map(Subject::Municipality)
                .map_err(|_| WebError::NotFound);
        }
        if self.region == "1" {
            return Ok(Subject::Region);
        }
        Err(WebError::Unprocessable(
            "Выберите, о ком справка: школа (код), муниципалитет или регион.".into(),
        ))
    }

    fn date(&self) -> WebResult<Date> {
        if self.date.trim().is_empty() {
            return Ok(today());
        }
        Date::parse(&self.date).ok_or_else(|| {
            WebError::Unprocessable(format!(
                "Дата справки: «{}» — не дата; напишите её как 01.12.2026.",
                self.date.trim()
            ))
        })
    }
}

/// Whether the caller issues notes: everyone but a teacher.
fn issues(c: &Caller) -> bool {
    c.role() != Role::Teacher
}

fn require_issuer(c: &Caller) -> WebResult<()> {
    if issues(c) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Аналитические справки готовят администрация школы, методисты, муниципалитет и регион."
                .into(),
        ))
    }
}

async fn composed(st: &AppState, c: &Caller, q: &SubjectQuery) -> WebResult<(Subject, Date, Note)> {
    let subject = q.subject()?;
    let on = q.date()?;
    let note = compose(&st.db, &c.scope, &subject, on)
        .await
        .map_err(note_error)?
        .ok_or(WebError::NotFound)?;
    Ok((subject, on, note))
}

fn note_error(e: opora_notes::NoteError) -> WebError {
    match e {
        opora_notes::NoteError::Store(e) => e.into(),
        other => WebError::Internal(other.to_string()),
    }
}

#[derive(Template)]
#[template(path = "notes/list.html")]
struct ListPage {
    l: Layout,
    notes: Vec<IssuedNote>,
    issues: bool,
    municipalities: Vec<(i64, String)>,
    region: bool,
    today: String,
}

pub async fn list(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let page = ListPage {
        l: Layout::new(&caller, "Аналитические справки", "/notes"),
        notes: st.db.issued_notes(&caller.scope).await?,
        issues: issues(&caller),
        municipalities: if caller.scope.municipality().is_some() || caller.is_region() {
            st.db
                .municipalities_in(&caller.scope)
                .await?
                .into_iter()
                .map(|m| (m.id, m.name))
                .collect()
        } else {
            Vec::new()
        },
        region: caller.is_region(),
        today: today().ru(),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "notes/note.html")]
struct NotePage<'a> {
    l: Layout,
    note: &'a Note,
    /// `None`: a preview to issue; `Some`: the issued note's id and version.
    issued: Option<(i64, i64)>,
    conclusions: String,
    conclusions_heading: &'static str,
    q: SubjectQuery,
}

pub async fn preview(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<SubjectQuery>,
) -> WebResult<Html<String>> {
    require_issuer(&caller)?;
    let (_, _, note) = composed(&st, &caller, &q).await?;
    let page = NotePage {
        l: Layout::new(&caller, format!("Справка: {}", note.subject), "/notes"),
        conclusions: conclusions_text(&note),
        conclusions_heading: CONCLUSIONS,
        note: &note,
        issued: None,
        q,
    };
    Ok(Html(page.render()?))
}

/// The conclusions as the form edits them: one paragraph per line.
fn conclusions_text(note: &Note) -> String {
    let Some(s) = note.sections.iter().find(|s| s.heading == CONCLUSIONS) else {
        return String::new();
    };
    s.blocks
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph { text } => vec![text.clone()],
            Block::Bullets { items } => items.clone(),
            _ => Vec::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replaces the conclusions with the edited lines (one item per line).
fn with_conclusions(mut note: Note, text: &str) -> Note {
    let items: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(s) = note.sections.iter_mut().find(|s| s.heading == CONCLUSIONS) {
        s.blocks = if items.is_empty() {
            Vec::new()
        } else {
            vec![Block::Bullets { items }]
        };
    }
    note
}

pub async fn issue(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    require_issuer(&caller)?;
    let q = SubjectQuery::of(&form);
    let (subject, on, note) = composed(&st, &caller, &q).await?;
    let note = with_conclusions(note, form.get("conclusions"));
    let who = note_subject(&st, &subject, &note).await?;
    let content = serde_json::to_string(&note).map_err(|e| WebError::Internal(e.to_string()))?;
    let (id, _) = st
        .db
        .issue_note(&who, on, &content, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/notes/{id}")).into_response())
}

/// The stored subject of a note: its key and the scope that sees it.
pub(crate) async fn note_subject(
    st: &AppState,
    subject: &Subject,
    note: &Note,
) -> WebResult<NoteSubject> {
    use opora_store::scope::Scope;
    Ok(match subject {
        Subject::School(code) => {
            let school = st
                .db
                .school_in(&Scope::Region, code)
                .await?
                .ok_or(WebError::NotFound)?;
            NoteSubject {
                kind: "school",
                key: code.clone(),
                name: note.subject.clone(),
                municipality_id: Some(school.municipality_id),
                school_id: Some(school.id),
            }
        }
        Subject::Municipality(m) => NoteSubject {
            kind: "municipality",
            key: m.to_string(),
            name: note.subject.clone(),
            municipality_id: Some(*m),
            school_id: None,
        },
        Subject::Region => NoteSubject {
            kind: "region",
            key: String::new(),
            name: note.subject.clone(),
            municipality_id: None,
            school_id: None,
        },
    })
}

async fn issued(st: &AppState, c: &Caller, id: i64) -> WebResult<(IssuedNote, Note)> {
    let n = st
        .db
        .issued_note(&c.scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let note: Note =
        serde_json::from_str(&n.content).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((n, note))
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let (n, note) = issued(&st, &caller, id).await?;
    let page = NotePage {
        l: Layout::new(&caller, format!("Справка: {}", note.subject), "/notes"),
        conclusions: String::new(),
        conclusions_heading: CONCLUSIONS,
        note: &note,
        issued: Some((n.id, n.version)),
        q: SubjectQuery::default(),
    };
    Ok(Html(page.render()?))
}

/// `/notes/{id}/note.docx` and `/notes/{id}/note.pdf`.
pub async fn file(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(i64, String)>,
) -> WebResult<Response> {
    let format = Format::of_path(&name).ok_or(WebError::NotFound)?;
    let (n, note) = issued(&st, &caller, id).await?;
    let bytes = off_runtime(move || format.write(&note))
        .await?
        .map_err(note_error)?;
    let file_name = format!(
        "Справка {} на {} (версия {}).{}",
        n.name,
        n.as_of.ru(),
        n.version,
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                crate::pages::plans::activity::disposition("attachment", &file_name),
            ),
        ],
        bytes,
    )
        .into_response())
}
