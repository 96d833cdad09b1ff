-- Registry: one region, its municipalities and schools.
CREATE TABLE region (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE municipalities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT ''
);

CREATE TABLE schools (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    municipality_id INTEGER NOT NULL REFERENCES municipalities(id),
    full_name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'СОШ',
    locality TEXT NOT NULL DEFAULT 'город',
    address TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    enrolment INTEGER
);
CREATE INDEX schools_municipality ON schools(municipality_id);

CREATE TABLE academic_years (
    year INTEGER PRIMARY KEY,
    title TEXT NOT NULL
);

CREATE TABLE procedures (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0
);
INSERT INTO procedures (code, name, builtin) VALUES
    ('ВПР', 'Всероссийские проверочные работы', 1),
    ('ОГЭ', 'Основной государственный экзамен', 1),
    ('ЕГЭ', 'Единый государственный экзамен', 1),
    ('КДР', 'Краевые (региональные) диагностические работы', 1);

CREATE TABLE subjects (
    name TEXT PRIMARY KEY
);

-- An assessment is one (year, procedure, subject, grade).
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    procedure TEXT NOT NULL REFERENCES procedures(code),
    subject TEXT NOT NULL REFERENCES subjects(name),
    grade INTEGER NOT NULL,
    UNIQUE (year, procedure, subject, grade)
);

-- Maximum score and minimum scores for marks 3, 4, 5.
CREATE TABLE scales (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id),
    max_score REAL NOT NULL,
    min_3 REAL,
    min_4 REAL,
    min_5 REAL
);

-- Context indicators: an open list of codes with Russian names and units.
CREATE TABLE indicators (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT ''
);

-- year 0 = not tied to a year.
CREATE TABLE context_values (
    school_id INTEGER NOT NULL REFERENCES schools(id),
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL REFERENCES indicators(code),
    value REAL NOT NULL,
    PRIMARY KEY (school_id, year, indicator)
);

-- Methodology step 5 inputs, per school and year.
CREATE TABLE checklist (
    school_id INTEGER NOT NULL REFERENCES schools(id),
    year INTEGER NOT NULL,
    continuation_rate REAL,
    graduates INTEGER,
    ege_below_min INTEGER,
    olympiad_participants INTEGER,
    pupils INTEGER,
    kdn_pdn INTEGER,
    noko_satisfaction REAL,
    PRIMARY KEY (school_id, year)
);

-- Pupil-level results; pupils only under pseudonymous keys.
CREATE TABLE pupil_results (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    school_id INTEGER NOT NULL REFERENCES schools(id),
    student_key TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL,
    mark INTEGER,
    journal_mark INTEGER,
    tasks TEXT,
    held_on TEXT,
    PRIMARY KEY (assessment_id, school_id, student_key)
) WITHOUT ROWID;
-- No index by school alone: queries by school read assessment_stats, and
-- every index costs the bulk import a second B-tree insert per row.

-- School-level results, for sources that publish only aggregates.
CREATE TABLE school_results (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    school_id INTEGER NOT NULL REFERENCES schools(id),
    n INTEGER NOT NULL,
    mean_score REAL NOT NULL,
    sd_score REAL,
    se REAL,
    share_2 REAL,
    share_3 REAL,
    share_4 REAL,
    share_5 REAL,
    PRIMARY KEY (assessment_id, school_id)
);

-- Sufficient statistics per (school, assessment), maintained on import so
-- that an identification run never rereads pupil rows. content_hash detects
-- a re-import of identical data.
CREATE TABLE assessment_stats (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    school_id INTEGER NOT NULL REFERENCES schools(id),
    n INTEGER NOT NULL,
    sum REAL NOT NULL,
    sum_sq REAL NOT NULL,
    stats TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (assessment_id, school_id)
);

-- Users with role and scope (authentication arrives with the web issue).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    municipality_id INTEGER REFERENCES municipalities(id),
    school_id INTEGER REFERENCES schools(id),
    password_hash TEXT,
    blocked INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- Schools assigned to a curator (методист / куратор).
CREATE TABLE user_schools (
    user_id INTEGER NOT NULL REFERENCES users(id),
    school_id INTEGER NOT NULL REFERENCES schools(id),
    PRIMARY KEY (user_id, school_id)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
