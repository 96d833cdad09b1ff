//! Загрузка данных: upload a CSV/XLSX file → preview, column mapping and a
//! validation report → confirm → the result page. Nothing is written to the
//! database before the confirmation; the import itself is all or nothing
//! (store::import). Every page after a form is a GET (POST-redirect-GET),
//! so reloading it shows it again.
//!
//! A staged file lives in a folder of its own under the server's upload
//! folder, under the name it was uploaded with (so the import's messages and
//! the audit log name the user's file); the folder goes when the preview is
//! confirmed, cancelled, pushed out by the per-user limit or expires.

use crate::auth::{random_token, Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{multipart_error, Fields as FormFields, Form, Multipart, Path};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_io::records::{Errors, Fields};
use opora_io::{open_table, ColumnMap, RowError, Schema, TableOptions};
use opora_store::error::{NameKind, NewName};
use opora_store::import::{ImportKind, ImportOptions};
use opora_store::StoreError;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

/// The folder of one staged file: removed when the last holder drops it
/// (the previews map, or a request still reading the file).
#[derive(Debug)]
pub(crate) struct StagedDir(PathBuf);

impl Drop for StagedDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(
                    "не удалось удалить временную папку {}: {e}",
                    self.0.display()
                );
            }
        }
    }
}

/// A file uploaded and waiting for confirmation (nothing written yet).
#[derive(Debug, Clone)]
pub(crate) struct Staged {
    pub kind: ImportKind,
    /// The name as uploaded (also the file's name on disk).
    pub file_name: String,
    pub path: PathBuf,
    pub map: Vec<(String, String)>,
    pub sheet: Option<String>,
    _dir: Arc<StagedDir>,
}

/// What a confirmed upload did, for the result page.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub kind: ImportKind,
    pub file_name: String,
    pub ok: bool,
    pub message: String,
    pub report: Vec<(&'static str, String)>,
    pub errors: Vec<RowError>,
    pub error_count: usize,
    /// Procedures and subjects the file names for the first time: the
    /// result page asks to confirm them.
    pub new_names: Vec<NewName>,
}

/// A file name as uploaded, safe as one path component: the last part of
/// any path, no control characters, at most 150 characters, the extension kept.
fn safe_file_name(name: &str, ext: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_start_matches('.');
    if clean.is_empty() {
        return format!("файл.{ext}");
    }
    if clean.chars().count() <= 150 {
        return clean.to_string();
    }
    let stem: String = clean.chars().take(140).collect();
    format!("{}.{ext}", stem.trim_end())
}

const KINDS: [(ImportKind, &str); 9] = [
    (ImportKind::Schools, "schools"),
    (ImportKind::Results, "results"),
    (ImportKind::Context, "context"),
    (ImportKind::Checklist, "checklist"),
    (ImportKind::Scales, "scales"),
    (ImportKind::Teachers, "teachers"),
    (ImportKind::Courses, "courses"),
    (ImportKind::Diagnostics, "diagnostics"),
    (ImportKind::Attendance, "attendance"),
];

/// Whether the caller uploads files of this kind: the region every kind;
/// the municipality and the school administrator the staff files of their
/// schools (the rows of other schools are refused by the import).
fn may_upload(c: &Caller, kind: ImportKind) -> bool {
    c.is_region()
        || (matches!(
            kind,
            ImportKind::Teachers | ImportKind::Courses | ImportKind::Diagnostics
        ) && super::staff::rights::imports_staff(c))
        || (kind == ImportKind::Attendance && super::pupils::rights::imports_attendance(c))
}

/// The upload pages are for those who may upload some kind (403 otherwise).
fn require_uploader(c: &Caller) -> WebResult<()> {
    if KINDS.iter().any(|(k, _)| may_upload(c, *k)) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Загрузка данных доступна региональному оператору; списки педагогов, курсы и посещаемость загружают также муниципальный администратор и администратор школы.".into(),
        ))
    }
}

/// Errors shown on the page (all are counted).
const SHOWN_ERRORS: usize = 500;
const PREVIEW_ROWS: usize = 10;

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    l: Layout,
    kinds: Vec<(&'static str, String)>,
    limit_mb: usize,
    error: String,
}

