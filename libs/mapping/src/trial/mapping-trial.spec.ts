import { closeMappingSandbox } from '../sandbox/mapping-sandbox';
import { tryMapping, type TrialPayload } from './mapping-trial';

const mapping = (expression: string) => ({ language: 'jsonata' as const, expression });
const LIVE = mapping(
  '{"products": sp.{"gtin": g, "name": ten, "ownerTaxCode": "0300588569", "netContent": {"value": kg, "uom": "KGM"}}}',
);
const DRAFT = mapping(
  '{"products": sp.{"gtin": g, "name": ten & " (mới)", "ownerTaxCode": "0300588569", "netContent": {"value": kg, "uom": "KGM"}}}',
);
const KEY = 'product|gtin:08936012000016';
const payload = (receiptId: string, stored: Record<string, string>): TrialPayload => ({
  receiptId,
  body: Buffer.from('{"sp": {"g": "8936012000016", "ten": "Gạo", "kl": 5, "kg": 5}}'),
  stored: new Map(Object.entries(stored)),
});

afterAll(() => closeMappingSandbox());

describe('tryMapping: the receipts a draft affects', () => {
  it('names a receipt whose record the draft changes, and not one it leaves alone', async () => {
    const changed = await tryMapping({
      format: 'json',
      live: LIVE,
      draft: DRAFT,
      payloads: [payload('r1', { [KEY]: 'synced' })],
      budgetMs: 10_000,
    });
    expect(changed.counts.changed).toBe(1);
    expect(changed.affectedReceipts).toEqual(['r1']);
    const same = await tryMapping({
      format: 'json',
      live: LIVE,
      draft: LIVE,
      payloads: [payload('r1', { [KEY]: 'synced' })],
      budgetMs: 10_000,
    });
    expect(same.affectedReceipts).toEqual([]);
  });

  it('names a receipt whose stored record is quarantined although the draft, like the mapping in force, reads it clean', async () => {
    // Quarantined under an older mapping version: the one in force already reads it clean, so
    // nothing differs between live and draft, yet replaying the receipt accepts the record.
    const trial = await tryMapping({
      format: 'json',
      live: LIVE,
      draft: LIVE,
      payloads: [payload('r2', { [KEY]: 'quarantined' })],
      budgetMs: 10_000,
    });
    expect(trial.counts).toEqual({ changed: 0, appeared: 0, disappeared: 0, fixed: 0, broken: 0 });
    expect(trial.fixesQuarantined).toBe(1);
    expect(trial.affectedReceipts).toEqual(['r2']);
  });
});
