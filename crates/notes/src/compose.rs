//! The note composed from Opora's data, for a school, a municipality or the
//! region, on a date:
//!
//! 1. the identification status in the lists in force (the order that
//!    approved them) and its reasons in plain Russian, with the history of
//!    runs;
//! 2. results and their dynamics against the region, with charts;
//! 3. the checklist and the signs of non-objective results;
//! 4. roadmap execution (activities done, overdue);
//! 5. staff (the three-year rule, deficits, development plans, support);
//! 6. pupils with low results (counts; under 5 hidden above the school);
//! 7. events of the last year;
//! 8. recommendations chosen by the rules of [`recommendations`].
//!
//! A municipality's and the region's notes hold the same parts summed over
//! their schools, with a line per school (municipality) or per
//! municipality (region).

use crate::model::{Note, Section};
use crate::NoteError;
use opora_io::charts::{line_chart, Series};
use opora_plans::date::Date;
use opora_store::events::register::EventFilter;
use opora_store::registry::School;
use opora_store::school_card::{ResultPoint, SchoolCard};
use opora_store::scope::Scope;
use opora_store::Db;
use std::collections::{BTreeMap, BTreeSet};

/// Whom a note is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A school by code.
    School(String),
    Municipality(i64),
    Region,
}

/// A number with a decimal comma and `decimals` places; «—» when absent.
fn num(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.decimals$}").replace('.', ","),
        _ => "—".into(),
    }
}

/// A share «12 из 40 (30,0 %)».
fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".into();
    }
    format!(
        "{part} из {whole} ({} %)",
        num(Some(part as f64 * 100.0 / whole as f64), 1)
    )
}

/// A count above the school: 1 to 4 hidden as «< 5».
fn masked(n: u64, mask: bool) -> String {
    if mask && (1..5).contains(&n) {
        "< 5".into()
    } else {
        n.to_string()
    }
}

/// «2024-2025 учебный год» of a results year (the year it ends in).
fn academic(year: i64) -> String {
    format!("{}-{}", year - 1, year)
}

/// What the rules read about a subject.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    pub schools: u64,
    pub shnor: u64,
    pub shnsu: u64,
    pub objectivity_signs: u64,
    pub activities: i64,
    pub done: i64,
    pub overdue: i64,
    pub teachers: u64,
    pub courses_in_time: u64,
    pub with_deficit: u64,
    pub deficit_with_plan: u64,
    pub supported: u64,
    pub pupils_at_risk: u64,
    pub pupils_with_route: u64,
    pub pupil_signals: u64,
    pub events_held: u64,
    /// Results below the region in the latest year (school notes).
    pub results_below_region: u64,
}

/// Composes the note of `subject` on `on` for a caller of `scope` (a
/// subject outside it is `None`).
pub async fn compose(
    db: &Db,
    scope: &Scope,
    subject: &Subject,
    on: Date,
) -> Result<Option<Note>, NoteError> {
    let (title_subject, schools, mask) = match subject {
        Subject::School(code) => match db.school_in(scope, code).await? {
            Some(s) => (s.short_name.clone(), vec![s], false),
            None => return Ok(None),
        },
        Subject::Municipality(m) => {
            let ms = db.municipalities_in(scope).await?;
            let Some(mu) = ms.iter().find(|x| x.id == *m) else {
                return Ok(None);
            };
            let inner = scope_and(scope, &Scope::Municipality(*m));
            (mu.name.clone(), db.schools_in(&inner).await?, true)
        }
        Subject::Region => {
            if !scope.is_region() {
                return Ok(None);
            }
            (
                db.region_name().await?.unwrap_or_else(|| "Регион".into()),
                db.schools_in(&Scope::Region).await?,
                true,
            )
        }
    };
    let ids: Vec<i64> = schools.iter().map(|s| s.id).collect();
    let mut facts = Facts {
        schools: schools.len() as u64,
        ..Facts::default()
    };
    let mut snapshot = Vec::new();
    let mut sections = Vec::new();
    let mut charts = 0;

    sections.push(status(db, &schools, &mut facts, &mut snapshot).await?);
    if let Subject::School(code) = subject {
        if let Some(card) = db.school_card(scope, code).await? {
            sections.push(results(&card, &mut facts, &mut charts));
            sections.push(checklist(&card, &mut facts));
        }
    }
    sections.push(roadmaps(db, &ids, on, &mut facts).await?);
    sections.push(staff(db, &schools, on, &mut facts).await?);
    sections.push(pupils(db, &ids, on, mask, &mut facts).await?);
    sections.push(events(db, &ids, on, &mut facts).await?);
    sections.push(recommendations(
        &facts,
        matches!(subject, Subject::School(_)),
    ));
    snapshot.push(format!(
        "кадровый учёт, дорожные карты, реестры обучающихся и мероприятия — на {}",
        on.ru()
    ));
    Ok(Some(Note {
        title: "Аналитическая справка".into(),
        subject: title_subject,
        as_of: on.ru(),
        snapshot,
        sections,
    }))
}

