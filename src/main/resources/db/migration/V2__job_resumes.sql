-- Each time a job interrupted by a crash or a shutdown was resumed, and from where.
CREATE TABLE job_resumes (
    job_id     VARCHAR(64)              NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt    INTEGER                  NOT NULL,
    resumed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    from_epoch INTEGER                  NOT NULL,
    from_batch INTEGER                  NOT NULL,
    reason     VARCHAR(500)             NOT NULL,
    PRIMARY KEY (job_id, attempt)
);
