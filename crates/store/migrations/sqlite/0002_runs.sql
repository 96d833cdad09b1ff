-- Identification runs, kept whole so that they can be shown and compared
-- year to year. The run itself is stored as JSON (analytics::Run).
CREATE TABLE identification_runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    years TEXT NOT NULL,
    n_schools INTEGER NOT NULL,
    shnor INTEGER NOT NULL,
    low_results INTEGER NOT NULL,
    shnsu INTEGER NOT NULL,
    resilient INTEGER NOT NULL,
    r2 REAL,
    config TEXT NOT NULL,
    run TEXT NOT NULL
);