/// The narrower of two scopes (a municipality inside a caller's scope).
fn scope_and(caller: &Scope, wanted: &Scope) -> Scope {
    match caller {
        Scope::Region => wanted.clone(),
        other => other.clone(),
    }
}

async fn status(
    db: &Db,
    schools: &[School],
    facts: &mut Facts,
    snapshot: &mut Vec<String>,
) -> Result<Section, NoteError> {
    let mut s = Section::new("Статус в перечнях ШНОР и ШНСУ");
    let order = db.approving_order().await?;
    let run = db.supported_run_id().await?;
    match (&order, run) {
        (Some(o), Some(r)) => {
            snapshot.push(format!(
                "перечни ШНОР и ШНСУ — расчёт № {r}, утверждены: {}",
                o.reference()
            ));
        }
        (None, Some(r)) => {
            snapshot.push(format!(
                "перечни ШНОР и ШНСУ — последний расчёт № {r} (приказом не утверждён)"
            ));
        }
        _ => {
            s.paragraph("Расчётов идентификации ещё не было.");
            return Ok(s);
        }
    }
    let run = run.expect("matched above");
    let lines = db.run_lines_in(&Scope::Region, run).await?;
    let by_code: BTreeMap<&str, _> = lines.iter().map(|l| (l.school_code.as_str(), l)).collect();
    let mut rows = Vec::new();
    for school in schools {
        let Some(l) = by_code.get(school.code.as_str()) else {
            continue;
        };
        facts.shnor += u64::from(l.is_shnor);
        facts.shnsu += u64::from(l.is_shnsu);
        if schools.len() == 1 {
            s.paragraph(format!(
                "По расчёту № {run} школа отнесена к категории «{}». {}",
                l.category, l.summary
            ));
            if !l.reason.is_empty() {
                s.paragraph(l.reason.clone());
            }
        } else if l.is_shnor || l.is_shnsu {
            rows.push(vec![
                school.code.clone(),
                school.short_name.clone(),
                l.category.clone(),
                l.summary.clone(),
            ]);
        }
    }
    if schools.len() > 1 {
        s.paragraph(format!(
            "Школ: {}; из них в перечне ШНОР — {}, в перечне ШНСУ — {}.",
            schools.len(),
            facts.shnor,
            facts.shnsu
        ));
        if !rows.is_empty() {
            s.table(
                &["Код", "Школа", "Категория", "Почему"],
                rows,
                &[2, 5, 3, 8],
            );
        }
    }
    Ok(s)
}

