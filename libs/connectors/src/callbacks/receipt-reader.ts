import { ReceiptsRead } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { type ReceiptReader } from './callback-store.port';

/** The receipts API's own read model (GET /v1/admin/receipts/{id}), so a callback carries the same object. */
export function receiptReaderFor(dataSource: DataSource): ReceiptReader {
  const read = new ReceiptsRead(dataSource);
  return { receipt: (receiptId) => read.get(receiptId) };
}
