import type { Migration } from '../../lib/migrations.js';

export const USER_SCHEMA = 'user_svc';

export const userMigrations: Migration[] = [
  {
    id: '001_users',
    sql: `
CREATE SCHEMA IF NOT EXISTS user_svc;
CREATE TABLE user_svc.users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('creator','investor','production','admin')),
  company text,
  bio text,
  password_hash text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON user_svc.users (lower(email));
CREATE TABLE user_svc.sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES user_svc.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user ON user_svc.sessions (user_id);
CREATE TABLE user_svc.preferences (
  user_id uuid PRIMARY KEY REFERENCES user_svc.users(id),
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE user_svc.follows (
  follower_id uuid NOT NULL REFERENCES user_svc.users(id),
  followee_id uuid NOT NULL REFERENCES user_svc.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (follower_id, followee_id),
  CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee ON user_svc.follows (followee_id)`,
  },
];
