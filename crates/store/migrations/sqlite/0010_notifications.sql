-- Notifications: an in-app inbox for every user, and the e-mail address the
-- server sends them to (when mail is configured). A notice is kept per
-- recipient; `dedup` names a reminder so that sending it again (the daily
-- overdue check, a second server) adds nothing for the same user.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- deadline | returned | accepted | submitted | overdue_activity | reminder
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',             -- a path of the site («/activities/12»)
    created_at TEXT NOT NULL,
    read_at TEXT,
    emailed_at TEXT,
    dedup TEXT,                                -- NULL: every notice is new
    UNIQUE (user_id, dedup)
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_unsent ON notifications(id) WHERE emailed_at IS NULL;
