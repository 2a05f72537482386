export * from './receipt.types';
export * from './receipt.repository';
export * from './receipts-read';
