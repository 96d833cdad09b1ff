//! Notifications: an in-app inbox for every user, and the queue of e-mails
//! the web server sends from it.
//!
//! - A [`Notice`] is written once per recipient ([`Db::notify`]); recipients
//!   are found by where they work ([`Db::recipients`], [`Db::notify_scope`]).
//! - A notice with a `dedup` key is written at most once per user: the
//!   daily overdue check ([`Db::notify_overdue_activities`]) and a second
//!   server on the same database add nothing the user already has.
//! - A user reads and marks only their own notifications; another user's
//!   is not found.
//! - E-mail: [`Db::unsent_emails`] lists unread notices not yet e-mailed of
//!   users who have an address (and are not blocked), [`Db::mark_emailed`]
//!   takes one off the queue before its letter goes (so two servers never
//!   send the same letter) and [`Db::unmark_emailed`] puts it back when the
//!   mail server could not be reached.
//!
//! Kinds are stable English codes with a Russian title, like the plans'
//! statuses.

use crate::audit::now_text;
use crate::scope::Scope;
use crate::users::Role;
use crate::{Db, Result, StoreError};
use opora_plans::Date;
use serde::Serialize;
use sqlx::Row;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NoticeKind {
    /// A deadline is near.
    Deadline,
    /// Work was returned for rework (the curator returned an activity).
    Returned,
    /// Work was accepted (an activity confirmed).
    Accepted,
    /// Work was submitted for confirmation.
    Submitted,
    /// An activity's deadline has passed and it is not done.
    OverdueActivity,
    /// Anything else worth a reminder.
    Reminder,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::Deadline,
        NoticeKind::Returned,
        NoticeKind::Accepted,
        NoticeKind::Submitted,
        NoticeKind::OverdueActivity,
        NoticeKind::Reminder,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Deadline => "deadline",
            NoticeKind::Returned => "returned",
            NoticeKind::Accepted => "accepted",
            NoticeKind::Submitted => "submitted",
            NoticeKind::OverdueActivity => "overdue_activity",
            NoticeKind::Reminder => "reminder",
        }
    }

    /// The Russian name people see.
    pub fn title(self) -> &'static str {
        match self {
            NoticeKind::Deadline => "Приближается срок",
            NoticeKind::Returned => "Возвращено на доработку",
            NoticeKind::Accepted => "Принято",
            NoticeKind::Submitted => "Отправлено на проверку",
            NoticeKind::OverdueActivity => "Просрочено мероприятие",
            NoticeKind::Reminder => "Напоминание",
        }
    }

    pub fn from_code(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// A kind read from the database: an unknown code is a damaged value.
    pub fn from_stored(s: &str) -> Result<NoticeKind> {
        NoticeKind::from_code(s).ok_or_else(|| StoreError::stored("вид уведомления", s))
    }
}

/// A notification to send.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: NoticeKind,
    /// One line: what happened («Просрочено: 1.2 «Провести педсовет»»).
    pub title: String,
    /// The details, plain text.
    pub body: String,
    /// A path of the site that shows the matter («/activities/12»), or empty.
    pub link: String,
    /// Sent at most once per user under this key; `None`: always new.
    pub dedup: Option<String>,
}

/// A stored notification of one user.
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub link: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
    pub read_at: Option<String>,
    pub emailed_at: Option<String>,
}

impl Notification {
    pub fn is_read(&self) -> bool {
        self.read_at.is_some()
    }
}

/// A notification waiting to be e-mailed, with its recipient's address.
#[derive(Debug, Clone, Serialize)]
pub struct OutgoingEmail {
    pub id: i64,
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: String,
}

/// Notices older than this are not e-mailed any more (an address added
/// later does not bring a flood of old news): the inbox still has them.
const EMAIL_WITHIN_SECS: i64 = 7 * 24 * 3600;

/// Longest title and body kept (a notice is a pointer, not a document).
const MAX_TITLE: usize = 300;
const MAX_BODY: usize = 4000;

