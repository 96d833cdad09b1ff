-- Programme indicators (issue 12): the targets a programme (a plan of region
-- or municipality level) promises, as read from its passport or entered.
-- One row per indicator; the name is unique within a programme so that
-- importing the same passport again changes nothing.
CREATE TABLE programme_indicators (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    group_name TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL,                -- percent | count | score | yes_no
    target_number REAL,                -- numeric targets (per cent as 100, 20)
    target_text TEXT NOT NULL,         -- the target as written («20 %», «Да»)
    direction TEXT NOT NULL,           -- at_least | at_most | equal
    source_file TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (plan_id, name)
);
CREATE INDEX programme_indicators_plan ON programme_indicators(plan_id, position);
