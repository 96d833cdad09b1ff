-- Mentoring (issue 13): pairs of a mentor and a mentee (teachers, possibly
-- of different schools) with the form, goals, period and the order that
-- appointed them, and the log of their meetings.

CREATE TABLE mentoring_pairs (
    id INTEGER PRIMARY KEY,
    mentor_id INTEGER NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
    mentee_id INTEGER NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
    form TEXT NOT NULL CHECK (form IN ('teacher_teacher', 'young_specialist', 'leader_school')),
    goals TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,                 -- ISO date
    ends_on TEXT,                            -- ISO date; NULL: open-ended
    order_ref TEXT NOT NULL DEFAULT '',      -- «Приказ № 45 от 01.09.2026»
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    closed_on TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (mentor_id <> mentee_id)
);
CREATE INDEX mentoring_pairs_mentor ON mentoring_pairs(mentor_id, status);
CREATE INDEX mentoring_pairs_mentee ON mentoring_pairs(mentee_id, status);

CREATE TABLE mentoring_meetings (
    id INTEGER PRIMARY KEY,
    pair_id INTEGER NOT NULL REFERENCES mentoring_pairs(id) ON DELETE CASCADE,
    held_on TEXT NOT NULL,                   -- ISO date
    topic TEXT NOT NULL CHECK (topic <> ''),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX mentoring_meetings_pair ON mentoring_meetings(pair_id, held_on);
