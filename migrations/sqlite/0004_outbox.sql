-- Messages that must arrive (a next question, an aggregate, a report) but that Discord refused
-- with a server error or did not answer: kept here and retried with backoff until delivered or
-- given up. `id` is also the Discord message nonce (enforced), so a retry after a lost response
-- does not post the message twice.
CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    session_id  TEXT,
    channel_id  TEXT NOT NULL,
    payload     TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    last_error  TEXT
);
CREATE INDEX outbox_due ON outbox (next_at);
