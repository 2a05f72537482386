export * from './entities';
export * from './data-source-options';
export * from './migrate';
export * from './persistence.module';
export * from './audit/audit.service';
export * from './tokens/api-tokens.service';
export { MIGRATIONS } from './migrations';
export * from './transaction';
export * from './sync';