fn results(card: &SchoolCard, facts: &mut Facts, charts: &mut usize) -> Section {
    let mut s = Section::new("Результаты и их динамика");
    if card.results.is_empty() {
        s.paragraph("Результатов оценочных процедур в Опоре нет.");
        return s;
    }
    let latest = card.results.iter().map(|r| r.year).max().unwrap_or(0);
    let mut rows = Vec::new();
    for r in &card.results {
        if r.year == latest {
            if let (Some(m), Some(reg)) = (r.mean_pct, r.region_mean_pct) {
                facts.results_below_region += u64::from(m < reg);
            }
        }
        rows.push(vec![
            academic(r.year),
            format!("{}, {}, {} кл.", r.procedure, r.subject, r.grade),
            r.n.to_string(),
            num(r.mean_pct, 1),
            num(r.region_mean_pct, 1),
            num(r.share_2, 1),
            num(r.region_share_2, 1),
        ]);
    }
    s.paragraph(format!(
        "В {} учебном году результаты ниже средних по региону в {} из {} процедур.",
        academic(latest),
        facts.results_below_region,
        card.results.iter().filter(|r| r.year == latest).count()
    ));
    s.table(
        &[
            "Учебный год",
            "Процедура",
            "Участников",
            "Средний балл, % от макс.",
            "Регион, %",
            "Доля «2», %",
            "Регион, доля «2», %",
        ],
        rows,
        &[3, 6, 3, 3, 2, 2, 3],
    );
    for (title, svg) in result_charts(&card.results, academic) {
        *charts += 1;
        s.chart(title, svg, *charts);
    }
    s
}

/// One chart per procedure and subject: the school's mean (% of the
/// maximum, grades pooled and weighted by results) by year against the
/// region's, with its title; `year_label` writes an x label.
pub fn result_charts(
    results: &[ResultPoint],
    year_label: fn(i64) -> String,
) -> Vec<(String, String)> {
    let mut groups: BTreeMap<(String, String), Vec<&ResultPoint>> = BTreeMap::new();
    for r in results {
        groups
            .entry((r.procedure.clone(), r.subject.clone()))
            .or_default()
            .push(r);
    }
    let mut out = Vec::new();
    for ((procedure, subject), ps) in groups {
        let years: Vec<i64> = ps
            .iter()
            .map(|p| p.year)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let pooled = |f: fn(&ResultPoint) -> Option<f64>| -> Vec<Option<f64>> {
            years
                .iter()
                .map(|y| {
                    let (mut sw, mut sv) = (0.0, 0.0);
                    for p in ps.iter().filter(|p| p.year == *y) {
                        if let Some(v) = f(p) {
                            sw += p.n as f64;
                            sv += v * p.n as f64;
                        }
                    }
                    (sw > 0.0).then(|| sv / sw)
                })
                .collect()
        };
        let school = pooled(|p| p.mean_pct);
        if school.iter().all(Option::is_none) {
            continue;
        }
        let region = pooled(|p| p.region_mean_pct);
        let grades: BTreeSet<i64> = ps.iter().map(|p| p.grade).collect();
        let grades: Vec<String> = grades.iter().map(|g| g.to_string()).collect();
        let title = format!("{procedure}, {subject} ({} кл.)", grades.join(", "));
        let xs: Vec<String> = years.iter().map(|y| year_label(*y)).collect();
        let svg = line_chart(
            &title,
            &xs,
            &[
                Series {
                    label: "Школа".into(),
                    colour: "#1f5f99",
                    dashed: false,
                    values: school,
                },
                Series {
                    label: "Регион".into(),
                    colour: "#8a94a0",
                    dashed: true,
                    values: region,
                },
            ],
            "% от максимального балла",
            "%",
            100.0,
        );
        out.push((title, svg));
    }
    out
}

fn checklist(card: &SchoolCard, facts: &mut Facts) -> Section {
    let mut s = Section::new("Чек-лист и признаки необъективности результатов");
    let items: Vec<String> = card
        .latest
        .checklist
        .iter()
        .flat_map(|c| c.items.iter())
        .map(|i| {
            let status = match i.status {
                opora_analytics::checklist::ChecklistStatus::Yes => "да",
                opora_analytics::checklist::ChecklistStatus::No => "нет",
                opora_analytics::checklist::ChecklistStatus::NoData => "нет данных",
            };
            format!("{}. {} — {status}. {}", i.criterion, i.name, i.explanation)
        })
        .collect();
    if items.is_empty() {
        s.paragraph("Чек-лист в последнем расчёте не заполнен.");
    } else {
        s.bullets(items);
    }
    facts.objectivity_signs = card.latest.objectivity.len() as u64;
    if card.latest.objectivity.is_empty() {
        s.paragraph("Признаков необъективности результатов не выявлено.");
    } else {
        let rows = card
            .latest
            .objectivity
            .iter()
            .map(|o| {
                vec![
                    o.year.to_string(),
                    format!("{}, {}, {} кл.", o.procedure, o.subject, o.grade),
                    o.sign.clone(),
                    o.explanation.clone(),
                ]
            })
            .collect();
        s.paragraph(format!(
            "Выявлено признаков необъективности: {}.",
            card.latest.objectivity.len()
        ));
        s.table(
            &["Год", "Процедура", "Признак", "Пояснение"],
            rows,
            &[1, 4, 1, 8],
        );
    }
    s
}

