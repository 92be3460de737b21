-- The models every replica serves: a model counts once its files are complete in the store and its row is
-- here. The metadata is the checkpoint's sidecar, as JSON text, so that listing needs no read of the store.
CREATE TABLE models (
    id         VARCHAR(64)              NOT NULL PRIMARY KEY,
    source     VARCHAR(16)              NOT NULL,
    location   VARCHAR(1024)            NOT NULL,
    epoch      INTEGER                  NOT NULL,
    size_bytes BIGINT                   NOT NULL,
    metadata   VARCHAR(1000000)         NOT NULL,
    saved_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
