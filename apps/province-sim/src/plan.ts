import { CA_MAU, CAN_THO, CAO_BANG, TAY_NINH, VINH_LONG } from './catalogue';
import { digitalLink, gtin14, withWrongCheckDigit, gtin13 } from './gs1';
import { webhookId } from './feeds/feed';

/**
 * Where the demo plants its mess: fixed delivery indices of each webhook source, early in the run
 * so that even a short run shows all of it. The feeds read these numbers; docs/demo.md and
 * test/e2e/demo.e2e-spec.ts read `plantedMess()`.
 */
export const PLANTS = {
  canTho: { xoaiOwner: 0, original: 3, retrySameId: 4, retryNewId: 5, invalidGtin: 6, update: 7 },
  vinhLong: { original: 2, retrySameId: 3, keyClaimed: 4 },
  caMau: { serialsFrom: 0, original: 1, retryNewId: 2, serialRecommissioned: 3 },
  caoBang: { original: 0, invalidGtin: 2, nfdResend: 3 },
} as const;

/** Planted in the first delivery that needs them; all webhook plants are in deliveries 0–7. */
export const LAST_PLANTED_INDEX = 7;

/** The GTIN typos (wrong check digit) the provinces send. */
export const INVALID_GTINS = {
  canTho: withWrongCheckDigit(gtin13(CAN_THO.buoi.prefix, 2)),
  caoBang: withWrongCheckDigit(gtin13(CAO_BANG.matOng.prefix, 3)),
};

/** The first serial commissioned by Năm Căn in delivery 0, commissioned again in Bạc Liêu. */
export const RECOMMISSIONED_SERIAL = 'TSD-000001';

export interface PlantedMess {
  /** Webhook retries with the same webhook-id: the hub answers 202 again and stores nothing. */
  retriedSameId: Array<{ sourceKey: string; webhookId: string }>;
  /** The same body again under a new webhook-id: every record of it is a duplicate. */
  resentNewId: Array<{ sourceKey: string; webhookId: string; originalWebhookId: string; nfd: boolean }>;
  /** Changed master data: a new version of the record. */
  updates: Array<{ kind: 'product'; key: string; version: number }>;
  /** Records quarantined with GTIN_FORMAT (a product, and in CSV also its lot row). */
  invalidGtins: Array<{ sourceKey: string; gtin: string; kinds: string[] }>;
  /** Organisations sent with a pre-2025 province code. */
  legacyProvinces: Array<{ key: string; provinceCode: string; legacyProvinceCode: string }>;
  /** Text sent in Unicode NFD that the hub must hold in NFC. */
  nfdText: Array<{ kind: 'organization'; key: string; name: string }>;
  /** A product key held by one company and claimed by another, in another province. */
  keyClaimed: Array<{ kind: 'product'; key: string; holderTaxCode: string; claimantTaxCode: string }>;
  /** A serialised item commissioned a second time at another place. */
  serialRecommissioned: Array<{ sgtin: string; firstReadPoint: string; secondReadPoint: string }>;
}

export function plantedMess(seed: number): PlantedMess {
  const id = (source: string, index: number): string => webhookId(seed, source, index);
  const xoai = CAN_THO.xoai.items[0].gtin;
  return {
    retriedSameId: [
      { sourceKey: 'can-tho-nong-san', webhookId: id('can-tho-nong-san', PLANTS.canTho.original) },
      { sourceKey: 'vinh-long-tra-vinh', webhookId: id('vinh-long-tra-vinh', PLANTS.vinhLong.original) },
    ],
    resentNewId: [
      {
        sourceKey: 'can-tho-nong-san',
        webhookId: id('can-tho-nong-san', PLANTS.canTho.retryNewId),
        originalWebhookId: id('can-tho-nong-san', PLANTS.canTho.original),
        nfd: false,
      },
      {
        sourceKey: 'ca-mau-tom',
        webhookId: id('ca-mau-tom', PLANTS.caMau.retryNewId),
        originalWebhookId: id('ca-mau-tom', PLANTS.caMau.original),
        nfd: false,
      },
      {
        sourceKey: 'cao-bang-csv',
        webhookId: id('cao-bang-csv', PLANTS.caoBang.nfdResend),
        originalWebhookId: id('cao-bang-csv', PLANTS.caoBang.original),
        nfd: true,
      },
    ],
    updates: [{ kind: 'product', key: `gtin:${gtin14(CAN_THO.gao.items[0].gtin)}`, version: 2 }],
    invalidGtins: [
      { sourceKey: 'can-tho-nong-san', gtin: INVALID_GTINS.canTho, kinds: ['product'] },
      { sourceKey: 'cao-bang-csv', gtin: INVALID_GTINS.caoBang, kinds: ['product', 'lot'] },
    ],
    legacyProvinces: [
      CAN_THO.gao,
      CAN_THO.xoai,
      VINH_LONG.dua,
      VINH_LONG.keo,
      TAY_NINH.mangCau,
      TAY_NINH.dieu,
    ].map((c) => ({
      key: `org:${c.taxCode}`,
      provinceCode: c.currentProvinceCode,
      legacyProvinceCode: c.provinceCode,
    })),
    nfdText: [{ kind: 'organization', key: `org:${VINH_LONG.dua.taxCode}`, name: VINH_LONG.dua.name }],
    keyClaimed: [
      {
        kind: 'product',
        key: `gtin:${gtin14(xoai)}`,
        holderTaxCode: CAN_THO.xoai.taxCode,
        claimantTaxCode: VINH_LONG.traiCay.taxCode,
      },
    ],
    serialRecommissioned: [
      {
        sgtin: digitalLink(CA_MAU.namCan.items[1].gtin, '21', RECOMMISSIONED_SERIAL),
        firstReadPoint: CA_MAU.namCan.sites[1].gln,
        secondReadPoint: CA_MAU.bacLieu.sites[1].gln,
      },
    ],
  };
}
