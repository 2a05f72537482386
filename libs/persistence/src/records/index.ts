export * from './record-view';
export * from './records-read';
