-- Web application: sessions, login failures (lock-out), audit scope, and an
-- index of saved runs per school (lists, filters, comparisons, school card).

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Consecutive failed logins per login name (known or not).
CREATE TABLE login_failures (
    login TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_at TEXT NOT NULL,
    locked_until TEXT
);

-- Who did it, and whose municipality it concerns (for filtered reading).
ALTER TABLE audit_log ADD COLUMN user_id BIGINT;
ALTER TABLE audit_log ADD COLUMN municipality_id BIGINT;
CREATE INDEX audit_log_municipality ON audit_log(municipality_id);

-- One row per (run, school), written from the run's JSON.
CREATE TABLE run_schools (
    run_id BIGINT NOT NULL REFERENCES identification_runs(id),
    school_code TEXT NOT NULL,
    category TEXT NOT NULL,
    is_shnor BIGINT NOT NULL,
    is_low_results BIGINT NOT NULL,
    is_shnsu BIGINT NOT NULL,
    is_resilient BIGINT NOT NULL,
    insufficient_data BIGINT NOT NULL,
    n BIGINT NOT NULL,
    result_index DOUBLE PRECISION,
    social_index DOUBLE PRECISION,
    expected DOUBLE PRECISION,
    effect DOUBLE PRECISION,
    ci_low DOUBLE PRECISION,
    ci_high DOUBLE PRECISION,
    rank BIGINT,
    percentile DOUBLE PRECISION,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (run_id, school_code)
);
CREATE INDEX run_schools_school ON run_schools(school_code);

-- The school card reads a school's statistics by school.
CREATE INDEX assessment_stats_school ON assessment_stats(school_id);
