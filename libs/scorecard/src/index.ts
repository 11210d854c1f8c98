export * from './arff';
export * from './applicant';
export * from './scorecard';
