-- Where a job continues from. A checkpoint or resume point counts once its files are complete in the store
-- and its job's row points to it; only the attempt that holds the job can point it anywhere.
ALTER TABLE jobs ADD COLUMN checkpoint_location VARCHAR(1024);
ALTER TABLE jobs ADD COLUMN resume_location VARCHAR(1024);
