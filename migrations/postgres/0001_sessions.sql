-- PostgreSQL twin of migrations/sqlite (same numbers, same schema).
-- Sessions, their append-only event log, and the answer and score rows derived from them.
-- Kept portable (SQLite and PostgreSQL): TEXT, BIGINT, DOUBLE PRECISION, $N parameters.

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    scope         TEXT NOT NULL,            -- 'local', 'dm', or 'guild:<id>': every read is scoped
    candidate     TEXT NOT NULL,            -- 'local:<name>' or 'discord:<id>'
    mode          TEXT NOT NULL,            -- 'practice', 'channel', 'dm', 'peer'
    role_id       TEXT NOT NULL,
    channel_id    TEXT,                     -- where a Discord session lives (thread or DM)
    status        TEXT NOT NULL,            -- 'active', 'paused', 'finished', 'abandoned'
    version       BIGINT NOT NULL,
    state         TEXT NOT NULL,            -- JSON snapshot of the core's Session
    next_deadline BIGINT,                   -- ms since epoch when the clock must look again
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- One unfinished session per candidate and scope.
CREATE UNIQUE INDEX sessions_one_live ON sessions (scope, candidate) WHERE status IN ('active', 'paused');
CREATE INDEX sessions_by_candidate ON sessions (scope, candidate, created_at);
CREATE INDEX sessions_by_deadline ON sessions (next_deadline) WHERE next_deadline IS NOT NULL;
CREATE INDEX sessions_by_channel ON sessions (channel_id);

CREATE TABLE events (
    session_id      TEXT NOT NULL REFERENCES sessions (id),
    version         BIGINT NOT NULL,        -- the session version this event produced
    idempotency_key TEXT NOT NULL UNIQUE,   -- Discord interaction/message id, or a local one
    actor           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    input           TEXT NOT NULL,          -- JSON of the core's Input
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (session_id, version)
);

CREATE TABLE answers (
    session_id   TEXT NOT NULL REFERENCES sessions (id),
    item         BIGINT NOT NULL,
    part         BIGINT NOT NULL,           -- 0 main answer, 1.. follow-ups
    question_id  TEXT NOT NULL,
    area         TEXT NOT NULL,
    body         TEXT NOT NULL,
    over_time    BIGINT NOT NULL,
    coverage     DOUBLE PRECISION NOT NULL, -- talking-point coverage of the item so far
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, item, part)
);

CREATE TABLE scores (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    item        BIGINT NOT NULL,
    scorer      TEXT NOT NULL,
    kind        TEXT NOT NULL,              -- 'self' or 'peer'
    ticks       TEXT NOT NULL,              -- JSON array of 0-based checklist indices
    rating      BIGINT NOT NULL,
    note        TEXT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (session_id, item, scorer)
);
