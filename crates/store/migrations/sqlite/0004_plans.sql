-- Roadmaps and programmes (issue 5): plans with nested sections, activities
-- with deadlines as written and as parsed, responsibles, status history,
-- plan versions, evidence, comments; support pairs, cascade, templates.
-- Dates are ISO text (YYYY-MM-DD), times YYYY-MM-DDTHH:MM:SSZ.

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    level TEXT NOT NULL,                       -- region | municipality | school
    municipality_id INTEGER REFERENCES municipalities(id),
    school_id INTEGER REFERENCES schools(id),
    owner TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    period_academic INTEGER NOT NULL DEFAULT 0,
    period_text TEXT NOT NULL DEFAULT '',
    period_inferred INTEGER NOT NULL DEFAULT 0,
    goal TEXT NOT NULL DEFAULT '',
    tasks TEXT NOT NULL DEFAULT '[]',          -- JSON array of strings
    approval_document TEXT NOT NULL DEFAULT '',
    approval_number TEXT NOT NULL DEFAULT '',
    approval_date TEXT,
    approval_by TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',      -- draft | approved | archived
    is_template INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    source_file TEXT NOT NULL DEFAULT '',
    source_hash TEXT NOT NULL DEFAULT '',      -- re-importing the same file changes nothing
    import_info TEXT NOT NULL DEFAULT '',      -- JSON: columns, warnings
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX plans_municipality ON plans(municipality_id);
CREATE INDEX plans_school ON plans(school_id);
CREATE INDEX plans_source_hash ON plans(source_hash);

CREATE TABLE plan_sections (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES plan_sections(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other'         -- invariant | variable | monitoring | other
);
CREATE INDEX plan_sections_plan ON plan_sections(plan_id);

CREATE TABLE plan_activities (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    section_id INTEGER REFERENCES plan_sections(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    deadline_text TEXT NOT NULL DEFAULT '',
    deadline_kind TEXT NOT NULL DEFAULT 'empty',
    deadline_start TEXT,
    deadline_end TEXT,                         -- overdue after this day
    deadline TEXT NOT NULL DEFAULT '{}',       -- the parsed deadline, JSON
    responsible_text TEXT NOT NULL DEFAULT '',
    form TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    result_document TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '[]',          -- JSON array of strings
    indicator TEXT,                            -- programme indicator code
    status TEXT NOT NULL DEFAULT 'planned',    -- planned | in_progress | done | verified | cancelled
    cancel_reason TEXT NOT NULL DEFAULT '',
    done_at TEXT,                              -- day it became done (for «в срок» / «с опозданием»)
    status_at TEXT,
    status_by TEXT NOT NULL DEFAULT '',
    parent_activity_id INTEGER REFERENCES plan_activities(id) ON DELETE SET NULL, -- cascade
    source TEXT NOT NULL DEFAULT ''            -- JSON: [table, row] pairs in the imported file
);
CREATE INDEX plan_activities_plan ON plan_activities(plan_id);
CREATE INDEX plan_activities_deadline ON plan_activities(deadline_end);
CREATE INDEX plan_activities_parent ON plan_activities(parent_activity_id);

CREATE TABLE plan_responsibles (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES plan_activities(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,                        -- supporting_school | supported_school | institute | authority | school | person | other
    part TEXT NOT NULL DEFAULT '',             -- as written («ОО, оказывающая поддержку»)
    school_id INTEGER REFERENCES schools(id),
    user_id INTEGER REFERENCES users(id)
);
CREATE INDEX plan_responsibles_activity ON plan_responsibles(activity_id);

-- Every status change of an activity: who, when, from, to, why.
CREATE TABLE plan_activity_history (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES plan_activities(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_activity_history_activity ON plan_activity_history(activity_id);

-- Versions of a plan: a snapshot (JSON) at each change of the plan as a whole.
CREATE TABLE plan_versions (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    change TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    UNIQUE (plan_id, version)
);

-- Evidence: file metadata (the content lives in the data folder) or a link.
CREATE TABLE plan_evidence (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES plan_activities(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- file | link
    name TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    media_type TEXT NOT NULL DEFAULT '',
    size_bytes INTEGER,
    sha256 TEXT NOT NULL DEFAULT '',
    storage_path TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    verified_at TEXT,
    verified_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_evidence_activity ON plan_evidence(activity_id);

CREATE TABLE plan_comments (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES plan_activities(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX plan_comments_activity ON plan_comments(activity_id);

-- Support pairs: a leader (or curator) school supports a school.
CREATE TABLE support_pairs (
    id INTEGER PRIMARY KEY,
    leader_school_id INTEGER NOT NULL REFERENCES schools(id),
    supported_school_id INTEGER NOT NULL REFERENCES schools(id),
    period_start TEXT,
    period_end TEXT,
    agreement_number TEXT NOT NULL DEFAULT '',
    agreement_date TEXT,
    agreement_file TEXT NOT NULL DEFAULT '',   -- evidence: the agreement (соглашение)
    status TEXT NOT NULL DEFAULT 'active',     -- active | closed
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (leader_school_id <> supported_school_id)
);
CREATE INDEX support_pairs_supported ON support_pairs(supported_school_id);
CREATE INDEX support_pairs_leader ON support_pairs(leader_school_id);

CREATE TABLE support_pair_curators (
    pair_id INTEGER NOT NULL REFERENCES support_pairs(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (pair_id, user_id)
);

-- A template (a plan marked is_template) applied to a school: once.
CREATE TABLE plan_template_uses (
    template_plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (template_plan_id, school_id)
);
