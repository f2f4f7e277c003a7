-- PostgreSQL twin of migrations/sqlite (same numbers, same schema).
-- Question packs uploaded by a server's admins: visible only in that server.
CREATE TABLE server_packs (
    guild_id    TEXT NOT NULL,
    role_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,            -- the TOML as uploaded (validated)
    questions   BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    version     BIGINT NOT NULL,          -- grows with every replacement
    removed     BIGINT NOT NULL,          -- 1 once removed: no new sessions; old ones still resolve
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, role_id)
);