const NOTIFICATION_COLUMNS: &str =
    "n.id, n.user_id, n.kind, n.title, n.body, n.link, n.created_at, n.read_at, n.emailed_at";

macro_rules! notification_from_row {
    () => {
        |r| -> Result<Notification> {
            Ok(Notification {
                id: r.get(0),
                user_id: r.get(1),
                kind: NoticeKind::from_stored(&r.get::<String, _>(2))?,
                title: r.get(3),
                body: r.get(4),
                link: r.get(5),
                created_at: r.get(6),
                read_at: r.get(7),
                emailed_at: r.get(8),
            })
        }
    };
}

/// Checks a notice before it is stored: a title, texts of a sane length,
/// and a link that stays on the site (it becomes an `href` and a link in
/// e-mails).
fn check(n: &Notice) -> Result<()> {
    let title = n.title.trim();
    if title.is_empty() {
        return Err(StoreError::Invalid("у уведомления нет заголовка".into()));
    }
    if title.chars().count() > MAX_TITLE || n.body.chars().count() > MAX_BODY {
        return Err(StoreError::Invalid(format!(
            "уведомление «{}» слишком длинное: заголовок до {MAX_TITLE} символов, текст до {MAX_BODY}",
            short(title)
        )));
    }
    if !n.link.is_empty() && !local_path(&n.link) {
        return Err(StoreError::Invalid(format!(
            "ссылка уведомления «{}» должна быть адресом страницы этого сайта (начинаться с /)",
            short(&n.link)
        )));
    }
    Ok(())
}

/// A path of this site: `/…`, not `//host` or `/\host`, no spaces or
/// control characters.
fn local_path(link: &str) -> bool {
    link.starts_with('/')
        && !link.starts_with("//")
        && !link.starts_with("/\\")
        && !link.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn short(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

/// Users a scope names as recipients (blocked users aside):
/// - the region: everyone;
/// - a municipality: its users and the users of its schools;
/// - a school (or a curator's schools): the school's staff and the
///   curators the school is assigned to.
///
/// Only numbers are inlined.
fn recipients_sql(scope: &Scope) -> String {
    let schools = |cond: String| {
        format!(
            "(u.school_id IN (SELECT s.id FROM schools s WHERE {cond}) \
             OR u.id IN (SELECT us.user_id FROM user_schools us JOIN schools s ON s.id = us.school_id WHERE {cond}))"
        )
    };
    match scope {
        Scope::Region => "1 = 1".into(),
        Scope::Municipality(m) => format!(
            "(u.municipality_id = {m} OR u.school_id IN (SELECT s.id FROM schools s WHERE s.municipality_id = {m}))"
        ),
        Scope::School(_) | Scope::Schools(_) => schools(scope.schools_sql("s")),
    }
}

/// An activity past its deadline and one user to tell about it.
struct Overdue {
    activity_id: i64,
    number: String,
    text: String,
    deadline_text: String,
    deadline_end: String,
    plan_title: String,
    unit: String,
    status: String,
    user_id: i64,
}

impl Overdue {
    fn dedup(&self) -> String {
        overdue_key(self.activity_id, &self.deadline_end)
    }

    fn notice(&self) -> Notice {
        let number = if self.number.trim().is_empty() {
            String::new()
        } else {
            format!("{} ", self.number.trim())
        };
        let end = Date::parse(&self.deadline_end)
            .map(|d| d.ru())
            .unwrap_or_else(|| self.deadline_end.clone());
        let status = opora_plans::ActivityStatus::parse(&self.status)
            .map(|s| s.title())
            .unwrap_or("не выполнено");
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.unit)
        };
        let deadline = if self.deadline_text.trim().is_empty() {
            String::new()
        } else {
            format!("«{}», ", self.deadline_text.trim())
        };
        Notice {
            kind: NoticeKind::OverdueActivity,
            title: format!(
                "Просрочено мероприятие {number}«{}»",
                short(self.text.trim())
            ),
            body: format!(
                "Срок мероприятия ({deadline}последний день {end}) прошёл, а оно не выполнено: статус «{status}».\n\
                 План «{}»{unit}.\n\
                 Мероприятие: {number}{}",
                self.plan_title.trim(),
                self.text.trim()
            ),
            link: format!("/activities/{}", self.activity_id),
            dedup: Some(self.dedup()),
        }
    }
}

