export * from './envelope';
export * from './money-schema';
export * from './credit-profile';
export * from './topics';
export * from './catalog';
export * from './services';
export * from './events';
export * from './generated';
