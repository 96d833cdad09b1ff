//! The OpenAPI 3.1 document of the API, served at `/api/openapi.json`.
//! Paths, parameters and summaries (Russian, user-facing) are written here;
//! every response schema is derived from the API's own types (`types.rs`),
//! so the document cannot drift from what the handlers answer.

use super::types;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Value};

/// Collects the schemas of the API types under `#/components/schemas`.
struct Schemas(SchemaGenerator);

impl Schemas {
    fn new() -> Schemas {
        let settings = SchemaSettings::draft2020_12().for_serialize().with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        });
        Schemas(settings.into_generator())
    }

    /// The schema of `T` (a `$ref` for a named type).
    fn of<T: JsonSchema>(&mut self) -> Value {
        self.0.subschema_for::<T>().to_value()
    }

    fn into_components(mut self) -> Value {
        Value::Object(self.0.take_definitions(true))
    }
}

/// A path or query parameter.
fn param(name: &str, place: &str, desc: &str, schema: Value) -> Value {
    json!({ "name": name, "in": place, "required": place == "path", "description": desc, "schema": schema })
}

/// The query parameters of the school list (the same as the page's).
fn list_query() -> Value {
    let enumerated = |values: &[&str]| json!({ "type": "string", "enum": values });
    let string = json!({ "type": "string" });
    let integer = json!({ "type": "integer" });
    json!([
        param(
            "q",
            "query",
            "Поиск по коду, названию, адресу (без учёта регистра, ё = е)",
            string.clone()
        ),
        param(
            "municipality",
            "query",
            "Идентификатор муниципалитета",
            integer.clone()
        ),
        param(
            "category",
            "query",
            "Категория в последнем расчёте",
            enumerated(&["shnor", "shnsu", "low", "resilient", "normal", "nodata"])
        ),
        param(
            "kind",
            "query",
            "Тип ОО (СОШ, ООШ, лицей, гимназия, …)",
            string.clone()
        ),
        param("locality", "query", "Местность (город, село)", string),
        param(
            "sort",
            "query",
            "Сортировка",
            enumerated(&[
                "name",
                "code",
                "municipality",
                "kind",
                "enrolment",
                "category",
                "effect"
            ])
        ),
        param(
            "dir",
            "query",
            "Направление сортировки",
            enumerated(&["asc", "desc"])
        ),
        param("page", "query", "Страница, с 1", integer.clone()),
        param("per_page", "query", "Строк на странице (1–1000)", integer),
    ])
}

