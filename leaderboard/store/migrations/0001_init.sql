-- 0001: entries, their items, submissions and tokens.
-- Portable SQL: runs unchanged on SQLite and PostgreSQL. Times are Unix
-- milliseconds (BIGINT), flags are INTEGER 0/1, JSON documents are TEXT.
CREATE TABLE entries (
    id            TEXT PRIMARY KEY,
    model         TEXT NOT NULL,
    organisation  TEXT NOT NULL,
    params_b      DOUBLE PRECISION,
    bucket        TEXT NOT NULL,
    type          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    verified      INTEGER NOT NULL,
    profile       TEXT NOT NULL,
    judge         TEXT NOT NULL,
    eval_date     TEXT NOT NULL,
    mathvista     DOUBLE PRECISION,
    mathvision    DOUBLE PRECISION,
    mathverse     DOUBLE PRECISION,
    dynamath      DOUBLE PRECISION,
    wemath        DOUBLE PRECISION,
    logicvista    DOUBLE PRECISION,
    average       DOUBLE PRECISION,
    complete      INTEGER NOT NULL,
    hidden        INTEGER NOT NULL DEFAULT 0,
    flag          TEXT NOT NULL DEFAULT '',
    submission_id TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX entries_rank ON entries (hidden, complete, average);
CREATE INDEX entries_bucket ON entries (bucket, hidden, complete, average);

CREATE TABLE items (
    entry_id  TEXT NOT NULL,
    benchmark TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    item_id   TEXT NOT NULL,
    question  TEXT NOT NULL,
    response  TEXT NOT NULL,
    extracted TEXT NOT NULL,
    path      TEXT NOT NULL,
    hit       INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (entry_id, benchmark, item_id)
);
CREATE INDEX items_order ON items (entry_id, benchmark, seq);

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    admin      INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE submissions (
    id          TEXT PRIMARY KEY,
    token_id    TEXT NOT NULL,
    model       TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    digest      TEXT NOT NULL,
    meta        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    entry_id    TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    log         TEXT NOT NULL,
    created_at  BIGINT NOT NULL, -- Unix nanoseconds: the queue's order
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL
);
CREATE INDEX submissions_queue ON submissions (status, created_at);
-- One live submission per content: a FAILED one may be sent again.
CREATE UNIQUE INDEX submissions_digest ON submissions (digest) WHERE status <> 'FAILED';
