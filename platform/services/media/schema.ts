import type { Migration } from '../../lib/migrations.js';

export const MEDIA_SCHEMA = 'media_svc';

export const mediaMigrations: Migration[] = [
  {
    id: '001_media',
    sql: `
CREATE SCHEMA IF NOT EXISTS media_svc;
CREATE TABLE media_svc.media (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL,
  pitch_id uuid,
  file_name text NOT NULL,
  mime_type text NOT NULL,
  size integer NOT NULL,
  storage_path text NOT NULL,
  checksum text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending','processed','failed')),
  requires_nda boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_pitch ON media_svc.media (pitch_id);
CREATE INDEX media_owner ON media_svc.media (owner_id)`,
  },
];
