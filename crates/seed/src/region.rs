//! The demo region: `opora-demo`'s canonical files, imported through the
//! ordinary import path (the same parsers and writers as any upload).

use crate::SeedError;
use opora_demo::{DemoOptions, DemoSummary, Scale};
use opora_store::import::{ImportKind, ImportOptions};
use opora_store::Db;
use std::path::{Path, PathBuf};

pub const DEMO_REGION: &str = "Северная область";

/// The seed of the region `opora serve --demo` loads.
pub const DEMO_SEED: u64 = 2024;

/// Writes the demo region from `seed` to a temporary folder and imports it.
pub async fn load(db: &Db, seed: u64) -> Result<DemoSummary, SeedError> {
    let dir = tempfile::tempdir()?;
    let opts = DemoOptions {
        scale: Scale::Region,
        seed,
        ..DemoOptions::default()
    };
    let summary = opora_demo::write_demo(dir.path(), &opts)?;
    import_files(db, dir.path(), "demo").await?;
    Ok(summary)
}

/// Names the region and imports the demo files of `dir` in dependency
/// order: schools, scales, results by year, context, checklist, teachers,
/// courses, diagnostics (the staff files only where `dir` has them: folders written
/// before the staff module have none). `actor` is who the audit log names.
pub async fn import_files(db: &Db, dir: &Path, actor: &str) -> Result<(), SeedError> {
    db.set_region_name(DEMO_REGION).await?;
    let import = |kind, path: PathBuf| import_one(db, kind, path, actor);
    import(ImportKind::Schools, dir.join("schools.csv")).await?;
    import(ImportKind::Scales, dir.join("scales.csv")).await?;
    for path in results_files(dir)? {
        import(ImportKind::Results, path).await?;
    }
    import(ImportKind::Context, dir.join("context.csv")).await?;
    import(ImportKind::Checklist, dir.join("checklist.csv")).await?;
    for (kind, file) in [
        (ImportKind::Teachers, "teachers.csv"),
        (ImportKind::Courses, "courses.csv"),
        (ImportKind::Diagnostics, "diagnostics.csv"),
    ] {
        if dir.join(file).exists() {
            import(kind, dir.join(file)).await?;
        }
    }
    Ok(())
}

/// The `results_{year}.csv` files of `dir`, oldest year first.
fn results_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("results"))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

async fn import_one(
    db: &Db,
    kind: ImportKind,
    path: PathBuf,
    actor: &str,
) -> Result<(), SeedError> {
    let opts = ImportOptions {
        actor: actor.into(),
        ..Default::default()
    };
    db.import_file(kind, &path, &opts, &|_| {})
        .await
        .map_err(|source| SeedError::Import {
            kind: kind.title(),
            source,
        })?;
    Ok(())
}
