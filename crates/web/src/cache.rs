//! Short-lived in-memory caches of what every list and card request would
//! otherwise recompute: the scope's schools with their latest category, and
//! the region's means per assessment. Entries live `ttl` (10 s by default)
//! and are dropped at once when this server saves a run or imports a file;
//! a CLI import into a running server's database shows within `ttl`.
//! The scope is part of the key, and the rows come from the store's scoped
//! query, so a cache hit never widens what a caller sees.

use opora_store::registry::SchoolRow;
use opora_store::school_card::RegionMeans;
use opora_store::scope::Scope;
use opora_store::{Db, Result};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Rows = (Option<i64>, Arc<Vec<SchoolRow>>);

pub struct Cache {
    ttl: Duration,
    rows: Mutex<HashMap<String, (Instant, Rows)>>,
    means: Mutex<Option<(Instant, Arc<RegionMeans>)>>,
    /// One recomputation at a time: when an entry expires under load, the
    /// other requests wait for it instead of all recomputing it.
    refresh: tokio::sync::Mutex<()>,
}

impl Cache {
    pub fn new(ttl: Duration) -> Cache {
        Cache { ttl, rows: Mutex::default(), means: Mutex::default(), refresh: tokio::sync::Mutex::new(()) }
    }

    fn cached_rows(&self, key: &str) -> Option<Rows> {
        match self.rows.lock().expect("cache").get(key) {
            Some((at, rows)) if at.elapsed() < self.ttl => Some(rows.clone()),
            _ => None,
        }
    }

    pub async fn school_rows(&self, db: &Db, scope: &Scope) -> Result<Rows> {
        let key = format!("{scope:?}");
        if let Some(r) = self.cached_rows(&key) {
            return Ok(r);
        }
        let _one = self.refresh.lock().await;
        if let Some(r) = self.cached_rows(&key) {
            return Ok(r);
        }
        let (run, rows) = db.school_rows(scope).await?;
        let value = (run, Arc::new(rows));
        let mut map = self.rows.lock().expect("cache");
        if map.len() > 1000 {
            map.clear();
        }
        map.insert(key, (Instant::now(), value.clone()));
        Ok(value)
    }

    fn cached_means(&self) -> Option<Arc<RegionMeans>> {
        match self.means.lock().expect("cache").as_ref() {
            Some((at, m)) if at.elapsed() < self.ttl => Some(m.clone()),
            _ => None,
        }
    }

    pub async fn region_means(&self, db: &Db) -> Result<Arc<RegionMeans>> {
        if let Some(m) = self.cached_means() {
            return Ok(m);
        }
        let _one = self.refresh.lock().await;
        if let Some(m) = self.cached_means() {
            return Ok(m);
        }
        let m = Arc::new(db.region_means().await?);
        *self.means.lock().expect("cache") = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    pub fn invalidate(&self) {
        self.rows.lock().expect("cache").clear();
        *self.means.lock().expect("cache") = None;
    }
}
