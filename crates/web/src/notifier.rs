//! The notifier: background work of a running server, started by
//! [`serve_with`](crate::serve_with) next to the maintenance.
//!
//! - Once a day (at start, then when the region's date changes) it writes
//!   the overdue reminders ([`Db::notify_overdue_activities`]); their dedup
//!   keys make a second run, or a second server, add nothing; and the
//!   reminders of campaign deadlines within three days
//!   ([`Db::notify_campaign_deadlines`]).
//! - Every [`Config::notify_every`](crate::Config) it e-mails the
//!   notifications waiting for it ([`Db::unsent_emails`]), when mail is
//!   configured: each is taken off the queue before it is sent (two
//!   servers never send one letter twice). A letter the server refuses for
//!   good stays off (and is logged); when the server cannot be reached, the
//!   letter goes back, the round stops and the queue waits for the next one.

use crate::mail::{MailError, Mailer};
use crate::Config;
use opora_plans::Date;
use opora_store::Db;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Letters read from the queue at a time.
const BATCH: i64 = 50;
/// At most this many letters per round (the rest wait for the next round).
const MAX_PER_ROUND: usize = 500;

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    /// Overdue reminders written (0 unless the day's check ran).
    pub overdue: usize,
    /// Letters the mail server accepted.
    pub emailed: usize,
    /// Letters refused for good (taken off the queue).
    pub refused: usize,
    /// Whether the mail server could not be reached (letters wait).
    pub unavailable: bool,
}

#[derive(Clone)]
pub struct Notifier {
    db: Db,
    mailer: Option<Arc<Mailer>>,
    every: Duration,
    /// The region's date of the last overdue check that succeeded.
    checked_on: Arc<Mutex<Option<Date>>>,
}

impl Notifier {
    /// A notifier for the server's settings: with `cfg.mail`, it e-mails.
    pub fn new(db: Db, cfg: &Config) -> Result<Notifier, MailError> {
        let mailer = match &cfg.mail {
            Some(m) => Some(Arc::new(Mailer::new(m, cfg.public_url.as_deref())?)),
            None => None,
        };
        Ok(Notifier {
            db,
            mailer,
            every: cfg.notify_every,
            checked_on: Arc::new(Mutex::new(None)),
        })
    }

    /// One round on `today` (the region's date): the overdue check if it
    /// has not run today, then the letters. Failures are logged, never fatal.
    pub async fn run_once(&self, today: Date) -> Round {
        let mut round = Round::default();
        let due = *self.checked_on.lock().expect("notifier date") != Some(today);
        if due {
            match self.db.notify_overdue_activities(today).await {
                Ok(n) => {
                    round.overdue = n;
                    *self.checked_on.lock().expect("notifier date") = Some(today);
                }
                Err(e) => tracing::warn!("не удалось разослать напоминания о просрочке: {e}"),
            }
            if let Err(e) = self.db.notify_campaign_deadlines(today).await {
                tracing::warn!("не удалось разослать напоминания о сроках кампаний: {e}");
            }
        }
        self.send_pending(&mut round).await;
        round
    }

    /// E-mails what waits in the queue (nothing without mail settings).
    async fn send_pending(&self, round: &mut Round) {
        let Some(mailer) = &self.mailer else { return };
        while round.emailed + round.refused < MAX_PER_ROUND {
            let batch = match self.db.unsent_emails(BATCH).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!("не удалось прочитать очередь писем: {e}");
                    return;
                }
            };
            if batch.is_empty() {
                return;
            }
            for letter in &batch {
                match self.db.mark_emailed(letter.id).await {
                    Ok(true) => {}
                    // Another server took it.
                    Ok(false) => continue,
                    Err(e) => {
                        tracing::warn!(
                            "не удалось взять уведомление № {} из очереди писем: {e}",
                            letter.id
                        );
                        return;
                    }
                }
                match mailer.send(letter).await {
                    Ok(()) => round.emailed += 1,
                    Err(e) if e.is_permanent() => {
                        tracing::warn!("уведомление № {} не отправлено письмом: {e}", letter.id);
                        round.refused += 1;
                    }
                    Err(e) => {
                        tracing::warn!("письма не отправлены, повтор в следующий раз: {e}");
                        round.unavailable = true;
                        if let Err(e) = self.db.unmark_emailed(letter.id).await {
                            tracing::warn!(
                                "уведомление № {} не возвращено в очередь писем: {e}",
                                letter.id
                            );
                        }
                        return;
                    }
                }
            }
        }
    }

    /// Runs a round at once, then every `notify_every`, until aborted.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        let every = self.every.max(Duration::from_secs(1));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let r = self.run_once(Date::today()).await;
                if r.overdue + r.emailed + r.refused > 0 {
                    tracing::info!(
                        "уведомления: о просрочке {}, отправлено писем {}, отклонено сервером {}",
                        r.overdue,
                        r.emailed,
                        r.refused
                    );
                }
            }
        })
    }
}
