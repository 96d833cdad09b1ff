//! Things staged for one user and waiting for confirmation (uploaded data
//! files, roadmaps read from documents, results of imports): each lives for
//! a limited time, and a user keeps at most a few — a new one drops that
//! user's oldest. Expired entries are never served and are removed by
//! [`Previews::sweep`] (the maintenance timer). What an entry owns on disk
//! is released when the entry is dropped (see `upload::StagedDir`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Entry<T> {
    user_id: i64,
    at: Instant,
    item: T,
}

pub(crate) struct Previews<T> {
    ttl: Duration,
    per_user: usize,
    items: Mutex<HashMap<String, Entry<T>>>,
}

impl<T: Clone> Previews<T> {
    pub fn new(ttl: Duration, per_user: usize) -> Self {
        Previews {
            ttl,
            per_user: per_user.max(1),
            items: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry<T>>> {
        // A panic while holding the lock leaves a consistent map (every
        // change is one insert or remove), so a poisoned lock is still usable.
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stages `item` under `token` for `user_id`. Returns the user's
    /// entries pushed out by the per-user limit (oldest first).
    pub fn insert(&self, token: String, user_id: i64, item: T) -> Vec<T> {
        let mut map = self.lock();
        map.insert(
            token,
            Entry {
                user_id,
                at: Instant::now(),
                item,
            },
        );
        let mut mine: Vec<(Instant, String)> = map
            .iter()
            .filter(|(_, e)| e.user_id == user_id)
            .map(|(k, e)| (e.at, k.clone()))
            .collect();
        mine.sort();
        let excess = mine.len().saturating_sub(self.per_user);
        mine.into_iter()
            .take(excess)
            .filter_map(|(_, k)| map.remove(&k))
            .map(|e| e.item)
            .collect()
    }

    fn live(&self, e: &Entry<T>, user_id: i64) -> bool {
        e.user_id == user_id && e.at.elapsed() < self.ttl
    }

    /// The entry, if it is the user's and has not expired.
    pub fn get(&self, token: &str, user_id: i64) -> Option<T> {
        self.lock()
            .get(token)
            .filter(|e| self.live(e, user_id))
            .map(|e| e.item.clone())
    }

    /// Changes the user's live entry; false when there is none.
    pub fn update(&self, token: &str, user_id: i64, change: impl FnOnce(&mut T)) -> bool {
        let mut map = self.lock();
        match map.get_mut(token) {
            Some(e) if self.live(e, user_id) => {
                change(&mut e.item);
                true
            }
            _ => false,
        }
    }

    /// Removes and returns the user's live entry.
    pub fn take(&self, token: &str, user_id: i64) -> Option<T> {
        let mut map = self.lock();
        match map.get(token) {
            Some(e) if self.live(e, user_id) => map.remove(token).map(|e| e.item),
            _ => None,
        }
    }

    /// Removes every expired entry; returns them.
    pub fn sweep(&self) -> Vec<T> {
        let mut map = self.lock();
        let expired: Vec<String> = map
            .iter()
            .filter(|(_, e)| e.at.elapsed() >= self.ttl)
            .map(|(k, _)| k.clone())
            .collect();
        expired
            .into_iter()
            .filter_map(|k| map.remove(&k))
            .map(|e| e.item)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_keeps_at_most_the_limit_and_loses_the_oldest() {
        let p = Previews::new(Duration::from_secs(60), 2);
        assert!(p.insert("a".into(), 1, "first").is_empty());
        std::thread::sleep(Duration::from_millis(2));
        assert!(p.insert("b".into(), 1, "second").is_empty());
        assert!(p.insert("x".into(), 2, "other user's").is_empty());
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(p.insert("c".into(), 1, "third"), vec!["first"]);
        assert_eq!(
            (p.get("a", 1), p.get("b", 1), p.get("c", 1)),
            (None, Some("second"), Some("third"))
        );
        assert_eq!(
            p.get("x", 2),
            Some("other user's"),
            "another user's previews are not counted"
        );
    }

    #[test]
    fn an_entry_is_only_its_users_and_only_until_it_expires() {
        let p = Previews::new(Duration::from_millis(30), 5);
        p.insert("a".into(), 1, 10);
        assert_eq!(p.get("a", 2), None, "another user");
        assert!(!p.update("a", 2, |v| *v = 0));
        assert!(p.update("a", 1, |v| *v += 1));
        assert_eq!(p.get("a", 1), Some(11));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(p.get("a", 1), None, "expired entries are not served");
        assert_eq!(p.take("a", 1), None);
        assert_eq!(p.sweep(), vec![11]);
        assert!(p.sweep().is_empty());
    }
}
