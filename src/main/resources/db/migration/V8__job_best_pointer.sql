-- A job's best epoch on validation so far, kept apart from pruning: it counts once this column points to it,
-- and only the attempt that holds the job can point it anywhere.
ALTER TABLE jobs ADD COLUMN best_location VARCHAR(1024);
