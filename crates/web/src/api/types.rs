//! The API's own response types. The JSON the API answers is defined here,
//! not by the store's structs: a change of a table or of a store query
//! changes a `From` conversion below, never the public shape. The OpenAPI
//! schemas are derived from these types (see `openapi.rs`).
//!
//! Descriptions in `#[schemars(…)]` are user-facing documentation of the API
//! and so are Russian; `//` comments are for developers.

use opora_analytics::{checklist, ChecklistOutcome, ObjectivitySign, SchoolOutcome};
use opora_store::{plans, registry, run_index, runs, school_card, scope};
use schemars::JsonSchema;
use serde::Serialize;

/// Converts a slice of store rows into API rows.
pub fn all<'a, S: 'a, A: From<&'a S>>(rows: &'a [S]) -> Vec<A> {
    rows.iter().map(A::from).collect()
}

/// The error body of every API answer other than 200.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    rename = "Error",
    description = "Ошибка: текст по-русски и код ответа HTTP"
)]
pub struct ErrorBody {
    pub error: String,
    pub status: u16,
}

#[derive(Serialize, JsonSchema)]
#[schemars(
    description = "Область доступа: \"Region\" — вся область; {\"Municipality\": id} — муниципалитет; \
                   {\"Schools\": [id, …]} — закреплённые школы куратора; {\"School\": id} — одна школа"
)]
pub enum Scope {
    Region,
    Municipality(i64),
    Schools(Vec<i64>),
    School(i64),
}

