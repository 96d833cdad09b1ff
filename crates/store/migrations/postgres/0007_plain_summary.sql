-- The one-sentence verdict per school (analytics::plain::summary). The rows
-- of run_schools are an index derived from the saved runs: clearing them
-- makes ensure_runs_indexed rebuild every run with its verdicts.
ALTER TABLE run_schools ADD COLUMN summary TEXT NOT NULL DEFAULT '';
DELETE FROM run_schools;
