//! Short-lived in-memory caches of what every list and card request would
//! otherwise recompute: the scope's schools with their latest category, the
//! region's means per assessment, and the rendered school cards. Entries live
//! `ttl` (10 s by default) and are dropped at once when this server saves a
//! run or imports a file; a CLI import into a running server's database shows
//! within `ttl`. The scope is part of the key, and the rows come from the
//! store's scoped query, so a cache hit never widens what a caller sees.
//!
//! Under load an expired entry is recomputed by one request while the others
//! keep getting the expired value (for the time of that one recomputation),
//! so no request waits behind a refresh unless there is no value at all.

use opora_store::registry::SchoolRow;
use opora_store::school_card::RegionMeans;
use opora_store::scope::Scope;
use opora_store::{Db, Result};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Rows = (Option<i64>, Arc<Vec<SchoolRow>>);

/// The values the school list's filters offer, from one scope's rows.
pub struct Choices {
    /// (id, name) in Russian order.
    pub municipalities: Vec<(i64, String)>,
    pub kinds: Vec<String>,
    pub localities: Vec<String>,
}

impl Choices {
    fn of(rows: &[SchoolRow]) -> Choices {
        use opora_store::registry::ru_key;
        use std::collections::HashSet;
        // Distinct values first, then the (allocating) sort key once per value.
        let mut municipalities: Vec<(i64, String)> = rows
            .iter()
            .map(|r| (r.school.municipality_id, &r.school.municipality))
            .collect::<HashSet<_>>()
            .into_iter()
            .map(|(id, n)| (id, n.clone()))
            .collect();
        municipalities.sort_by_cached_key(|m| (ru_key(&m.1), m.0));
        let distinct = |get: fn(&SchoolRow) -> &String| {
            let mut v: Vec<String> = rows
                .iter()
                .map(get)
                .collect::<HashSet<_>>()
                .into_iter()
                .cloned()
                .collect();
            v.sort_by_cached_key(|k| ru_key(k));
            v
        };
        Choices {
            municipalities,
            kinds: distinct(|r| &r.school.kind),
            localities: distinct(|r| &r.school.locality),
        }
    }
}

/// Entries by key with the time they were computed.
struct Slot<V>(Mutex<HashMap<String, (Instant, V)>>);

impl<V: Clone> Slot<V> {
    fn new() -> Slot<V> {
        Slot(Mutex::new(HashMap::new()))
    }
    /// The value and whether it is still fresh.
    fn get(&self, key: &str, ttl: Duration) -> Option<(V, bool)> {
        self.0
            .lock()
            .expect("cache")
            .get(key)
            .map(|(at, v)| (v.clone(), at.elapsed() < ttl))
    }
    fn put(&self, key: &str, v: V, limit: usize) {
        let mut map = self.0.lock().expect("cache");
        if map.len() >= limit {
            map.clear();
        }
        map.insert(key.to_string(), (Instant::now(), v));
    }
    fn clear(&self) {
        self.0.lock().expect("cache").clear();
    }
}

pub struct Cache {
    ttl: Duration,
    rows: Slot<(Rows, Arc<Choices>)>,
    means: Slot<Arc<RegionMeans>>,
    /// Rendered school cards by school code (the content does not depend on
    /// who reads it; the caller's scope is checked before a card is served).
    cards: Slot<Arc<String>>,
    /// Cards being rendered now (by school code).
    rendering: Mutex<std::collections::HashSet<String>>,
    /// One recomputation of rows or means at a time.
    refresh: tokio::sync::Mutex<()>,
}

