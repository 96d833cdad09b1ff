-- The orders register (issue 16): the region's and the municipalities'
-- orders (приказы) with their signed file; an order approving the lists of
-- ШНОР and ШНСУ names the identification run whose lists are its
-- appendices. «The current approved list» is the run of the latest such
-- order, not the latest run.

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL CHECK (number <> ''),   -- «123-р», as the order is numbered
    signed_on TEXT NOT NULL,                     -- ISO date of signing
    title TEXT NOT NULL CHECK (title <> ''),
    kind TEXT NOT NULL CHECK (kind IN ('lists', 'roadmap', 'events', 'other')),
    municipality_id INTEGER REFERENCES municipalities(id), -- the issuer; NULL: the region
    run_id INTEGER REFERENCES identification_runs(id),      -- the run whose lists it approves
    plan_id INTEGER REFERENCES plans(id),                  -- the roadmap it approves
    file_name TEXT NOT NULL DEFAULT '',
    media_type TEXT NOT NULL DEFAULT '',
    size_bytes INTEGER,
    sha256 TEXT NOT NULL DEFAULT '',
    content BLOB,                                -- the signed order (PDF, DOCX, scan)
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (kind <> 'lists' OR run_id IS NOT NULL)
);
-- One order per issuer, number and date: registering it twice is refused.
CREATE UNIQUE INDEX orders_identity ON orders(COALESCE(municipality_id, 0), number, signed_on);
CREATE INDEX orders_run ON orders(run_id) WHERE run_id IS NOT NULL;
