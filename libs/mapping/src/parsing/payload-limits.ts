/**
 * How large a parsed body may be in shape, beyond its size in bytes (the source's `maxBodyBytes`).
 * Each limit keeps a hostile body from costing more than a small multiple of its own size in memory
 * or stack, and sits far above what a provincial system sends: a real JSON or XML payload nests
 * about ten levels, a real CSV export has tens of columns.
 */
export const PAYLOAD_LIMITS = {
  /** Nesting of JSON arrays and objects, and of XML elements (EPCIS formats included). */
  maxDepth: 64,
  /** Columns of a CSV header. */
  csvColumns: 1_000,
  /** Data rows of a CSV body. */
  csvRows: 200_000,
  /** Cells written in a CSV body's data rows (cells a short row leaves out are not counted, nor stored). */
  csvCells: 2_000_000,
  /** Characters of one CSV cell. */
  csvCellChars: 1_048_576,
} as const;

export type PayloadLimitName = keyof typeof PAYLOAD_LIMITS;
