export * from './retrying-transaction';
export * from './lock-order';
