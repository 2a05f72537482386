/**
 * Which portal a version goes to, from its source's stage (shared-model.md): `active` sources to
 * production, `testing` to the sandbox, a paused source to where it was before the pause. A
 * `draft` source never held records (stages cannot go back to draft); it would mean the sandbox.
 * SQL over a `source` row aliased `s`.
 */
export const TARGET_SQL = `(CASE WHEN s.stage = 'active' OR (s.stage = 'paused' AND s.stage_before_pause = 'active')
  THEN 'production' ELSE 'sandbox' END)`;
