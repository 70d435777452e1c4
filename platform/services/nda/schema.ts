import type { Migration } from '../../lib/migrations.js';

export const NDA_SCHEMA = 'nda_svc';

export const ndaMigrations: Migration[] = [
  {
    id: '001_ndas',
    sql: `
CREATE SCHEMA IF NOT EXISTS nda_svc;
CREATE TABLE nda_svc.ndas (
  id uuid PRIMARY KEY,
  pitch_id uuid NOT NULL,
  pitch_title text NOT NULL,
  requester_id uuid NOT NULL,
  owner_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('requested','approved','rejected','signed','revoked','expired')),
  message text,
  custom_terms text,
  term_days integer,
  signature jsonb,
  signed_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  revoke_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ndas_one_open ON nda_svc.ndas (pitch_id, requester_id) WHERE status IN ('requested','approved','signed');
CREATE INDEX ndas_owner ON nda_svc.ndas (owner_id, created_at DESC);
CREATE INDEX ndas_requester ON nda_svc.ndas (requester_id, created_at DESC);
CREATE INDEX ndas_expiry ON nda_svc.ndas (expires_at) WHERE status = 'signed';
CREATE TABLE nda_svc.templates (
  id uuid PRIMARY KEY,
  pitch_id uuid NOT NULL UNIQUE,
  owner_id uuid NOT NULL,
  terms text,
  created_at timestamptz NOT NULL DEFAULT now()
)`,
  },
];
