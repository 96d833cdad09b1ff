-- The efficiency of principals (issue 13): the criteria's weights the
-- region sets, and the evaluations per academic year with each school's
-- measures, points and the numbers behind them (frozen for the order).

CREATE TABLE principal_criteria (
    criterion TEXT PRIMARY KEY CHECK (criterion IN ('results', 'dynamics', 'objectivity', 'roadmap', 'qualification', 'development')),
    weight INTEGER NOT NULL CHECK (weight >= 0 AND weight <= 100),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE principal_evaluations (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL UNIQUE,              -- the academic year's last year: 2026 is «2025-2026 учебный год»
    evaluated_on TEXT NOT NULL,              -- ISO date the data was read on
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE principal_results (
    evaluation_id INTEGER NOT NULL REFERENCES principal_evaluations(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    principal TEXT NOT NULL DEFAULT '',      -- the principal's name on the day (staff records)
    total REAL,                             -- the weighted mean, 0–100; NULL: no data at all
    PRIMARY KEY (evaluation_id, school_id)
);

CREATE TABLE principal_scores (
    evaluation_id INTEGER NOT NULL REFERENCES principal_evaluations(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    criterion TEXT NOT NULL,
    weight INTEGER NOT NULL,
    value REAL,                             -- the measure, 0–100; NULL: no data
    points REAL,
    basis TEXT NOT NULL,                     -- the numbers behind it, in Russian
    PRIMARY KEY (evaluation_id, school_id, criterion)
);
