export * from './operation.types';
export * from './operation.repository';
