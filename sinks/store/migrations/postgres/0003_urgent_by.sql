-- 0003: who decided a case's urgency on the review station. The column and its meaning
-- are the same as in ../sqlite/0003_urgent_by.sql.

ALTER TABLE cases ADD COLUMN urgent_by TEXT NOT NULL DEFAULT '';
