import { describeCallback } from './callback-report';

const finding = (code: string) => ({ code, message: `${code} message`, path: '/products/0/gtin' });
let item = 0;
const record = (status: string, extra: Record<string, unknown> = {}) => ({
  kind: 'product',
  key: `gtin:0893852100${String(++item).padStart(4, '0')}`,
  version: status === 'ready' || status === 'synced' ? 1 : null,
  status,
  findings: [],
  portal: null,
  conflict: null,
  ...extra,
});
const receipt = (records: unknown[], extra: Record<string, unknown> = {}) => ({
  id: '3f2a1b9c-0000-4000-8000-000000000001',
  sourceKey: 'can-tho-nong-san',
  webhookId: 'msg_demo_2025_can-tho-nong-san_3',
  status: 'processed',
  receivedAt: '2026-12-04T23:00:00.000Z',
  processedAt: '2026-12-04T23:00:01.000Z',
  error: null,
  records,
  ...extra,
});

describe('what a province prints of its callbacks', () => {
  it('receipt.processed: accepted, then each other outcome with its finding codes counted', () => {
    const line = describeCallback('Cần Thơ', {
      type: 'receipt.processed',
      timestamp: '2026-12-04T23:00:01.000Z',
      data: receipt([
        record('ready', { findings: [finding('TAX_CODE_CHECK_DIGIT')] }),
        record('ready'),
        record('synced'),
        record('duplicate'),
        record('quarantined', { findings: [finding('GTIN_FORMAT'), finding('TAX_CODE_CHECK_DIGIT')] }),
        record('quarantined', { findings: [finding('GTIN_FORMAT'), finding('UOM_UNKNOWN')] }),
        // Only codes an accepted record carries too: nothing to tell them apart by, so all are told.
        record('quarantined', { findings: [finding('TAX_CODE_CHECK_DIGIT')] }),
        record('conflict', { conflict: { id: 'c1', code: 'KEY_CLAIMED', otherProvinceCode: '86' } }),
      ]),
    });
    expect(line).toBe(
      'Cần Thơ: receipt 3f2a1b9c (msg_demo_2025_can-tho-nong-san_3) processed: 3 accepted, 1 duplicate, ' +
        '3 quarantined (GTIN_FORMAT ×2, TAX_CODE_CHECK_DIGIT, UOM_UNKNOWN), 1 held in conflict (KEY_CLAIMED with province 86)',
    );
  });

  it('receipt.processed of a body the hub could not read says why', () => {
    const line = describeCallback('Cần Thơ', {
      type: 'receipt.processed',
      data: receipt([], { status: 'failed', error: 'MAPPING_ERROR: $.sanPham is not an array' }),
    });
    expect(line).toBe(
      'Cần Thơ: receipt 3f2a1b9c (msg_demo_2025_can-tho-nong-san_3) could not be read: MAPPING_ERROR: $.sanPham is not an array',
    );
  });

  it('receipt.synced: how many of its records are at the portal', () => {
    const portal = { version: 1, syncedAt: '2026-12-04T23:00:03.000Z' };
    const line = describeCallback('Cần Thơ', {
      type: 'receipt.synced',
      data: receipt([record('synced', { portal }), record('synced', { portal }), record('duplicate')], {
        webhookId: null,
      }),
    });
    expect(line).toBe('Cần Thơ: receipt 3f2a1b9c synced: 2 records at the National Portal');
    // A duplicate carries the portal version of the record it repeats: told apart, not counted as sent.
    const repeats = describeCallback('Cần Thơ', {
      type: 'receipt.synced',
      data: receipt([record('duplicate', { portal }), record('duplicate', { portal })]),
    });
    expect(repeats).toBe(
      'Cần Thơ: receipt 3f2a1b9c (msg_demo_2025_can-tho-nong-san_3) synced: 0 records at the National Portal (and 2 duplicates already there)',
    );
  });

  it('learns from accepted records which codes are only warnings, for receipts where nothing was accepted', () => {
    const warnings = new Set<string>();
    const seen = describeCallback(
      'Cần Thơ',
      {
        type: 'receipt.processed',
        data: receipt([record('ready', { findings: [finding('CIRCULAR_MINIMUM')] })]),
      },
      warnings,
    );
    expect(seen).toMatch(/processed: 1 accepted$/);
    const line = describeCallback(
      'Cần Thơ',
      {
        type: 'receipt.processed',
        data: receipt([
          record('quarantined', { findings: [finding('CIRCULAR_MINIMUM'), finding('GTIN_FORMAT')] }),
        ]),
      },
      warnings,
    );
    expect(line).toMatch(/processed: 0 accepted, 1 quarantined \(GTIN_FORMAT\)$/);
  });

  it('conflict.resolved: the decision, the note, and what became of its own side', () => {
    const line = describeCallback('Cần Thơ', {
      type: 'conflict.resolved',
      data: {
        id: 'c1',
        code: 'KEY_CLAIMED',
        kind: 'product',
        key: 'gtin:08938523000011',
        status: 'resolved',
        decision: 'keep-existing',
        note: 'GS1 certificate checked',
        side: 'existing',
        record: { kind: 'product', key: 'gtin:08938523000011', version: 1, status: 'synced' },
        other: { provinceCode: '86', kind: 'product', key: 'gtin:08938523000011' },
      },
    });
    expect(line).toBe(
      'Cần Thơ: conflict KEY_CLAIMED on gtin:08938523000011 with province 86 resolved: keep-existing ' +
        '("GS1 certificate checked"); our existing product is now synced',
    );
  });

  it('an event it does not know is acknowledged, not misread', () => {
    expect(describeCallback('Cần Thơ', { type: 'receipt.archived', data: {} })).toBe(
      'Cần Thơ: a callback of a kind this system does not know (receipt.archived), acknowledged',
    );
  });
});
