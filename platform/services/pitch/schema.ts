import type { Migration } from '../../lib/migrations.js';
import { sagaTableSql } from '../../lib/saga-runner.js';

export const PITCH_SCHEMA = 'pitch_svc';

export const pitchMigrations: Migration[] = [
  {
    id: '001_pitches',
    sql: `
CREATE SCHEMA IF NOT EXISTS pitch_svc;
CREATE TABLE pitch_svc.pitches (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL,
  title text NOT NULL,
  logline text NOT NULL,
  genre text NOT NULL,
  format text NOT NULL,
  budget_band text NOT NULL,
  short_synopsis text NOT NULL,
  status text NOT NULL CHECK (status IN ('draft','published','archived')),
  requires_nda boolean NOT NULL DEFAULT true,
  view_count integer NOT NULL DEFAULT 0,
  like_count integer NOT NULL DEFAULT 0,
  save_count integer NOT NULL DEFAULT 0,
  trend_score integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  search tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || logline || ' ' || short_synopsis)) STORED
);
CREATE INDEX pitches_owner ON pitch_svc.pitches (owner_id, created_at DESC);
CREATE INDEX pitches_trending ON pitch_svc.pitches (trend_score DESC, id) WHERE status = 'published';
CREATE INDEX pitches_new ON pitch_svc.pitches (published_at DESC, id) WHERE status = 'published';
CREATE INDEX pitches_genre_trending ON pitch_svc.pitches (genre, trend_score DESC, id) WHERE status = 'published';
CREATE INDEX pitches_genre_new ON pitch_svc.pitches (genre, published_at DESC, id) WHERE status = 'published';
CREATE INDEX pitches_search ON pitch_svc.pitches USING gin (search);
CREATE TABLE pitch_svc.pitch_protected (
  pitch_id uuid PRIMARY KEY REFERENCES pitch_svc.pitches(id) ON DELETE CASCADE,
  budget_breakdown text,
  production_timeline text,
  attached_talent text,
  financial_projections text,
  distribution_plan text,
  marketing_strategy text,
  private_attachments text,
  contact_details text,
  revenue_model text
);
CREATE TABLE pitch_svc.views (
  id bigserial PRIMARY KEY,
  pitch_id uuid NOT NULL REFERENCES pitch_svc.pitches(id) ON DELETE CASCADE,
  viewer_id uuid,
  viewed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX views_pitch ON pitch_svc.views (pitch_id);
CREATE TABLE pitch_svc.likes (
  pitch_id uuid NOT NULL REFERENCES pitch_svc.pitches(id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pitch_id, user_id)
);
CREATE TABLE pitch_svc.saves (
  pitch_id uuid NOT NULL REFERENCES pitch_svc.pitches(id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pitch_id, user_id)
);
CREATE INDEX saves_user ON pitch_svc.saves (user_id, created_at DESC);
CREATE TABLE pitch_svc.creators (
  user_id uuid PRIMARY KEY,
  display_name text NOT NULL,
  company text,
  active boolean NOT NULL DEFAULT true
);
${sagaTableSql('pitch_svc')}`,
  },
  {
    // POST /api/pitches with an Idempotency-Key: a retry answers with the pitch the first attempt created.
    id: '002_idempotency_keys',
    sql: `
CREATE TABLE pitch_svc.idempotency_keys (
  owner_id uuid NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  pitch_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner_id, key)
)`,
  },
];
