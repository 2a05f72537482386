export * from './source.repository';
export * from './source-admin.repository';
