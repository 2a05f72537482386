import { CA_MAU, type Company, RETAIL } from '../catalogue';
import { digitalLink, pglnUri, sglnUri, sscc, ssccUri } from '../gs1';
import { PLANTS, RECOMMISSIONED_SERIAL } from '../plan';
import { type Rng } from '../rng';
import {
  addDays,
  addMinutes,
  type Delivery,
  isoDate,
  rfc3339,
  simTime,
  type WebhookFeed,
  yymm,
} from './feed';

const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
  { tomcm: 'https://txng.camau.gov.vn/voc/' },
];

/**
 * Cà Mau's shrimp system (config/sources/ca-mau-tom.yaml): EPCIS 2.0 JSON-LD documents, one
 * supply chain per delivery from the pond to the supermarket shelf: harvest, processing,
 * serialised cartons, palletising, shipping, receiving, retail sale.
 */
export class CaMauFeed implements WebhookFeed {
  readonly sourceKey = 'ca-mau-tom';
  private readonly bodies: string[] = [];
  private readonly seq = new Map<string, number>();
  private ssccSeq = 0;

  constructor(private readonly rng: Rng) {}

  next(index: number): Delivery {
    const p = PLANTS.caMau;
    if (index === p.retryNewId) {
      return {
        index,
        contentType: 'application/ld+json',
        body: this.bodies[p.original],
        summary: `resend of #${p.original}`,
        resendOf: { index: p.original, sameId: false },
        plant: `the EPCIS document of #${p.original} again under a new webhook-id (every event a duplicate)`,
      };
    }
    const delivery =
      index === p.serialRecommissioned
        ? this.recommission(index)
        : this.chain(index, index === p.serialsFrom || index % 2 === 1 ? CA_MAU.namCan : CA_MAU.bacLieu);
    this.bodies[index] = delivery.body;
    return delivery;
  }

  private document(at: Date, events: unknown[]): string {
    return JSON.stringify(
      {
        '@context': CONTEXT,
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: rfc3339(addMinutes(at, 150)),
        epcisBody: { eventList: events },
      },
      null,
      2,
    );
  }

  private next_(key: string): number {
    const n = (this.seq.get(key) ?? 0) + 1;
    this.seq.set(key, n);
    return n;
  }

