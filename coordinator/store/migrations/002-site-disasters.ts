// Migration 2: sites declared lost (twinzone declare-disaster --site S). A DR failover
// of a zone whose primary site is not declared lost is refused under the `manual` DR
// policy, so the declaration must outlive the coordinator process that heard it.
export const sql = `
CREATE TABLE site_disasters (
  site TEXT PRIMARY KEY,
  declared_by TEXT NOT NULL,
  declared_at_ms INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT ''
) STRICT;
`;
