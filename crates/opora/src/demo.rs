//! `opora demo`: the synthetic region, written as canonical files, or loaded
//! into the database with demo users for every role (opora_seed).

use crate::cli::{DbArgs, DemoArgs, ScaleArg};
use anyhow::{Context, Result};
use opora_demo::{DemoOptions, Scale};
use opora_seed::{DemoSummary, DEMO_LOGINS, DEMO_PASSWORD, DEMO_REGION};
use opora_store::Db;

pub async fn run(db_args: &DbArgs, args: DemoArgs) -> Result<()> {
    let scale = match args.scale {
        ScaleArg::Region => Scale::Region,
        ScaleArg::National => Scale::National,
    };
    let opts = DemoOptions {
        scale,
        seed: args.seed,
        ..DemoOptions::default()
    };
    if let Some(out) = &args.out {
        let started = std::time::Instant::now();
        let s = opora_demo::write_demo(out, &opts)
            .with_context(|| format!("не удалось записать файлы в «{}»", out.display()))?;
        say!(
            "Записано в «{}»: муниципалитетов {}, школ {}, результатов обучающихся {} за {:.1} с.",
            out.display(),
            s.municipalities,
            s.schools,
            s.pupil_results,
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    anyhow::ensure!(
        scale == Scale::Region,
        "национальный масштаб пишется только в файлы: добавьте --out ПАПКА"
    );
    let db = db_args.open().await?;
    load(&db, args.seed).await?;
    db.close().await;
    Ok(())
}

/// Loads the demo region unless the registry already has schools.
pub async fn load_if_empty(db: &Db) -> Result<()> {
    match opora_seed::load_if_empty(db).await? {
        Some(summary) => print_loaded(&summary),
        None => say!("В базе уже есть школы: демонстрационный регион не загружается повторно."),
    }
    print_logins();
    Ok(())
}

/// Loads the demo region and the demo users (opora_seed).
pub async fn load(db: &Db, seed: u64) -> Result<()> {
    let summary = opora_seed::load(db, seed).await?;
    print_loaded(&summary);
    Ok(())
}

fn print_loaded(summary: &DemoSummary) {
    say!(
        "Демонстрационный регион «{DEMO_REGION}»: муниципалитетов {}, школ {}, результатов {}.",
        summary.municipalities,
        summary.schools,
        summary.pupil_results
    );
}

/// Printed only in demo mode (`opora serve --demo`).
pub fn print_logins() {
    say!("Демо-пользователи (пароль у всех: {DEMO_PASSWORD}):");
    for (login, role) in DEMO_LOGINS {
        say!("  {login:<9} {}", role.title());
    }
}
