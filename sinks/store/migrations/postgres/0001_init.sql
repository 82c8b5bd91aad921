-- 0001: the case store. Times are timestamptz (microseconds). JSON is jsonb, except
-- field values, which keep their exact JSON text. The columns and their meaning are the
-- same as in ../sqlite/0001_init.sql.

CREATE TABLE inputs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id     TEXT        NOT NULL UNIQUE,
    sha256       TEXT        NOT NULL,
    name         TEXT        NOT NULL,
    channel      TEXT        NOT NULL,
    station      TEXT        NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    pages        INTEGER     NOT NULL,
    fax          JSONB,
    status       TEXT        NOT NULL CHECK (status IN ('processed', 'duplicate', 'quarantined')),
    duplicate_of BIGINT REFERENCES inputs (id),
    error        TEXT        NOT NULL,
    archive      TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX inputs_sha256 ON inputs (sha256);
CREATE INDEX inputs_received_at ON inputs (received_at);

CREATE TABLE documents (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    input_id   BIGINT           NOT NULL REFERENCES inputs (id),
    envelope   INTEGER          NOT NULL,
    kind       TEXT             NOT NULL,
    pages      JSONB,
    confidence DOUBLE PRECISION NOT NULL,
    language   TEXT             NOT NULL
);
CREATE INDEX documents_input_id ON documents (input_id);

CREATE TABLE fields (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id  BIGINT           NOT NULL REFERENCES documents (id),
    key          TEXT             NOT NULL,
    value        TEXT,
    confidence   DOUBLE PRECISION NOT NULL,
    page         INTEGER          NOT NULL,
    needs_review BOOLEAN          NOT NULL,
    box_x0       DOUBLE PRECISION NOT NULL,
    box_y0       DOUBLE PRECISION NOT NULL,
    box_x1       DOUBLE PRECISION NOT NULL,
    box_y1       DOUBLE PRECISION NOT NULL,
    corrected    TEXT,
    corrected_by TEXT             NOT NULL,
    corrected_at TIMESTAMPTZ
);
CREATE INDEX fields_document_id ON fields (document_id);

CREATE TABLE cases (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number                  TEXT        NOT NULL UNIQUE,
    status                  TEXT        NOT NULL CHECK (status IN ('open', 'closed')),
    kind                    TEXT        NOT NULL,
    imr_type                TEXT        NOT NULL,
    urgent                  BOOLEAN     NOT NULL,
    issues                  JSONB,
    clinical_area           TEXT        NOT NULL,
    flags                   JSONB,
    enrollee_first_name     TEXT        NOT NULL,
    enrollee_middle_initial TEXT        NOT NULL,
    enrollee_last_name      TEXT        NOT NULL,
    enrollee_dob            TEXT        NOT NULL,
    enrollee_street         TEXT        NOT NULL,
    enrollee_city           TEXT        NOT NULL,
    enrollee_state          TEXT        NOT NULL,
    enrollee_zip            TEXT        NOT NULL,
    enrollee_phone          TEXT        NOT NULL,
    enrollee_email          TEXT        NOT NULL,
    member_id               TEXT        NOT NULL,
    plan                    TEXT        NOT NULL,
    treatment               TEXT        NOT NULL,
    language                TEXT        NOT NULL,
    received_at             TIMESTAMPTZ NOT NULL,
    ack_due                 TEXT        NOT NULL,
    decision_date           TEXT        NOT NULL,
    filing_deadline         TEXT        NOT NULL,
    timely                  BOOLEAN,
    acknowledged_at         TIMESTAMPTZ,
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_member_id ON cases (member_id);
CREATE INDEX cases_enrollee_dob ON cases (enrollee_dob);
CREATE INDEX cases_received_at ON cases (received_at);

CREATE TABLE case_documents (
    case_id     BIGINT      NOT NULL REFERENCES cases (id),
    document_id BIGINT      NOT NULL REFERENCES documents (id),
    how         TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (case_id, document_id)
);
CREATE INDEX case_documents_document_id ON case_documents (document_id);

CREATE TABLE case_counters (
    year        INTEGER PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT        NOT NULL,
    kind        TEXT        NOT NULL,
    input_id    BIGINT REFERENCES inputs (id),
    case_id     BIGINT REFERENCES cases (id),
    document_id BIGINT REFERENCES documents (id),
    detail      JSONB
);
CREATE INDEX events_case_id ON events (case_id);
CREATE INDEX events_input_id ON events (input_id);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END
$$;
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

CREATE TABLE letters (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    BIGINT      NOT NULL REFERENCES cases (id),
    kind       TEXT        NOT NULL,
    language   TEXT        NOT NULL,
    recipient  TEXT        NOT NULL,
    path       TEXT        NOT NULL,
    sha256     TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX letters_case_id ON letters (case_id);

CREATE TABLE jobs (
    claim_id    TEXT        PRIMARY KEY,
    owner       TEXT        NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL,
    attempts    INTEGER     NOT NULL,
    last_error  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
