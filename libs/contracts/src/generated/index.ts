export * from './generated-files';
export * from './event-json-schemas';
