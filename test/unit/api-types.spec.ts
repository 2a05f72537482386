import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The admin UI compiles against types generated from the gateway's OpenAPI document
 * (apps/admin-ui/src/api-types.gen.ts, docs/admin-ui.md "Types from the OpenAPI document"). This
 * regenerates them from the gateway's code — offline: Nest's preview mode, no PostgreSQL or Redis —
 * and fails when the committed file is not what the DTOs say. openapi-typescript and prettier are ES
 * modules loaded with import(), which Jest's module system does not offer, so the generator runs in a
 * child node process.
 */
const ROOT = join(__dirname, '..', '..');
const FILE = 'apps/admin-ui/src/api-types.gen.ts';

describe("the admin UI's API types", () => {
  let generated: string;
  beforeAll(() => {
    const run = spawnSync(
      process.execPath,
      ['test/bench/run-ts.js', 'apps/gateway/src/openapi/api-types.ts', '--print'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    if (run.status !== 0) throw new Error(`the generator failed (${run.status}): ${run.stderr}`);
    generated = run.stdout;
  }, 120_000);

  it('are what the gateway generates (run `npm run api-types` after changing a DTO)', () => {
    const committed = readFileSync(join(ROOT, FILE), 'utf8');
    // Line by line first, so a failure names the lines that drifted rather than two 2000-line strings.
    const a = committed.split('\n');
    const b = generated.split('\n');
    const firstDiff = a.findIndex((line, i) => line !== b[i]);
    expect({ firstDifferentLine: firstDiff === -1 && a.length === b.length ? null : firstDiff + 1 }).toEqual({
      firstDifferentLine: null,
    });
    expect(committed).toBe(generated);
  });

  it("describe the answers the screens read, from the gateway's DTOs", () => {
    // A few fields per answer: if a DTO stops describing them, the UI loses its types here first.
    for (const fragment of [
      /StatusCounts: \{[^}]*openConflicts: number;/s,
      /ConflictPage: \{[^}]*nextCursor: string \| null;/s,
      /Conflict: \{[^}]*existing: components\['schemas'\]\['RecordView'\] \| components\['schemas'\]\['WithheldSide'\] \| null;/s,
      /WithheldSide: \{\s*key: string;.*?withheld: true;/s,
      /SearchHit: \{[^}]*matchedBy: string\[\];/s,
      /'\/v1\/admin\/overview': \{/,
      /OverviewController_get: \{.*?content: \{\s*'application\/json': components\['schemas'\]\['Overview'\];/s,
      /RecordsController_get: \{.*?content: \{\s*'application\/json': components\['schemas'\]\['RecordDetail'\];/s,
      /RecordDetail: \{[^}]*conflicts: components\['schemas'\]\['RecordConflictRef'\]\[\];/s,
      /RecordVersion: \{.*?history: components\['schemas'\]\['HistoryEntry'\]\[\];/s,
      /ProvincePage: \{[^}]*legacy: components\['schemas'\]\['LegacyProvince'\]\[\];/s,
      /SourceWithSecrets: \{.*?webhookSecret\?: string;\s*\};/s,
      /ReplayAnswer: \{[^}]*expired: number;/s,
      /PreviewAnswer: \{[^}]*findings: components\['schemas'\]\['PreviewFinding'\]\[\];/s,
      /MappingTrial: \{[^}]*changes: components\['schemas'\]\['TrialChange'\]\[\];/s,
      /ActivitySeries: \{[^}]*queueDepth: components\['schemas'\]\['QueueDepthPoint'\]\[\];/s,
    ]) {
      expect({ fragment: String(fragment), found: fragment.test(generated) }).toEqual({
        fragment: String(fragment),
        found: true,
      });
    }
  });
});