fn kinds(c: &Caller) -> Vec<(&'static str, String)> {
    KINDS
        .iter()
        .filter(|(k, _)| may_upload(c, *k))
        .map(|(k, code)| (*code, crate::fmt::capitalised(k.title())))
        .collect()
}

/// An empty template of one import kind («schools.csv», «results.xlsx»…):
/// the header row the upload recognises, and in XLSX a sheet of rules.
pub async fn template(caller: Caller, Path(file): Path<String>) -> WebResult<Response> {
    require_uploader(&caller)?;
    let (code, ext) = file.rsplit_once('.').ok_or(WebError::NotFound)?;
    let (kind, _) = KINDS
        .iter()
        .find(|(k, c)| *c == code && may_upload(&caller, *k))
        .ok_or(WebError::NotFound)?;
    let (bytes, mime) = match ext {
        "csv" => (
            opora_io::template::csv(kind.schema()),
            "text/csv; charset=utf-8",
        ),
        "xlsx" => (
            opora_io::template::xlsx(kind.schema(), &crate::fmt::capitalised(kind.title()))
                .map_err(|e| WebError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => return Err(WebError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"opora-{code}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn index(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    require_uploader(&caller)?;
    let page = UploadPage {
        l: Layout::new(&caller, "Загрузка данных", "/upload"),
        kinds: kinds(&caller),
        limit_mb: st.cfg.upload_limit / (1024 * 1024),
        error: String::new(),
    };
    Ok(Html(page.render()?))
}

fn upload_error(e: axum::extract::multipart::MultipartError, limit: usize) -> WebError {
    multipart_error(e, limit)
}

/// A new folder for one staged file.
async fn staged_dir(st: &AppState, id: &str) -> WebResult<Arc<StagedDir>> {
    let dir = st.upload_dir.path().join(id);
    tokio::fs::create_dir(&dir)
        .await
        .map_err(|e| WebError::Internal(format!("папка для загрузки {}: {e}", dir.display())))?;
    Ok(Arc::new(StagedDir(dir)))
}

/// Receives the file into a private temporary folder.
pub async fn receive(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Multipart(mut mp): Multipart,
) -> WebResult<Response> {
    require_uploader(&caller)?;
    let limit = st.cfg.upload_limit;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(WebError::PayloadTooLarge(limit));
    }
    let id = random_token()[..24].to_string();
    let mut kind = None;
    let mut sheet = None;
    let mut file: Option<(String, PathBuf, usize)> = None;
    let dir = staged_dir(&st, &id).await?;
    while let Some(mut field) = mp.next_field().await.map_err(|e| upload_error(e, limit))? {
        match field.name().unwrap_or("") {
            "kind" => {
                let v = field.text().await.map_err(|e| upload_error(e, limit))?;
                kind = KINDS.iter().find(|k| k.1 == v.trim()).map(|k| k.0);
                if kind.is_some_and(|k| !may_upload(&caller, k)) {
                    return Err(WebError::Forbidden(
                        "Этот вид данных загружает региональный оператор.".into(),
                    ));
                }
            }
            "sheet" => {
                let v = field.text().await.map_err(|e| upload_error(e, limit))?;
                sheet = Some(v.trim().to_string()).filter(|s| !s.is_empty());
            }
            "file" => {
                let name = field
                    .file_name()
                    .unwrap_or("")
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or("")
                    .to_string();
                let lower = name.to_lowercase();
                let ext = if lower.ends_with(".xlsx") {
                    "xlsx"
                } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
                    "csv"
                } else if name.is_empty() {
                    return Err(WebError::BadRequest("Выберите файл для загрузки.".into()));
                } else {
                    return Err(WebError::UnsupportedType(format!(
                        "Файл «{name}»: поддерживаются только CSV (UTF-8 или Windows-1251) и XLSX. Сохраните таблицу в одном из этих форматов."
                    )));
                };
                let path = dir.0.join(safe_file_name(&name, ext));
                let mut out = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| WebError::Internal(e.to_string()))?;
                let mut size = 0usize;
                let mut head = Vec::new();
                loop {
                    let chunk = match field.chunk().await {
                        Ok(Some(c)) => c,
                        Ok(None) => break,
                        // The folder goes with `dir` when this returns.
                        Err(e) => return Err(upload_error(e, limit)),
                    };
                    size += chunk.len();
                    if size > limit {
                        return Err(WebError::PayloadTooLarge(limit));
                    }
                    if head.len() < 8 {
                        head.extend_from_slice(&chunk[..chunk.len().min(8)]);
                    }
                    out.write_all(&chunk)
                        .await
                        .map_err(|e| WebError::Internal(e.to_string()))?;
                }
                out.flush()
                    .await
                    .map_err(|e| WebError::Internal(e.to_string()))?;
                // The content must match the name: XLSX is a ZIP; CSV is text.
                let zip = head.starts_with(b"PK\x03\x04");
                if (ext == "xlsx") != zip || head.contains(&0) && ext == "csv" {
                    return Err(WebError::UnsupportedType(format!(
                        "Содержимое файла «{name}» не похоже на {}. Проверьте, что файл сохранён в этом формате.",
                        if ext == "xlsx" { "книгу Excel (XLSX)" } else { "текстовый файл CSV" }
                    )));
                }
                file = Some((name, path, size));
            }
            _ => {}
        }
    }
    let Some((file_name, path, size)) = file else {
        return Err(WebError::BadRequest("Выберите файл для загрузки.".into()));
    };
    if size == 0 {
        return Err(WebError::BadRequest(format!("Файл «{file_name}» пуст.")));
    }
    let Some(kind) = kind else {
        return Err(WebError::BadRequest("Укажите, что загружается.".into()));
    };
    // The user's oldest previews beyond the limit are dropped with their files.
    st.uploads.insert(
        id.clone(),
        caller.user.id,
        Staged {
            kind,
            file_name,
            path,
            map: Vec::new(),
            sheet,
            _dir: dir,
        },
    );
    Ok(Redirect::to(&format!("/upload/{id}")).into_response())
}

fn staged(st: &AppState, caller: &Caller, id: &str) -> WebResult<Staged> {
    st.uploads.get(id, caller.user.id).ok_or(WebError::NotFound)
}

/// One field of the import format on the mapping screen.
pub struct FieldChoice {
    pub name: &'static str,
    pub title: &'static str,
    pub required: bool,
    /// The file's column for the field (its header as written), if any.
    pub column: Option<String>,
    /// The first value of that column among the first rows.
    pub sample: String,
    /// Chosen by the user on this screen rather than recognised by its header.
    pub chosen: bool,
}

/// The pre-check of a staged file.
pub struct Check {
    pub header: Vec<String>,
    pub preview: Vec<Vec<String>>,
    pub fields: Vec<FieldChoice>,
    /// Columns no field (and no task) uses: what a field without a column
    /// can be given, with a sample value of each.
    pub unused: Vec<(String, String)>,
    pub mapping_error: String,
    pub errors: Vec<RowError>,
    pub error_count: usize,
    pub rows: u64,
    pub ignored: Vec<String>,
    pub free: Vec<String>,
}

impl Check {
    fn empty() -> Check {
        Check {
            header: vec![],
            preview: vec![],
            fields: vec![],
            unused: vec![],
            mapping_error: String::new(),
            errors: vec![],
            error_count: 0,
            rows: 0,
            ignored: vec![],
            free: vec![],
        }
    }

    pub fn recognised(&self) -> Vec<&FieldChoice> {
        self.fields.iter().filter(|f| f.column.is_some()).collect()
    }

    /// Required fields with no column: the import cannot go on without them.
    pub fn missing_required(&self) -> Vec<&FieldChoice> {
        self.fields
            .iter()
            .filter(|f| f.required && f.column.is_none())
            .collect()
    }

    pub fn missing_optional(&self) -> Vec<&FieldChoice> {
        self.fields
            .iter()
            .filter(|f| !f.required && f.column.is_none())
            .collect()
    }

    pub fn any_chosen(&self) -> bool {
        self.fields.iter().any(|f| f.chosen)
    }
}

/// The first non-empty value of column `i` among the preview rows, shortened.
fn sample(rows: &[Vec<String>], i: usize) -> String {
    let v = rows
        .iter()
        .filter_map(|r| r.get(i))
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
        .unwrap_or("");
    if v.chars().count() > 40 {
        format!("{}…", v.chars().take(39).collect::<String>())
    } else {
        v.to_string()
    }
}

/// The user's choices name one column for two fields: the message, if so.
fn chosen_twice(schema: &Schema, map: &[(String, String)]) -> Option<String> {
    let title = |name: &str| {
        schema
            .fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.aliases.first().copied().unwrap_or(f.name))
            .unwrap_or(name)
            .to_string()
    };
    for (i, (a, col)) in map.iter().enumerate() {
        let norm = opora_io::columns::normalize_header(col);
        if let Some((b, _)) = map[i + 1..]
            .iter()
            .find(|(_, c)| opora_io::columns::normalize_header(c) == norm)
        {
            return Some(format!(
                "Столбец «{col}» выбран и для поля «{}», и для поля «{}». Выберите для каждого поля свой столбец.",
                title(a),
                title(b)
            ));
        }
    }
    None
}

