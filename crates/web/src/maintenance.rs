//! Housekeeping of a running server, at start and then on a timer
//! ([`Config::maintenance_every`](crate::Config)): expired sessions and old
//! login failures leave the database, expired previews leave memory and
//! their files leave the disk. At start, upload folders left behind by a
//! server that stopped without cleaning up are removed.

use crate::AppState;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Prefix of a server's temporary upload folder.
pub const UPLOAD_DIR_PREFIX: &str = "opora-uploads-";
/// A file in the upload folder touched by every maintenance run, so that
/// another server can tell a live folder from an abandoned one.
const HEARTBEAT: &str = ".alive";
/// Login failures are forgotten after a day without another failure.
const KEEP_LOGIN_FAILURES_SECS: i64 = 24 * 3600;

/// What one run removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sweep {
    pub sessions: u64,
    pub login_failures: u64,
    pub previews: usize,
}

#[derive(Clone)]
pub struct Maintenance {
    state: AppState,
}

impl Maintenance {
    pub(crate) fn new(state: AppState) -> Maintenance {
        Maintenance { state }
    }

    /// The server's temporary upload folder.
    pub fn upload_dir(&self) -> &Path {
        self.state.upload_dir.path()
    }

    /// One pass: failures are logged, never fatal.
    pub async fn run_once(&self) -> Sweep {
        let st = &self.state;
        let mut sweep = Sweep::default();
        match st.db.purge_sessions().await {
            Ok(n) => sweep.sessions = n,
            Err(e) => tracing::warn!("не удалось удалить истёкшие сеансы: {e}"),
        }
        match st.db.purge_login_failures(KEEP_LOGIN_FAILURES_SECS).await {
            Ok(n) => sweep.login_failures = n,
            Err(e) => tracing::warn!("не удалось удалить старые неудачные входы: {e}"),
        }
        // Dropping an expired upload removes its folder (`upload::StagedDir`).
        sweep.previews = st.uploads.sweep().len()
            + st.upload_results.sweep().len()
            + st.plan_uploads.sweep().len()
            + st.indicator_uploads.sweep().len();
        let beat = self.upload_dir().join(HEARTBEAT);
        if let Err(e) = std::fs::write(&beat, b"") {
            tracing::warn!("не удалось отметить папку загрузок {}: {e}", beat.display());
        }
        sweep
    }

    /// Runs [`Maintenance::run_once`] every `maintenance_every` until aborted.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        let every = self.state.cfg.maintenance_every.max(Duration::from_secs(1));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tick.tick().await;
                let s = self.run_once().await;
                if s != Sweep::default() {
                    tracing::info!(
                        "обслуживание: сеансов удалено {}, неудачных входов {}, просмотров {}",
                        s.sessions,
                        s.login_failures,
                        s.previews
                    );
                }
            }
        })
    }

    /// Starts the schedule of website checks (`crate::site_checks`) unless
    /// the configuration turns it off.
    pub fn spawn_site_schedule(&self) -> Option<tokio::task::JoinHandle<()>> {
        self.state
            .cfg
            .site_audits
            .then(|| crate::site_checks::spawn_schedule(self.state.clone()))
    }

    /// Removes the upload folders of servers that are gone: siblings of
    /// this server's folder not touched for longer than a preview lives
    /// (plus two maintenance periods). Returns how many were removed.
    pub fn remove_stale_upload_dirs(&self) -> usize {
        let own = self.upload_dir();
        let Some(parent) = own.parent() else { return 0 };
        let cfg = &self.state.cfg;
        remove_stale_upload_dirs(parent, own, cfg.preview_ttl + cfg.maintenance_every * 2)
    }
}

/// Removes `parent`'s upload folders other than `own` whose heartbeat (or,
/// without one, the folder itself) is older than `older_than`.
pub fn remove_stale_upload_dirs(parent: &Path, own: &Path, older_than: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for e in entries.flatten() {
        let path = e.path();
        let ours = e
            .file_name()
            .to_string_lossy()
            .starts_with(UPLOAD_DIR_PREFIX)
            && path.is_dir();
        if !ours || path == own {
            continue;
        }
        let touched = std::fs::metadata(path.join(HEARTBEAT))
            .or_else(|_| std::fs::metadata(&path))
            .and_then(|m| m.modified());
        let stale = touched
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > older_than);
        if stale && std::fs::remove_dir_all(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_abandoned_upload_folders_of_other_servers_are_removed() {
        let parent = tempfile::tempdir().unwrap();
        let mk = |name: &str| {
            let p = parent.path().join(name);
            std::fs::create_dir(&p).unwrap();
            std::fs::write(p.join(HEARTBEAT), b"").unwrap();
            p
        };
        let own = mk("opora-uploads-own");
        let abandoned = mk("opora-uploads-gone");
        let alive = mk("opora-uploads-alive");
        let unrelated = mk("something-else");
        let old = SystemTime::now() - Duration::from_secs(3 * 3600);
        for p in [&own, &abandoned, &unrelated] {
            std::fs::File::options()
                .write(true)
                .open(p.join(HEARTBEAT))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        assert_eq!(
            remove_stale_upload_dirs(parent.path(), &own, Duration::from_secs(3600)),
            1
        );
        assert!(!abandoned.exists());
        assert!(own.exists() && alive.exists() && unrelated.exists());
    }
}
