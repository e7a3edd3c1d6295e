-- One table per aggregate of the domains built so far, each as the memory store keeps it (sim/store/memory):
-- the tenant, the key, the aggregate as a JSON document in the storage encoding (encode.go), and one text
-- column per lookup the repository needs (NULL where the memory store files no key). Documents are json, not
-- jsonb: json keeps the text as written, so raw JSON inside an aggregate (a job's data, a metadata object)
-- reads back byte for byte. A later domain adds a migration of its own with its tables.

-- +goose Up
CREATE TABLE cards (
    tenant   text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k        bigint NOT NULL,
    doc      json NOT NULL,
    account  text COLLATE "C",
    customer text COLLATE "C",
    uniq     text COLLATE "C", -- Card.UniqueKey: the alias a live card holds
    PRIMARY KEY (tenant, k)
);
CREATE INDEX cards_by_account ON cards (tenant, account, k);
CREATE INDEX cards_by_customer ON cards (tenant, customer, k);
CREATE INDEX cards_by_uniq ON cards (tenant, uniq, k) WHERE uniq IS NOT NULL;

CREATE TABLE card_status_history (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      text COLLATE "C" NOT NULL, -- card/sequence, both zero-padded
    doc    json NOT NULL,
    card   text COLLATE "C",
    PRIMARY KEY (tenant, k)
);
CREATE INDEX card_status_history_by_card ON card_status_history (tenant, card, k);

CREATE TABLE reissue_reasons (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      bigint NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE card_idempotency_keys (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      text COLLATE "C" NOT NULL, -- operation NUL key
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE fault_rules (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      bigint NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE pci_data (
    tenant   text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k        bigint NOT NULL,
    doc      json NOT NULL,
    pan_hash text COLLATE "C",
    PRIMARY KEY (tenant, k)
);
CREATE INDEX pci_data_by_pan_hash ON pci_data (tenant, pan_hash, k);

CREATE TABLE bulks (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      text COLLATE "C" NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE embossing_records (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      bigint NOT NULL,
    doc    json NOT NULL,
    queue  text COLLATE "C",
    PRIMARY KEY (tenant, k)
);
CREATE INDEX embossing_records_by_queue ON embossing_records (tenant, queue, k);

CREATE TABLE embossing_files (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      bigint NOT NULL,
    doc    json NOT NULL,
    day    text COLLATE "C",
    name   text COLLATE "C",
    PRIMARY KEY (tenant, k)
);
CREATE INDEX embossing_files_by_day ON embossing_files (tenant, day, k);
CREATE INDEX embossing_files_by_name ON embossing_files (tenant, name, k);

CREATE TABLE embossing_runs (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      text COLLATE "C" NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE cards_on_file (
    tenant  text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k       text COLLATE "C" NOT NULL,
    doc     json NOT NULL,
    account text COLLATE "C",
    PRIMARY KEY (tenant, k)
);
CREATE INDEX cards_on_file_by_account ON cards_on_file (tenant, account, k);

CREATE TABLE cards_on_file_vault (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      text COLLATE "C" NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE d1_cards (
    tenant         text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k              text COLLATE "C" NOT NULL,
    doc            json NOT NULL,
    processor_card text COLLATE "C",
    PRIMARY KEY (tenant, k)
);
CREATE INDEX d1_cards_by_processor_card ON d1_cards (tenant, processor_card, k);

CREATE TABLE d1_operations (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      bigint NOT NULL,
    doc    json NOT NULL,
    op_id  text COLLATE "C",
    card   text COLLATE "C",
    PRIMARY KEY (tenant, k)
);
CREATE INDEX d1_operations_by_id ON d1_operations (tenant, op_id, k);
CREATE INDEX d1_operations_by_card ON d1_operations (tenant, card, k);

CREATE TABLE d1_settings (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      text COLLATE "C" NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE network_tokens (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      bigint NOT NULL,
    doc    json NOT NULL,
    card   text COLLATE "C",
    PRIMARY KEY (tenant, k)
);
CREATE INDEX network_tokens_by_card ON network_tokens (tenant, card, k);

CREATE TABLE token_settings (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      bigint NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE click_to_pay_enrollments (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      bigint NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE webhook_subscriptions (
    tenant text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k      text COLLATE "C" NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (tenant, k)
);

CREATE TABLE webhook_messages (
    tenant       text COLLATE "C" NOT NULL REFERENCES tenants (id),
    k            text COLLATE "C" NOT NULL,
    doc          json NOT NULL,
    subscription text COLLATE "C",
    status       text COLLATE "C", -- subscription|status
    PRIMARY KEY (tenant, k)
);
CREATE INDEX webhook_messages_by_subscription ON webhook_messages (tenant, subscription, k);
CREATE INDEX webhook_messages_by_status ON webhook_messages (tenant, status, k);

-- +goose Down
DROP TABLE webhook_messages, webhook_subscriptions, click_to_pay_enrollments, token_settings, network_tokens,
    d1_settings, d1_operations, d1_cards, cards_on_file_vault, cards_on_file, embossing_runs, embossing_files,
    embossing_records, bulks, pci_data, fault_rules, card_idempotency_keys, reissue_reasons,
    card_status_history, cards;
