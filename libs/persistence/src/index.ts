export * from './entities';
export * from './data-source-options';
export * from './migrate';
export * from './persistence.module';
export { MIGRATIONS } from './migrations';
