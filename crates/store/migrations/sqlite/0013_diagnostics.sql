-- Diagnostics of professional deficits (issue 13): rounds of a diagnostic
-- and each teacher's score per subject and competence area, with the
-- topics found weak. Results belong to the person (teachers.id), so a move
-- between schools keeps them.

CREATE TABLE diagnostic_rounds (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL UNIQUE,              -- «Диагностика профессиональных дефицитов, весна 2025»
    held_on TEXT NOT NULL,                   -- ISO date
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE diagnostic_results (
    round_id INTEGER NOT NULL REFERENCES diagnostic_rounds(id) ON DELETE CASCADE,
    teacher_id INTEGER NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    competence TEXT NOT NULL CHECK (competence IN ('subject', 'methodical', 'psych_pedagogical')),
    score REAL NOT NULL CHECK (score >= 0 AND score <= 100),  -- percent; under 50 is a deficit
    weak_topics TEXT NOT NULL DEFAULT '',    -- '; '-separated
    PRIMARY KEY (round_id, teacher_id, subject, competence)
);
CREATE INDEX diagnostic_results_teacher ON diagnostic_results(teacher_id);
