-- Events of the support programme (issue 16): seminars, webinars,
-- methodological associations, internships, councils… with their target
-- schools, participants (attendance), materials, protocol and decisions.

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (title <> ''),  -- the topic
    kind TEXT NOT NULL,                        -- opora_events::EventKind code
    level TEXT NOT NULL CHECK (level IN ('federal', 'regional', 'municipal', 'school')),
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
    starts_on TEXT NOT NULL,                   -- ISO date
    ends_on TEXT,                              -- ISO date of the last day; NULL: one day
    starts_at TEXT,                            -- «10:00», the region's wall clock
    ends_at TEXT,
    place TEXT NOT NULL DEFAULT '',            -- an address or «онлайн» with a link
    organiser TEXT NOT NULL DEFAULT '',        -- who runs it: «ЦНППМ», «ИМЦ», a school
    municipality_id INTEGER REFERENCES municipalities(id), -- the owner; NULL: the region's
    school_id INTEGER REFERENCES schools(id),  -- the owner of a school's event
    description TEXT NOT NULL DEFAULT '',
    materials TEXT NOT NULL DEFAULT '',        -- links to the programme, presentations, recordings
    hours INTEGER CHECK (hours IS NULL OR hours > 0),
    certificate INTEGER NOT NULL DEFAULT 0,    -- 1: gives a certificate of further education (≥ 16 h)
    protocol TEXT NOT NULL DEFAULT '',         -- what was discussed
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX events_starts ON events(starts_on);
CREATE INDEX events_municipality ON events(municipality_id, starts_on);
CREATE INDEX events_school ON events(school_id, starts_on);

-- The schools an event is for.
CREATE TABLE event_schools (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    PRIMARY KEY (event_id, school_id)
);
CREATE INDEX event_schools_school ON event_schools(school_id);

-- Teachers invited and their attendance, with what attending wrote into
-- their records: the course of a certifying event and the step of their
-- development plan.
CREATE TABLE event_participants (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    teacher_id INTEGER NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
    attendance TEXT NOT NULL DEFAULT 'invited' CHECK (attendance IN ('invited', 'attended', 'absent')),
    course_id INTEGER REFERENCES courses(id) ON DELETE SET NULL,
    course_created INTEGER NOT NULL DEFAULT 0, -- 1: the course row is the event's (removed with the attendance)
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    marked_at TEXT,
    marked_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, teacher_id)
);
CREATE INDEX event_participants_teacher ON event_participants(teacher_id);

-- The protocol's decisions; a decision becomes an activity of a roadmap.
CREATE TABLE event_decisions (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    text TEXT NOT NULL CHECK (text <> ''),
    responsible TEXT NOT NULL DEFAULT '',
    deadline TEXT NOT NULL DEFAULT '',        -- as written: «до 20.12.2026», «ежемесячно»
    activity_id INTEGER REFERENCES plan_activities(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX event_decisions_event ON event_decisions(event_id);
CREATE UNIQUE INDEX event_decisions_activity ON event_decisions(activity_id) WHERE activity_id IS NOT NULL;

-- A development-plan step that is taking part in an event: done when the
-- teacher attends.
ALTER TABLE development_steps ADD COLUMN event_id INTEGER REFERENCES events(id) ON DELETE SET NULL;
CREATE INDEX development_steps_event ON development_steps(event_id) WHERE event_id IS NOT NULL;
