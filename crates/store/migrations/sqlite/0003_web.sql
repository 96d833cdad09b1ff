-- Web application: sessions, login failures (lock-out), audit scope, and an
-- index of saved runs per school (lists, filters, comparisons, school card).

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Consecutive failed logins per login name (known or not).
CREATE TABLE login_failures (
    login TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at TEXT NOT NULL,
    locked_until TEXT
);

-- Who did it, and whose municipality it concerns (for filtered reading).
ALTER TABLE audit_log ADD COLUMN user_id INTEGER;
ALTER TABLE audit_log ADD COLUMN municipality_id INTEGER;
CREATE INDEX audit_log_municipality ON audit_log(municipality_id);

-- One row per (run, school), written from the run's JSON.
CREATE TABLE run_schools (
    run_id INTEGER NOT NULL REFERENCES identification_runs(id),
    school_code TEXT NOT NULL,
    category TEXT NOT NULL,
    is_shnor INTEGER NOT NULL,
    is_low_results INTEGER NOT NULL,
    is_shnsu INTEGER NOT NULL,
    is_resilient INTEGER NOT NULL,
    insufficient_data INTEGER NOT NULL,
    n INTEGER NOT NULL,
    result_index REAL,
    social_index REAL,
    expected REAL,
    effect REAL,
    ci_low REAL,
    ci_high REAL,
    rank INTEGER,
    percentile REAL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (run_id, school_code)
);
CREATE INDEX run_schools_school ON run_schools(school_code);

-- The school card reads a school's statistics by school.
CREATE INDEX assessment_stats_school ON assessment_stats(school_id);