async fn roadmaps(db: &Db, ids: &[i64], on: Date, facts: &mut Facts) -> Result<Section, NoteError> {
    let mut s = Section::new("Исполнение дорожных карт");
    let plans: Vec<_> = db
        .plans(&Scope::Schools(ids.to_vec()), on)
        .await?
        .into_iter()
        .filter(|p| !p.is_template && p.school_id.is_some_and(|id| ids.contains(&id)))
        .collect();
    if plans.is_empty() {
        s.paragraph("Дорожных карт школ нет.");
        return Ok(s);
    }
    let mut rows = Vec::new();
    for p in &plans {
        facts.activities += p.activities;
        facts.done += p.done;
        facts.overdue += p.overdue;
        rows.push(vec![
            p.unit.clone(),
            p.title.clone(),
            p.activities.to_string(),
            p.done.to_string(),
            p.overdue.to_string(),
        ]);
    }
    s.paragraph(format!(
        "Мероприятий в дорожных картах школ: {}; выполнено {}; просрочено {}.",
        facts.activities,
        share(facts.done as u64, facts.activities as u64),
        facts.overdue
    ));
    s.table(
        &[
            "Школа",
            "Дорожная карта",
            "Мероприятий",
            "Выполнено",
            "Просрочено",
        ],
        rows,
        &[4, 6, 2, 2, 2],
    );
    Ok(s)
}

async fn staff(
    db: &Db,
    schools: &[School],
    on: Date,
    facts: &mut Facts,
) -> Result<Section, NoteError> {
    let mut s = Section::new("Педагогические кадры");
    let all = db.region_staff_facts(on).await?;
    let mut rows = Vec::new();
    for school in schools {
        let Some(f) = all.get(&school.id) else {
            continue;
        };
        facts.teachers += f.teachers as u64;
        facts.courses_in_time += f.courses_in_time as u64;
        facts.with_deficit += f.with_deficit as u64;
        facts.deficit_with_plan += f.deficit_with_plan as u64;
        facts.supported += f.supported as u64;
        if schools.len() > 1 {
            rows.push(vec![
                school.short_name.clone(),
                f.teachers.to_string(),
                f.courses_in_time.to_string(),
                f.with_deficit.to_string(),
                f.supported.to_string(),
            ]);
        }
    }
    if facts.teachers == 0 {
        s.paragraph("Сведений о педагогах в Опоре нет.");
        return Ok(s);
    }
    s.paragraph(format!(
        "Педагогов: {}. Курсы повышения квалификации в пределах трёх лет: {}. С профессиональными дефицитами по последней диагностике: {}, из них с планом профессионального развития: {}. Получили методическую поддержку за год (план, наставник или методическое мероприятие): {}.",
        facts.teachers,
        share(facts.courses_in_time, facts.teachers),
        facts.with_deficit,
        facts.deficit_with_plan,
        share(facts.supported, facts.teachers),
    ));
    if !rows.is_empty() {
        s.table(
            &[
                "Школа",
                "Педагогов",
                "Курсы в срок",
                "С дефицитами",
                "С поддержкой",
            ],
            rows,
            &[6, 2, 2, 2, 2],
        );
    }
    Ok(s)
}

