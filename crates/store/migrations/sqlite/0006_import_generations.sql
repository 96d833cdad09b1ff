-- Results imports write in short transactions (so that a long import never
-- holds the write lock for minutes) and become visible in one small final
-- transaction. Every result row carries the generation (import number) that
-- wrote it; a group's statistics name the generation that is current. Rows
-- of other generations are invisible leftovers, swept after the commit or,
-- after a crash, by the next import (result_import_groups lists what each
-- unfinished import touched).
CREATE TABLE pupil_results_new (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    school_id INTEGER NOT NULL REFERENCES schools(id),
    generation INTEGER NOT NULL DEFAULT 0,
    student_key TEXT NOT NULL,
    score REAL NOT NULL,
    test_score REAL,
    max_score REAL,
    mark INTEGER,
    journal_mark INTEGER,
    tasks TEXT,
    held_on TEXT,
    PRIMARY KEY (assessment_id, school_id, generation, student_key)
) WITHOUT ROWID;
INSERT INTO pupil_results_new (assessment_id, school_id, generation, student_key, score, max_score, mark, journal_mark, tasks, held_on)
    SELECT assessment_id, school_id, 0, student_key, score, max_score, mark, journal_mark, tasks, held_on FROM pupil_results;
DROP TABLE pupil_results;
ALTER TABLE pupil_results_new RENAME TO pupil_results;

CREATE TABLE school_results_new (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    school_id INTEGER NOT NULL REFERENCES schools(id),
    generation INTEGER NOT NULL DEFAULT 0,
    n INTEGER NOT NULL,
    mean_score REAL NOT NULL,
    sd_score REAL,
    se REAL,
    share_2 REAL,
    share_3 REAL,
    share_4 REAL,
    share_5 REAL,
    PRIMARY KEY (assessment_id, school_id, generation)
);
INSERT INTO school_results_new (assessment_id, school_id, generation, n, mean_score, sd_score, se, share_2, share_3, share_4, share_5)
    SELECT assessment_id, school_id, 0, n, mean_score, sd_score, se, share_2, share_3, share_4, share_5 FROM school_results;
DROP TABLE school_results;
ALTER TABLE school_results_new RENAME TO school_results;

ALTER TABLE assessment_stats ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;

-- One row per results import: 'writing' while rows are written, 'sweeping'
-- after its commit until leftovers are deleted, 'done' (or 'abandoned' when
-- a later import found it dead and swept it).
CREATE TABLE result_imports (
    generation INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    actor TEXT NOT NULL,
    started_at TEXT NOT NULL,
    state TEXT NOT NULL
);

-- The (assessment, school) groups an unfinished import has written rows to,
-- committed with those rows, so a crash leaves a list of what to sweep.
CREATE TABLE result_import_groups (
    generation INTEGER NOT NULL,
    assessment_id INTEGER NOT NULL,
    school_id INTEGER NOT NULL,
    PRIMARY KEY (generation, assessment_id, school_id)
);

-- Subjects every region has: a file naming one of these needs no
-- confirmation; any other name is asked about before it is created.
INSERT INTO subjects (name) VALUES
    ('Русский язык'), ('Математика'), ('Алгебра'), ('Геометрия'), ('Физика'), ('Химия'), ('Биология'),
    ('География'), ('История'), ('Обществознание'), ('Информатика'), ('Литература'), ('Окружающий мир'),
    ('Английский язык'), ('Немецкий язык'), ('Французский язык'), ('Испанский язык'), ('Китайский язык'),
    ('Иностранный язык'), ('Математика (базовый уровень)'), ('Математика (профильный уровень)'),
    ('Естествознание'), ('Читательская грамотность'), ('Функциональная грамотность')
    ON CONFLICT (name) DO NOTHING;
