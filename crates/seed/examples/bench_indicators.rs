//! How long computing a programme's indicators takes over a region of
//! 1,000 schools, from the database (issue 12 benchmark).
//!
//! Builds a demo region of 1,000 schools (three years of results, a saved
//! identification run), a regional programme with the demo passport's
//! indicators and their formulas, an open period, and a campaign to every
//! school with an accepted answer from each. Then times
//! `Db::compute_programme`: the first computation (every value written with
//! its lists), a second one with nothing changed, and one after a school's
//! answer changed. Run on SQLite (default) or PostgreSQL:
//!
//! ```sh
//! cargo run --release -p opora-seed --example bench_indicators
//! cargo run --release -p opora-seed --example bench_indicators -- postgres://postgres@127.0.0.1:5432/test
//! ```

use opora_indicators::campaign::{Step, Value};
use opora_plans::{Date, Level, Plan};
use opora_store::campaigns::NewCampaign;
use opora_store::indicator_values::Source;
use opora_store::plans::PlanLinks;
use opora_store::Db;
use std::collections::BTreeMap;
use std::time::Instant;

const FORMULAS: [(&str, &str); 3] = [
    ("на сайтах", "вид: доля\nзнаменатель: шнор = да или шнсу = да\nчислитель: анкета.программа = да"),
    ("учителей", "вид: доля суммы анкета.диагностика от суммы анкета.педагоги\nзнаменатель: шнор = да или шнсу = да"),
    ("ОГЭ", "вид: доля\nзнаменатель: (шнор = да или шнсу = да) и есть(огэ.математика.прошлый)\nчислитель: огэ.математика - огэ.математика.прошлый > 0"),
];

fn answer(school: i64, programme: bool) -> BTreeMap<String, Value> {
    let teachers = 18 + (school * 7) % 40;
    BTreeMap::from([
        ("педагоги".into(), Value::Number(teachers as f64)),
        ("диагностика".into(), Value::Number((teachers / 2) as f64)),
        ("программа".into(), Value::YesNo(programme)),
    ])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::args().nth(1);
    let dir = tempfile::tempdir()?;
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files)?;
    let opts = opora_demo::DemoOptions {
        schools: Some(1000),
        ..Default::default()
    };
    let summary = opora_demo::write_demo(&files, &opts)?;
    let db = match &url {
        Some(u) => {
            let schema = format!("bench_indicators_{}", std::process::id());
            {
                let db = Db::connect_postgres(u, Some(&schema)).await?;
                db.migrate().await?;
                db
            }
        }
        None => Db::open(None, dir.path()).await?,
    };
    let started = Instant::now();
    opora_seed::region::import_files(&db, &files, "bench").await?;
    opora_seed::story::ensure_run(&db).await?;
    eprintln!(
        "region of {} schools loaded in {:.1} s",
        summary.schools,
        started.elapsed().as_secs_f64()
    );

    let plan = Plan::new(Level::Region, "Региональная программа (бенчмарк)");
    let saved = db
        .save_plan(
            &plan,
            &PlanLinks {
                municipality_id: None,
                school_id: None,
            },
            None,
            "bench",
        )
        .await?;
    let passport = "Показатели\tИндикаторы\nДоля ШНОР и ШНСУ, на сайтах которых размещена программа\t100%\nДоля учителей, прошедших диагностику\t50%\nДоля школ с положительной динамикой ОГЭ по математике\t20%\nУчастие в мероприятиях межрегионального уровня\tДа\n";
    let set = opora_indicators::passport::indicators_from_document(
        &opora_plans::Document::from_tsv_text(passport),
        "паспорт",
    )?;
    db.save_indicators(saved.id, &set, "паспорт", "bench")
        .await?;
    for i in db.indicators(saved.id).await? {
        if let Some((_, f)) = FORMULAS.iter().find(|(k, _)| i.name.contains(k)) {
            db.set_indicator_source(i.id, Source::Formula, f, "bench")
                .await?;
        }
    }
    let today = Date::today();
    db.add_period(saved.id, "бенчмарк", today, "bench").await?;
    let schools: Vec<i64> = db.schools(None).await?.iter().map(|s| s.id).collect();
    let form = "педагоги: Педагогов | целое | обязательно\nдиагностика: Прошли диагностику | целое | обязательно\nпрограмма: Программа на сайте | да/нет | обязательно\n";
    let id = db
        .create_campaign(
            &NewCampaign {
                title: "Бенчмарк".into(),
                period: "бенчмарк".into(),
                municipality_id: None,
                plan_id: Some(saved.id),
                form: form.into(),
                opens_on: today,
                deadline: today,
                locks_on: today,
                region_step: false,
                schools: schools.clone(),
            },
            "bench",
        )
        .await?;
    let campaign = db.campaign(id).await?.expect("campaign");
    let rows: Vec<(i64, BTreeMap<String, Value>)> = schools
        .iter()
        .map(|&s| (s, answer(s, s % 3 != 0)))
        .collect();
    db.save_answers(&campaign, &rows, true, today, "bench")
        .await?;
    let none = BTreeMap::new();
    for &s in &schools {
        db.review_answer(&campaign, s, Step::Accept, "", &none, "bench")
            .await?;
    }

    let time = |label: &'static str, seconds: f64, changed: usize| {
        println!("{label:<44} {seconds:>8.3} s   values written: {changed}");
    };
    let t = Instant::now();
    let changed = db.compute_programme(saved.id, "bench").await?;
    time(
        "first computation (3 formulas, 1,000 schools)",
        t.elapsed().as_secs_f64(),
        changed,
    );
    let t = Instant::now();
    let changed = db.compute_programme(saved.id, "bench").await?;
    time("again, nothing changed", t.elapsed().as_secs_f64(), changed);
    // One supported school's answer changes: returned, corrected, accepted.
    let s = db
        .supported_schools_in(&opora_store::scope::Scope::Region)
        .await?[0];
    db.review_answer(&campaign, s, Step::Return, "проверьте", &none, "bench")
        .await?;
    db.save_answer(&campaign, s, &answer(s, s % 3 == 0), true, today, "bench")
        .await?;
    db.review_answer(&campaign, s, Step::Accept, "", &none, "bench")
        .await?;
    let t = Instant::now();
    let changed = db.compute_programme(saved.id, "bench").await?;
    time(
        "after one school's answer changed",
        t.elapsed().as_secs_f64(),
        changed,
    );
    let t = Instant::now();
    let facts = db.school_facts(saved.id, "бенчмарк").await?;
    time(
        "of which: gathering the facts of 1,000 schools",
        t.elapsed().as_secs_f64(),
        facts.schools.len(),
    );
    let opora: Vec<String> = db
        .programme_values(saved.id)
        .await?
        .iter()
        .map(|v| v.value_text.clone())
        .collect();
    db.close().await;
    if let Some(u) = &url {
        // The benchmark's own schema goes away with it.
        if let Db::Postgres(p) = Db::connect_postgres(u, None).await? {
            let schema = format!("bench_indicators_{}", std::process::id());
            sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .execute(&p)
                .await?;
        }
    }
    spreadsheet(&facts, dir.path(), &opora)?;
    Ok(())
}