fn schema_for(
    kind: ImportKind,
    file: &str,
    header: &[String],
    map: &[(String, String)],
) -> &'static Schema {
    if kind == ImportKind::Results && opora_io::records::results::is_school_level(file, header, map)
    {
        &opora_io::records::results::SCHOOL_SCHEMA
    } else {
        kind.schema()
    }
}

/// Reads the whole file and checks every row as the import would (except
/// checks that need the stored results, such as duplicates across files).
fn check(s: &Staged, codes: &HashSet<String>) -> Result<Check, String> {
    let mut t = open_table(
        &s.path,
        &TableOptions {
            sheet: s.sheet.clone(),
        },
    )
    .map_err(|e| e.to_string())?;
    let header = t.header.clone();
    let schema = schema_for(s.kind, &t.file_name, &header, &s.map);
    let mut c = Check {
        header: header.clone(),
        ..Check::empty()
    };
    // What the headers (and the user's choices) give, even when a required
    // field is still without a column.
    let partial = ColumnMap::resolve_partial(&t.file_name, &header, schema, &s.map);
    let missing: Vec<&str> = match &partial {
        Ok(m) => schema
            .fields
            .iter()
            .filter(|f| f.required && !m.has(f.name))
            .map(|f| f.aliases.first().copied().unwrap_or(f.name))
            .collect(),
        Err(_) => Vec::new(),
    };
    let resolved = match (&partial, chosen_twice(schema, &s.map)) {
        (_, Some(twice)) => Err(twice),
        (Err(e), None) => Err(e.to_string()),
        (Ok(_), None) if !missing.is_empty() => Err(format!(
            "{} «{}». Укажите ниже, в каком столбце файла {}.",
            if missing.len() == 1 {
                "Не удалось распознать по заголовку обязательное поле"
            } else {
                "Не удалось распознать по заголовкам обязательные поля"
            },
            missing.join("», «"),
            if missing.len() == 1 {
                "оно записано"
            } else {
                "записано каждое из них"
            }
        )),
        (Ok(m), None) => Ok(m.clone()),
    };
    let map = match resolved {
        Ok(m) => m,
        Err(e) => {
            c.mapping_error = e;
            for row in t.by_ref().take(PREVIEW_ROWS) {
                c.preview.push(row.map_err(|e| e.to_string())?.to_strings());
            }
            describe_fields(&mut c, schema, partial.ok(), &s.map);
            return Ok(c);
        }
    };
    c.ignored = map.ignored.clone();
    c.free = map.free.iter().map(|(h, _)| h.clone()).collect();
    let mut errors = Errors::new(&t.file_name);
    let known = |code: &str| codes.contains(code);
    let school_level = std::ptr::eq(schema, &opora_io::records::results::SCHOOL_SCHEMA);
    for row in t.by_ref() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                c.mapping_error = e.to_string();
                break;
            }
        };
        if row.is_blank() {
            continue;
        }
        c.rows += 1;
        if c.preview.len() < PREVIEW_ROWS {
            c.preview.push(row.to_strings());
        }
        let mut f = Fields::new(&map, &row, &mut errors);
        match s.kind {
            ImportKind::Schools => {
                opora_io::records::schools::parse_row(&mut f);
            }
            ImportKind::Results => {
                opora_io::records::results::parse_row(
                    &mut f,
                    school_level,
                    &mut Default::default(),
                    &known,
                    &|_| None,
                );
            }
            ImportKind::Context => {
                opora_io::records::context::parse_row(&mut f, &known);
            }
            ImportKind::Checklist => {
                opora_io::records::checklist::parse_row(&mut f, &known);
            }
            ImportKind::Scales => {
                opora_io::records::scales::parse_row(&mut f);
            }
            ImportKind::Teachers => {
                opora_staff::records::teachers::parse_row(&mut f);
            }
            ImportKind::Courses => {
                opora_staff::records::courses::parse_row(&mut f);
            }
            ImportKind::Diagnostics => {
                opora_staff::records::diagnostics::parse_row(&mut f);
            }
            ImportKind::Attendance => {
                opora_pupils::records::attendance::parse_row(&mut f);
            }
        }
    }
    c.error_count = errors.count;
    c.errors = errors.list.into_iter().take(SHOWN_ERRORS).collect();
    describe_fields(&mut c, schema, Some(map), &s.map);
    Ok(c)
}

