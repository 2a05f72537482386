export type FindingCode =
  | 'GTIN_FORMAT'
  | 'GLN_FORMAT'
  | 'SSCC_FORMAT'
  | 'GTIN_RESTRICTED'
  | 'GTIN_NOT_TRADE_ITEM'
  | 'LOT_FORMAT'
  | 'SERIAL_FORMAT'
  | 'TAX_CODE_FORMAT'
  | 'TAX_CODE_CHECK_DIGIT'
  | 'PROVINCE_UNKNOWN'
  | 'DATE_ORDER'
  | 'EVENT_TIME_FUTURE'
  | 'EVENT_SHAPE'
  | 'UOM_UNKNOWN'
  | 'QUANTITY_RANGE'
  | 'NUMBER_AMBIGUOUS'
  | 'REQUIRED_FIELD'
  | 'PORTAL_MINIMUM'
  | 'CIRCULAR_MINIMUM';

/**
 * One remark on a record. `path` is a JSON Pointer into the record. Without `severity` it is a
 * reason the record cannot go to the portal as it is (it is quarantined); a `warning` is shown
 * with the record but does not hold it back.
 */
export interface Finding {
  code: FindingCode;
  message: string;
  path: string;
  severity?: 'warning';
}

/** True for a finding that keeps its record from the portal (every finding but a warning). */
export function isBlockingFinding(finding: { severity?: string }): boolean {
  return finding.severity !== 'warning';
}

export interface ValidationPolicy {
  /** The source's policy asks for at least one product image URL before publishing. */
  requireProductImage?: boolean;
  /**
   * Net content is required to publish a product (default true, as the contract says). A source
   * whose products are sold loose or by count may turn it off; its absence is then a
   * CIRCULAR_MINIMUM warning like the circular's other fields.
   */
  requireNetContent?: boolean;
}

export interface ValidationOptions {
  /** The hub's clock; events more than 5 minutes after it are EVENT_TIME_FUTURE. */
  now?: Date;
  policy?: ValidationPolicy;
}

/** Renders a value for a message: strings quoted, objects as JSON, cut to a readable length. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
