-- Jobs are claimed by workers, several processes on one database: who holds a job, for how long
-- (by the database's clock), and which attempt it is, so that every write of a superseded attempt can
-- be refused. Progress within an epoch is kept here too, for the API replicas that do not run the job.
ALTER TABLE jobs ADD COLUMN worker VARCHAR(200);
ALTER TABLE jobs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN lease_expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE jobs ADD COLUMN lost_leases INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN progress_epoch INTEGER;
ALTER TABLE jobs ADD COLUMN progress_batch INTEGER;
ALTER TABLE jobs ADD COLUMN progress_batches INTEGER;
ALTER TABLE job_resumes ADD COLUMN worker VARCHAR(200);