/// The dedup key of «activity past its deadline»: a new deadline is a new
/// reminder, the same one is sent once.
fn overdue_key(activity_id: i64, deadline_end: &str) -> String {
    format!("overdue_activity:{activity_id}:{deadline_end}")
}

impl Db {
    /// Writes `n` for each of `user_ids` (each once, in one transaction).
    /// With a dedup key, a user who already has it gets nothing new.
    /// Returns how many notifications were written. An unknown user is
    /// [`StoreError::ForeignKey`]; an empty title, an overlong text or a link
    /// off the site is [`StoreError::Invalid`].
    pub async fn notify(&self, user_ids: &[i64], n: &Notice) -> Result<usize> {
        check(n)?;
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<i64> = user_ids
            .iter()
            .copied()
            .filter(|id| seen.insert(*id))
            .collect();
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let written = insert_notices(&mut tx, &ids, n, &now_text()).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Ids of the users a scope names (see `recipients_sql`: a school means
    /// its staff and its curators), limited to `roles` unless that is
    /// empty; blocked users are left out.
    pub async fn recipients(&self, scope: &Scope, roles: &[Role]) -> Result<Vec<i64>> {
        let roles_cond = if roles.is_empty() {
            "1 = 1".to_string()
        } else {
            // Role codes are the program's own constants.
            let codes: Vec<String> = roles.iter().map(|r| format!("'{}'", r.code())).collect();
            format!("u.role IN ({})", codes.join(", "))
        };
        let sql = format!(
            "SELECT u.id FROM users u WHERE u.blocked = 0 AND {} AND {roles_cond} ORDER BY u.id",
            recipients_sql(scope)
        );
        Ok(on_db!(self, p => sqlx::query_scalar(&sql).fetch_all(p).await)?)
    }

    /// Sends `n` to the users a scope names ([`Db::recipients`]): the staff
    /// and curators of a school, the users of a municipality, everyone in
    /// the region; `roles` narrows it (empty: every role).
    pub async fn notify_scope(&self, scope: &Scope, roles: &[Role], n: &Notice) -> Result<usize> {
        let ids = self.recipients(scope, roles).await?;
        self.notify(&ids, n).await
    }

    /// A user's notifications, newest first, at most `limit`.
    pub async fn notifications_for(&self, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
        let sql = format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications n WHERE n.user_id = $1 \
             ORDER BY n.created_at DESC, n.id DESC LIMIT $2"
        );
        on_db!(self, p => sqlx::query(&sql).bind(user_id).bind(limit.max(0)).fetch_all(p).await?
            .iter().map(notification_from_row!()).collect())
    }

    /// One of the user's own notifications (another user's is `None`).
    pub async fn notification(&self, user_id: i64, id: i64) -> Result<Option<Notification>> {
        let sql = format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications n WHERE n.id = $1 AND n.user_id = $2"
        );
        on_db!(self, p => sqlx::query(&sql).bind(id).bind(user_id).fetch_optional(p).await?
            .as_ref().map(notification_from_row!()).transpose())
    }

