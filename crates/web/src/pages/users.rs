//! Пользователи: create, block, reset password, role and scope — for the
//! regional operator (everyone) and the municipal administrator (the users
//! of its municipality, never a regional role).

use crate::auth::{check_new_password, hash_password_off_runtime, user_label, Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Form, Path, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_store::users::{NewUser, Role, User};
use opora_store::StoreError;
use std::collections::HashMap;

pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: &'static str,
    pub scope: String,
    pub blocked: bool,
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserForm {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub municipality: String,
    pub school: String,
    pub curated: String,
    /// Where notifications are e-mailed (optional).
    pub email: String,
    pub password: String,
    pub repeat: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct ListPage {
    l: Layout,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str, bool)>,
    municipalities: Vec<(i64, String, bool)>,
    f: UserForm,
    error: String,
    created: String,
}

#[derive(Template)]
#[template(path = "user_edit.html")]
struct EditPage {
    l: Layout,
    u: UserRow,
    roles: Vec<(&'static str, &'static str, bool)>,
    municipalities: Vec<(i64, String, bool)>,
    f: UserForm,
    error: String,
    message: String,
    is_self: bool,
}

/// Roles a caller may assign.
fn assignable(c: &Caller) -> Vec<Role> {
    match c.role() {
        Role::Region => Role::ALL.to_vec(),
        Role::Municipality => vec![
            Role::Municipality,
            Role::Curator,
            Role::SchoolAdmin,
            Role::Teacher,
        ],
        _ => vec![],
    }
}

fn role_options(c: &Caller, selected: &str) -> Vec<(&'static str, &'static str, bool)> {
    assignable(c)
        .into_iter()
        .map(|r| (r.code(), r.title(), r.code() == selected))
        .collect()
}

async fn municipality_options(
    st: &AppState,
    c: &Caller,
    selected: &str,
) -> WebResult<Vec<(i64, String, bool)>> {
    Ok(st
        .db
        .municipalities_in(&c.scope)
        .await?
        .into_iter()
        .map(|m| {
            let sel = m.id.to_string() == selected;
            (m.id, m.name, sel)
        })
        .collect())
}

async fn describe(st: &AppState, users: &[User]) -> WebResult<Vec<UserRow>> {
    let ms: HashMap<i64, String> = st
        .db
        .municipalities()
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let schools: HashMap<i64, (String, String)> = st
        .db
        .schools(None)
        .await?
        .into_iter()
        .map(|s| (s.id, (s.code, s.short_name)))
        .collect();
    let mut out = Vec::new();
    for u in users {
        let scope = match u.role {
            Role::Region => "весь регион".to_string(),
            Role::Municipality => u
                .municipality_id
                .and_then(|m| ms.get(&m).cloned())
                .unwrap_or_default(),
            Role::Curator => {
                let ids = st.db.curated_schools(u.id).await?;
                let codes: Vec<String> = ids
                    .iter()
                    .filter_map(|i| schools.get(i).map(|s| s.0.clone()))
                    .collect();
                format!(
                    "{}: {}",
                    u.municipality_id
                        .and_then(|m| ms.get(&m).cloned())
                        .unwrap_or_default(),
                    codes.join(", ")
                )
            }
            Role::SchoolAdmin | Role::Teacher => u
                .school_id
                .and_then(|s| {
                    schools
                        .get(&s)
                        .map(|(code, name)| format!("{name} ({code})"))
                })
                .unwrap_or_default(),
        };
        out.push(UserRow {
            id: u.id,
            login: u.login.clone(),
            name: u.display_name.clone(),
            role: u.role.title(),
            scope,
            blocked: u.blocked,
        });
    }
    Ok(out)
}

async fn list_page(
    st: &AppState,
    c: &Caller,
    f: UserForm,
    error: String,
    created: String,
) -> WebResult<String> {
    let users = st.db.users_in(&c.scope).await?;
    let page = ListPage {
        l: Layout::new(c, "Пользователи", "/users"),
        users: describe(st, &users).await?,
        roles: role_options(
            c,
            if f.role.is_empty() {
                "teacher"
            } else {
                &f.role
            },
        ),
        municipalities: municipality_options(st, c, &f.municipality).await?,
        f,
        error,
        created,
    };
    Ok(page.render()?)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    /// The login just created (after the redirect from the form).
    created: String,
}

/// The users of the caller's scope (names are personal data: the reading is audited).
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> WebResult<Html<String>> {
    caller.require_user_admin()?;
    let created = if q.created.is_empty() {
        String::new()
    } else {
        format!("Пользователь «{}» создан.", q.created)
    };
    let html = list_page(&st, &caller, UserForm::default(), String::new(), created).await?;
    let scope = crate::pages::scope_title(&st.db, &caller).await?;
    st.db
        .audit_by(
            &caller.user,
            "просмотр списка пользователей",
            &scope,
            "",
            None,
        )
        .await?;
    Ok(Html(html))
}

/// Role and scope from a form, checked against the caller's scope.
async fn resolve(
    st: &AppState,
    c: &Caller,
    f: &UserForm,
) -> Result<(Role, Option<i64>, Option<i64>, Vec<i64>), String> {
    let role = Role::from_code(&f.role)
        .filter(|r| assignable(c).contains(r))
        .ok_or("Выберите роль из списка.")?;
    let municipalities: Vec<i64> = st
        .db
        .municipalities_in(&c.scope)
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(|m| m.id)
        .collect();
    let school_by_code = |code: String| async move {
        let code = code.trim().to_string();
        st.db
            .school_in(&c.scope, &code)
            .await
            .ok()
            .flatten()
            .ok_or(format!(
                "Школа с кодом «{code}» не найдена в вашей области доступа."
            ))
    };
    let municipality = || -> Result<i64, String> {
        let m: i64 = f
            .municipality
            .trim()
            .parse()
            .map_err(|_| "Выберите муниципалитет.".to_string())?;
        if municipalities.contains(&m) {
            Ok(m)
        } else {
            Err(
                "Муниципалитет не найден в вашей области доступа: выберите его из списка."
                    .to_string(),
            )
        }
    };
    Ok(match role {
        Role::Region => (role, None, None, vec![]),
        Role::Municipality => (role, Some(municipality()?), None, vec![]),
        Role::Curator => {
            let m = municipality()?;
            let mut ids = Vec::new();
            for code in f
                .curated
                .split(|ch: char| ch == ',' || ch == ';' || ch.is_whitespace())
                .filter(|s| !s.is_empty())
            {
                let s = school_by_code(code.to_string()).await?;
                if s.municipality_id != m {
                    return Err(format!(
                        "Школа «{}» не относится к выбранному муниципалитету.",
                        s.code
                    ));
                }
                if !ids.contains(&s.id) {
                    ids.push(s.id);
                }
            }
            if ids.is_empty() {
                return Err("Укажите коды закреплённых школ через запятую.".into());
            }
            (role, Some(m), None, ids)
        }
        Role::SchoolAdmin | Role::Teacher => {
            if f.school.trim().is_empty() {
                return Err("Укажите код школы.".into());
            }
            let s = school_by_code(f.school.clone()).await?;
            (role, Some(s.municipality_id), Some(s.id), vec![])
        }
    })
}

/// The e-mail field: blank is none; anything else must be an address.
fn email_of(f: &UserForm) -> Result<Option<String>, String> {
    let e = f.email.trim();
    if e.is_empty() {
        return Ok(None);
    }
    match e.parse::<lettre::Address>() {
        Ok(a) if e.len() <= 254 && a.domain().contains('.') => Ok(Some(e.to_string())),
        _ => Err(format!(
            "Адрес электронной почты «{e}» указан неверно: нужен адрес вида name@example.ru."
        )),
    }
}

fn valid_login(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 64
        && l.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<UserForm>,
) -> WebResult<Response> {
    caller.require_user_admin()?;
    let (st, caller) = (&st, &caller);
    let fail_with = |status: StatusCode, f: UserForm, e: String| async move {
        let mut f = f;
        f.password.clear();
        f.repeat.clear();
        list_page(st, caller, f, e, String::new())
            .await
            .map(|html| (status, Html(html)).into_response())
    };
    let fail = |f: UserForm, e: String| fail_with(StatusCode::BAD_REQUEST, f, e);
    let login = f.login.trim().to_string();
    if !valid_login(&login) {
        return fail(
            f,
            "Логин: латинские буквы, цифры и знаки . _ - @, не длиннее 64 символов.".into(),
        )
        .await;
    }
    if f.display_name.trim().is_empty() {
        return fail(
            f,
            "Укажите имя пользователя или название организации.".into(),
        )
        .await;
    }
    if st.db.login_taken(&login).await? {
        return fail(f, format!("Логин «{login}» уже занят.")).await;
    }
    if let Err(e) = check_new_password(&f.password, &f.repeat) {
        return fail(f, e).await;
    }
    let email = match email_of(&f) {
        Ok(e) => e,
        Err(e) => return fail(f, e).await,
    };
    let (role, municipality_id, school_id, curated) = match resolve(st, caller, &f).await {
        Ok(x) => x,
        Err(e) => return fail(f, e).await,
    };
    let hash = hash_password_off_runtime(f.password.clone()).await?;
    let created = st
        .db
        .create_user(&NewUser {
            login: &login,
            display_name: f.display_name.trim(),
            role,
            municipality_id,
            school_id,
            password_hash: Some(&hash),
            curated_schools: &curated,
        })
        .await;
    let id = match created {
        Ok(id) => id,
        // Taken by a request that came in between: the form again, with the reason.
        Err(StoreError::Conflict(m)) => {
            return fail_with(
                StatusCode::CONFLICT,
                f,
                format!("{}.", crate::fmt::capitalised(&m)),
            )
            .await
        }
        Err(e) => return Err(e.into()),
    };
    if email.is_some() {
        st.db.set_user_email(id, email.as_deref()).await?;
    }
    let u = st.db.user_by_id(id).await?.ok_or(WebError::NotFound)?;
    st.db
        .audit_by(
            &caller.user,
            "создание пользователя",
            &user_label(&u),
            &role_and_scope(st, &u).await?,
            municipality_id,
        )
        .await?;
    Ok(Redirect::to(&format!("/users?created={}", crate::fmt::urlencode(&login))).into_response())
}

/// «роль: …; область: …» of a user, with names, for the audit log.
async fn role_and_scope(st: &AppState, u: &User) -> WebResult<String> {
    let row = describe(st, std::slice::from_ref(u)).await?.remove(0);
    Ok(format!(
        "роль: {}; область доступа: {}",
        row.role, row.scope
    ))
}

async fn edit_page(
    st: &AppState,
    c: &Caller,
    u: &User,
    f: Option<UserForm>,
    error: String,
    message: String,
) -> WebResult<String> {
    let curated = st.db.curated_schools(u.id).await?;
    let schools: HashMap<i64, String> = st
        .db
        .schools(None)
        .await?
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect();
    let f = f.unwrap_or_else(|| UserForm {
        login: u.login.clone(),
        display_name: u.display_name.clone(),
        role: u.role.code().to_string(),
        municipality: u.municipality_id.map(|m| m.to_string()).unwrap_or_default(),
        school: u
            .school_id
            .and_then(|s| schools.get(&s).cloned())
            .unwrap_or_default(),
        curated: curated
            .iter()
            .filter_map(|s| schools.get(s).cloned())
            .collect::<Vec<_>>()
            .join(", "),
        email: u.email.clone().unwrap_or_default(),
        password: String::new(),
        repeat: String::new(),
    });
    let row = describe(st, std::slice::from_ref(u)).await?.remove(0);
    let page = EditPage {
        l: Layout::new(c, format!("Пользователь {}", u.login), "/users"),
        u: row,
        roles: role_options(c, &f.role),
        municipalities: municipality_options(st, c, &f.municipality).await?,
        f,
        error,
        message,
        is_self: u.id == c.user.id,
    };
    Ok(page.render()?)
}

async fn target(st: &AppState, c: &Caller, id: i64) -> WebResult<User> {
    c.require_user_admin()?;
    let u = st
        .db
        .user_in(&c.scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    // A municipal administrator does not manage regional operators.
    if c.role() != Role::Region && u.role == Role::Region {
        return Err(WebError::NotFound);
    }
    Ok(u)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct EditQuery {
    /// What the form before the redirect did: "saved" or "password".
    done: String,
}

/// One user's page (its name and scope are personal data: the reading is audited).
pub async fn edit(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<EditQuery>,
) -> WebResult<Html<String>> {
    let u = target(&st, &caller, id).await?;
    let message = match q.done.as_str() {
        "saved" => "Изменения сохранены.",
        "password" => "Пароль изменён, блокировка входа снята.",
        _ => "",
    };
    let html = edit_page(&st, &caller, &u, None, String::new(), message.into()).await?;
    st.db
        .audit_by(
            &caller.user,
            "просмотр пользователя",
            &user_label(&u),
            "",
            u.municipality_id,
        )
        .await?;
    Ok(Html(html))
}

pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<UserForm>,
) -> WebResult<Response> {
    let u = target(&st, &caller, id).await?;
    if f.display_name.trim().is_empty() {
        let html = edit_page(
            &st,
            &caller,
            &u,
            Some(f),
            "Укажите имя.".into(),
            String::new(),
        )
        .await?;
        return Ok((StatusCode::BAD_REQUEST, Html(html)).into_response());
    }
    if u.id == caller.user.id && f.role != u.role.code() {
        let html = edit_page(
            &st,
            &caller,
            &u,
            Some(f),
            "Нельзя изменить роль самому себе.".into(),
            String::new(),
        )
        .await?;
        return Ok((StatusCode::BAD_REQUEST, Html(html)).into_response());
    }
    let email = match email_of(&f) {
        Ok(e) => e,
        Err(e) => {
            let html = edit_page(&st, &caller, &u, Some(f), e, String::new()).await?;
            return Ok((StatusCode::BAD_REQUEST, Html(html)).into_response());
        }
    };
    let (role, municipality_id, school_id, curated) = match resolve(&st, &caller, &f).await {
        Ok(x) => x,
        Err(e) => {
            let html = edit_page(&st, &caller, &u, Some(f), e, String::new()).await?;
            return Ok((StatusCode::BAD_REQUEST, Html(html)).into_response());
        }
    };
    st.db
        .update_user(
            id,
            &NewUser {
                login: &u.login,
                display_name: f.display_name.trim(),
                role,
                municipality_id,
                school_id,
                password_hash: None,
                curated_schools: &curated,
            },
        )
        .await?;
    st.db.set_user_email(id, email.as_deref()).await?;
    st.db
        .delete_user_sessions(id, Some(&caller.token_hash))
        .await?;
    let changed = st.db.user_by_id(id).await?.ok_or(WebError::NotFound)?;
    // The address itself is personal data: the log says only that it changed.
    let email_change = match (&u.email, &changed.email) {
        (a, b) if a == b => "",
        (_, None) => "; адрес почты для уведомлений удалён",
        _ => "; адрес почты для уведомлений изменён",
    };
    let details = format!(
        "было: {}; стало: {}{email_change}",
        role_and_scope(&st, &u).await?,
        role_and_scope(&st, &changed).await?
    );
    st.db
        .audit_by(
            &caller.user,
            "изменение пользователя",
            &user_label(&changed),
            &details,
            municipality_id.or(u.municipality_id),
        )
        .await?;
    Ok(Redirect::to(&format!("/users/{id}?done=saved")).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    password: String,
    repeat: String,
}

pub async fn reset_password(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> WebResult<Response> {
    let u = target(&st, &caller, id).await?;
    if let Err(e) = check_new_password(&f.password, &f.repeat) {
        let html = edit_page(&st, &caller, &u, None, e, String::new()).await?;
        return Ok((StatusCode::BAD_REQUEST, Html(html)).into_response());
    }
    let hash = hash_password_off_runtime(f.password.clone()).await?;
    st.db.set_password_hash(id, &hash).await?;
    st.db
        .delete_user_sessions(id, Some(&caller.token_hash))
        .await?;
    st.db.clear_login_failures(&u.login).await?;
    st.db
        .audit_by(
            &caller.user,
            "сброс пароля",
            &user_label(&u),
            "",
            u.municipality_id,
        )
        .await?;
    Ok(Redirect::to(&format!("/users/{id}?done=password")).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct BlockForm {
    blocked: String,
}

pub async fn block(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<BlockForm>,
) -> WebResult<Response> {
    let u = target(&st, &caller, id).await?;
    if u.id == caller.user.id {
        return Err(WebError::BadRequest(
            "Нельзя заблокировать самого себя.".into(),
        ));
    }
    let blocked = f.blocked == "1";
    st.db.set_blocked(id, blocked).await?;
    if blocked {
        st.db.delete_user_sessions(id, None).await?;
    }
    let action = if blocked {
        "блокировка пользователя"
    } else {
        "разблокировка пользователя"
    };
    st.db
        .audit_by(&caller.user, action, &user_label(&u), "", u.municipality_id)
        .await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}
