//! Школы: search (case-insensitive, ё = е), filters, sorting, pagination,
//! export to XLSX — all within the caller's scope.

use crate::auth::{Caller, Layout};
use crate::error::WebResult;
use crate::extract::Query;
use crate::fmt;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use opora_store::registry::{CategoryFilter, SchoolFilter, SchoolSort};

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub municipality: String,
    pub category: String,
    pub kind: String,
    pub locality: String,
    pub sort: String,
    pub dir: String,
    pub page: String,
}

impl ListQuery {
    pub fn filter(&self, per_page: usize) -> SchoolFilter {
        SchoolFilter {
            q: self.q.chars().take(200).collect(),
            municipality: self.municipality.trim().parse().ok(),
            category: CategoryFilter::from_code(&self.category),
            kind: Some(self.kind.clone()).filter(|k| !k.is_empty()),
            locality: Some(self.locality.clone()).filter(|k| !k.is_empty()),
            sort: SchoolSort::from_code(&self.sort).unwrap_or_default(),
            desc: self.dir == "desc",
            page: self.page.trim().parse::<usize>().unwrap_or(1).max(1),
            per_page,
        }
    }
    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone()),
            ("municipality", self.municipality.clone()),
            ("category", self.category.clone()),
            ("kind", self.kind.clone()),
            ("locality", self.locality.clone()),
            ("sort", self.sort.clone()),
            ("dir", self.dir.clone()),
        ]
    }
    /// The list's URL with this query and one value changed.
    fn with(&self, key: &'static str, value: &str) -> String {
        let mut p = self.pairs();
        p.retain(|(k, _)| *k != key);
        p.push((key, value.to_string()));
        format!("/schools{}", fmt::query(&p))
    }
}

pub struct Row {
    pub code: String,
    pub short_name: String,
    pub full_name: String,
    pub municipality: String,
    pub kind: String,
    pub locality: String,
    pub enrolment: String,
    pub category: String,
    pub cat_class: &'static str,
    pub effect: String,
}

pub struct SortLink {
    pub label: &'static str,
    pub href: String,
    pub mark: &'static str,
    pub aria: &'static str,
}

#[derive(Template)]
#[template(path = "schools.html")]
struct ListPage {
    l: Layout,
    q: ListQuery,
    rows: Vec<Row>,
    total: usize,
    page: usize,
    pages: usize,
    prev_href: String,
    next_href: String,
    export_href: String,
    municipalities: Vec<(String, String, bool)>,
    categories: Vec<(&'static str, &'static str, bool)>,
    kinds: Vec<(String, bool)>,
    localities: Vec<(String, bool)>,
    sorts: Vec<SortLink>,
    run_id: Option<i64>,
}

fn cat_class(l: &opora_store::registry::LatestLine) -> &'static str {
    if l.is_shnor {
        "cat-shnor"
    } else if l.is_shnsu {
        "cat-shnsu"
    } else if l.is_low_results {
        "cat-low"
    } else if l.is_resilient {
        "cat-resilient"
    } else {
        ""
    }
}

pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> WebResult<Html<String>> {
    let db = &st.db;
    let f = q.filter(st.cfg.per_page);
    let (run_id, all) = st.cache.school_rows(db, &caller.scope).await?;
    let page = opora_store::registry::page_of(&all, run_id, &f);
    // Filter choices from the scope's rows (no extra queries).
    let choices = st.cache.choices(db, &caller.scope).await?;
    let municipalities = choices
        .municipalities
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone(), Some(*id) == f.municipality))
        .collect();
    let rows = page
        .rows
        .iter()
        .map(|r| Row {
            code: r.school.code.clone(),
            short_name: r.school.short_name.clone(),
            full_name: r.school.full_name.clone(),
            municipality: r.school.municipality.clone(),
            kind: r.school.kind.clone(),
            locality: r.school.locality.clone(),
            enrolment: r
                .school
                .enrolment
                .map(|e| e.to_string())
                .unwrap_or_default(),
            category: r
                .latest
                .as_ref()
                .map(|l| l.category.clone())
                .unwrap_or_else(|| "нет данных".into()),
            cat_class: r.latest.as_ref().map(cat_class).unwrap_or(""),
            effect: fmt::num(r.latest.as_ref().and_then(|l| l.effect), 2),
        })
        .collect();
    let sorts = [
        ("Наименование", SchoolSort::Name),
        ("Муниципалитет", SchoolSort::Municipality),
        ("Тип", SchoolSort::Kind),
        ("Обучающихся", SchoolSort::Enrolment),
        ("Категория", SchoolSort::Category),
        ("Эффект школы", SchoolSort::Effect),
    ]
    .into_iter()
    .map(|(label, s)| {
        let current = f.sort == s;
        let dir = if current && !f.desc { "desc" } else { "" };
        let mut qq = q.clone();
        qq.sort = s.code().to_string();
        qq.dir = dir.to_string();
        qq.page = String::new();
        SortLink {
            label,
            href: format!("/schools{}", fmt::query(&qq.pairs())),
            mark: if current {
                if f.desc {
                    " ▼"
                } else {
                    " ▲"
                }
            } else {
                ""
            },
            aria: if current {
                if f.desc {
                    "descending"
                } else {
                    "ascending"
                }
            } else {
                "none"
            },
        }
    })
    .collect();
    let page_href = |p: usize| q.with("page", &p.to_string());
    let export_href = format!("/schools.xlsx{}", fmt::query(&q.pairs()));
    let view = ListPage {
        l: Layout::new(&caller, "Школы", "/schools"),
        q: q.clone(),
        rows,
        total: page.total,
        page: page.page,
        pages: page.pages,
        prev_href: if page.page > 1 {
            page_href(page.page - 1)
        } else {
            String::new()
        },
        next_href: if page.page < page.pages {
            page_href(page.page + 1)
        } else {
            String::new()
        },
        export_href,
        municipalities,
        categories: CategoryFilter::ALL
            .iter()
            .map(|c| (c.code(), c.title(), Some(*c) == f.category))
            .collect(),
        kinds: choices
            .kinds
            .iter()
            .map(|k| (k.clone(), f.kind.as_deref() == Some(k.as_str())))
            .collect(),
        localities: choices
            .localities
            .iter()
            .map(|k| (k.clone(), f.locality.as_deref() == Some(k.as_str())))
            .collect(),
        sorts,
        run_id: page.run_id,
    };
    Ok(Html(view.render()?))
}

/// The same list (all pages) as an XLSX workbook.
pub async fn export(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    use opora_io::xlsx_out::{workbook, Cell, Sheet};
    let mut f = q.filter(0);
    f.page = 0;
    let (run_id, all) = st.cache.school_rows(&st.db, &caller.scope).await?;
    let page = opora_store::registry::page_of(&all, run_id, &f);
    let rows = page
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let l = r.latest.as_ref();
            vec![
                Cell::Number(Some((i + 1) as f64)),
                Cell::Text(r.school.code.clone()),
                Cell::Text(r.school.municipality.clone()),
                Cell::Text(r.school.full_name.clone()),
                Cell::Text(r.school.short_name.clone()),
                Cell::Text(r.school.kind.clone()),
                Cell::Text(r.school.locality.clone()),
                Cell::Number(r.school.enrolment.map(|e| e as f64)),
                Cell::Text(
                    l.map(|l| l.category.clone())
                        .unwrap_or_else(|| "нет данных".into()),
                ),
                Cell::Number(l.and_then(|l| l.result_index)),
                Cell::Number(l.and_then(|l| l.social_index)),
                Cell::Number(l.and_then(|l| l.effect)),
                Cell::Text(l.map(|l| l.summary.clone()).unwrap_or_default()),
            ]
        })
        .collect();
    let header = [
        "№ п/п",
        "Код ОО",
        "Муниципалитет",
        "Полное наименование ОО",
        "Краткое наименование",
        "Тип",
        "Местность",
        "Обучающихся",
        "Категория",
        "ИПР",
        "ИСУ",
        "Эффект школы",
        "Обоснование",
    ]
    .map(String::from)
    .to_vec();
    let bytes = crate::pages::plans::off_runtime(move || {
        workbook(&[Sheet {
            name: "Школы".into(),
            header,
            rows,
        }])
    })
    .await?
    .map_err(|e| crate::WebError::Internal(e.to_string()))?;
    st.db
        .audit_by(
            &caller.user,
            "экспорт: список школ",
            "schools.xlsx",
            &format!("строк: {}", page.total),
            None,
        )
        .await?;
    Ok(crate::pages::xlsx_download(
        "schools.xlsx",
        "школы.xlsx",
        bytes,
    ))
}
