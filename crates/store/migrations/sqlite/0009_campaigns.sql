-- Data-collection campaigns (issue 12): a form sent to schools for a
-- period, each school's answer with its workflow, values with their
-- history; and the facts of programme indicators per period, frozen when
-- the period closes.

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    period TEXT NOT NULL,                  -- «февраль 2027»: matches an indicator period
    municipality_id INTEGER REFERENCES municipalities(id),  -- the owner; NULL: the region
    plan_id INTEGER REFERENCES plans(id) ON DELETE SET NULL, -- the programme it serves
    form TEXT NOT NULL,                    -- the form as text (opora_indicators::campaign)
    opens_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    locks_on TEXT NOT NULL,                -- after this date entry is locked
    region_step INTEGER NOT NULL DEFAULT 0, -- the region confirms after the municipality
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE campaign_schools (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    status TEXT NOT NULL DEFAULT 'not_started',
    first_submitted_on TEXT,               -- local date of the first sending (timeliness)
    comment TEXT NOT NULL DEFAULT '',      -- the reviewer's comment when returned
    reopened INTEGER NOT NULL DEFAULT 0,   -- entry allowed after the lock
    updated_at TEXT,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, school_id)
);
CREATE INDEX campaign_schools_school ON campaign_schools(school_id);

CREATE TABLE campaign_values (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    field_key TEXT NOT NULL,
    value TEXT NOT NULL,                   -- as understood, written for people
    number REAL,                           -- numbers and yes/no (1/0)
    comment TEXT NOT NULL DEFAULT '',      -- the reviewer's comment on this value
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (campaign_id, school_id, field_key)
);

-- Every change of a value and every step of the workflow.
CREATE TABLE campaign_history (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    field_key TEXT NOT NULL DEFAULT '',    -- empty for a workflow step
    value TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX campaign_history_school ON campaign_history(campaign_id, school_id);

-- Where an indicator's value comes from: none yet, a formula over Opora's
-- data (campaign answers included), or entered by hand.
ALTER TABLE programme_indicators ADD COLUMN source TEXT NOT NULL DEFAULT 'none';
ALTER TABLE programme_indicators ADD COLUMN formula TEXT NOT NULL DEFAULT '';

-- The periods a programme measures its indicators in («февраль 2027»).
CREATE TABLE indicator_periods (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    closed_at TEXT,                        -- a closed period's values are frozen
    closed_by TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, title)
);

-- The value of an indicator in a period, with the lists behind it.
CREATE TABLE indicator_values (
    indicator_id INTEGER NOT NULL REFERENCES programme_indicators(id) ON DELETE CASCADE,
    period_id INTEGER NOT NULL REFERENCES indicator_periods(id) ON DELETE CASCADE,
    value REAL,
    value_text TEXT NOT NULL DEFAULT '',
    numerator INTEGER,
    denominator INTEGER,
    lists TEXT NOT NULL DEFAULT '[]',      -- JSON: the schools behind the value and why
    note TEXT NOT NULL DEFAULT '',         -- the source of a value entered by hand
    document TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (indicator_id, period_id)
);

CREATE TABLE indicator_value_history (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES programme_indicators(id) ON DELETE CASCADE,
    period_id INTEGER NOT NULL REFERENCES indicator_periods(id) ON DELETE CASCADE,
    value_text TEXT NOT NULL,
    why TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL
);
