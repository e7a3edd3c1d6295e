-- The core of the store: tenants with their id sequences, their shared virtual clocks, the event log (the
-- outbox the dispatcher reads), and the scheduled jobs. Text keys and index columns sort byte by byte
-- (COLLATE "C"), as the memory store's Go strings do, so every listing comes back in the same order.

-- +goose Up
CREATE TABLE tenants (
    id   text COLLATE "C" PRIMARY KEY,
    ord  bigint GENERATED ALWAYS AS IDENTITY UNIQUE, -- the order orgs were added: fixtures first
    org  json NOT NULL,
    seqs jsonb NOT NULL DEFAULT '{}' -- sequence name -> last number handed out (card, job, event, ...)
);

-- A tenant's virtual clock where several replicas share it: the time it was last advanced to.
CREATE TABLE tenant_clocks (
    tenant  text COLLATE "C" PRIMARY KEY REFERENCES tenants (id),
    now_ns  bigint NOT NULL,
    now     text NOT NULL -- the exact time, RFC 3339 with nanoseconds
);

CREATE TABLE events (
    tenant       text COLLATE "C" NOT NULL REFERENCES tenants (id),
    seq          bigint NOT NULL,
    id           text COLLATE "C" NOT NULL,
    domain       text NOT NULL,
    type         text NOT NULL,
    cid          text NOT NULL,
    subject_kind text COLLATE "C" NOT NULL,
    subject_id   text COLLATE "C" NOT NULL,
    time_ns      bigint NOT NULL,
    time         text NOT NULL, -- the exact time, RFC 3339 with nanoseconds
    envelope     bytea NOT NULL, -- the bytes logged, signed and delivered
    PRIMARY KEY (tenant, seq),
    UNIQUE (tenant, id)
);
CREATE INDEX events_by_subject ON events (tenant, subject_kind, subject_id, seq);

CREATE TABLE jobs (
    tenant       text COLLATE "C" NOT NULL REFERENCES tenants (id),
    id           bigint NOT NULL,
    kind         text COLLATE "C" NOT NULL,
    subject      text COLLATE "C" NOT NULL, -- kind:id
    due_ns       bigint NOT NULL,
    failed       boolean NOT NULL,
    doc          json NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX jobs_by_subject ON jobs (tenant, kind, subject);
CREATE INDEX jobs_by_due ON jobs (tenant, due_ns, id) WHERE NOT failed;

-- +goose Down
DROP TABLE jobs;
DROP TABLE events;
DROP TABLE tenant_clocks;
DROP TABLE tenants;
