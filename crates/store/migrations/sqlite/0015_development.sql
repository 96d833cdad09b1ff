-- Individual development plans of teachers (issue 13): the region's
-- catalogue of further-education programmes tagged by the deficits they
-- address, and each teacher's plan (ИОМ педагога) with its steps.

CREATE TABLE programmes (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (title <> ''),
    provider TEXT NOT NULL DEFAULT '',
    provider_kind TEXT NOT NULL DEFAULT 'other',
    kind TEXT NOT NULL DEFAULT 'upgrade' CHECK (kind IN ('upgrade', 'retraining')),
    hours INTEGER,
    subject TEXT NOT NULL DEFAULT '',        -- the subject it is for; '': every subject
    competences TEXT NOT NULL CHECK (competences <> ''), -- competence codes, ';'-separated
    topics TEXT NOT NULL DEFAULT '',         -- topics it covers, '; '-separated
    active INTEGER NOT NULL DEFAULT 1,          -- 0: withdrawn (kept for the plans that name it)
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX programmes_identity ON programmes(title, provider);

CREATE TABLE development_plans (
    id INTEGER PRIMARY KEY,
    teacher_id INTEGER NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
    round_id INTEGER REFERENCES diagnostic_rounds(id), -- the round it was drafted from, if any
    starts_on TEXT NOT NULL,                 -- ISO date
    ends_on TEXT NOT NULL,                   -- ISO date
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    closed_on TEXT,
    summary TEXT NOT NULL DEFAULT '',        -- the outcome written when closing
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
-- One active plan per teacher: drafting twice at once drafts once.
CREATE UNIQUE INDEX development_plans_active ON development_plans(teacher_id) WHERE status = 'active';

CREATE TABLE development_steps (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES development_plans(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('course', 'mentoring', 'association', 'self_education', 'open_lesson', 'other')),
    title TEXT NOT NULL CHECK (title <> ''),
    subject TEXT NOT NULL DEFAULT '',        -- the deficit it addresses: subject…
    competence TEXT,                         -- …and competence area; NULL: none
    programme_id INTEGER REFERENCES programmes(id),
    due_on TEXT NOT NULL,                    -- ISO date
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done', 'cancelled')),
    done_on TEXT,
    evidence TEXT NOT NULL DEFAULT '',       -- what shows it done: a certificate, a link, a protocol
    course_id INTEGER REFERENCES courses(id) ON DELETE SET NULL, -- the course record a done course step wrote
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX development_steps_plan ON development_steps(plan_id, due_on);
