-- Validation metrics of an epoch, for jobs that hold part of their training images out (null otherwise).
ALTER TABLE job_epochs ADD COLUMN validation_loss DOUBLE PRECISION;
ALTER TABLE job_epochs ADD COLUMN validation_accuracy DOUBLE PRECISION;
