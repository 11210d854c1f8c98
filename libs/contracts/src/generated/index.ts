export * from './generated-files';
export * from './event-json-schemas';
export * from './topic-table';
