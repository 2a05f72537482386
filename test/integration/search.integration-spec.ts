import { withCheckDigit } from '@txng/national-model';
import { admin } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';

const OWNER = '0301234567';
const GTIN = '8935049500018';
const GTIN14 = '08935049500018';
const GLN = '8935049000006';
const SSCC = withCheckDigit('38935049000000001');
const LOTS = 60;

interface Hit {
  kind: string;
  key: string;
  exact: boolean;
  matchedBy: string[];
}
interface Group {
  kind: string;
  total: number;
  complete: boolean;
  items: Array<Hit & { id?: string }>;
  nextCursor: string | null;
}
interface Answer {
  items: Hit[];
  receipts: Array<{ id: string }>;
  understood: { as: string; keys: string[] };
  best: { kind: string; key: string } | null;
  groups: Group[];
}

describe('search: one box for every GS1 carrier, exact key first, grouped and paged (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let receiptId: string;

  const search = async (q: string, extra = ''): Promise<Answer> =>
    (
      await admin(hub.url)
        .get(`/v1/admin/search?q=${encodeURIComponent(q)}${extra}`)
        .expect(200)
    ).body as Answer;
  const group = (answer: Answer, kind: string): Group | undefined =>
    answer.groups.find((g) => g.kind === kind);

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: true });
    const created = await admin(hub.url)
      .post('/v1/admin/sources', passThroughSource('search-can-tho'))
      .expect(201);
    const secret = created.body.webhookSecret as string;
    await admin(hub.url).post('/v1/admin/sources/search-can-tho/activate').expect(200);
    // The product first, then its 60 lots (newer, so "newest first" alone would hide the product).
    await sendWebhook(hub.url, 'search-can-tho', secret, {
      products: [{ gtin: GTIN, name: 'Gạo ST25', ownerTaxCode: OWNER, netContent: { value: 5, uom: 'KGM' } }],
      locations: [{ gln: GLN, name: 'Kho Thới Lai', type: 'warehouse', provinceCode: '92' }],
    });
    await waitForQueuesToDrain([hub.queue('ingest')], { timeoutMs: 30_000 });
    receiptId = await sendWebhook(hub.url, 'search-can-tho', secret, {
      lots: Array.from({ length: LOTS }, (_, i) => ({
        gtin: GTIN14,
        lot: `LOT${i}`,
        producerTaxCode: OWNER,
      })),
      events: [
        {
          type: 'ObjectEvent',
          eventTime: '2025-07-31T08:00:00+07:00',
          eventTimeZoneOffset: '+07:00',
          epcList: [`https://id.gs1.org/01/${GTIN14}/21/SER1`],
          action: 'ADD',
          bizStep: 'commissioning',
          disposition: 'active',
          readPoint: { id: `https://id.gs1.org/414/${GLN}` },
        },
        {
          type: 'AggregationEvent',
          eventTime: '2025-07-31T09:00:00+07:00',
          eventTimeZoneOffset: '+07:00',
          parentID: `https://id.gs1.org/00/${SSCC}`,
          childEPCs: [`https://id.gs1.org/01/${GTIN14}/21/SER1`],
          action: 'ADD',
          bizStep: 'packing',
          disposition: 'in_progress',
        },
      ],
    });
    await waitForQueuesToDrain([hub.queue('ingest')], { timeoutMs: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
  });

  it('ranks the product a GTIN names before its 60 lots, and counts and pages the lots', async () => {
    const answer = await search(GTIN);
    // 13 digits with a good check digit are a GLN as well: both keys are looked up, the product found.
    expect(answer.understood).toEqual({ as: 'gtin', keys: [`gtin:${GTIN14}`, `gln:${GTIN}`] });
    expect(answer.items[0]).toMatchObject({ kind: 'product', key: `gtin:${GTIN14}`, exact: true });
    expect(answer.best).toEqual({ kind: 'product', key: `gtin:${GTIN14}` });
    expect(answer.groups[0]).toMatchObject({ kind: 'product', total: 1, complete: true });
    const lots = group(answer, 'lot')!;
    expect(lots).toMatchObject({ total: LOTS, complete: true, nextCursor: '10' });
    expect(lots.items).toHaveLength(10);

    const last = await search(GTIN, '&kind=lot&cursor=50');
    const lastPage = group(last, 'lot')!;
    expect(lastPage.items).toHaveLength(10);
    expect(lastPage.nextCursor).toBeNull();
    const seen = new Set([...lots.items, ...lastPage.items].map((i) => i.key));
    expect(seen.size).toBe(20); // two different pages
  });

  it.each([
    ['a GS1 Digital Link URI', `https://id.gs1.org/01/${GTIN14}/10/LOT7?17=271231`, 'digital-link'],
    ['a bracketed element string', `(01)${GTIN14}(17)271231(10)LOT7`, 'element-string'],
    ['an EPC URN (lgtin class)', 'urn:epc:class:lgtin:8935049.050001.LOT7', 'epc-urn'],
  ])('lands on the lot %s names', async (_what, q, as) => {
    const answer = await search(q);
    expect(answer.understood.as).toBe(as);
    expect(answer.best).toEqual({ kind: 'lot', key: `lot:${GTIN14}/LOT7` });
    expect(answer.items[0]).toMatchObject({ key: `lot:${GTIN14}/LOT7`, exact: true });
    expect(answer.items[1]).toMatchObject({ key: `gtin:${GTIN14}`, exact: true });
  });

  it('finds the events that carry an SSCC, a serialised GTIN (EPC URN) or a GLN', async () => {
    const bySscc = await search(SSCC);
    expect(bySscc.understood.as).toBe('sscc');
    expect(bySscc.best).toBeNull();
    expect(bySscc.groups.map((g) => [g.kind, g.total])).toEqual([['event', 1]]);
    expect(bySscc.items[0].matchedBy).toContain('identifier');

    const bySerial = await search('urn:epc:id:sgtin:8935049.050001.SER1');
    expect(group(bySerial, 'event')?.total).toBe(2);

    const byGln = await search(GLN);
    expect(byGln.best).toEqual({ kind: 'location', key: `gln:${GLN}` });
    expect(byGln.items[0]).toMatchObject({ kind: 'location', exact: true });
    expect(group(byGln, 'event')?.total).toBe(1); // its readPoint
  });

  it('lands on a receipt by its id and lists the records it brought', async () => {
    const answer = await search(receiptId);
    expect(answer.understood.as).toBe('receipt-id');
    expect(answer.best).toEqual({ kind: 'receipt', key: receiptId });
    expect(answer.groups[0]).toMatchObject({ kind: 'receipt', total: 1 });
    expect(group(answer, 'lot')?.total).toBe(LOTS);
    expect(group(answer, 'event')?.total).toBe(2);
  });

  it('finds for a province-scoped token only what lies in its provinces', async () => {
    const token = async (provinces: string[]): Promise<string> =>
      (await admin(hub.url).post('/v1/admin/tokens', { name: 'Sở', role: 'viewer', provinces }).expect(201))
        .body.token as string;
    const ours = (
      await admin(hub.url, await token(['92']))
        .get(`/v1/admin/search?q=${GTIN}`)
        .expect(200)
    ).body as Answer;
    expect(ours.best).toEqual({ kind: 'product', key: `gtin:${GTIN14}` });
    const theirs = (
      await admin(hub.url, await token(['79']))
        .get(`/v1/admin/search?q=${GTIN}`)
        .expect(200)
    ).body as Answer;
    expect(theirs).toMatchObject({ items: [], receipts: [], best: null, groups: [] });
    const receipt = (
      await admin(hub.url, await token(['79']))
        .get(`/v1/admin/search?q=${receiptId}`)
        .expect(200)
    ).body as Answer;
    expect(receipt).toMatchObject({ receipts: [], best: null, groups: [] });
  });

  it('refuses a bad kind, a cursor without its kind and a page over 50', async () => {
    await admin(hub.url).get(`/v1/admin/search?q=${GTIN}&kind=receipts`).expect(400);
    await admin(hub.url).get(`/v1/admin/search?q=${GTIN}&cursor=10`).expect(400);
    await admin(hub.url).get(`/v1/admin/search?q=${GTIN}&limit=51`).expect(400);
  });
});
