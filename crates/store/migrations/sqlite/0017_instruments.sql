-- Self-assessment instruments (issue 13): statements per competence area
-- that teachers rate; each instrument is a diagnostic round of its own, and
-- a teacher's answers become their results of that round.

CREATE TABLE diagnostic_instruments (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL UNIQUE REFERENCES diagnostic_rounds(id) ON DELETE CASCADE,
    subject TEXT NOT NULL DEFAULT '',        -- the subject it is for; '': the teacher names one of theirs
    open INTEGER NOT NULL DEFAULT 1,            -- 0: closed for answers
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE instrument_items (
    id INTEGER PRIMARY KEY,
    instrument_id INTEGER NOT NULL REFERENCES diagnostic_instruments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    competence TEXT NOT NULL CHECK (competence IN ('subject', 'methodical', 'psych_pedagogical')),
    text TEXT NOT NULL CHECK (text <> '')
);
CREATE INDEX instrument_items_instrument ON instrument_items(instrument_id, position);

CREATE TABLE instrument_answers (
    instrument_id INTEGER NOT NULL REFERENCES diagnostic_instruments(id) ON DELETE CASCADE,
    teacher_id INTEGER NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES instrument_items(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    answer INTEGER NOT NULL CHECK (answer BETWEEN 1 AND 4),
    PRIMARY KEY (instrument_id, teacher_id, item_id)
);
