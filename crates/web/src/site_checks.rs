//! Checks of school websites run by the server: on demand (the «Проверить
//! сейчас» button, in a background task so that the request answers at
//! once) and on a schedule — in October, February and June every school
//! with a website in the registry is checked once (`OPORA_SITE_AUDITS=0`
//! turns the schedule off).
//!
//! One site at a time, with the crawler's manners (robots.txt, a pause
//! between requests, only the site): the schedule goes through the schools
//! one after another, and a school is never checked twice at once (an
//! on-demand check of a school the schedule is checking is refused, and
//! the other way round).
//!
//! The schedule's rule is [`due`], a pure function: in an audit month, a
//! school is due when its latest successful check is older than the
//! month's first day; a check that failed this month is tried again a week
//! later. The task wakes once a day; a server restarted mid-pass resumes
//! where it stopped, since what was done is no longer due.

use crate::AppState;
use opora_plans::Date;
use opora_sites::{default_requirements, Options};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The months whose checks the schedule makes: October, February, June
/// (the start, the middle and the end of a school year).
pub const AUDIT_MONTHS: [u32; 3] = [10, 2, 6];

/// Days after a failed check of the month before the schedule tries again.
pub const RETRY_DAYS: i64 = 7;

/// The actor the audit log names for scheduled checks.
pub const SCHEDULE_ACTOR: &str = "расписание";

/// Whether the schedule checks a school today: `last_success` and
/// `last_attempt` are the region's dates of its latest successful check and
/// of its latest check of any outcome.
pub fn due(today: Date, last_success: Option<Date>, last_attempt: Option<Date>) -> bool {
    if !AUDIT_MONTHS.contains(&today.month()) {
        return false;
    }
    let Some(start) = Date::first_of_month(today.year(), today.month()) else {
        return false;
    };
    if last_success.is_some_and(|d| d >= start) {
        return false;
    }
    match last_attempt {
        Some(d) if d >= start => today.days() - d.days() >= RETRY_DAYS,
        _ => true,
    }
}

/// A stored UTC time as the region's date.
pub fn local_date(stored: &str) -> Option<Date> {
    let text = opora_plans::clock::local_datetime_text(stored)?;
    Date::parse(text.split(' ').next()?)
}

/// The schools being checked now (by any path).
#[derive(Default)]
pub struct Running(Mutex<HashSet<i64>>);

impl Running {
    pub fn contains(&self, school_id: i64) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&school_id)
    }

    /// Marks a school as being checked; `None` when it already is. The mark
    /// goes when the returned guard is dropped (also on a panic).
    fn start(self: &Arc<Self>, school_id: i64) -> Option<RunningGuard> {
        let fresh = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(school_id);
        fresh.then(|| RunningGuard {
            running: self.clone(),
            school_id,
        })
    }
}

struct RunningGuard {
    running: Arc<Running>,
    school_id: i64,
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.running
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.school_id);
    }
}

fn options(st: &AppState) -> Options {
    Options {
        delay: st.cfg.site_delay,
        max_pages: st.cfg.site_max_pages,
        ..Options::default()
    }
}

/// Checks one site and saves the result (or why it could not be checked).
/// Failures to save are logged.
async fn check_and_save(st: &AppState, school_id: i64, url: &str, actor: &str) {
    let saved = match opora_sites::check_site(url, &default_requirements(), &options(st)).await {
        Ok(audit) => st.db.save_site_audit(school_id, &audit, actor).await,
        Err(e) => {
            st.db
                .save_site_error(school_id, url, &e.to_string(), actor)
                .await
        }
    };
    if let Err(e) = saved {
        tracing::warn!("проверка сайта {url} не сохранена: {e}");
    }
}

/// Starts a check of one school's site in the background; `false` when a
/// check of it is already running.
pub fn start_check(st: &AppState, school_id: i64, url: String, actor: String) -> bool {
    let Some(guard) = st.site_checks.start(school_id) else {
        return false;
    };
    let st = st.clone();
    tokio::spawn(async move {
        let _guard = guard;
        check_and_save(&st, school_id, &url, &actor).await;
    });
    true
}

/// One pass of the schedule: every due school, one after another. Returns
/// how many sites were checked.
pub async fn scheduled_pass(st: &AppState, today: Date) -> usize {
    if !AUDIT_MONTHS.contains(&today.month()) {
        return 0;
    }
    let schools = match st
        .db
        .latest_site_audits(&opora_store::scope::Scope::Region)
        .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("проверка сайтов по расписанию: список школ не прочитан: {e}");
            return 0;
        }
    };
    let mut checked = 0;
    for s in schools {
        let success = s.audited_at.as_deref().and_then(local_date);
        let attempt = s.last_checked_at.as_deref().and_then(local_date);
        if !due(today, success, attempt) {
            continue;
        }
        let Some(_guard) = st.site_checks.start(s.school_id) else {
            continue;
        };
        check_and_save(st, s.school_id, s.website.trim(), SCHEDULE_ACTOR).await;
        checked += 1;
    }
    checked
}

/// Runs [`scheduled_pass`] now and then once a day until aborted.
pub fn spawn_schedule(st: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let n = scheduled_pass(&st, opora_plans::clock::today()).await;
            if n > 0 {
                tracing::info!("проверка сайтов по расписанию: проверено сайтов {n}");
            }
            tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_schedule_checks_each_site_once_in_october_february_and_june() {
        // Outside the audit months: never, however old the check.
        for today in [
            "2026-09-30",
            "2026-11-01",
            "2027-01-15",
            "2027-05-31",
            "2027-07-01",
        ] {
            assert!(!due(d(today), None, None), "{today}");
        }
        // In an audit month: a site never checked, or checked before the month.
        for today in ["2026-10-01", "2027-02-14", "2027-06-30"] {
            assert!(due(d(today), None, None), "{today}");
        }
        assert!(due(
            d("2026-10-01"),
            Some(d("2026-09-30")),
            Some(d("2026-09-30"))
        ));
        assert!(due(
            d("2027-02-01"),
            Some(d("2026-10-05")),
            Some(d("2026-10-05"))
        ));
        // Checked this month: not again.
        assert!(!due(
            d("2026-10-20"),
            Some(d("2026-10-01")),
            Some(d("2026-10-01"))
        ));
        assert!(
            !due(
                d("2026-10-20"),
                Some(d("2026-10-01")),
                Some(d("2026-10-15"))
            ),
            "a later failure changes nothing"
        );
        // Failed this month: again a week later, not before.
        assert!(!due(
            d("2026-10-07"),
            Some(d("2026-06-03")),
            Some(d("2026-10-01"))
        ));
        assert!(due(
            d("2026-10-08"),
            Some(d("2026-06-03")),
            Some(d("2026-10-01"))
        ));
        assert!(due(d("2026-10-08"), None, Some(d("2026-10-01"))));
    }

    #[test]
    fn a_stored_time_is_a_date_in_the_region() {
        // 22:30 UTC on 30 September is 1 October in Moscow.
        assert_eq!(local_date("2026-09-30T22:30:00Z"), Some(d("2026-10-01")));
        assert_eq!(local_date("2026-09-30T20:30:00Z"), Some(d("2026-09-30")));
        assert_eq!(local_date("вчера"), None);
    }
}
