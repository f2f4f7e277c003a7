-- Per-item records of a session, one row per plan item, so an input rewrites only the items
-- it changed. The snapshot in sessions.state then keeps the rest of the session ("layout" 2:
-- no items); answer texts are read back from answers. Snapshots written before this (the
-- whole session, answers included) still load, and are moved to this layout on their next write.
CREATE TABLE session_items (
    session_id TEXT NOT NULL REFERENCES sessions (id),
    item       BIGINT NOT NULL,
    record     TEXT NOT NULL,               -- JSON of the item's record without its answers
    PRIMARY KEY (session_id, item)
);
