//! Scheduled backups of a running server (issue 17): with
//! `OPORA_BACKUP_DIR` set, once per region day the server writes the
//! portable archive of `opora backup` (`opora-YYYY-MM-DD.zip`, see
//! docs/backup.md) into that folder and keeps the newest
//! `OPORA_BACKUP_KEEP` of them (7 by default). A day's archive already
//! there is not written again (a restart, or a second server on the same
//! folder, adds nothing). Failures are logged, never fatal: the server
//! keeps serving and tries again at the next round.

use opora_plans::Date;
use opora_store::Db;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupConfig {
    pub dir: PathBuf,
    /// Archives kept (the newest).
    pub keep: usize,
}

/// Why a scheduled backup failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupRunError {
    #[error("папка резервных копий «{dir}»: {source}")]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Backup(#[from] opora_store::backup::BackupError),
}

/// The archive of a day: `opora-2026-12-01.zip`.
pub fn archive_name(day: Date) -> String {
    format!("opora-{}.zip", day.iso())
}

/// Whether a file name is one of the scheduled archives.
fn is_archive(name: &str) -> bool {
    name.strip_prefix("opora-")
        .and_then(|r| r.strip_suffix(".zip"))
        .and_then(|d| Date::parse(d).filter(|day| day.iso() == d))
        .is_some()
}

/// The scheduled archives beyond the newest `keep` (their names sort by
/// date); other files in the folder are never touched.
pub fn beyond_keep(names: &[String], keep: usize) -> Vec<String> {
    let mut ours: Vec<&String> = names.iter().filter(|n| is_archive(n)).collect();
    ours.sort_unstable_by(|a, b| b.cmp(a));
    ours.into_iter().skip(keep.max(1)).cloned().collect()
}

fn names_in(dir: &Path) -> std::io::Result<Vec<String>> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect())
}

/// Today's archive unless it exists, then the old ones go. Returns the
/// archive written, if any.
pub async fn run_once(
    db: &Db,
    cfg: &BackupConfig,
    today: Date,
) -> Result<Option<PathBuf>, BackupRunError> {
    let folder = |source| BackupRunError::Folder {
        dir: cfg.dir.clone(),
        source,
    };
    std::fs::create_dir_all(&cfg.dir).map_err(folder)?;
    let path = cfg.dir.join(archive_name(today));
    if path.exists() {
        return Ok(None);
    }
    db.backup_to(&path).await?;
    for old in beyond_keep(&names_in(&cfg.dir).map_err(folder)?, cfg.keep) {
        std::fs::remove_file(cfg.dir.join(&old)).map_err(folder)?;
    }
    Ok(Some(path))
}

/// Runs [`run_once`] every `every` on the region's date.
pub fn spawn(db: Db, cfg: BackupConfig, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every.max(Duration::from_secs(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_once(&db, &cfg, Date::today()).await {
                Ok(Some(path)) => tracing::info!("резервная копия записана: {}", path.display()),
                Ok(None) => {}
                Err(e) => tracing::warn!("резервная копия не записана: {e}"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_archives_are_kept_and_other_files_are_left_alone() {
        let names: Vec<String> = [
            "opora-2026-11-28.zip",
            "opora-2026-12-01.zip",
            "opora-2026-11-30.zip",
            "opora-2026-11-29.zip",
            "заметки.txt",
            "opora-копия.zip",
            "opora-2026-13-01.zip",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            beyond_keep(&names, 2),
            ["opora-2026-11-29.zip", "opora-2026-11-28.zip"]
        );
        assert!(beyond_keep(&names, 7).is_empty());
        assert_eq!(
            archive_name(Date::new(2026, 12, 1).unwrap()),
            "opora-2026-12-01.zip"
        );
    }
}