impl From<&scope::Scope> for Scope {
    fn from(s: &scope::Scope) -> Self {
        match s {
            scope::Scope::Region => Scope::Region,
            scope::Scope::Municipality(m) => Scope::Municipality(*m),
            scope::Scope::Schools(ids) => Scope::Schools(ids.clone()),
            scope::Scope::School(id) => Scope::School(*id),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Текущий пользователь, его роль и область доступа")]
pub struct Me {
    pub login: String,
    pub display_name: String,
    #[schemars(description = "Код роли (region, municipality, methodist, school_admin, teacher)")]
    pub role: String,
    pub role_title: String,
    pub scope: Scope,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Municipality {
    pub id: i64,
    pub name: String,
    #[schemars(description = "Число школ")]
    pub schools: i64,
}

impl From<&registry::Municipality> for Municipality {
    fn from(m: &registry::Municipality) -> Self {
        Municipality {
            id: m.id,
            name: m.name.clone(),
            schools: m.schools,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct School {
    pub id: i64,
    #[schemars(description = "Код ОО")]
    pub code: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub full_name: String,
    pub short_name: String,
    #[schemars(description = "Тип ОО (СОШ, ООШ, лицей, гимназия, …)")]
    pub kind: String,
    #[schemars(description = "Местность (город, село)")]
    pub locality: String,
    pub address: String,
    pub website: String,
    #[schemars(description = "Число обучающихся")]
    pub enrolment: Option<i64>,
}

impl From<&registry::School> for School {
    fn from(s: &registry::School) -> Self {
        School {
            id: s.id,
            code: s.code.clone(),
            municipality_id: s.municipality_id,
            municipality: s.municipality.clone(),
            full_name: s.full_name.clone(),
            short_name: s.short_name.clone(),
            kind: s.kind.clone(),
            locality: s.locality.clone(),
            address: s.address.clone(),
            website: s.website.clone(),
            enrolment: s.enrolment,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Итог школы в последнем расчёте")]
pub struct LatestLine {
    pub run_id: i64,
    pub category: String,
    pub is_shnor: bool,
    pub is_low_results: bool,
    pub is_shnsu: bool,
    pub is_resilient: bool,
    pub insufficient_data: bool,
    pub effect: Option<f64>,
    pub result_index: Option<f64>,
    pub social_index: Option<f64>,
    pub reason: String,
    /// Вывод одной фразой, без статистических терминов.
    pub summary: String,
}

impl From<&registry::LatestLine> for LatestLine {
    fn from(l: &registry::LatestLine) -> Self {
        LatestLine {
            run_id: l.run_id,
            category: l.category.clone(),
            is_shnor: l.is_shnor,
            is_low_results: l.is_low_results,
            is_shnsu: l.is_shnsu,
            is_resilient: l.is_resilient,
            insufficient_data: l.insufficient_data,
            effect: l.effect,
            result_index: l.result_index,
            social_index: l.social_index,
            reason: l.reason.clone(),
            summary: l.summary.clone(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchoolRow {
    pub school: School,
    pub latest: Option<LatestLine>,
}

impl From<&registry::SchoolRow> for SchoolRow {
    fn from(r: &registry::SchoolRow) -> Self {
        SchoolRow {
            school: School::from(&r.school),
            latest: r.latest.as_ref().map(LatestLine::from),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Страница списка школ")]
pub struct SchoolPage {
    pub rows: Vec<SchoolRow>,
    #[schemars(description = "Строк по фильтру (на всех страницах)")]
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    #[schemars(description = "Расчёт, из которого взяты категории")]
    pub run_id: Option<i64>,
}

impl From<&registry::SchoolPage> for SchoolPage {
    fn from(p: &registry::SchoolPage) -> Self {
        SchoolPage {
            rows: all(&p.rows),
            total: p.total,
            page: p.page,
            pages: p.pages,
            run_id: p.run_id,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Показатель контекста по годам")]
pub struct ContextValue {
    pub code: String,
    pub name: String,
    pub unit: String,
    #[schemars(description = "Пары [год, значение]; год 0 — без привязки к году")]
    pub values: Vec<(i64, f64)>,
}

impl From<&school_card::ContextValue> for ContextValue {
    fn from(c: &school_card::ContextValue) -> Self {
        ContextValue {
            code: c.code.clone(),
            name: c.name.clone(),
            unit: c.unit.clone(),
            values: c.values.clone(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Результат школы в одной оценочной процедуре и среднее по области")]
pub struct ResultPoint {
    pub year: i64,
    pub procedure: String,
    pub subject: String,
    pub grade: i64,
    pub n: i64,
    pub mean: Option<f64>,
    pub max_score: Option<f64>,
    #[schemars(description = "Средний балл, % от максимального")]
    pub mean_pct: Option<f64>,
    pub region_mean_pct: Option<f64>,
    pub region_mean: Option<f64>,
    #[schemars(description = "Доля отметок «2», %")]
    pub share_2: Option<f64>,
    pub region_share_2: Option<f64>,
}

impl From<&school_card::ResultPoint> for ResultPoint {
    fn from(r: &school_card::ResultPoint) -> Self {
        ResultPoint {
            year: r.year,
            procedure: r.procedure.clone(),
            subject: r.subject.clone(),
            grade: r.grade,
            n: r.n,
            mean: r.mean,
            max_score: r.max_score,
            mean_pct: r.mean_pct,
            region_mean_pct: r.region_mean_pct,
            region_mean: r.region_mean,
            share_2: r.share_2,
            region_share_2: r.region_share_2,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Строка школы в одном расчёте")]
pub struct RunLine {
    pub run_id: i64,
    pub run_at: String,
    pub years: String,
    pub school_code: String,
    pub category: String,
    pub is_shnor: bool,
    pub is_low_results: bool,
    pub is_shnsu: bool,
    pub is_resilient: bool,
    pub insufficient_data: bool,
    pub n: i64,
    pub result_index: Option<f64>,
    pub social_index: Option<f64>,
    pub expected: Option<f64>,
    pub effect: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub rank: Option<i64>,
    pub percentile: Option<f64>,
    pub reason: String,
    /// Вывод одной фразой, без статистических терминов.
    pub summary: String,
}

impl From<&run_index::RunLine> for RunLine {
    fn from(l: &run_index::RunLine) -> Self {
        RunLine {
            run_id: l.run_id,
            run_at: l.run_at.clone(),
            years: l.years.clone(),
            school_code: l.school_code.clone(),
            category: l.category.clone(),
            is_shnor: l.is_shnor,
            is_low_results: l.is_low_results,
            is_shnsu: l.is_shnsu,
            is_resilient: l.is_resilient,
            insufficient_data: l.insufficient_data,
            n: l.n,
            result_index: l.result_index,
            social_index: l.social_index,
            expected: l.expected,
            effect: l.effect,
            ci_low: l.ci_low,
            ci_high: l.ci_high,
            rank: l.rank,
            percentile: l.percentile,
            reason: l.reason.clone(),
            summary: l.summary.clone(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
pub enum ChecklistStatus {
    #[serde(rename = "да")]
    Yes,
    #[serde(rename = "нет")]
    No,
    #[serde(rename = "нет данных")]
    NoData,
}

impl From<checklist::ChecklistStatus> for ChecklistStatus {
    fn from(s: checklist::ChecklistStatus) -> Self {
        match s {
            checklist::ChecklistStatus::Yes => ChecklistStatus::Yes,
            checklist::ChecklistStatus::No => ChecklistStatus::No,
            checklist::ChecklistStatus::NoData => ChecklistStatus::NoData,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Критерий чек-листа (шаг 5 методики)")]
pub struct ChecklistItem {
    #[schemars(description = "Номер критерия, 1–6")]
    pub criterion: u8,
    pub name: String,
    pub status: ChecklistStatus,
    pub value: Option<f64>,
    pub threshold: f64,
    pub explanation: String,
}

impl From<&checklist::ChecklistItem> for ChecklistItem {
    fn from(i: &checklist::ChecklistItem) -> Self {
        ChecklistItem {
            criterion: i.criterion,
            name: i.name.clone(),
            status: i.status.into(),
            value: i.value,
            threshold: i.threshold,
            explanation: i.explanation.clone(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Чек-лист критериев школы за год")]
pub struct Checklist {
    pub school_id: String,
    pub year: i32,
    pub items: Vec<ChecklistItem>,
    #[schemars(description = "Критериев с ответом «да»")]
    pub yes_count: usize,
}

impl From<&ChecklistOutcome> for Checklist {
    fn from(c: &ChecklistOutcome) -> Self {
        Checklist {
            school_id: c.school_id.clone(),
            year: c.year,
            items: all(&c.items),
            yes_count: c.yes_count,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Признак необъективности результатов (шаг 6 методики)")]
pub struct ObjectivityRow {
    pub school_id: String,
    pub year: i32,
    pub procedure: String,
    pub subject: String,
    pub grade: i32,
    #[schemars(description = "O1–O5")]
    pub sign: String,
    pub statistic: f64,
    pub threshold: f64,
    pub explanation: String,
    pub p_value: Option<f64>,
    pub q_value: Option<f64>,
}

impl From<&ObjectivitySign> for ObjectivityRow {
    fn from(o: &ObjectivitySign) -> Self {
        ObjectivityRow {
            school_id: o.school_id.clone(),
            year: o.year,
            procedure: o.procedure.clone(),
            subject: o.subject.clone(),
            grade: o.grade,
            sign: o.sign.clone(),
            statistic: o.statistic,
            threshold: o.threshold,
            explanation: o.explanation.clone(),
            p_value: o.p_value,
            q_value: o.q_value,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Чек-лист и признаки необъективности школы в последнем расчёте")]
pub struct SchoolDetails {
    pub checklist: Vec<Checklist>,
    pub objectivity: Vec<ObjectivityRow>,
}

impl From<&run_index::SchoolDetails> for SchoolDetails {
    fn from(d: &run_index::SchoolDetails) -> Self {
        SchoolDetails {
            checklist: all(&d.checklist),
            objectivity: all(&d.objectivity),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Карточка школы")]
pub struct SchoolCard {
    pub school: School,
    pub context: Vec<ContextValue>,
    pub results: Vec<ResultPoint>,
    pub runs: Vec<RunLine>,
    pub latest: SchoolDetails,
}

impl From<&school_card::SchoolCard> for SchoolCard {
    fn from(c: &school_card::SchoolCard) -> Self {
        SchoolCard {
            school: School::from(&c.school),
            context: all(&c.context),
            results: all(&c.results),
            runs: all(&c.runs),
            latest: SchoolDetails::from(&c.latest),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Сохранённый расчёт: числа по школам в области доступа")]
pub struct RunSummary {
    pub id: i64,
    #[schemars(description = "UTC, YYYY-MM-DDTHH:MM:SSZ")]
    pub at: String,
    pub actor: String,
    pub years: String,
    pub n_schools: i64,
    pub shnor: i64,
    pub low_results: i64,
    pub shnsu: i64,
    pub resilient: i64,
    pub r2: Option<f64>,
}

impl From<&runs::RunSummary> for RunSummary {
    fn from(r: &runs::RunSummary) -> Self {
        RunSummary {
            id: r.id,
            at: r.at.clone(),
            actor: r.actor.clone(),
            years: r.years.clone(),
            n_schools: r.n_schools,
            shnor: r.shnor,
            low_results: r.low_results,
            shnsu: r.shnsu,
            resilient: r.resilient,
            r2: r.r2,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Итог школы в расчёте (как schools.csv)")]
pub struct SchoolResult {
    pub school_id: String,
    pub n: u64,
    pub result_index: Option<f64>,
    pub result_se: Option<f64>,
    pub expected: Option<f64>,
    pub social_index: Option<f64>,
    pub residual: Option<f64>,
    pub effect: Option<f64>,
    pub effect_se: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub rank: Option<u64>,
    pub percentile: Option<f64>,
    pub is_shnor: bool,
    pub is_low_results: bool,
    pub is_shnsu: bool,
    pub is_resilient: bool,
    pub insufficient_data: bool,
    pub years_flagged: Vec<i32>,
    pub reason: String,
    /// Вывод одной фразой, без статистических терминов.
    pub summary: String,
    pub no_context: bool,
    pub reliability: Option<f64>,
    pub index_rank: Option<u64>,
    pub years_low_results: Vec<i32>,
    pub category: String,
}

impl From<&SchoolOutcome> for SchoolResult {
    fn from(s: &SchoolOutcome) -> Self {
        SchoolResult {
            school_id: s.school_id.clone(),
            n: s.n,
            result_index: s.result_index,
            result_se: s.result_se,
            expected: s.expected,
            social_index: s.social_index,
            residual: s.residual,
            effect: s.effect,
            effect_se: s.effect_se,
            ci_low: s.ci_low,
            ci_high: s.ci_high,
            rank: s.rank,
            percentile: s.percentile,
            is_shnor: s.is_shnor,
            is_low_results: s.is_low_results,
            is_shnsu: s.is_shnsu,
            is_resilient: s.is_resilient,
            insufficient_data: s.insufficient_data,
            years_flagged: s.years_flagged.clone(),
            reason: s.reason.clone(),
            summary: s.summary.clone(),
            no_context: s.no_context,
            reliability: s.reliability,
            index_rank: s.index_rank,
            years_low_results: s.years_low_results.clone(),
            category: s.category.clone(),
        }
    }
}

/// The schema of a value passed through in its domain crate's own JSON
/// format (model.json, the run's settings, a plan as `opora plan import
/// --format json` prints it): an object, described in docs/formats.md.
fn domain_object(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "object" })
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Расчёт: модель и школы в области доступа")]
pub struct RunDetail<'a> {
    pub summary: Option<RunSummary>,
    pub years: &'a [i32],
    #[schemars(schema_with = "domain_object", description = "Настройки расчёта")]
    pub config: &'a opora_analytics::Config,
    #[schemars(schema_with = "domain_object", description = "Модель (как model.json)")]
    pub model: &'a opora_analytics::Model,
    pub notes: &'a [String],
    pub schools: Vec<SchoolResult>,
    pub objectivity: Vec<ObjectivityRow>,
    pub checklist: Vec<Checklist>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Строка списка расчёта (как в приложении к приказу)")]
pub struct ListRow {
    pub school_code: String,
    pub municipality: String,
    pub full_name: String,
    pub short_name: String,
    pub category: String,
    pub reason: String,
    /// Вывод одной фразой, без статистических терминов.
    pub summary: String,
    pub effect: Option<f64>,
}

impl From<&run_index::ListRow> for ListRow {
    fn from(r: &run_index::ListRow) -> Self {
        ListRow {
            school_code: r.school_code.clone(),
            municipality: r.municipality.clone(),
            full_name: r.full_name.clone(),
            short_name: r.short_name.clone(),
            category: r.category.clone(),
            reason: r.reason.clone(),
            summary: r.summary.clone(),
            effect: r.effect,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Дорожная карта: заголовок и числа мероприятий")]
pub struct PlanSummary {
    pub id: i64,
    #[schemars(description = "region, municipality или school")]
    pub level: String,
    pub title: String,
    pub owner: String,
    pub municipality_id: Option<i64>,
    pub school_id: Option<i64>,
    #[schemars(description = "Школа или муниципалитет, которому принадлежит план")]
    pub unit: String,
    pub period: String,
    pub status: String,
    pub is_template: bool,
    pub version: i64,
    pub activities: i64,
    pub done: i64,
    pub overdue: i64,
    pub created_at: String,
}

impl From<&plans::PlanSummary> for PlanSummary {
    fn from(p: &plans::PlanSummary) -> Self {
        PlanSummary {
            id: p.id,
            level: p.level.clone(),
            title: p.title.clone(),
            owner: p.owner.clone(),
            municipality_id: p.municipality_id,
            school_id: p.school_id,
            unit: p.unit.clone(),
            period: p.period.clone(),
            status: p.status.clone(),
            is_template: p.is_template,
            version: p.version,
            activities: p.activities,
            done: p.done,
            overdue: p.overdue,
            created_at: p.created_at.clone(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Что пользователь может делать с планом")]
pub struct Rights {
    #[schemars(description = "Вести мероприятия: статусы, подтверждения, комментарии")]
    pub work: bool,
    #[schemars(description = "Подтверждать выполнение или возвращать на доработку")]
    pub verify: bool,
    #[schemars(
        description = "Утверждать, отправлять в архив, отменять мероприятия, распространять на школы"
    )]
    pub manage: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "План целиком с заголовком и правами пользователя")]
pub struct PlanDetail<'a> {
    pub summary: PlanSummary,
    #[schemars(
        schema_with = "domain_object",
        description = "План: разделы, мероприятия, сроки как написаны и как поняты, статусы"
    )]
    pub plan: &'a opora_plans::Plan,
    pub rights: Rights,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Просроченное мероприятие")]
pub struct OverdueActivity {
    pub activity_id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub unit: String,
    pub number: String,
    pub text: String,
    pub deadline_text: String,
    #[schemars(description = "Последний день срока, YYYY-MM-DD")]
    pub deadline_end: String,
    pub days_overdue: i64,
    pub status: String,
    pub responsible_text: String,
}

impl From<&plans::OverdueActivity> for OverdueActivity {
    fn from(o: &plans::OverdueActivity) -> Self {
        OverdueActivity {
            activity_id: o.activity_id,
            plan_id: o.plan_id,
            plan_title: o.plan_title.clone(),
            unit: o.unit.clone(),
            number: o.number.clone(),
            text: o.text.clone(),
            deadline_text: o.deadline_text.clone(),
            deadline_end: o.deadline_end.clone(),
            days_overdue: o.days_overdue,
            status: o.status.clone(),
            responsible_text: o.responsible_text.clone(),
        }
    }
}

/// An indicator's target: a number (per cent as 100, 20) or «Да»/«Нет».
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum IndicatorTarget {
    Number(f64),
    Text(String),
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Показатель программы")]
pub struct Indicator {
    pub id: i64,
    #[schemars(description = "Номер программы (плана региона или муниципалитета)")]
    pub programme_id: i64,
    pub programme: String,
    pub name: String,
    #[schemars(description = "Группа показателей из паспорта (пусто, если групп нет)")]
    pub group: String,
    #[schemars(description = "percent, count, score, yes_no")]
    pub unit: String,
    pub target: IndicatorTarget,
    #[schemars(description = "at_least (не менее), at_most (не более), equal")]
    pub direction: String,
    #[schemars(
        description = "Фактическое значение за последний период; null, пока данные не собраны"
    )]
    pub fact: Option<f64>,
    #[schemars(description = "Период факта; null, пока данные не собраны")]
    pub period: Option<String>,
    #[schemars(description = "no_data (данных нет), achieved, not_achieved")]
    pub status: String,
}

impl From<&crate::pages::indicators::facts::Fact> for Indicator {
    fn from(f: &crate::pages::indicators::facts::Fact) -> Self {
        let s = &f.indicator;
        Indicator {
            id: s.id,
            programme_id: s.plan_id,
            programme: s.programme.clone(),
            name: s.name.clone(),
            group: s.group.clone(),
            unit: s.unit.clone(),
            target: match s.target_number {
                Some(v) => IndicatorTarget::Number(v),
                None => IndicatorTarget::Text(s.target_text.clone()),
            },
            direction: s.direction.clone(),
            fact: f.value,
            period: (!f.period.is_empty()).then(|| f.period.clone()),
            status: match f.light {
                opora_indicators::Light::Grey => "no_data",
                opora_indicators::Light::Green => "achieved",
                opora_indicators::Light::Yellow | opora_indicators::Light::Red => "not_achieved",
            }
            .into(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Кампания сбора данных с полнотой и своевременностью по школам в области доступа"
)]
pub struct CampaignInfo {
    pub id: i64,
    pub title: String,
    #[schemars(
        description = "Период показателей, для которого собираются данные («февраль 2027»)"
    )]
    pub period: String,
    #[schemars(description = "Номер программы, в показатели которой идут принятые значения")]
    pub programme_id: Option<i64>,
    #[schemars(description = "Дата открытия, YYYY-MM-DD")]
    pub opens_on: String,
    #[schemars(description = "Срок сдачи, YYYY-MM-DD")]
    pub deadline: String,
    #[schemars(description = "Дата закрытия ввода, YYYY-MM-DD")]
    pub locks_on: String,
    #[schemars(description = "Школ-адресатов в области доступа")]
    pub expected: usize,
    #[schemars(description = "Отправили форму (не возвращённую)")]
    pub received: usize,
    #[schemars(description = "Отправили впервые к сроку")]
    pub on_time: usize,
    #[schemars(description = "Приняты (подтверждены регионом, где это требуется)")]
    pub accepted: usize,
    #[schemars(description = "Полнота: получено ÷ ожидается, %")]
    pub completeness: Option<f64>,
    #[schemars(description = "Своевременность: к сроку ÷ ожидается, %")]
    pub timeliness: Option<f64>,
}

impl From<&opora_store::campaigns::CampaignSummary> for CampaignInfo {
    fn from(s: &opora_store::campaigns::CampaignSummary) -> Self {
        let (c, p) = (&s.campaign, &s.progress);
        CampaignInfo {
            id: c.id,
            title: c.title.clone(),
            period: c.period.clone(),
            programme_id: c.plan_id,
            opens_on: c.opens_on.iso(),
            deadline: c.deadline.iso(),
            locks_on: c.locks_on.iso(),
            expected: p.expected,
            received: p.received,
            on_time: p.on_time,
            accepted: p.accepted,
            completeness: p.completeness(),
            timeliness: p.timeliness(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Уведомление пользователя")]
pub struct Notification {
    pub id: i64,
    #[schemars(
        description = "Вид: deadline, returned, accepted, submitted, overdue_activity, reminder"
    )]
    pub kind: String,
    #[schemars(description = "Вид по-русски («Просрочено мероприятие»)")]
    pub kind_title: String,
    pub title: String,
    pub body: String,
    #[schemars(
        description = "Адрес страницы на этом сайте («/activities/12»); пусто, если ссылки нет"
    )]
    pub link: String,
    #[schemars(description = "Когда создано, UTC: YYYY-MM-DDTHH:MM:SSZ")]
    pub created_at: String,
    pub read: bool,
    #[schemars(description = "Когда прочитано, UTC; null — не прочитано")]
    pub read_at: Option<String>,
}

impl From<&opora_store::notifications::Notification> for Notification {
    fn from(n: &opora_store::notifications::Notification) -> Self {
        Notification {
            id: n.id,
            kind: n.kind.code().to_string(),
            kind_title: n.kind.title().to_string(),
            title: n.title.clone(),
            body: n.body.clone(),
            link: n.link.clone(),
            created_at: n.created_at.clone(),
            read: n.is_read(),
            read_at: n.read_at.clone(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Уведомления пользователя: число непрочитанных и последние уведомления, новые первыми"
)]
pub struct Notifications {
    pub unread: i64,
    pub items: Vec<Notification>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Сайт школы: последняя проверка и найденные требования (подразделы «Сведения об образовательной организации» и документы программы поддержки) с учётом ручных отметок"
)]
pub struct SchoolSite {
    pub school_id: i64,
    #[schemars(description = "Код ОО")]
    pub school_code: String,
    #[schemars(description = "Краткое наименование")]
    pub school: String,
    pub municipality_id: i64,
    pub municipality: String,
    #[schemars(description = "Адрес сайта из реестра")]
    pub website: String,
    #[schemars(
        description = "Начало последней проверки (удачной или нет), UTC, YYYY-MM-DDTHH:MM:SSZ; null — сайт не проверялся"
    )]
    pub last_checked_at: Option<String>,
    #[schemars(description = "Почему последняя проверка не удалась; null — удалась (или не было)")]
    pub last_error: Option<String>,
    #[schemars(description = "Начало последней удачной проверки, UTC; её результаты и считаются")]
    pub audited_at: Option<String>,
    #[schemars(description = "Найдено требований (с учётом ручных отметок)")]
    pub found: usize,
    #[schemars(description = "Требований в списке")]
    pub total: usize,
    #[schemars(description = "Требований, отмеченных вручную")]
    pub overridden: usize,
}

impl From<&opora_store::site_audits::SchoolSiteStatus> for SchoolSite {
    fn from(s: &opora_store::site_audits::SchoolSiteStatus) -> Self {
        SchoolSite {
            school_id: s.school_id,
            school_code: s.school_code.clone(),
            school: s.school.clone(),
            municipality_id: s.municipality_id,
            municipality: s.municipality.clone(),
            website: s.website.clone(),
            last_checked_at: s.last_checked_at.clone(),
            last_error: s.last_error.clone(),
            audited_at: s.audited_at.clone(),
            found: s.found,
            total: s.total,
            overridden: s.overridden,
        }
    }
}

/// A teacher of a school in scope, with the three-year clock.
#[derive(Serialize, JsonSchema)]
#[schemars(
    description = "Педагог: должность, предметы, категория, стаж, образование, последние курсы и срок по правилу «курсы не реже раза в три года»"
)]
pub struct TeacherInfo {
    pub id: i64,
    #[schemars(description = "Код ОО школы, где педагог работает сейчас")]
    pub school_code: String,
    #[schemars(description = "Краткое наименование школы")]
    pub school: String,
    pub full_name: String,
    #[schemars(description = "Табельный номер в школе; null — не указан")]
    pub personnel_no: Option<String>,
    pub position: String,
    pub subjects: Vec<String>,
    pub grades: Vec<u8>,
    #[schemars(
        description = "Категория: highest, first, fits (соответствие занимаемой должности), none"
    )]
    pub category: String,
    pub category_title: String,
    #[schemars(description = "Педагогический стаж, полных лет; null — не указан")]
    pub experience_years: Option<i64>,
    pub education: String,
    #[schemars(description = "Специальность по диплому")]
    pub education_subject: String,
    pub young_specialist: bool,
    #[schemars(description = "Дата окончания последних курсов, YYYY-MM-DD; null — курсов нет")]
    pub last_course_end: Option<String>,
    #[schemars(description = "Полных месяцев с окончания последних курсов; null — курсов нет")]
    pub months_since: Option<i32>,
    #[schemars(
        description = "Срок: green — меньше 24 месяцев, amber — от 24 (курсы нужны в течение года), red — от 36 или курсов нет"
    )]
    pub clock: String,
    #[schemars(
        description = "Предметы, которые педагог преподаёт без профильного образования или переподготовки"
    )]
    pub uncovered_subjects: Vec<String>,
}

impl TeacherInfo {
    pub fn new(t: &opora_store::staff::teachers::Teacher, on: opora_plans::date::Date) -> Self {
        let clock = t.clock(on);
        TeacherInfo {
            id: t.id,
            school_code: t.school_code.clone(),
            school: t.school_name.clone(),
            full_name: t.fields.full_name.clone(),
            personnel_no: t.fields.personnel_no.clone(),
            position: t.fields.position.clone(),
            subjects: t.fields.subjects.clone(),
            grades: t.fields.grades.clone(),
            category: t.fields.category.code().to_string(),
            category_title: t.fields.category.title().to_string(),
            experience_years: t.fields.experience_years,
            education: t.fields.education.clone(),
            education_subject: t.fields.education_subject.clone(),
            young_specialist: t.fields.young_specialist,
            last_course_end: clock.last_course_end.map(|d| d.iso()),
            months_since: clock.months_since,
            clock: clock.light.code().to_string(),
            uncovered_subjects: t.uncovered_subjects(),
        }
    }
}

/// The teachers due for a course (the same shape as `opora staff due --format json`).
#[derive(Serialize, JsonSchema)]
#[schemars(
    description = "Педагоги, у которых последние курсы закончились больше трёх лет назад (или курсов нет), на дату"
)]
pub struct TeachersDue {
    #[schemars(description = "Дата, на которую считали, YYYY-MM-DD")]
    pub on: String,
    pub teachers: Vec<DueTeacher>,
}

#[derive(Serialize, JsonSchema)]
pub struct DueTeacher {
    #[schemars(description = "Код ОО")]
    pub school_id: String,
    #[schemars(description = "Краткое наименование школы")]
    pub school: String,
    #[schemars(description = "ФИО")]
    pub name: String,
    #[schemars(description = "Дата окончания последних курсов, YYYY-MM-DD; null — курсов нет")]
    pub last_course_end: Option<String>,
    #[schemars(description = "Полных месяцев с окончания последних курсов; null — курсов нет")]
    pub months_since: Option<i32>,
}

/// A round of the diagnostics of professional deficits.
#[derive(Serialize, JsonSchema)]
pub struct DiagnosticRound {
    pub id: i64,
    pub title: String,
    #[schemars(description = "Дата проведения, YYYY-MM-DD")]
    pub held_on: String,
}

impl From<&opora_store::staff::diagnostics::Round> for DiagnosticRound {
    fn from(r: &opora_store::staff::diagnostics::Round) -> Self {
        DiagnosticRound {
            id: r.id,
            title: r.title.clone(),
            held_on: r.held_on.iso(),
        }
    }
}

/// One cell of the heat map.
#[derive(Serialize, JsonSchema)]
pub struct HeatCell {
    pub subject: String,
    #[schemars(description = "Область компетенций: subject, methodical, psych_pedagogical")]
    pub competence: String,
    pub competence_title: String,
    #[schemars(description = "Педагогов, прошедших диагностику по предмету и области")]
    pub diagnosed: usize,
    #[schemars(description = "Из них с дефицитом (результат ниже 50 %)")]
    pub with_deficit: usize,
}

impl From<&opora_staff::diagnostics::HeatCell> for HeatCell {
    fn from(c: &opora_staff::diagnostics::HeatCell) -> Self {
        HeatCell {
            subject: c.subject.clone(),
            competence: c.competence.code().to_string(),
            competence_title: c.competence.title().to_string(),
            diagnosed: c.diagnosed,
            with_deficit: c.with_deficit,
        }
    }
}

/// The heat map of a round over the caller's scope.
#[derive(Serialize, JsonSchema)]
#[schemars(
    description = "Диагностика профессиональных дефицитов: диагностики, выбранная (по умолчанию последняя) и тепловая карта «предмет × область компетенций» по педагогам области доступа"
)]
pub struct DiagnosticsMap {
    pub rounds: Vec<DiagnosticRound>,
    #[schemars(description = "Показанная диагностика; null — диагностик нет")]
    pub round: Option<DiagnosticRound>,
    pub cells: Vec<HeatCell>,
}

/// A mentoring pair.
#[derive(Serialize, JsonSchema)]
#[schemars(
    description = "Наставническая пара: наставник и наставляемый (педагоги, возможно разных школ), форма, период, приказ, встречи"
)]
pub struct MentoringPair {
    pub id: i64,
    pub mentor_id: i64,
    pub mentor: String,
    #[schemars(description = "Код ОО наставника")]
    pub mentor_school_code: String,
    pub mentee_id: i64,
    pub mentee: String,
    pub mentee_school_code: String,
    #[schemars(description = "Форма: teacher_teacher, young_specialist, leader_school")]
    pub form: String,
    pub goals: String,
    #[schemars(description = "Начало, YYYY-MM-DD")]
    pub starts_on: String,
    #[schemars(description = "Окончание, YYYY-MM-DD; null — без срока")]
    pub ends_on: Option<String>,
    pub order_ref: String,
    #[schemars(description = "active или closed")]
    pub status: String,
    pub meetings: i64,
    #[schemars(description = "Дата последней встречи, YYYY-MM-DD; null — встреч нет")]
    pub last_meeting: Option<String>,
}

/// A programme of the catalogue.
#[derive(Serialize, JsonSchema)]
pub struct ProgrammeInfo {
    pub id: i64,
    pub title: String,
    pub provider: String,
    #[schemars(
        description = "Вид обучения: upgrade (повышение квалификации) или retraining (переподготовка)"
    )]
    pub kind: String,
    pub hours: Option<i64>,
    #[schemars(description = "Предмет; пустая строка — для всех предметов")]
    pub subject: String,
    #[schemars(
        description = "Области компетенций, дефициты которых восполняет: subject, methodical, psych_pedagogical"
    )]
    pub competences: Vec<String>,
    pub topics: Vec<String>,
    #[schemars(description = "false — выведена из каталога (в новые планы не попадает)")]
    pub active: bool,
}

impl From<&opora_store::staff::development::CatalogueProgramme> for ProgrammeInfo {
    fn from(p: &opora_store::staff::development::CatalogueProgramme) -> Self {
        let f = &p.fields;
        ProgrammeInfo {
            id: p.id,
            title: f.title.clone(),
            provider: f.provider.clone(),
            kind: f.kind.code().into(),
            hours: f.hours,
            subject: f.subject.clone(),
            competences: f.competences.iter().map(|c| c.code().into()).collect(),
            topics: f.topics.clone(),
            active: p.active,
        }
    }
}

/// A step of a development plan.
#[derive(Serialize, JsonSchema)]
pub struct DevelopmentStep {
    pub id: i64,
    #[schemars(
        description = "Вид: course, mentoring, association, self_education, open_lesson, other"
    )]
    pub kind: String,
    pub title: String,
    #[schemars(description = "Дефицит, на который направлен шаг: предмет (пусто — ни на какой)")]
    pub subject: String,
    #[schemars(description = "…и область компетенций; null — ни на какой")]
    pub competence: Option<String>,
    pub programme_id: Option<i64>,
    #[schemars(description = "Срок, YYYY-MM-DD")]
    pub due_on: String,
    #[schemars(description = "planned, done или cancelled")]
    pub status: String,
    pub done_on: Option<String>,
    pub evidence: String,
    #[schemars(
        description = "Что показала повторная диагностика по дефициту шага: not_yet, closed, persisting; null — шаг не направлен на дефицит"
    )]
    pub outcome: Option<String>,
}

/// A teacher's development plan.
#[derive(Serialize, JsonSchema)]
pub struct DevelopmentPlanInfo {
    pub id: i64,
    pub teacher_id: i64,
    pub teacher: String,
    #[schemars(description = "Код ОО, где педагог работает сейчас")]
    pub school_code: String,
    #[schemars(description = "Диагностика, по которой составлен план; null — без диагностики")]
    pub round: Option<String>,
    #[schemars(
        description = "Повторная диагностика, по которой видно, какие дефициты преодолены; null — ещё не проводилась"
    )]
    pub rediagnosis: Option<String>,
    pub starts_on: String,
    pub ends_on: String,
    #[schemars(description = "active или closed")]
    pub status: String,
    pub steps: Vec<DevelopmentStep>,
}

/// One criterion of a school in an evaluation of principals.
#[derive(Serialize, JsonSchema)]
pub struct PrincipalScore {
    #[schemars(
        description = "Критерий: results, dynamics, objectivity, roadmap, qualification, development"
    )]
    pub criterion: String,
    pub weight: u32,
    #[schemars(description = "Показатель 0–100; null — нет данных")]
    pub value: Option<f64>,
    #[schemars(description = "Баллы: вес × показатель ÷ 100")]
    pub points: Option<f64>,
    #[schemars(description = "Числа, на которых основан показатель")]
    pub basis: String,
}

/// One school in an evaluation of principals.
#[derive(Serialize, JsonSchema)]
pub struct PrincipalInfo {
    pub school_code: String,
    pub school: String,
    pub principal: String,
    #[schemars(
        description = "Итог 0–100: среднее показателей, взвешенное весами критериев с данными; null — данных нет"
    )]
    pub total: Option<f64>,
    pub scores: Vec<PrincipalScore>,
}

/// An evaluation of principals for an academic year.
#[derive(Serialize, JsonSchema)]
pub struct PrincipalEvaluation {
    #[schemars(
        description = "Учебный год по последнему календарному году: 2026 — «2025-2026 учебный год»"
    )]
    pub year: i32,
    #[schemars(description = "Дата, на которую прочитаны данные, YYYY-MM-DD")]
    pub evaluated_on: String,
    pub schools: Vec<PrincipalInfo>,
}

/// A count above the school: exact from 5 on (and 0), `"<5"` for 1 to 4.
#[derive(Serialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum MaskedCount {
    Exact(u64),
    #[schemars(description = "«<5»: от 1 до 4, скрыто")]
    Hidden(String),
}

impl MaskedCount {
    pub fn of(n: u64, mask: bool) -> MaskedCount {
        if mask && (1..5).contains(&n) {
            MaskedCount::Hidden("<5".into())
        } else {
            MaskedCount::Exact(n)
        }
    }
}

/// A school's register in numbers (no pupil).
#[derive(Serialize, JsonSchema)]
pub struct PupilCounts {
    pub school: String,
    pub school_name: String,
    pub municipality: String,
    #[schemars(description = "Обучающихся в реестре")]
    pub on_register: MaskedCount,
    #[schemars(description = "Из них с уровнем «риск» или «высокий риск»")]
    pub at_risk: MaskedCount,
    #[schemars(description = "С действующим индивидуальным маршрутом")]
    pub with_route: MaskedCount,
    #[schemars(
        description = "Сигналы без действий: риск без маршрута или с просроченным пересмотром"
    )]
    pub signals: MaskedCount,
    #[schemars(description = "Обучающихся с результатами следующих лет (для динамики)")]
    pub compared: MaskedCount,
    #[schemars(
        description = "Доля улучшивших результаты, %; null — нет данных или меньше 5 (выше школы)"
    )]
    pub improved_pct: Option<f64>,
}

impl PupilCounts {
    pub fn of(s: &opora_store::pupils::dynamics::SchoolPupils, mask: bool) -> PupilCounts {
        let hidden = mask && s.dynamics.total() < 5;
        PupilCounts {
            school: s.code.clone(),
            school_name: s.school.clone(),
            municipality: s.municipality.clone(),
            on_register: MaskedCount::of(s.on_register, mask),
            at_risk: MaskedCount::of(s.at_risk, mask),
            with_route: MaskedCount::of(s.with_route, mask),
            signals: MaskedCount::of(s.signals, mask),
            compared: MaskedCount::of(s.dynamics.total(), mask),
            improved_pct: if hidden {
                None
            } else {
                s.dynamics.better_pct()
            },
        }
    }
}

/// A pupil's latest early warning.
#[derive(Serialize, JsonSchema)]
pub struct PupilWarning {
    #[schemars(description = "none, attention, risk, high")]
    pub level: String,
    #[schemars(description = "Полугодие: «2027-1» — первое полугодие 2026-2027 учебного года")]
    pub period: String,
    pub triggers: Vec<String>,
}

/// A pupil's active route.
#[derive(Serialize, JsonSchema)]
pub struct PupilRouteInfo {
    pub id: i64,
    #[schemars(description = "Уровень поддержки: 1, 2, 3")]
    pub tier: String,
    pub started_on: String,
    pub next_review: String,
}

/// A pupil on the register, under the pseudonymous key only.
#[derive(Serialize, JsonSchema)]
pub struct PupilInfo {
    pub id: i64,
    #[schemars(description = "Псевдонимный код обучающегося из файлов результатов")]
    pub key: String,
    pub school: String,
    pub class_name: String,
    #[schemars(description = "Параллель в текущем учебном году")]
    pub grade: i64,
    #[schemars(description = "noo, ooo, soo")]
    pub level: Option<String>,
    pub subjects: Vec<String>,
    #[schemars(
        description = "Коды причин: learning_gaps, attendance, health, family, language, motivation, behaviour"
    )]
    pub causes: Vec<String>,
    #[schemars(description = "active — на учёте, left — снят")]
    pub status: String,
    pub warning: Option<PupilWarning>,
    pub route: Option<PupilRouteInfo>,
}

impl PupilInfo {
    pub fn of(
        p: &opora_store::pupils::register::Pupil,
        today: opora_plans::date::Date,
    ) -> PupilInfo {
        PupilInfo {
            id: p.id,
            key: p.student_key.clone(),
            school: p.school_code.clone(),
            class_name: p.fields.class_name.clone(),
            grade: p.grade_on(today),
            level: p.level_on(today).map(|l| l.code().to_string()),
            subjects: p.fields.subjects.clone(),
            causes: p
                .fields
                .causes
                .iter()
                .map(|c| c.code().to_string())
                .collect(),
            status: p.status.code().to_string(),
            warning: p
                .warning
                .as_ref()
                .map(|(level, period, json)| PupilWarning {
                    level: level.code().to_string(),
                    period: period.clone(),
                    triggers: opora_store::pupils::warnings::describe_triggers(json),
                }),
            route: p.route.as_ref().map(|r| PupilRouteInfo {
                id: r.id,
                tier: r.tier.code().to_string(),
                started_on: r.started_on.iso(),
                next_review: r.next_review().iso(),
            }),
        }
    }
}

/// An event's school.
#[derive(Serialize, JsonSchema)]
pub struct EventSchool {
    #[schemars(description = "Код ОО")]
    pub code: String,
    pub name: String,
}

/// Participants of an event by attendance.
#[derive(Serialize, JsonSchema)]
pub struct EventCounts {
    #[schemars(description = "Приглашены, присутствие ещё не отмечено")]
    pub invited: i64,
    pub attended: i64,
    pub absent: i64,
}

/// An event of the calendar.
#[derive(Serialize, JsonSchema)]
#[schemars(
    description = "Мероприятие: вид, уровень, сроки, место, организатор, школы, численность участников"
)]
pub struct EventInfo {
    pub id: i64,
    #[schemars(description = "Тема")]
    pub title: String,
    #[schemars(
        description = "Вид: seminar, webinar, association (РМО, ШМО), round_table, master_class, open_lesson, conference, consultation, internship, contest, teachers_council, heads_meeting"
    )]
    pub kind: String,
    pub kind_title: String,
    #[schemars(description = "Уровень: federal, regional, municipal, school")]
    pub level: String,
    pub level_title: String,
    #[schemars(description = "Состояние: planned, held, cancelled")]
    pub status: String,
    pub status_title: String,
    #[schemars(description = "Первый день, ГГГГ-ММ-ДД")]
    pub starts_on: String,
    #[schemars(description = "Последний день многодневного мероприятия; null — один день")]
    pub ends_on: Option<String>,
    #[schemars(description = "Начало, ЧЧ:ММ (местное время региона)")]
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: String,
    pub organiser: String,
    #[schemars(description = "Чьё мероприятие: муниципалитет, школа или регион")]
    pub owner: String,
    pub municipality_id: Option<i64>,
    pub hours: Option<u32>,
    #[schemars(
        description = "Выдаётся удостоверение о повышении квалификации: присутствовавшим курс записывается в сведения о курсах"
    )]
    pub certificate: bool,
    #[schemars(
        description = "Присутствие учитывается как методическая поддержка педагога (поле кадры.поддержка)"
    )]
    pub methodical_support: bool,
    pub cancel_reason: String,
    #[schemars(description = "Школы, для которых мероприятие; пусто — открытое")]
    pub schools: Vec<EventSchool>,
    pub participants: EventCounts,
}

impl From<&opora_store::events::register::Event> for EventInfo {
    fn from(e: &opora_store::events::register::Event) -> Self {
        let f = &e.fields;
        let s = &f.schedule;
        EventInfo {
            id: e.id,
            title: f.title.clone(),
            kind: f.kind.code().into(),
            kind_title: f.kind.title().into(),
            level: f.level.code().into(),
            level_title: f.level.title().into(),
            status: e.status.code().into(),
            status_title: e.status.title().into(),
            starts_on: s.starts_on.iso(),
            ends_on: s.ends_on.map(|d| d.iso()),
            starts_at: s.starts_at.map(opora_events::schedule::time_text),
            ends_at: s.ends_at.map(opora_events::schedule::time_text),
            place: f.place.clone(),
            organiser: f.organiser.clone(),
            owner: e.owner.clone(),
            municipality_id: f.municipality_id,
            hours: f.hours,
            certificate: f.certificate,
            methodical_support: f.kind.is_methodical_support(),
            cancel_reason: e.cancel_reason.clone(),
            schools: e
                .targets
                .iter()
                .map(|t| EventSchool {
                    code: t.code.clone(),
                    name: t.short_name.clone(),
                })
                .collect(),
            participants: EventCounts {
                invited: e.counts.invited,
                attended: e.counts.attended,
                absent: e.counts.absent,
            },
        }
    }
}

/// A participant of an event (staff data: only within the caller's scope).
#[derive(Serialize, JsonSchema)]
pub struct EventParticipant {
    pub teacher_id: i64,
    pub full_name: String,
    pub school: String,
    #[schemars(description = "Присутствие: invited, attended, absent")]
    pub attendance: String,
    #[schemars(description = "Курс записан в сведения о курсах педагога")]
    pub course_written: bool,
    #[schemars(description = "У педагога есть действующий план развития, мероприятие — его шаг")]
    pub in_development_plan: bool,
}

impl From<&opora_store::events::participants::Participant> for EventParticipant {
    fn from(p: &opora_store::events::participants::Participant) -> Self {
        EventParticipant {
            teacher_id: p.teacher_id,
            full_name: p.full_name.clone(),
            school: p.school_name.clone(),
            attendance: p.attendance.code().into(),
            course_written: p.course_id.is_some(),
            in_development_plan: p.in_plan,
        }
    }
}

/// A decision of an event's protocol.
#[derive(Serialize, JsonSchema)]
pub struct EventDecision {
    pub id: i64,
    pub text: String,
    pub responsible: String,
    #[schemars(description = "Срок, как записан")]
    pub deadline: String,
    #[schemars(
        description = "Мероприятие дорожной карты, в которое перенесено решение; null — не перенесено"
    )]
    pub activity_id: Option<i64>,
    pub plan_id: Option<i64>,
}

impl From<&opora_store::events::protocol::Decision> for EventDecision {
    fn from(d: &opora_store::events::protocol::Decision) -> Self {
        EventDecision {
            id: d.id,
            text: d.fields.text.clone(),
            responsible: d.fields.responsible.clone(),
            deadline: d.fields.deadline.clone(),
            activity_id: d.activity.as_ref().map(|a| a.activity_id),
            plan_id: d.activity.as_ref().map(|a| a.plan_id),
        }
    }
}

/// An event with its description, protocol, decisions and the participants
/// the caller may see.
#[derive(Serialize, JsonSchema)]
pub struct EventDetail {
    #[serde(flatten)]
    pub event: EventInfo,
    pub description: String,
    pub materials: String,
    pub protocol: String,
    pub decisions: Vec<EventDecision>,
    #[schemars(
        description = "Участники из школ вашей области доступа (учителю — только он сам); чтение записывается в журнал"
    )]
    pub participant_list: Vec<EventParticipant>,
}

/// An order of the register.
#[derive(Serialize, JsonSchema)]
#[schemars(description = "Приказ реестра: номер, дата, название, вид, кто издал, что утверждает")]
pub struct OrderInfo {
    pub id: i64,
    pub number: String,
    #[schemars(description = "Дата подписания, ГГГГ-ММ-ДД")]
    pub signed_on: String,
    pub title: String,
    #[schemars(description = "Вид: lists (перечни ШНОР и ШНСУ), roadmap, events, other")]
    pub kind: String,
    pub kind_title: String,
    #[schemars(description = "Кто издал: регион или муниципалитет")]
    pub issuer: String,
    pub municipality_id: Option<i64>,
    #[schemars(description = "Расчёт, перечни которого утверждены приказом")]
    pub run_id: Option<i64>,
    pub plan_id: Option<i64>,
    #[schemars(description = "Имя файла подписанного приказа; пусто — файла нет")]
    pub file_name: String,
    #[schemars(description = "Этот приказ утвердил действующие перечни")]
    pub in_force: bool,
}

impl OrderInfo {
    pub fn of(o: &opora_store::orders::Order, in_force: Option<i64>) -> OrderInfo {
        OrderInfo {
            id: o.id,
            number: o.fields.number.clone(),
            signed_on: o.fields.signed_on.iso(),
            title: o.fields.title.clone(),
            kind: o.fields.kind.code().into(),
            kind_title: o.fields.kind.title().into(),
            issuer: o.issuer.clone(),
            municipality_id: o.fields.municipality_id,
            run_id: o.fields.run_id,
            plan_id: o.fields.plan_id,
            file_name: o.file_name.clone(),
            in_force: in_force == Some(o.id),
        }
    }
}
