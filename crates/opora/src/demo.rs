//! `opora demo`: the synthetic region, written as canonical files and loaded
//! through the ordinary import path, plus demo users for every role.

use crate::cli::{DbArgs, DemoArgs, ScaleArg};
use anyhow::{Context, Result};
use opora_demo::{DemoOptions, Scale};
use opora_store::import::{ImportKind, ImportOptions};
use opora_store::Db;
use std::path::Path;

pub const DEMO_REGION: &str = "Северная область";

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
        println!(
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
    if db.count("schools").await? > 0 {
        println!("В базе уже есть школы: демонстрационный регион не загружается повторно.");
    } else {
        load(db, 2024).await?;
    }
    print_logins();
    Ok(())
}

pub async fn load(db: &Db, seed: u64) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let opts = DemoOptions {
        scale: Scale::Region,
        seed,
        ..DemoOptions::default()
    };
    let summary = opora_demo::write_demo(dir.path(), &opts)?;
    db.set_region_name(DEMO_REGION).await?;
    let import = |kind, name: &str| import_one(db, kind, dir.path().join(name));
    import(ImportKind::Schools, "schools.csv").await?;
    import(ImportKind::Scales, "scales.csv").await?;
    for f in &summary.files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("results") {
            import(ImportKind::Results, &name).await?;
        }
    }
    import(ImportKind::Context, "context.csv").await?;
    import(ImportKind::Checklist, "checklist.csv").await?;
    create_users(db).await?;
    println!(
        "Демонстрационный регион «{DEMO_REGION}»: муниципалитетов {}, школ {}, результатов {}.",
        summary.municipalities, summary.schools, summary.pupil_results
    );
    Ok(())
}

async fn import_one(db: &Db, kind: ImportKind, path: impl AsRef<Path>) -> Result<()> {
    let opts = ImportOptions {
        actor: "demo".into(),
        ..Default::default()
    };
    db.import_file(kind, path.as_ref(), &opts, &|_| {})
        .await
        .with_context(|| format!("демо-данные: {}", kind.title()))?;
    Ok(())
}

/// Demo users for every role, scoped to the first municipality; password
/// `demo` (argon2id), see opora_web::demo_users.
async fn create_users(db: &Db) -> Result<()> {
    opora_web::demo_users::create_demo_users(db)
        .await
        .context("демо-пользователи")?;
    Ok(())
}

/// Printed only in demo mode (`opora serve --demo`).
pub fn print_logins() {
    println!(
        "Демо-пользователи (пароль у всех: {}):",
        opora_web::demo_users::DEMO_PASSWORD
    );
    for (login, role) in opora_web::demo_users::DEMO_LOGINS {
        println!("  {login:<9} {}", role.title());
    }
}
