//! The orders register (`/orders`, issue 16): the region's and the
//! municipalities' orders with their signed files; an order approving the
//! lists of ШНОР and ШНСУ names its run, whose lists (the run's export) are
//! the order's appendices, and makes them the lists in force.
//!
//! The region registers its orders (and alone approves lists); a
//! municipality registers its own; everyone reads the orders of their
//! scope and downloads their files (each download audited).

use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Multipart, Path, Query};
use crate::pages::plans::activity::attachment;
use crate::pages::plans::{off_runtime, read_form, sha256_hex, MAX_PLAN_FILE};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::clock::today;
use opora_plans::date::Date;
use opora_store::orders::{Order, OrderFields, OrderFile, OrderKind};
use opora_store::users::Role;

pub struct OrderLine {
    pub id: i64,
    pub number: String,
    pub signed_on: String,
    pub title: String,
    pub kind: &'static str,
    pub issuer: String,
    pub run_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub file_name: String,
    /// The order whose lists are in force.
    pub in_force: bool,
}

impl OrderLine {
    fn of(o: &Order, in_force: Option<i64>) -> OrderLine {
        OrderLine {
            id: o.id,
            number: o.fields.number.clone(),
            signed_on: o.fields.signed_on.ru(),
            title: o.fields.title.clone(),
            kind: o.fields.kind.title(),
            issuer: o.issuer.clone(),
            run_id: o.fields.run_id,
            plan_id: o.fields.plan_id,
            file_name: o.file_name.clone(),
            in_force: in_force == Some(o.id),
        }
    }
}

#[derive(Template)]
#[template(path = "orders.html")]
struct OrdersPage {
    l: Layout,
    orders: Vec<OrderLine>,
    /// (order reference, run id) of the lists in force.
    in_force: Option<(String, i64)>,
    latest_run: Option<i64>,
    registers: bool,
    approves_lists: bool,
    kinds: Vec<(&'static str, &'static str)>,
    runs: Vec<(i64, String)>,
    plans: Vec<(i64, String)>,
    run: String,
    today: String,
    notice: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub struct OrdersQuery {
    #[serde(default)]
    pub done: String,
    /// The run to approve, when the form is opened from a run's page.
    #[serde(default)]
    pub run: String,
}

/// Whether the caller registers orders: the region and a municipality.
fn registers(c: &Caller) -> bool {
    matches!(c.role(), Role::Region | Role::Municipality)
}

pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<OrdersQuery>,
) -> WebResult<Html<String>> {
    let orders = st.db.orders(&caller.scope).await?;
    let approving = st.db.approving_order().await?;
    let registers = registers(&caller);
    let runs = if caller.is_region() {
        st.db
            .runs()
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    format!(
                        "№ {} от {} — ШНОР {}, ШНСУ {}",
                        r.id,
                        crate::fmt::date(&r.at),
                        r.shnor,
                        r.shnsu
                    ),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let plans = if registers {
        st.db
            .plans(&caller.scope, today())
            .await?
            .into_iter()
            .filter(|p| !p.is_template && p.school_id.is_none())
            .map(|p| (p.id, p.title))
            .collect()
    } else {
        Vec::new()
    };
    let page = OrdersPage {
        l: Layout::new(&caller, "Приказы", "/orders"),
        orders: orders
            .iter()
            .map(|o| OrderLine::of(o, approving.as_ref().map(|a| a.id)))
            .collect(),
        in_force: approving
            .as_ref()
            .and_then(|o| o.fields.run_id.map(|r| (o.reference(), r))),
        latest_run: st.db.latest_run_ids().await?.0,
        registers,
        approves_lists: caller.is_region(),
        kinds: OrderKind::ALL
            .iter()
            .filter(|k| caller.is_region() || **k != OrderKind::Lists)
            .map(|k| (k.code(), k.title()))
            .collect(),
        runs,
        plans,
        run: q.run.clone(),
        today: today().ru(),
        notice: match q.done.as_str() {
            "added" => "Приказ внесён в реестр.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    mp: Multipart,
) -> WebResult<Response> {
    if !registers(&caller) {
        return Err(WebError::Forbidden(
            "Приказы вносят региональный оператор и муниципалитет.".into(),
        ));
    }
    let form = read_form(mp, MAX_PLAN_FILE).await?;
    let get = |k: &str| form.fields.get(k).cloned().unwrap_or_default();
    let kind = OrderKind::from_code(&get("kind"))
        .ok_or_else(|| WebError::Unprocessable("Вид приказа: выберите из списка.".into()))?;
    let signed_on = Date::parse(&get("signed_on")).ok_or_else(|| {
        WebError::Unprocessable(format!(
            "Дата приказа: «{}» — не дата; напишите её как 15.09.2026.",
            get("signed_on")
        ))
    })?;
    let id_of = |k: &str, label: &str| -> WebResult<Option<i64>> {
        match get(k).as_str() {
            "" => Ok(None),
            v => v
                .parse()
                .map(Some)
                .map_err(|_| WebError::Unprocessable(format!("{label}: выберите из списка."))),
        }
    };
    let fields = OrderFields {
        number: get("number"),
        signed_on,
        title: get("title"),
        kind,
        municipality_id: if caller.is_region() {
            None
        } else {
            caller.user.municipality_id
        },
        run_id: id_of("run", "Расчёт")?,
        plan_id: id_of("plan", "Дорожная карта")?,
    };
    let file = match form.file {
        Some((name, bytes)) => Some(
            off_runtime(move || OrderFile {
                media_type: crate::pages::plans::activity::media_type(&name).to_string(),
                sha256: sha256_hex(&bytes),
                name,
                content: bytes,
            })
            .await?,
        ),
        None => None,
    };
    st.db
        .add_order(&caller.scope, &fields, file.as_ref(), &caller.user.login)
        .await?;
    Ok(Redirect::to("/orders?done=added").into_response())
}

pub async fn file(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let order = st
        .db
        .order(&caller.scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let file = st
        .db
        .order_file(&order, &caller.user.login)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(attachment(&file.name, file.content))
}
