-- 0003: who decided a case's urgency on the review station. '' while the urgency is the
-- pipeline's (derived from the documents); a user's name once a person marked the case
-- urgent or not urgent, after which pipeline.Recompute keeps their decision.

ALTER TABLE cases ADD COLUMN urgent_by TEXT NOT NULL DEFAULT '';
