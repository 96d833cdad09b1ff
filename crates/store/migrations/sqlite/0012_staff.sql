-- Staff (issue 13): teachers of each school with their qualification, the
-- courses they completed, and their moves between schools. A teacher is a
-- person record (with or without a login): courses belong to the person, so
-- a move to another school keeps them.

CREATE TABLE teachers (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),  -- where the person works now
    personnel_no TEXT,                       -- the HR office's number within the school, if the file has one
    full_name TEXT NOT NULL,
    name_key TEXT NOT NULL,                  -- lower case, ё as е, single spaces: the person by name within the school
    position TEXT NOT NULL DEFAULT 'учитель',
    subjects TEXT NOT NULL DEFAULT '',       -- subjects taught, '; '-separated
    grades TEXT NOT NULL DEFAULT '',         -- grades taught, ','-separated numbers
    category TEXT NOT NULL DEFAULT 'none' CHECK (category IN ('highest', 'first', 'fits', 'none')),
    experience_years INTEGER,                -- teaching experience, whole years
    education TEXT NOT NULL DEFAULT '',      -- высшее, среднее профессиональное…
    education_subject TEXT NOT NULL DEFAULT '', -- the diploma's speciality
    young_specialist INTEGER NOT NULL DEFAULT 0,
    user_id INTEGER REFERENCES users(id),    -- the person's login (role «Учитель»), if any
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE UNIQUE INDEX teachers_personnel_no ON teachers(school_id, personnel_no) WHERE personnel_no IS NOT NULL;
CREATE INDEX teachers_school_name ON teachers(school_id, name_key);
CREATE UNIQUE INDEX teachers_user ON teachers(user_id) WHERE user_id IS NOT NULL;

CREATE TABLE teacher_moves (
    id INTEGER PRIMARY KEY,
    teacher_id INTEGER NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
    from_school_id INTEGER NOT NULL REFERENCES schools(id),
    to_school_id INTEGER NOT NULL REFERENCES schools(id),
    moved_on TEXT NOT NULL,                  -- ISO date
    actor TEXT NOT NULL
);
CREATE INDEX teacher_moves_teacher ON teacher_moves(teacher_id, moved_on);

CREATE TABLE courses (
    id INTEGER PRIMARY KEY,
    teacher_id INTEGER NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('upgrade', 'retraining')),
    hours INTEGER,
    provider TEXT NOT NULL DEFAULT '',
    provider_kind TEXT NOT NULL DEFAULT 'other',
    start_date TEXT,                         -- ISO date
    end_date TEXT NOT NULL,                  -- ISO date: what the three-year rule counts from
    certificate_no TEXT NOT NULL DEFAULT '',
    subject_area TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
-- One course of a person is its programme and end date: a re-import updates it.
CREATE UNIQUE INDEX courses_identity ON courses(teacher_id, title, end_date);