  private chain(index: number, c: Company): Delivery {
    const [raw, boxed] = c.items;
    const [pond, factory] = c.sites;
    const start = simTime(index, 41);
    const at = (minutes: number) => ({
      eventTime: rfc3339(addMinutes(start, minutes)),
      eventTimeZoneOffset: '+07:00',
    });
    const n = this.next_(c.taxCode);
    const rawLot = `${raw.lotPrefix}-${yymm(start)}-${String(n).padStart(3, '0')}`;
    const boxedLot = `${boxed.lotPrefix}-${yymm(start)}-${String(n).padStart(3, '0')}`;
    const kg = this.rng.int(400, 1800) + this.rng.int(0, 9) / 10;
    const serials = Array.from({ length: 4 }, () => {
      const s = this.next_(`serial:${c.taxCode}`);
      return `${boxed.lotPrefix}-${String(s).padStart(6, '0')}`;
    });
    const sgtins = serials.map((s) => digitalLink(boxed.gtin, '21', s));
    const pallet = ssccUri(sscc(c.prefix, ++this.ssccSeq));
    const id = () => `urn:uuid:${this.rng.uuid()}`;
    const events = [
      {
        type: 'ObjectEvent',
        eventID: id(),
        ...at(0),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        quantityList: [{ epcClass: digitalLink(raw.gtin, '10', rawLot), quantity: kg, uom: 'KGM' }],
        readPoint: { id: sglnUri(pond.gln) },
        bizLocation: { id: sglnUri(pond.gln) },
        ilmd: {
          'tomcm:aoNuoi': `Ao ${String(this.rng.int(1, 24)).padStart(2, '0')}`,
          'tomcm:maVungNuoi': `VN-${c.provinceCode}-${String(this.rng.int(1, 400)).padStart(4, '0')}`,
        },
      },
      {
        type: 'TransformationEvent',
        eventID: id(),
        ...at(30),
        bizStep: 'commissioning',
        disposition: 'active',
        inputQuantityList: [{ epcClass: digitalLink(raw.gtin, '10', rawLot), quantity: kg, uom: 'KGM' }],
        outputQuantityList: [
          { epcClass: digitalLink(boxed.gtin, '10', boxedLot), quantity: Math.round(kg * 0.78), uom: 'KGM' },
        ],
        readPoint: { id: sglnUri(factory.gln) },
        bizLocation: { id: sglnUri(factory.gln) },
        bizTransactionList: [{ type: 'prodorder', bizTransaction: `urn:camau:lsx:${isoDate(start)}-${n}` }],
        ilmd: { 'tomcm:hanSuDung': isoDate(addDays(start, boxed.shelfDays)) },
      },
      {
        type: 'ObjectEvent',
        eventID: id(),
        ...at(50),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        epcList: sgtins,
        readPoint: { id: sglnUri(factory.gln) },
        bizLocation: { id: sglnUri(factory.gln) },
        ilmd: { 'tomcm:soLo': boxedLot },
      },
      {
        type: 'AggregationEvent',
        eventID: id(),
        ...at(60),
        action: 'ADD',
        bizStep: 'packing',
        disposition: 'in_progress',
        parentID: pallet,
        childEPCs: sgtins,
        readPoint: { id: sglnUri(factory.gln) },
        bizLocation: { id: sglnUri(factory.gln) },
      },
      {
        type: 'ObjectEvent',
        eventID: id(),
        ...at(75),
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        epcList: [pallet],
        readPoint: { id: sglnUri(factory.gln) },
        sourceList: [{ type: 'owning_party', source: pglnUri(c.gln) }],
        destinationList: [{ type: 'owning_party', destination: pglnUri(RETAIL.gln) }],
      },
      {
        type: 'ObjectEvent',
        eventID: id(),
        ...at(110),
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'in_progress',
        epcList: [pallet],
        readPoint: { id: sglnUri(RETAIL.sites[0].gln) },
        bizLocation: { id: sglnUri(RETAIL.sites[0].gln) },
      },
      {
        type: 'ObjectEvent',
        eventID: id(),
        ...at(120),
        action: 'OBSERVE',
        bizStep: 'retail_selling',
        disposition: 'retail_sold',
        epcList: [sgtins[0]],
        readPoint: { id: sglnUri(RETAIL.sites[1].gln) },
        bizLocation: { id: sglnUri(RETAIL.sites[1].gln) },
      },
    ];
    return {
      index,
      contentType: 'application/ld+json',
      body: this.document(start, events),
      summary: `${c.name}: lot ${rawLot} → ${boxedLot}, ${serials.length} cartons, ${events.length} events`,
      ...(index === PLANTS.caMau.serialsFrom ? { milestone: 'serials-commissioned' } : {}),
    };
  }

  /** Bạc Liêu's label printer was loaded with a Năm Căn roll: a serial commissioned a second time. */
  private recommission(index: number): Delivery {
    const c = CA_MAU.bacLieu;
    const factory = c.sites[1];
    const sgtin = digitalLink(CA_MAU.namCan.items[1].gtin, '21', RECOMMISSIONED_SERIAL);
    const start = simTime(index, 41);
    const event = {
      type: 'ObjectEvent',
      eventID: `urn:uuid:${this.rng.uuid()}`,
      eventTime: rfc3339(addMinutes(start, 50)),
      eventTimeZoneOffset: '+07:00',
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      epcList: [sgtin],
      readPoint: { id: sglnUri(factory.gln) },
      bizLocation: { id: sglnUri(factory.gln) },
    };
    return {
      index,
      contentType: 'application/ld+json',
      body: this.document(start, [event]),
      summary: `${c.name}: 1 carton commissioned`,
      plant: `serial ${sgtin} commissioned again at ${factory.name} (SERIAL_RECOMMISSIONED conflict)`,
      after: { milestone: 'serials-commissioned', delayMs: 3000 },
    };
  }
}
