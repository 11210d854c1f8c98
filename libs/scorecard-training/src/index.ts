export {
  ScorecardTrainingOptions,
  type TrainingOptions,
  type TrainingSource,
  type TrainingRow,
  buildScorecard,
  readTrainingRows,
  referenceScores,
  stratifiedSplit,
  chooseCutoff,
  round6,
  roundPoints,
} from './build-scorecard';
export { binCategorical, binNumeric, quantileCuts, type WoeTable, type WoeBin } from './binning';
export { fitLogistic } from './logistic';
export { auc, ks, gini, type ScoredOutcome } from './metrics';
export { formatScorecardReport } from './report';
