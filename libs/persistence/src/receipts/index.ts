export * from './receipt.types';
export * from './receipt.repository';