/// A GET operation answering `schema` with 200, and errors with 401 and 404.
fn get(summary: &str, params: Value, desc: &str, schema: Value) -> Value {
    let err = json!({ "description": "Ошибка", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let mut op = json!({ "get": {
        "summary": summary,
        "responses": {
            "200": { "description": desc, "content": { "application/json": { "schema": schema } } },
            "401": err.clone(),
            "404": err
        }
    } });
    if params.as_array().is_some_and(|p| !p.is_empty()) {
        op["get"]["parameters"] = params;
    }
    op
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi_document() -> Value {
    let mut s = Schemas::new();
    s.of::<types::ErrorBody>();
    let none = json!([]);
    let integer = json!({ "type": "integer" });
    let paths = json!({
        "/api/me": get("Текущий пользователь, роль и область доступа", none.clone(),
            "Пользователь", s.of::<types::Me>()),
        "/api/municipalities": get("Муниципалитеты в области доступа", none.clone(),
            "Муниципалитеты", s.of::<Vec<types::Municipality>>()),
        "/api/schools": get("Школы: поиск, фильтры, сортировка, страницы", list_query(),
            "Страница списка", s.of::<types::SchoolPage>()),
        "/api/schools/{code}": get("Карточка школы",
            json!([param("code", "path", "Код ОО", json!({ "type": "string" }))]),
            "Карточка", s.of::<types::SchoolCard>()),
        "/api/runs": get("Сохранённые расчёты (числа — по школам в области доступа)", none.clone(),
            "Расчёты", s.of::<Vec<types::RunSummary>>()),
        "/api/runs/{id}": get("Расчёт: модель и школы в области доступа",
            json!([param("id", "path", "Номер расчёта", integer.clone())]),
            "Расчёт", s.of::<types::RunDetail>()),
        "/api/runs/{id}/lists/{list}": get("Список расчёта (как в приложении к приказу)",
            json!([param("id", "path", "Номер расчёта", integer.clone()),
                param("list", "path", "Список: ШНОР, ШНСУ, низкие результаты, резильентные школы",
                    json!({ "type": "string", "enum": ["shnor", "shnsu", "low", "resilient"] }))]),
            "Строки списка", s.of::<Vec<types::ListRow>>()),
        "/api/plans": get("Дорожные карты в области доступа (свои, своих школ и региональные) с числом мероприятий, выполненных и просроченных",
            none.clone(), "Планы", s.of::<Vec<types::PlanSummary>>()),
        "/api/plans/{id}": get("План целиком: разделы, мероприятия, сроки как написаны и как поняты, статусы; права пользователя на план",
            json!([param("id", "path", "Номер плана", integer)]),
            "План", s.of::<types::PlanDetail>()),
        "/api/overdue": get("Просроченные мероприятия планов своей зоны ответственности (на сегодня)", none.clone(),
            "Мероприятия", s.of::<Vec<types::OverdueActivity>>()),
        "/api/indicators": get("Показатели программ в области доступа: программа, название, единица, цель, факт за последний период с данными, период и статус (открытые периоды пересчитываются по данным)", none.clone(),
            "Показатели", s.of::<Vec<types::Indicator>>()),
        "/api/campaigns": get("Кампании сбора данных, адресованные школам в области доступа: сроки, полнота и своевременность по этим школам", none.clone(),
            "Кампании", s.of::<Vec<types::CampaignInfo>>()),
        "/api/notifications": get("Уведомления пользователя (только свои): число непрочитанных и последние 200, новые первыми", none.clone(),
            "Уведомления", s.of::<types::Notifications>()),
        "/api/sites": get("Сайты школ в области доступа (школы, у которых в реестре указан сайт): последняя проверка, найдено требований из списка с учётом ручных отметок", none.clone(),
            "Школы", s.of::<Vec<types::SchoolSite>>()),
        "/api/teachers": get("Педагоги школ в области доступа (учитель получает только свою запись): должность, предметы, категория, стаж, образование, последние курсы и срок по правилу трёх лет. Чтение записывается в журнал.",
            json!([param("school", "query", "Код ОО: только педагоги этой школы (вне области доступа — 404)", json!({ "type": "string" })),
                   param("on", "query", "Дата, на которую считать срок (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ); по умолчанию сегодня", json!({ "type": "string" }))]),
            "Педагоги", s.of::<Vec<types::TeacherInfo>>()),
        "/api/teachers/due": get("Педагоги в области доступа, у которых последние курсы повышения квалификации закончились больше трёх лет назад (или курсов нет): дольше всех без курсов — первыми в своей школе",
            json!([param("school", "query", "Код ОО: только эта школа", json!({ "type": "string" })),
                   param("on", "query", "Дата, на которую считать (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ); по умолчанию сегодня", json!({ "type": "string" }))]),
            "Педагоги", s.of::<types::TeachersDue>()),
        "/api/diagnostics": get("Диагностика профессиональных дефицитов по педагогам области доступа: список диагностик и тепловая карта «предмет × область компетенций» выбранной (по умолчанию последней); учителю — 403",
            json!([param("round", "query", "Номер диагностики; по умолчанию последняя", json!({ "type": "string" })),
                   param("school", "query", "Код ОО: только эта школа (вне области доступа — 404)", json!({ "type": "string" }))]),
            "Диагностика", s.of::<types::DiagnosticsMap>()),
        "/api/mentoring": get("Наставнические пары, в которых наставник или наставляемый работает в школе области доступа (учитель — только пары со своим участием): форма, период, приказ, число встреч",
            none.clone(), "Пары", s.of::<Vec<types::MentoringPair>>()),
        "/api/programmes": get("Каталог программ повышения квалификации: организация, вид, часы, предмет, области компетенций, дефициты которых программа восполняет, темы",
            none.clone(), "Программы", s.of::<Vec<types::ProgrammeInfo>>()),
        "/api/development-plans": get("Планы профессионального развития педагогов области доступа (учитель — только свой): шаги, сроки, состояние и что показала повторная диагностика по дефициту каждого шага. Чтение записывается в журнал.",
            none.clone(), "Планы", s.of::<Vec<types::DevelopmentPlanInfo>>()),
        "/api/principals": get("Оценка эффективности руководителей за учебный год (по умолчанию последняя) по школам области доступа: показатель, баллы и основание по каждому критерию, итог; null — оценка не проводилась; учителю — 403. Чтение записывается в журнал.",
            json!([param("year", "query", "Учебный год по последнему календарному году (2026 — 2025-2026); нет оценки за этот год — 404", json!({ "type": "string" }))]),
            "Оценка", s.of::<Option<types::PrincipalEvaluation>>()),
        "/api/pupils": get("Реестр обучающихся с низкими образовательными результатами — только пользователям школы и её куратору (остальным 404): псевдонимный код (без имён), класс, уровень образования, предметы с риском, причины, уровень раннего предупреждения с сигналами, действующий маршрут. Чтение записывается в журнал.",
            json!([param("school", "query", "Код школы: только её реестр; школа вне области доступа — 404", json!({ "type": "string" }))]),
            "Обучающиеся", s.of::<Vec<types::PupilInfo>>()),
        "/api/pupils/summary": get("Реестры обучающихся с НОР в числах по школам области доступа: в реестре, с риском, с маршрутом, сигналы без действий, доля улучшивших результаты. Выше школы числа от 1 до 4 отдаются как \"<5\", доля при менее чем 5 сравнимых — null.",
            none.clone(), "Численность", s.of::<Vec<types::PupilCounts>>()),
        "/api/orders": get("Реестр приказов области доступа (приказы региона и своего муниципалитета), новые первыми; in_force — приказ, утвердивший действующие перечни ШНОР и ШНСУ",
            none.clone(), "Приказы", s.of::<Vec<types::OrderInfo>>()),
        "/api/events": get("Мероприятия области доступа (региональные и федеральные, своего муниципалитета, своих школ и те, куда приглашены школы или педагоги): вид, уровень, сроки, место, организатор, школы, численность участников по присутствию",
            json!([param("from", "query", "Мероприятия, идущие в этот день или позже (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)", json!({ "type": "string" })),
                   param("to", "query", "…и начавшиеся не позже этого дня", json!({ "type": "string" })),
                   param("municipality", "query", "Идентификатор муниципалитета: его мероприятия и мероприятия для его школ (вне области доступа — 404)", json!({ "type": "integer" })),
                   param("school", "query", "Код ОО: мероприятия школы и для неё (вне области доступа — 404)", json!({ "type": "string" })),
                   param("kind", "query", "Вид мероприятия (код)", json!({ "type": "string" }))]),
            "Мероприятия", s.of::<Vec<types::EventInfo>>()),
        "/api/events/{id}": get("Мероприятие с описанием, материалами, протоколом, решениями (и мероприятиями дорожных карт, в которые они перенесены) и участниками из школ вашей области доступа (учителю — только он сам). Чтение участников записывается в журнал.",
            json!([param("id", "path", "Идентификатор мероприятия (вне области доступа — 404)", json!({ "type": "integer" }))]),
            "Мероприятие", s.of::<types::EventDetail>()),
        "/api/openapi.json": { "get": { "summary": "Этот документ", "security": [],
            "responses": { "200": { "description": "OpenAPI 3.1", "content": { "application/json": {} } } } } }
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Опора API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Данные реестра, расчётов идентификации ШНОР/ШНСУ и карточек школ в области доступа пользователя. \
                            Вход — через веб-форму /login (cookie сеанса opora_session). Объекты вне области доступа отвечают 404."
        },
        "components": {
            "securitySchemes": { "session": { "type": "apiKey", "in": "cookie", "name": "opora_session" } },
            "schemas": s.into_components()
        },
        "security": [{ "session": [] }],
        "paths": paths
    })
}

#[cfg(test)]
mod tests {
    use super::openapi_document;

    #[test]
    fn every_route_is_documented() {
        let doc = openapi_document();
        let paths = doc["paths"].as_object().unwrap();
        let routed = super::super::paths();
        for p in &routed {
            assert!(paths.contains_key(*p), "{p} is not in openapi.json");
        }
        for p in paths.keys() {
            assert!(
                routed.contains(&p.as_str()),
                "{p} is documented but not routed"
            );
        }
    }

    #[test]
    fn every_reference_resolves() {
        let doc = openapi_document();
        let text = doc.to_string();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{name} is referenced but not defined"
            );
        }
    }
}
