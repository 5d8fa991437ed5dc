-- The bundled reference database: built by db/build.py from db/content and the
-- ICD-10-CM code set; opened read-only by db/reference.py. Only features that
-- SQLite 3.40 reads (shared/PLATFORM.md).
PRAGMA foreign_keys = ON;

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE sources (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, publisher TEXT, tier TEXT NOT NULL,
    release TEXT, date TEXT, document TEXT, url TEXT, note TEXT
);

CREATE TABLE releases (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, label TEXT NOT NULL,
    effective_from TEXT NOT NULL, effective_to TEXT,
    source_id TEXT NOT NULL REFERENCES sources(id)
);
CREATE INDEX releases_dataset ON releases(dataset, effective_from);

-- One row per code of every system. `norm` is the code without dot, upper case.
-- sort_rank: 0 family, 1 companion, 2 ICD-10-CM (search ranks by it).
CREATE TABLE codes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    norm TEXT NOT NULL,
    system TEXT NOT NULL,
    kind TEXT NOT NULL,            -- role for CPT/HCPCS; chapter/block/category/code for ICD
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    region TEXT,
    sort_rank INTEGER NOT NULL,
    billable INTEGER,              -- ICD-10-CM only: 1 billable, 0 header
    parent TEXT,
    keywords TEXT NOT NULL DEFAULT '',
    patients TEXT, procedure TEXT, documentation TEXT,
    unit_size REAL, unit_label TEXT, brands TEXT,
    source_id TEXT REFERENCES sources(id)
);
CREATE INDEX codes_norm ON codes(norm);
CREATE INDEX codes_parent ON codes(parent);

-- Words for the family and companions (small: ranked by bm25) and ICD-10-CM apart.
CREATE VIRTUAL TABLE curated_fts USING fts5(code, title, description, keywords, prefix='1 2',
    content='', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE icd_fts USING fts5(title, content='', prefix='1 2 3',
    tokenize='unicode61 remove_diacritics 2');

CREATE TABLE relationships (
    code TEXT NOT NULL REFERENCES codes(code), other TEXT NOT NULL REFERENCES codes(code),
    kind TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    source_id TEXT NOT NULL REFERENCES sources(id)
);
CREATE INDEX relationships_code ON relationships(code);
CREATE INDEX relationships_other ON relationships(other);

CREATE TABLE pfs (
    release_id TEXT NOT NULL REFERENCES releases(id), code TEXT NOT NULL,
    status TEXT, work_rvu REAL, nonfac_pe_rvu REAL, fac_pe_rvu REAL, mp_rvu REAL,
    nonfac_total REAL, fac_total REAL, nonfac_na TEXT, fac_na TEXT, pctc TEXT,
    global_days TEXT, mult_proc TEXT, bilateral TEXT, assistant TEXT, co_surgeon TEXT,
    team TEXT, conv_factor REAL,
    PRIMARY KEY (code, release_id)
);

CREATE TABLE mue (
    release_id TEXT NOT NULL REFERENCES releases(id), setting TEXT NOT NULL,
    code TEXT NOT NULL, value INTEGER NOT NULL, mai INTEGER NOT NULL, rationale TEXT,
    PRIMARY KEY (code, release_id)
);

CREATE TABLE ptp (
    id INTEGER PRIMARY KEY,
    release_id TEXT NOT NULL REFERENCES releases(id), setting TEXT NOT NULL,
    column1 TEXT NOT NULL, column2 TEXT NOT NULL, effective_date TEXT,
    deletion_date TEXT, modifier_indicator INTEGER NOT NULL, rationale TEXT
);
CREATE INDEX ptp_col1 ON ptp(release_id, column1);
CREATE INDEX ptp_col2 ON ptp(release_id, column2);

CREATE TABLE aoc (
    release_id TEXT NOT NULL REFERENCES releases(id),
    primary_code TEXT NOT NULL, addon_code TEXT NOT NULL, edit_type INTEGER NOT NULL
);
CREATE INDEX aoc_addon ON aoc(release_id, addon_code);
CREATE INDEX aoc_primary ON aoc(release_id, primary_code);

CREATE TABLE opps (
    release_id TEXT NOT NULL REFERENCES releases(id), code TEXT NOT NULL,
    status_indicator TEXT, payment_rate REAL,
    PRIMARY KEY (code, release_id)
);

CREATE TABLE hcpcs_level2 (
    release_id TEXT NOT NULL REFERENCES releases(id), code TEXT NOT NULL,
    long_description TEXT, short_description TEXT, date_added TEXT,
    PRIMARY KEY (code, release_id)
);

CREATE TABLE modifiers (
    modifier TEXT PRIMARY KEY, title TEXT NOT NULL, meaning TEXT NOT NULL,
    applies TEXT NOT NULL, must_not TEXT NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources(id)
);

CREATE TABLE corrections (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL REFERENCES codes(code),
    claim TEXT NOT NULL, correction TEXT NOT NULL, correct_code TEXT,
    source_id TEXT NOT NULL REFERENCES sources(id)
);
CREATE INDEX corrections_code ON corrections(code);

CREATE TABLE payers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, bilateral_format TEXT NOT NULL,
    accepts_x_modifiers INTEGER, verified INTEGER NOT NULL, note TEXT,
    source_id TEXT NOT NULL REFERENCES sources(id)
);

CREATE TABLE payer_notes (
    id INTEGER PRIMARY KEY, payer_id TEXT NOT NULL REFERENCES payers(id),
    codes TEXT NOT NULL,           -- space-separated; empty = the whole family
    settings TEXT NOT NULL DEFAULT '',  -- space-separated; empty = every setting
    topic TEXT NOT NULL, text TEXT NOT NULL, tier TEXT NOT NULL, date TEXT,
    source_id TEXT NOT NULL REFERENCES sources(id)
);
