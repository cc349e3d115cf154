"""The render job queue: the `render_jobs` table, its state machine, its reports and the retry policy."""