    /// How many of a user's notifications are unread (one indexed count: it
    /// is asked on every page).
    pub async fn unread_count(&self, user_id: i64) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL";
        Ok(on_db!(self, p => sqlx::query_scalar(sql).bind(user_id).fetch_one(p).await)?)
    }

    /// Marks one of the user's own notifications read (reading it again
    /// changes nothing). Another user's, or an unknown one, is
    /// [`StoreError::NotFound`] — the same answer, so ids tell nothing.
    pub async fn mark_read(&self, user_id: i64, id: i64) -> Result<()> {
        let sql = "UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3";
        let n = on_db!(self, p => sqlx::query(sql).bind(now_text()).bind(id).bind(user_id).execute(p).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound(format!("уведомление № {id}")));
        }
        Ok(())
    }

    /// Marks all of a user's notifications read; returns how many were unread.
    pub async fn mark_all_read(&self, user_id: i64) -> Result<u64> {
        let sql = "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(now_text()).bind(user_id).execute(p).await?.rows_affected()),
        )
    }

    /// Notifications to e-mail, oldest first, at most `limit`: not e-mailed
    /// yet, still unread, at most a week old, of users who have an address
    /// and are not blocked.
    pub async fn unsent_emails(&self, limit: i64) -> Result<Vec<OutgoingEmail>> {
        let sql = "SELECT n.id, n.user_id, u.email, u.display_name, n.kind, n.title, n.body, n.link, n.created_at \
                   FROM notifications n JOIN users u ON u.id = n.user_id \
                   WHERE n.emailed_at IS NULL AND n.read_at IS NULL AND n.created_at >= $1 \
                     AND u.email IS NOT NULL AND u.email <> '' AND u.blocked = 0 \
                   ORDER BY n.id LIMIT $2";
        let since = crate::auth::time_text_in(-EMAIL_WITHIN_SECS);
        on_db!(self, p => sqlx::query(sql).bind(&since).bind(limit.max(0)).fetch_all(p).await?.iter().map(|r| -> Result<OutgoingEmail> {
            Ok(OutgoingEmail {
                id: r.get(0), user_id: r.get(1), email: r.get(2), display_name: r.get(3),
                kind: NoticeKind::from_stored(&r.get::<String, _>(4))?,
                title: r.get(5), body: r.get(6), link: r.get(7), created_at: r.get(8),
            })
        }).collect())
    }

    /// Takes a notification off the e-mail queue, before its letter is
    /// sent: `false` when it was off already (another server took it), so
    /// that two servers never send the same letter.
    pub async fn mark_emailed(&self, id: i64) -> Result<bool> {
        let sql = "UPDATE notifications SET emailed_at = $1 WHERE id = $2 AND emailed_at IS NULL";
        let n = on_db!(self, p => sqlx::query(sql).bind(now_text()).bind(id).execute(p).await?.rows_affected());
        Ok(n == 1)
    }

    /// Puts a notification back on the e-mail queue (the mail server could
    /// not be reached: the letter waits for the next round).
    pub async fn unmark_emailed(&self, id: i64) -> Result<()> {
        let sql = "UPDATE notifications SET emailed_at = NULL WHERE id = $1";
        on_db!(self, p => sqlx::query(sql).bind(id).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Tells about every activity of a working plan (not archived, not a
    /// template) whose deadline passed before `today` and that is not done:
    /// its responsible users (named in the plan) and the plan's owners —
    /// the school administrators of a school's plan, the municipal
    /// administrators of a municipality's plan, the regional operators of a
    /// regional plan. Once per user, activity and deadline (run it daily:
    /// only what is newly overdue is written). Returns how many were written.
    pub async fn notify_overdue_activities(&self, today: Date) -> Result<usize> {
        let rows = self.overdue_recipients(today).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let now = now_text();
        let mut written = 0;
        let mut tx = self.begin().await?;
        for r in &rows {
            written += insert_notices(&mut tx, &[r.user_id], &r.notice(), &now).await?;
        }
        tx.commit().await?;
        Ok(written)
    }

    /// (overdue activity, recipient) pairs the recipient has not been told
    /// of: four plain joins (the school's administrators, the
    /// municipality's, the region's, the named responsible users) in one union.
    async fn overdue_recipients(&self, today: Date) -> Result<Vec<Overdue>> {
        let cols = "o.id AS activity_id, o.number, o.text, o.deadline_text, o.deadline_end, o.plan_title, o.unit, o.status, u.id AS user_id";
        let sql = format!(
            "WITH o AS ( \
               SELECT a.id, a.number, a.text, a.deadline_text, a.deadline_end, a.status, p.title AS plan_title, \
                 COALESCE(s.short_name, m.name, '') AS unit, p.level, p.school_id, p.municipality_id \
               FROM plan_activities a JOIN plans p ON p.id = a.plan_id \
               LEFT JOIN schools s ON s.id = p.school_id LEFT JOIN municipalities m ON m.id = p.municipality_id \
               WHERE a.status IN ('planned', 'in_progress') AND a.deadline_end IS NOT NULL AND a.deadline_end < $1 \
                 AND p.status <> 'archived' AND p.is_template = 0) \
             SELECT * FROM ( \
               SELECT {cols} FROM o JOIN users u ON u.school_id = o.school_id AND u.role = 'school' \
               UNION SELECT {cols} FROM o JOIN users u ON u.municipality_id = o.municipality_id AND u.role = 'municipality' \
                 WHERE o.school_id IS NULL AND o.level = 'municipality' \
               UNION SELECT {cols} FROM o JOIN users u ON u.role = 'region' WHERE o.school_id IS NULL AND o.level = 'region' \
               UNION SELECT {cols} FROM o JOIN plan_responsibles r ON r.activity_id = o.id JOIN users u ON u.id = r.user_id \
             ) x \
             WHERE NOT EXISTS (SELECT 1 FROM users b WHERE b.id = x.user_id AND b.blocked <> 0) \
               AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = x.user_id \
                 AND n.dedup = 'overdue_activity:' || CAST(x.activity_id AS TEXT) || ':' || x.deadline_end) \
             ORDER BY x.deadline_end, x.activity_id, x.user_id"
        );
        let rows = on_db!(self, p => sqlx::query(&sql).bind(today.iso()).fetch_all(p).await?.iter().map(|r| Overdue {
            activity_id: r.get(0), number: r.get(1), text: r.get(2), deadline_text: r.get(3), deadline_end: r.get(4),
            plan_title: r.get(5), unit: r.get(6), status: r.get(7), user_id: r.get(8),
        }).collect::<Vec<_>>());
        Ok(rows)
    }
}

/// Inserts `n` for each user inside `tx`; a dedup key already held by a
/// user is skipped. Returns how many rows were written.
async fn insert_notices(
    tx: &mut crate::db::Tx,
    user_ids: &[i64],
    n: &Notice,
    now: &str,
) -> Result<usize> {
    let sql = "INSERT INTO notifications (user_id, kind, title, body, link, created_at, dedup) \
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, dedup) DO NOTHING";
    let mut written = 0;
    for &user in user_ids {
        let n = on_tx!(tx, c => sqlx::query(sql).bind(user).bind(n.kind.code()).bind(n.title.trim()).bind(n.body.trim())
            .bind(&n.link).bind(now).bind(&n.dedup).execute(&mut *c).await?.rows_affected());
        written += n as usize;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_stable_codes_and_russian_titles() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::from_code(k.code()), Some(k));
            assert!(k.title().chars().any(|c| ('а'..='я').contains(&c)));
        }
        assert_eq!(NoticeKind::OverdueActivity.code(), "overdue_activity");
        assert!(NoticeKind::from_stored("unknown").is_err());
    }

    #[test]
    fn a_link_must_stay_on_the_site() {
        assert!(local_path("/activities/12"));
        assert!(local_path("/plans/3?tab=1#a"));
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/a b",
        ] {
            assert!(!local_path(bad), "{bad}");
        }
    }

    #[test]
    fn the_overdue_key_names_the_activity_and_its_deadline() {
        assert_eq!(
            overdue_key(7, "2026-03-31"),
            "overdue_activity:7:2026-03-31"
        );
    }
}
