-- The Idempotency-Key of each keyed create (scoped by the gateway to the client and the operation), with
-- the profile it made and the answer given. It is written in the same statement as the profile, so a
-- repeat of the key finds the first effect even when the gateway's record is gone or was never written
-- (an answer lost in transit, a commit after the gateway gave up, Redis down). A row outlives its profile:
-- a repeat after a delete replays the first answer, as the gateway's record does.
CREATE TABLE profile_creations (
  idempotency_key text PRIMARY KEY CHECK (length(idempotency_key) <= 255),
  -- What the key was first used for: the same key with another body is refused.
  request_hash    text NOT NULL,
  skier_id        int NOT NULL,
  answer          jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
