-- Pupils with low educational results (issue 14). A pupil is named only by
-- the pseudonymous key of the results files (student_key); no names.

-- Each school's thresholds of the early warning (defaults in the code
-- until the school sets its own).
CREATE TABLE pupil_thresholds (
    school_id INTEGER PRIMARY KEY REFERENCES schools(id),
    low_result_pct REAL NOT NULL,
    chronic_absence_pct REAL NOT NULL,
    review_weeks INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- The register: one row per pupil of a school who is or was on it.
CREATE TABLE pupils (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    student_key TEXT NOT NULL CHECK (student_key <> ''),
    class_name TEXT NOT NULL DEFAULT '',     -- «7Б», as the school writes it
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 11),
    grade_year INTEGER NOT NULL,             -- the academic year the grade is of
    subjects TEXT NOT NULL DEFAULT '',       -- subjects at risk, '; '-separated
    causes TEXT NOT NULL DEFAULT '',         -- cause codes, ','-separated
    origin TEXT NOT NULL CHECK (origin IN ('results', 'manual')),
    source_year INTEGER,                     -- the results year it was found in
    entered_on TEXT NOT NULL,                -- ISO date
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    left_on TEXT,
    leave_reason TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (school_id, student_key)
);

-- The early-warning level of a pupil per period (half-year), computed
-- afresh each time, with the triggers that fired (JSON).
CREATE TABLE pupil_warnings (
    pupil_id INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    period TEXT NOT NULL,                    -- «2027-1»
    level TEXT NOT NULL CHECK (level IN ('none', 'attention', 'risk', 'high')),
    triggers TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (pupil_id, period)
);

-- Attendance per pupil and month, as imported from the school journal.
CREATE TABLE pupil_attendance (
    school_id INTEGER NOT NULL REFERENCES schools(id),
    student_key TEXT NOT NULL,
    month TEXT NOT NULL,                     -- «2026-09»
    lessons INTEGER NOT NULL CHECK (lessons >= 0),
    missed INTEGER NOT NULL CHECK (missed BETWEEN 0 AND lessons),
    unexcused INTEGER NOT NULL CHECK (unexcused BETWEEN 0 AND missed),
    PRIMARY KEY (school_id, student_key, month)
);

-- Individual educational routes (ИОМ обучающегося).
CREATE TABLE pupil_routes (
    id INTEGER PRIMARY KEY,
    pupil_id INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    tier TEXT NOT NULL CHECK (tier IN ('1', '2', '3')),
    started_on TEXT NOT NULL,
    review_weeks INTEGER NOT NULL CHECK (review_weeks BETWEEN 1 AND 26),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    closed_on TEXT,
    outcome TEXT,
    outcome_note TEXT NOT NULL DEFAULT '',
    career_programme TEXT NOT NULL DEFAULT '', -- graduates (grades 9, 11): the personal programme
    career_choice TEXT NOT NULL DEFAULT '',    -- …the choice made
    career_outcome TEXT NOT NULL DEFAULT '',   -- …and where the pupil went
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
-- One active route per pupil: opening twice at once opens once.
CREATE UNIQUE INDEX pupil_routes_active ON pupil_routes(pupil_id) WHERE status = 'active';

CREATE TABLE pupil_route_goals (
    id INTEGER PRIMARY KEY,
    route_id INTEGER NOT NULL REFERENCES pupil_routes(id) ON DELETE CASCADE,
    subject TEXT NOT NULL CHECK (subject <> ''),
    target TEXT NOT NULL CHECK (target <> '')  -- «отметка 3 на ВПР», «минимальный балл ОГЭ»
);

CREATE TABLE pupil_route_steps (
    id INTEGER PRIMARY KEY,
    route_id INTEGER NOT NULL REFERENCES pupil_routes(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL CHECK (title <> ''),
    owner TEXT NOT NULL DEFAULT '',          -- who does it (a position or a name of staff)
    due_on TEXT,
    with_family INTEGER NOT NULL DEFAULT 0,  -- 1: the family takes part
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done', 'cancelled')),
    done_on TEXT,
    note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE pupil_route_reviews (
    id INTEGER PRIMARY KEY,
    route_id INTEGER NOT NULL REFERENCES pupil_routes(id) ON DELETE CASCADE,
    held_on TEXT NOT NULL,
    note TEXT NOT NULL CHECK (note <> ''),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX pupil_route_reviews_route ON pupil_route_reviews(route_id);
CREATE INDEX pupil_route_steps_route ON pupil_route_steps(route_id);
CREATE INDEX pupil_route_goals_route ON pupil_route_goals(route_id);
