-- Comments on teachers' development plans (issue 13): the curator reads
-- and comments; so may everyone who sees the plan.

CREATE TABLE development_comments (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES development_plans(id) ON DELETE CASCADE,
    text TEXT NOT NULL CHECK (text <> ''),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX development_comments_plan ON development_comments(plan_id, created_at);
