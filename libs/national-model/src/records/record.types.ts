/** The five kinds of national-model record (national-model.md). */
export type RecordKind = 'organization' | 'location' | 'product' | 'lot' | 'event';

export const RECORD_KINDS: readonly RecordKind[] = ['organization', 'location', 'product', 'lot', 'event'];

export interface Quantity {
  value: number;
  uom: string;
}

export interface OrganizationRecord {
  taxCode: string;
  name: string;
  provinceCode: string;
  legacyProvinceCode?: string;
  gln?: string;
  gs1CompanyPrefixes?: string[];
  communeCode?: string;
  address?: string;
  phone?: string;
  email?: string;
  website?: string;
}

export const LOCATION_TYPES = [
  'farm',
  'growing-area',
  'aquaculture-area',
  'factory',
  'warehouse',
  'retail',
  'port',
  'other',
] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

export interface LocationRecord {
  gln: string;
  name: string;
  type: LocationType;
  provinceCode: string;
  legacyProvinceCode?: string;
  /** AI 254 GLN extension component. */
  extension?: string;
  ownerTaxCode?: string;
  communeCode?: string;
  address?: string;
  geo?: { lat: number; lon: number };
  growingAreaCode?: string;
}

export interface ProductRecord {
  /** Stored as GTIN-14. */
  gtin: string;
  name: string;
  ownerTaxCode: string;
  netContent: Quantity;
  brand?: string;
  category?: string;
  description?: string;
  imageUrls?: string[];
  /** e.g. VietGAP, OCOP: the standards applied (tiêu chuẩn áp dụng). */
  standards?: string[];
  /** Name of the producing facility (cơ sở sản xuất), when it is not the owner's own name. */
  producerName?: string;
  /** Address of the producing facility. */
  producerAddress?: string;
  /** Shelf life where the product has one (hạn sử dụng), e.g. "12 tháng". */
  shelfLife?: string;
}

export interface LotRecord {
  gtin: string;
  lot: string;
  productionDate?: string;
  expiryDate?: string;
  bestBeforeDate?: string;
  quantity?: Quantity;
  originGln?: string;
  producerTaxCode?: string;
  /** Serial numbers where items are serialised (số sê-ri), besides the lot. */
  serials?: string[];
}

export type EpcisEventType =
  'ObjectEvent' | 'AggregationEvent' | 'TransformationEvent' | 'TransactionEvent' | 'AssociationEvent';
export type EpcisAction = 'ADD' | 'OBSERVE' | 'DELETE';

export interface EpcisQuantityElement {
  epcClass: string;
  quantity?: number;
  uom?: string;
}

export interface EpcisTypedId {
  type?: string;
  [field: string]: unknown;
}

/**
 * An EPCIS 2.0 JSON-LD event as the GS1 standard writes it. Only the common fields are typed;
 * extensions (namespaced keys) pass through.
 */
export interface EpcisEvent {
  type: EpcisEventType;
  eventTime: string;
  eventTimeZoneOffset: string;
  eventID?: string;
  recordTime?: string;
  action?: EpcisAction;
  epcList?: string[];
  parentID?: string;
  childEPCs?: string[];
  inputEPCList?: string[];
  outputEPCList?: string[];
  quantityList?: EpcisQuantityElement[];
  childQuantityList?: EpcisQuantityElement[];
  inputQuantityList?: EpcisQuantityElement[];
  outputQuantityList?: EpcisQuantityElement[];
  transformationID?: string;
  bizStep?: string;
  disposition?: string;
  readPoint?: { id: string; [field: string]: unknown };
  bizLocation?: { id: string; [field: string]: unknown };
  bizTransactionList?: Array<{ type?: string; bizTransaction: string }>;
  sourceList?: Array<{ type: string; source: string }>;
  destinationList?: Array<{ type: string; destination: string }>;
  sensorElementList?: unknown[];
  persistentDisposition?: { set?: string[]; unset?: string[] };
  ilmd?: Record<string, unknown>;
  errorDeclaration?: Record<string, unknown>;
  certificationInfo?: string | string[];
  [field: string]: unknown;
}

export interface RecordByKind {
  organization: OrganizationRecord;
  location: LocationRecord;
  product: ProductRecord;
  lot: LotRecord;
  event: EpcisEvent;
}

/** What a source mapping returns; every array is optional. */
export interface Envelope {
  organizations?: OrganizationRecord[];
  locations?: LocationRecord[];
  products?: ProductRecord[];
  lots?: LotRecord[];
  events?: EpcisEvent[];
}

export const ENVELOPE_FIELDS: ReadonlyArray<[keyof Envelope, RecordKind]> = [
  ['organizations', 'organization'],
  ['locations', 'location'],
  ['products', 'product'],
  ['lots', 'lot'],
  ['events', 'event'],
];
