import { type Queue } from 'bullmq';
import fc from 'fast-check';
import { type Client } from 'pg';
import { PAYLOAD_LIMITS } from '@txng/mapping';
import { createActiveSource } from '../support/admin-client';
import {
  FORMATS,
  type Format,
  anyBody,
  fuzzRuns,
  sampleBodies,
  sourceDefinitions,
} from '../support/fuzz-arbitraries';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { signWebhook } from '../support/webhook-signer';

// Property-based fuzzing of `POST /v1/webhooks/{key}` through a real gateway and its workers, every
// body signed correctly so that it reaches the parser. FUZZ_RUNS / 100 runs per format when set
// (test:reliability): each run is an HTTP request and, when accepted, a pipeline job.
const RUNS = fuzzRuns(15, 100);
const SAMPLES = sampleBodies();
const MAX_BODY = 2 * 1024 * 1024;
const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/json',
  xml: 'application/xml',
  csv: 'text/csv',
  'epcis-json': 'application/ld+json',
  'epcis-xml': 'application/xml',
};

/** One webhook source per format with the real province's mapping for it (none for EPCIS). */
function fuzzSources(): Record<Format, Record<string, unknown>> {
  const real = sourceDefinitions();
  const source = (format: Format, expression?: string) => ({
    key: `fz-${format}`,
    provinceCode: '92',
    name: `Nguồn thử ngẫu nhiên ${format}`,
    kind: 'webhook',
    format,
    maxBodyBytes: MAX_BODY,
    rateLimitPerMinute: 100_000,
    rateLimitBytesPerMinute: 2_000_000_000,
    ...(expression ? { mapping: { language: 'jsonata', expression } } : {}),
  });
  const mappingOf = (format: Format) => real.find((s) => s.format === format)?.expression;
  return {
    json: source('json', mappingOf('json')),
    xml: source('xml', mappingOf('xml')),
    csv: source('csv', mappingOf('csv')),
    'epcis-json': source('epcis-json'),
    'epcis-xml': source('epcis-xml'),
  };
}

describe('POST /v1/webhooks/{key} under fuzzing (real gateway, workers, PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let ingest: Queue;
  let db: Client;
  const secrets: Record<string, string> = {};

  /** Posts the exact bytes (fetch: supertest would re-encode a Buffer sent as JSON), signed over them. */
  const post = async (key: string, format: Format, body: Buffer) => {
    const res = await fetch(`${hub.url}/v1/webhooks/${key}`, {
      method: 'POST',
      headers: { 'Content-Type': CONTENT_TYPE[format], ...signWebhook(secrets[key], body) },
      body,
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : {}) as { error?: string; message?: string },
    };
  };

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: true });
    for (const definition of Object.values(fuzzSources()))
      secrets[String(definition.key)] = await createActiveSource(hub.url, definition as { key: string });
    // For the heap checks: a mapping that costs nothing, so the figure is the parser's and intake's.
    for (const format of ['json', 'csv', 'xml'] as const) {
      const key = `fz-cheap-${format}`;
      secrets[key] = await createActiveSource(hub.url, {
        ...fuzzSources()[format],
        key,
        mapping: { language: 'jsonata', expression: '{"products": []}' },
      });
    }
    ingest = hub.queue('ingest');
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it.each(FORMATS)('answers any signed %s body with 202 or a coded 400, never 5xx', async (format) => {
    await fc.assert(
      fc.asyncProperty(anyBody(format, SAMPLES[format]), async (body) => {
        const res = await post(`fz-${format}`, format, Buffer.from(body));
        if (res.status !== 202) {
          expect({ status: res.status, error: res.body.error }).toEqual({
            status: 400,
            error: expect.stringMatching(/^(malformed_body|body_limit_exceeded)$/),
          });
          expect(res.body.message).toEqual(expect.any(String));
        }
      }),
      { numRuns: RUNS },
    );
  });

  const columns = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`).join(',');
  const hostile: Array<[string, Format, () => string, number[]]> = [
    [
      'a CSV header at the column limit over one-cell rows',
      'csv',
      () => `${columns(PAYLOAD_LIMITS.csvColumns)}\n${'x\n'.repeat(150_000)}`,
      [202],
    ],
    [
      'the 3,000-column CSV that used to exhaust the heap',
      'csv',
      () => `${columns(3000)}\n${'x\n'.repeat(3000)}`,
      [400],
    ],
    ['CSV past the row limit', 'csv', () => `a\n${'1\n'.repeat(PAYLOAD_LIMITS.csvRows + 1)}`, [400]],
    ['JSON 100,000 levels deep', 'json', () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`, [400]],
    ['JSON 300,000 empty arrays wide', 'json', () => `[${Array(300_000).fill('[]').join(',')}]`, [202]],
    ['XML 50,000 levels deep', 'xml', () => `${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}`, [400]],
    ['XML 100,000 empty elements', 'xml', () => `<r>${'<a/>'.repeat(100_000)}</r>`, [202]],
    ['a body past the source limit', 'json', () => `"${'x'.repeat(MAX_BODY)}"`, [413]],
  ];
  it.each(hostile)(
    'answers %s as expected, with heap growth bounded by the body',
    async (_what, format, make, statuses) => {
      const body = Buffer.from(make());
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }, 2);
      try {
        const res = await post(`fz-cheap-${format}`, format, body);
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        expect(statuses).toContain(res.status);
      } finally {
        clearInterval(sampler);
      }
      // Generous for what a parsed body legitimately costs; a padded CSV would need gigabytes here.
      expect(peak - before).toBeLessThan(64 * body.length + 64 * 1024 * 1024);
    },
  );

  it('ends every accepted body processed or quarantined with a finding, never a crashed job', async () => {
    await waitForQueuesToDrain([ingest], { timeoutMs: 120_000 });
    expect(await ingest.getFailedCount()).toBe(0);
    const receipts = await db.query<{ status: string; error: string | null }>(
      `SELECT status, error FROM receipt WHERE source_key LIKE 'fz-%'`,
    );
    expect(receipts.rows.length).toBeGreaterThan(0);
    for (const r of receipts.rows) {
      if (r.status === 'processed') continue;
      expect(r).toEqual({
        status: 'failed',
        error: expect.stringMatching(/^(MALFORMED_PAYLOAD|MAPPING_[A-Z]+): /),
      });
    }
  });
});
