-- Website audits (issue 12): every check of a school's site with one row
-- per requirement, and the manual overrides people set with a comment.
-- Requirements are kept by their stable code (crates/sites/requirements.toml:
-- «the codes are stable»), with the Russian name as it was at the check.

CREATE TABLE site_audits (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    url TEXT NOT NULL,                      -- the home page as finally reached (or as asked, on error)
    checked_at TEXT NOT NULL,               -- the start of the check, UTC
    pages INTEGER NOT NULL DEFAULT 0,       -- page requests made
    documents INTEGER NOT NULL DEFAULT 0,   -- documents checked (HEAD or a cut-off GET)
    limit_reached INTEGER NOT NULL DEFAULT 0, -- the page limit stopped the crawl
    error TEXT,                             -- NULL: checked; else why the site could not be checked
    actor TEXT NOT NULL                     -- a login, «расписание» or «cli»
);
CREATE INDEX site_audits_school ON site_audits(school_id, checked_at);

CREATE TABLE site_audit_items (
    audit_id INTEGER NOT NULL REFERENCES site_audits(id) ON DELETE CASCADE,
    code TEXT NOT NULL,                     -- the requirement's stable code
    requirement TEXT NOT NULL,              -- its Russian name
    grp TEXT NOT NULL,                      -- sveden | programme
    status TEXT NOT NULL CHECK (status IN ('found', 'missing')),
    url TEXT,                               -- the page or document (NULL when missing)
    evidence TEXT NOT NULL DEFAULT '',      -- why, in Russian
    PRIMARY KEY (audit_id, code)
);

-- A person's decision that stands until removed or replaced: found or
-- missing whatever the crawler says, with the reason.
CREATE TABLE site_overrides (
    school_id INTEGER NOT NULL REFERENCES schools(id),
    code TEXT NOT NULL,                     -- the requirement's stable code
    requirement TEXT NOT NULL,              -- its Russian name when set
    status TEXT NOT NULL CHECK (status IN ('found', 'missing')),
    comment TEXT NOT NULL CHECK (comment <> ''),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (school_id, code)
);
