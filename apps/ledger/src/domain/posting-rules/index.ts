export * from './posting-rule';
export * from './rules';
export * from './evaluate';