/// Fills in the mapping screen: each field with its column (if any) and a
/// sample value, and the columns still free to give a field.
fn describe_fields(
    c: &mut Check,
    schema: &Schema,
    map: Option<ColumnMap>,
    chosen: &[(String, String)],
) {
    let map = map.unwrap_or_default();
    let mut used: HashSet<usize> = map.index.values().copied().collect();
    used.extend(map.tasks.iter().map(|(_, i)| *i));
    c.fields = schema
        .fields
        .iter()
        .map(|f| {
            let index = map.index.get(f.name).copied();
            FieldChoice {
                name: f.name,
                title: f.aliases.first().copied().unwrap_or(f.name),
                required: f.required,
                column: index.map(|i| c.header[i].clone()),
                sample: index.map(|i| sample(&c.preview, i)).unwrap_or_default(),
                chosen: index.is_some() && chosen.iter().any(|(k, _)| k == f.name),
            }
        })
        .collect();
    c.unused = c
        .header
        .iter()
        .enumerate()
        .filter(|(i, h)| !used.contains(i) && !h.trim().is_empty())
        .map(|(i, h)| (h.clone(), sample(&c.preview, i)))
        .collect();
}

#[derive(Template)]
#[template(path = "upload_preview.html")]
struct PreviewPage {
    l: Layout,
    id: String,
    file_name: String,
    kind_title: String,
    c: Check,
    fatal: String,
}