/// The same three indicators as the coordinator's spreadsheet computes them:
/// one row per school and COUNTIFS/SUMPRODUCT formulas, recalculated by
/// LibreOffice Calc (headless, CSV → XLSX: load, calculate, save).
fn spreadsheet(
    facts: &opora_store::school_facts::Facts,
    dir: &std::path::Path,
    opora: &[String],
) -> anyhow::Result<()> {
    use opora_indicators::formula::FieldValue;
    use std::fmt::Write as _;
    let Ok(soffice) = which("soffice") else {
        println!("LibreOffice (soffice) not found: no side-by-side figure");
        return Ok(());
    };
    let mut csv =
        String::from("школа,ШНОР или ШНСУ,программа,педагоги,диагностика,огэ,огэ прошлый\n");
    let yes = |v: Option<&FieldValue>| matches!(v, Some(FieldValue::YesNo(true)));
    let num = |v: Option<&FieldValue>| match v {
        Some(FieldValue::Number(x)) => x.to_string(),
        _ => String::new(),
    };
    for s in &facts.schools {
        let v = &s.values;
        let supported = yes(v.get("шнор")) || yes(v.get("шнсу"));
        writeln!(
            csv,
            "{},{},{},{},{},{},{}",
            s.school_id,
            if supported { "да" } else { "нет" },
            if yes(v.get("анкета.программа")) {
                "да"
            } else {
                "нет"
            },
            num(v.get("анкета.педагоги")),
            num(v.get("анкета.диагностика")),
            num(v.get("огэ.математика")),
            num(v.get("огэ.математика.прошлый")),
        )?;
    }
    let n = facts.schools.len() + 1;
    let yes_in = |col: char| format!("{col}2:{col}{n};\"\"да\"\"");
    writeln!(
        csv,
        "итог,\"=100*COUNTIFS({b};{c})/COUNTIF({b})\",\"=100*SUMIFS(E2:E{n};{b})/SUMIFS(D2:D{n};{b})\",\"=100*SUMPRODUCT((B2:B{n}=\"\"да\"\")*(G2:G{n}<>\"\"\"\")*(F2:F{n}-G2:G{n}>0))/SUMPRODUCT((B2:B{n}=\"\"да\"\")*(G2:G{n}<>\"\"\"\"))\",,,",
        b = yes_in('B'),
        c = yes_in('C'),
    )?;
    let input = dir.join("table.csv");
    std::fs::write(&input, csv)?;
    let out = dir.join("calc");
    let t = Instant::now();
    let status = std::process::Command::new(&soffice)
        .args(["--headless", "--convert-to", "csv", "--outdir"])
        .arg(&out)
        .arg(&input)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    let seconds = t.elapsed().as_secs_f64();
    println!(
        "LibreOffice Calc: load 1,000 rows, compute the same 3  {seconds:>8.3} s   ({status}; includes starting Calc)"
    );
    let result = std::fs::read_to_string(out.join("table.csv")).unwrap_or_default();
    println!(
        "Calc's values:  {}",
        result.lines().last().unwrap_or_default()
    );
    println!("Opora's values: {}", opora.join(" | "));
    Ok(())
}

fn which(program: &str) -> std::io::Result<std::path::PathBuf> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(program))
                .find(|p| p.is_file())
        })
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, program.to_string()))
}
