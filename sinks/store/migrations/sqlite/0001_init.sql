-- 0001: the case store. Times are TEXT in UTC, fixed width to the microsecond
-- (2006-01-02T15:04:05.000000Z), so that text order is time order. JSON is TEXT.
-- Booleans are INTEGER 0/1.

CREATE TABLE inputs (
    id           INTEGER PRIMARY KEY,
    claim_id     TEXT    NOT NULL UNIQUE,
    sha256       TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    station      TEXT    NOT NULL,
    received_at  TEXT    NOT NULL,
    pages        INTEGER NOT NULL,
    fax          TEXT,
    status       TEXT    NOT NULL CHECK (status IN ('processed', 'duplicate', 'quarantined')),
    duplicate_of INTEGER REFERENCES inputs (id),
    error        TEXT    NOT NULL,
    archive      TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
);
CREATE INDEX inputs_sha256 ON inputs (sha256);
CREATE INDEX inputs_received_at ON inputs (received_at);

CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    input_id   INTEGER NOT NULL REFERENCES inputs (id),
    envelope   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    pages      TEXT,
    confidence REAL    NOT NULL,
    language   TEXT    NOT NULL
);
CREATE INDEX documents_input_id ON documents (input_id);

CREATE TABLE fields (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    key          TEXT    NOT NULL,
    value        TEXT,
    confidence   REAL    NOT NULL,
    page         INTEGER NOT NULL,
    needs_review INTEGER NOT NULL,
    box_x0       REAL    NOT NULL,
    box_y0       REAL    NOT NULL,
    box_x1       REAL    NOT NULL,
    box_y1       REAL    NOT NULL,
    corrected    TEXT,
    corrected_by TEXT    NOT NULL,
    corrected_at TEXT
);
CREATE INDEX fields_document_id ON fields (document_id);

CREATE TABLE cases (
    id                      INTEGER PRIMARY KEY,
    number                  TEXT    NOT NULL UNIQUE,
    status                  TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    kind                    TEXT    NOT NULL,
    imr_type                TEXT    NOT NULL,
    urgent                  INTEGER NOT NULL,
    issues                  TEXT,
    clinical_area           TEXT    NOT NULL,
    flags                   TEXT,
    enrollee_first_name     TEXT    NOT NULL,
    enrollee_middle_initial TEXT    NOT NULL,
    enrollee_last_name      TEXT    NOT NULL,
    enrollee_dob            TEXT    NOT NULL,
    enrollee_street         TEXT    NOT NULL,
    enrollee_city           TEXT    NOT NULL,
    enrollee_state          TEXT    NOT NULL,
    enrollee_zip            TEXT    NOT NULL,
    enrollee_phone          TEXT    NOT NULL,
    enrollee_email          TEXT    NOT NULL,
    member_id               TEXT    NOT NULL,
    plan                    TEXT    NOT NULL,
    treatment               TEXT    NOT NULL,
    language                TEXT    NOT NULL,
    received_at             TEXT    NOT NULL,
    ack_due                 TEXT    NOT NULL,
    decision_date           TEXT    NOT NULL,
    filing_deadline         TEXT    NOT NULL,
    timely                  INTEGER,
    acknowledged_at         TEXT,
    created_at              TEXT    NOT NULL,
    updated_at              TEXT    NOT NULL
);
CREATE INDEX cases_member_id ON cases (member_id);
CREATE INDEX cases_enrollee_dob ON cases (enrollee_dob);
CREATE INDEX cases_received_at ON cases (received_at);

CREATE TABLE case_documents (
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    how         TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (case_id, document_id)
);
CREATE INDEX case_documents_document_id ON case_documents (document_id);

CREATE TABLE case_counters (
    year        INTEGER PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    input_id    INTEGER REFERENCES inputs (id),
    case_id     INTEGER REFERENCES cases (id),
    document_id INTEGER REFERENCES documents (id),
    detail      TEXT
);
CREATE INDEX events_case_id ON events (case_id);
CREATE INDEX events_input_id ON events (input_id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE letters (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    kind       TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    recipient  TEXT    NOT NULL,
    path       TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX letters_case_id ON letters (case_id);

CREATE TABLE jobs (
    claim_id    TEXT    PRIMARY KEY,
    owner       TEXT    NOT NULL,
    lease_until TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    last_error  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
