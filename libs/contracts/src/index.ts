export * from './envelope';
export * from './money-schema';
export * from './topics';
export * from './catalog';
export * from './services';
export * from './events';