impl Cache {
    pub fn new(ttl: Duration) -> Cache {
        Cache {
            ttl,
            rows: Slot::new(),
            means: Slot::new(),
            cards: Slot::new(),
            rendering: Mutex::default(),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// The fresh value; or the expired one while another request refreshes
    /// it; or this request computes it (one at a time).
    async fn get_or_compute<V: Clone, F: Future<Output = Result<V>>>(
        &self,
        slot: &Slot<V>,
        key: &str,
        limit: usize,
        compute: impl FnOnce() -> F,
    ) -> Result<V> {
        let stale = match slot.get(key, self.ttl) {
            Some((v, true)) => return Ok(v),
            Some((v, false)) => Some(v),
            None => None,
        };
        let _one = match (self.refresh.try_lock(), stale) {
            (Ok(guard), _) => guard,
            (Err(_), Some(v)) => return Ok(v),
            (Err(_), None) => self.refresh.lock().await,
        };
        if let Some((v, true)) = slot.get(key, self.ttl) {
            return Ok(v);
        }
        let v = compute().await?;
        slot.put(key, v.clone(), limit);
        Ok(v)
    }

    async fn rows_and_choices(&self, db: &Db, scope: &Scope) -> Result<(Rows, Arc<Choices>)> {
        let key = format!("{scope:?}");
        self.get_or_compute(&self.rows, &key, 1000, || async {
            let (run, rows) = db.school_rows(scope).await?;
            let choices = Arc::new(Choices::of(&rows));
            Ok(((run, Arc::new(rows)), choices))
        })
        .await
    }

    /// The scope's schools with their latest category, by name.
    pub async fn school_rows(&self, db: &Db, scope: &Scope) -> Result<Rows> {
        Ok(self.rows_and_choices(db, scope).await?.0)
    }

    /// The values the school list's filters offer in the scope.
    pub async fn choices(&self, db: &Db, scope: &Scope) -> Result<Arc<Choices>> {
        Ok(self.rows_and_choices(db, scope).await?.1)
    }

    pub async fn region_means(&self, db: &Db) -> Result<Arc<RegionMeans>> {
        self.get_or_compute(&self.means, "", 1, || async {
            Ok(Arc::new(db.region_means().await?))
        })
        .await
    }

    /// A school's rendered card, rendered by `render` when missing or
    /// expired; while one request re-renders an expired card, the others get
    /// the expired one.
    pub async fn card<F: Future<Output = Result<String, crate::WebError>>>(
        &self,
        code: &str,
        render: impl FnOnce() -> F,
    ) -> Result<Arc<String>, crate::WebError> {
        let stale = match self.cards.get(code, self.ttl) {
            Some((v, true)) => return Ok(v),
            Some((v, false)) => Some(v),
            None => None,
        };
        let first = self
            .rendering
            .lock()
            .expect("cache")
            .insert(code.to_string());
        if let (false, Some(v)) = (first, stale) {
            return Ok(v);
        }
        let body = render().await.map(Arc::new);
        if first {
            self.rendering.lock().expect("cache").remove(code);
        }
        let body = body?;
        self.cards.put(code, body.clone(), 5000);
        Ok(body)
    }

    pub fn invalidate(&self) {
        self.rows.clear();
        self.means.clear();
        self.cards.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never() -> std::future::Ready<Result<u32>> {
        panic!("must not recompute")
    }

    #[tokio::test]
    async fn a_fresh_value_is_served_and_an_expired_one_while_another_request_refreshes() {
        // Everything is expired at once with a zero lifetime.
        let c = Cache::new(Duration::ZERO);
        let slot: Slot<u32> = Slot::new();
        assert_eq!(
            c.get_or_compute(&slot, "k", 10, || async { Ok(1) })
                .await
                .unwrap(),
            1,
            "nothing cached: computed"
        );
        {
            let _busy = c.refresh.try_lock().unwrap();
            assert_eq!(
                c.get_or_compute(&slot, "k", 10, never).await.unwrap(),
                1,
                "refresh under way: the expired value"
            );
        }
        assert_eq!(
            c.get_or_compute(&slot, "k", 10, || async { Ok(2) })
                .await
                .unwrap(),
            2,
            "expired and nobody refreshing: recomputed"
        );
        let c = Cache::new(Duration::from_secs(3600));
        assert_eq!(
            c.get_or_compute(&slot, "k", 10, never).await.unwrap(),
            2,
            "fresh: served as is"
        );
    }

    #[tokio::test]
    async fn cards_are_rendered_once_and_invalidation_drops_them() {
        let c = Cache::new(Duration::from_secs(3600));
        let a = c
            .card("s1", || async { Ok("<h1>Школа</h1>".to_string()) })
            .await
            .unwrap();
        let b = c
            .card("s1", || async {
                if true {
                    panic!("must not render again");
                }
                Ok(String::new())
            })
            .await
            .unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        c.invalidate();
        let d = c
            .card("s1", || async { Ok("<h1>Новая</h1>".to_string()) })
            .await
            .unwrap();
        assert_eq!(d.as_str(), "<h1>Новая</h1>");
    }
}
