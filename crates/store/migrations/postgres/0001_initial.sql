-- tern serve's metadata: the embedded store's schema, with byte-order ("C") keys so that
-- listings come in the same order as SQLite's.
CREATE TABLE entities (
    location TEXT COLLATE "C" PRIMARY KEY,
    kind TEXT COLLATE "C" NOT NULL,
    mixins TEXT NOT NULL,
    source TEXT COLLATE "C",
    target TEXT COLLATE "C",
    body TEXT NOT NULL
);
CREATE INDEX entities_kind ON entities (kind, location);
CREATE INDEX entities_source ON entities (source);
CREATE INDEX entities_target ON entities (target);
CREATE TABLE tags (
    mixin TEXT COLLATE "C" NOT NULL,
    location TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (mixin, location)
);
CREATE INDEX tags_location ON tags (location);
CREATE TABLE user_mixins (
    id TEXT COLLATE "C" PRIMARY KEY,
    location TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE cdmi_objects (
    path TEXT COLLATE "C" PRIMARY KEY,
    object_id TEXT NOT NULL UNIQUE,
    parent TEXT COLLATE "C",
    object_type TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX cdmi_objects_parent ON cdmi_objects (parent, path);
