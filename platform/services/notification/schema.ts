import type { Migration } from '../../lib/migrations.js';

export const NOTIFICATION_SCHEMA = 'notification_svc';

export const notificationMigrations: Migration[] = [
  {
    id: '001_notifications',
    sql: `
CREATE SCHEMA IF NOT EXISTS notification_svc;
CREATE TABLE notification_svc.notifications (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  type text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  pitch_id uuid,
  related_user_id uuid,
  source_event_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  UNIQUE (source_event_id, user_id)
);
CREATE INDEX notifications_user ON notification_svc.notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread ON notification_svc.notifications (user_id) WHERE read_at IS NULL;
CREATE TABLE notification_svc.followers (
  followee_id uuid NOT NULL,
  follower_id uuid NOT NULL,
  PRIMARY KEY (followee_id, follower_id)
)`,
  },
  {
    // Notes written before requester notifications stopped naming the pitch owner.
    id: '002_hide_owner_from_requesters',
    sql: `UPDATE notification_svc.notifications SET related_user_id = NULL
           WHERE type IN ('nda_approved', 'nda_rejected', 'nda_revoked')`,
  },
];
