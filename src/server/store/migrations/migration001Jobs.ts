/**
 * Migration 1: the `jobs` table (SLMGEN's schema, reference §8.1) in its own `slmgen` schema, with row-level
 * security keyed on `current_setting('app.user_id')` and a non-owner role `slmgen_app` that every query runs as.
 * Differences from SLMGEN: `user_id` is the JWT `sub` as text (there is no profiles table here), `session_id` is
 * unique per user, fields unknown when a job is created are nullable, `status` is checked, and `updated_at` is
 * maintained by a trigger.
 */
export const MIGRATION_001_JOBS = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'slmgen_app') THEN
    CREATE ROLE slmgen_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- created concurrently by another database's migration
END $$;

DO $$
BEGIN
  EXECUTE format('GRANT slmgen_app TO %I WITH INHERIT FALSE, SET TRUE', current_user);
EXCEPTION WHEN syntax_error OR feature_not_supported THEN
  EXECUTE format('GRANT slmgen_app TO %I', current_user); -- PostgreSQL < 16
END $$;

CREATE SCHEMA IF NOT EXISTS slmgen;
GRANT USAGE ON SCHEMA slmgen TO slmgen_app;

CREATE TABLE slmgen.jobs (
  id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id             TEXT NOT NULL,
  session_id          TEXT NOT NULL,
  dataset_filename    TEXT NOT NULL,
  dataset_path        TEXT NOT NULL,
  total_examples      INTEGER NOT NULL DEFAULT 0,
  total_tokens        BIGINT NOT NULL DEFAULT 0,
  quality_score       DOUBLE PRECISION NOT NULL DEFAULT 0,
  task_type           TEXT,
  deployment_target   TEXT,
  selected_model_id   TEXT,
  selected_model_name TEXT,
  model_score         DOUBLE PRECISION,
  training_config     JSONB NOT NULL DEFAULT '{}'::jsonb,
  notebook_filename   TEXT,
  notebook_path       TEXT,
  colab_url           TEXT,
  status              TEXT NOT NULL DEFAULT 'created'
                      CHECK (status IN ('created', 'processing', 'completed', 'failed')),
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT jobs_user_session_key UNIQUE (user_id, session_id)
);
CREATE INDEX jobs_user_id_idx ON slmgen.jobs (user_id);
CREATE INDEX jobs_session_id_idx ON slmgen.jobs (session_id);
CREATE INDEX jobs_created_at_idx ON slmgen.jobs (created_at DESC);

CREATE FUNCTION slmgen.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER jobs_touch_updated_at BEFORE UPDATE ON slmgen.jobs
  FOR EACH ROW EXECUTE FUNCTION slmgen.touch_updated_at();

ALTER TABLE slmgen.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE slmgen.jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY jobs_select_own ON slmgen.jobs FOR SELECT
  USING (user_id = current_setting('app.user_id', true));
CREATE POLICY jobs_insert_own ON slmgen.jobs FOR INSERT
  WITH CHECK (user_id = current_setting('app.user_id', true));
CREATE POLICY jobs_update_own ON slmgen.jobs FOR UPDATE
  USING (user_id = current_setting('app.user_id', true))
  WITH CHECK (user_id = current_setting('app.user_id', true));
CREATE POLICY jobs_delete_own ON slmgen.jobs FOR DELETE
  USING (user_id = current_setting('app.user_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON slmgen.jobs TO slmgen_app;
`;