async fn pupils(
    db: &Db,
    ids: &[i64],
    on: Date,
    mask: bool,
    facts: &mut Facts,
) -> Result<Section, NoteError> {
    let mut s = Section::new("Обучающиеся с низкими образовательными результатами");
    let rows = db.pupil_summary(&Scope::Schools(ids.to_vec()), on).await?;
    let mut register = 0;
    for r in &rows {
        register += r.on_register;
        facts.pupils_at_risk += r.at_risk;
        facts.pupils_with_route += r.with_route;
        facts.pupil_signals += r.signals;
    }
    if register == 0 {
        s.paragraph("Реестры обучающихся с низкими результатами не ведутся или пусты.");
        return Ok(s);
    }
    s.paragraph(format!(
        "В реестрах: {}; из них с риском и высоким риском: {}; с индивидуальным маршрутом: {}; сигналов без действий: {}.{}",
        masked(register, mask),
        masked(facts.pupils_at_risk, mask),
        masked(facts.pupils_with_route, mask),
        masked(facts.pupil_signals, mask),
        if mask { " Числа от 1 до 4 скрыты («< 5»)." } else { "" }
    ));
    Ok(s)
}

async fn events(db: &Db, ids: &[i64], on: Date, facts: &mut Facts) -> Result<Section, NoteError> {
    let mut s = Section::new("Мероприятия за год");
    let filter = EventFilter {
        from: on.add_days(-365),
        to: Some(on),
        ..EventFilter::default()
    };
    let events: Vec<_> = db
        .events(&Scope::Region, &filter)
        .await?
        .into_iter()
        .filter(|e| {
            e.status == opora_events::EventStatus::Held
                && (e.targets.iter().any(|t| ids.contains(&t.id))
                    || e.fields.school_id.is_some_and(|id| ids.contains(&id)))
        })
        .collect();
    facts.events_held = events.len() as u64;
    if events.is_empty() {
        s.paragraph("Проведённых мероприятий для этих школ за год нет.");
        return Ok(s);
    }
    let rows = events
        .iter()
        .map(|e| {
            vec![
                e.fields.schedule.ru(),
                e.fields.title.clone(),
                e.fields.kind.title().to_string(),
                e.counts.attended.to_string(),
            ]
        })
        .collect();
    s.paragraph(format!("Проведено мероприятий: {}.", events.len()));
    s.table(
        &["Когда", "Тема", "Вид", "Присутствовали"],
        rows,
        &[3, 8, 3, 2],
    );
    Ok(s)
}

/// The recommendations: each rule is a condition on the facts and the
/// paragraph it adds.
pub fn recommendations(f: &Facts, school: bool) -> Section {
    let mut s = Section::new("Выводы и рекомендации");
    let mut items = Vec::new();
    if f.shnor + f.shnsu > 0 && f.activities == 0 {
        items.push("Разработать и утвердить дорожную карту (программу) поддержки: у школ из перечней нет плана мероприятий.".to_string());
    }
    if f.overdue > 0 {
        items.push(format!(
            "Проверить причины просрочки мероприятий дорожных карт (просрочено: {}) и скорректировать сроки или ответственных.",
            f.overdue
        ));
    }
    if f.objectivity_signs > 0 {
        items.push("Организовать общественное наблюдение и перепроверку работ: есть признаки необъективности результатов.".to_string());
    }
    if f.teachers > 0 && f.courses_in_time * 10 < f.teachers * 8 {
        items.push("Запланировать курсы повышения квалификации: менее 80 % педагогов прошли курсы в пределах трёх лет.".to_string());
    }
    if f.with_deficit > f.deficit_with_plan {
        items.push(format!(
            "Составить планы профессионального развития педагогам с дефицитами без плана ({}).",
            f.with_deficit - f.deficit_with_plan
        ));
    }
    if f.teachers > 0 && f.supported * 2 < f.teachers {
        items.push("Расширить методическую поддержку: её получили менее половины педагогов (наставничество, РМО, семинары).".to_string());
    }
    if f.pupil_signals > 0 {
        items.push("Открыть индивидуальные маршруты обучающимся с сигналами раннего предупреждения без действий.".to_string());
    }
    if school && f.results_below_region > 0 {
        items.push("Провести анализ результатов по предметам ниже средних по региону на заседаниях ШМО, включить коррекционные мероприятия в дорожную карту.".to_string());
    }
    if items.is_empty() {
        s.paragraph("По данным Опоры отклонений, требующих дополнительных мер, не выявлено; продолжить работу по дорожной карте.");
    } else {
        s.bullets(items);
    }
    s
}