async fn render_preview(
    st: &AppState,
    caller: &Caller,
    id: &str,
    s: Staged,
) -> WebResult<Response> {
    let mut codes: HashSet<String> = st.db.school_ids().await?.into_keys().collect();
    if s.kind == ImportKind::Schools {
        codes.clear();
    }
    let s2 = s.clone();
    let result = tokio::task::spawn_blocking(move || check(&s2, &codes))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let (c, fatal) = match result {
        Ok(c) => (c, String::new()),
        Err(e) => (Check::empty(), e),
    };
    let page = PreviewPage {
        l: Layout::new(caller, "Проверка файла", "/upload"),
        id: id.to_string(),
        file_name: s.file_name.clone(),
        kind_title: crate::fmt::capitalised(s.kind.title()),
        c,
        fatal,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn preview(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> WebResult<Response> {
    require_uploader(&caller)?;
    let s = staged(&st, &caller, &id)?;
    render_preview(&st, &caller, &id, s).await
}

/// The user's column choices: fields `map_<field>` = header text. A choice
/// replaces an earlier one for the same field; an empty one changes nothing
/// (the field keeps the column it has); `reset=1` forgets every choice.
pub async fn remap(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    require_uploader(&caller)?;
    let reset = f.iter().any(|(k, v)| k == "reset" && v == "1");
    let chosen: Vec<(String, String)> = f
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("map_")?.to_string(), v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let updated = st.uploads.update(&id, caller.user.id, |s| {
        if reset {
            s.map.clear();
        }
        for (field, column) in chosen {
            s.map.retain(|(f, _)| *f != field);
            s.map.push((field, column));
        }
    });
    if !updated {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to(&format!("/upload/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "upload_done.html")]
struct DonePage {
    l: Layout,
    file_name: String,
    kind_title: String,
    ok: bool,
    message: String,
    report: Vec<(&'static str, String)>,
    errors: Vec<RowError>,
    error_count: usize,
    id: String,
    new_names: Vec<(&'static str, String, u64)>,
}

/// Imports the staged file and shows the result at `/upload/{id}/result`.
/// `new_names=1` confirms the procedures and subjects the file names for
/// the first time (asked on the result page of the first attempt).
pub async fn confirm(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    form: FormFields,
) -> WebResult<Response> {
    require_uploader(&caller)?;
    let s = staged(&st, &caller, &id)?;
    let opts = ImportOptions {
        sheet: s.sheet.clone(),
        map: s.map.clone(),
        actor: caller.user.login.clone(),
        allow_new_names: form.get("new_names") == "1",
        // Others than the region write only to the schools of their scope.
        scope: (!caller.is_region()).then(|| caller.scope.clone()),
    };
    // In a task of its own: a browser that goes away (a closed tab) must not
    // cancel an import half-way; it finishes and its result waits here.
    let (db, path, kind) = (st.db.clone(), s.path.clone(), s.kind);
    let result = tokio::spawn(async move { db.import_file(kind, &path, &opts, &|_| {}).await })
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    st.cache.invalidate();
    let mut out = Outcome {
        kind: s.kind,
        file_name: s.file_name.clone(),
        ok: false,
        message: String::new(),
        report: Vec::new(),
        errors: Vec::new(),
        error_count: 0,
        new_names: Vec::new(),
    };
    match result {
        Ok(r) => {
            // Written: the preview (and its file) is done with.
            st.uploads.take(&id, caller.user.id);
            out.ok = true;
            out.message = "Файл загружен.".into();
            out.report = vec![
                ("Строк в файле", r.rows.to_string()),
                ("Записано строк", r.written.to_string()),
                ("Групп изменено", r.groups_changed.to_string()),
                ("Групп без изменений", r.groups_unchanged.to_string()),
            ];
            if !r.ignored_columns.is_empty() {
                out.report
                    .push(("Пропущенные столбцы", r.ignored_columns.join(", ")));
            }
            for n in r.notes {
                out.report.push(("Замечание", n));
            }
        }
        Err(StoreError::Rejected { count, errors, .. }) => {
            out.message = "Файл не загружен: в данных есть ошибки. Ничего не записано. Исправьте строки и загрузите файл снова.".into();
            out.error_count = count;
            out.errors = errors.into_iter().take(SHOWN_ERRORS).collect();
        }
        Err(StoreError::NewNames { names, .. }) => {
            out.message = "Файл не загружен: в нём есть процедуры или предметы, которых ещё нет в системе. Проверьте написание. \
                           Если названия верны, подтвердите их добавление — файл загрузится. Ничего не записано."
                .into();
            out.new_names = names;
        }
        Err(StoreError::File(e)) => out.message = format!("Файл не загружен: {e}"),
        Err(e) => return Err(e.into()),
    }
    st.upload_results.insert(id.clone(), caller.user.id, out);
    Ok(Redirect::to(&format!("/upload/{id}/result")).into_response())
}

/// The result of a confirmed upload (422 when nothing was written).
pub async fn result(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> WebResult<Response> {
    require_uploader(&caller)?;
    let o = st
        .upload_results
        .get(&id, caller.user.id)
        .ok_or(WebError::NotFound)?;
    let page = DonePage {
        l: Layout::new(&caller, "Результат загрузки", "/upload"),
        file_name: o.file_name,
        kind_title: crate::fmt::capitalised(o.kind.title()),
        ok: o.ok,
        message: o.message,
        report: o.report,
        errors: o.errors,
        error_count: o.error_count,
        new_names: o
            .new_names
            .into_iter()
            .map(|n| {
                let kind = match n.kind {
                    NameKind::Procedure => "процедура",
                    NameKind::Subject => "предмет",
                };
                (kind, n.name, n.first_row)
            })
            .collect(),
        id: id.clone(),
    };
    let status = if o.ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn cancel(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> WebResult<Response> {
    require_uploader(&caller)?;
    // Dropping the preview removes its folder.
    st.uploads
        .take(&id, caller.user.id)
        .ok_or(WebError::NotFound)?;
    Ok(Redirect::to("/upload").into_response())
}
