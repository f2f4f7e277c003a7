-- Spaced repetition and reminders. A card is one question's FSRS schedule for one candidate,
-- replayed from their answers and scores (so it can always be rebuilt); a reminder is a user's
-- opt-in DM at a local time, with the next moment it is due.
CREATE TABLE review_cards (
    candidate   TEXT NOT NULL,
    role_id     TEXT NOT NULL,
    question_id TEXT NOT NULL,
    area        TEXT NOT NULL,
    due         BIGINT NOT NULL,           -- ms since epoch
    card        TEXT NOT NULL,             -- JSON of progress::schedule::Card
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (candidate, role_id, question_id)
);
CREATE INDEX review_cards_by_due ON review_cards (candidate, due);

CREATE TABLE reminders (
    user_id    TEXT PRIMARY KEY,           -- 'discord:<id>'
    local_time TEXT NOT NULL,              -- 'HH:MM' in the user's zone
    timezone   TEXT NOT NULL,              -- IANA name, e.g. 'Europe/Berlin'
    days       TEXT NOT NULL,              -- 'mon,wed,fri' or 'daily'
    next_at    BIGINT NOT NULL,            -- ms since epoch of the next reminder
    sent_at    BIGINT,                     -- when the last one was claimed and sent
    created_at BIGINT NOT NULL
);
CREATE INDEX reminders_by_next ON reminders (next_at);
