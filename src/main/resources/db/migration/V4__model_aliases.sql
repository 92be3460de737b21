-- Names for models, the default pin among them (alias 'default'), shared by every API replica.
CREATE TABLE model_aliases (
    alias      VARCHAR(64)              NOT NULL PRIMARY KEY,
    model_id   VARCHAR(64)              NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
