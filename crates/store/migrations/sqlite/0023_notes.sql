-- Issued analytical notes (issue 16): the note as issued (its content as
-- JSON, the paragraphs as edited), numbered by version per subject, so a
-- note sent out can be read again exactly as it was.

CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('school', 'municipality', 'region')),
    subject_key TEXT NOT NULL,                 -- the school's code, the municipality's id, '' for the region
    subject_name TEXT NOT NULL,
    municipality_id INTEGER REFERENCES municipalities(id), -- whose scope sees it (NULL: the region's)
    school_id INTEGER REFERENCES schools(id),
    as_of TEXT NOT NULL,                       -- ISO date the note is for
    version INTEGER NOT NULL,
    content TEXT NOT NULL,                     -- the Note as JSON
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (subject_kind, subject_key, version)
);
