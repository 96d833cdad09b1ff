-- Evidence files kept in the database itself: one place to back up, the same
-- on SQLite and PostgreSQL, and no folder the server must be able to write.
-- Files are small (≤ 20 MB by rule), so a row per file is fine.
CREATE TABLE plan_evidence_files (
    evidence_id INTEGER PRIMARY KEY REFERENCES plan_evidence(id) ON DELETE CASCADE,
    content BLOB NOT NULL
);
