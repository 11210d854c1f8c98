import { type Scorecard } from '@credit/scorecard';

function percent(rate: number): string {
  return `${String(Math.round(rate * 1000) / 10)}%`;
}

function groupLines(
  groups: Record<string, { count: number; approved: number; approvalRate: number }>,
) {
  return Object.entries(groups).map(
    ([group, g]) =>
      `    ${group.padEnd(22)} ${percent(g.approvalRate).padStart(6)}  (${g.approved}/${g.count})`,
  );
}

/** The human summary `npm run train:scorecard` prints. */
export function formatScorecardReport(card: Scorecard): string {
  const { validation, training } = card.metrics;
  const lines = [
    `${card.modelVersion}: ${card.trainedOn.rows} rows of ${card.trainedOn.file} (sha256 ${card.trainedOn.sha256.slice(0, 12)}…), ${card.training.trainingRows} training / ${card.training.validationRows} validation`,
    '',
    `validation  AUC ${validation.auc}  KS ${validation.ks}  Gini ${validation.gini}`,
    `training    AUC ${training.auc}  KS ${training.ks}  Gini ${training.gini}`,
    '',
    `scaling: ${card.scaling.baseScore} points at ${card.scaling.baseOdds}:1, PDO ${card.scaling.pdo} (factor ${card.scaling.factor}, offset ${card.scaling.offset}, intercept ${card.intercept})`,
    '',
    'attributes (IV, coefficient, points by bin):',
    ...card.attributes.map(
      (a) =>
        `  ${a.field.padEnd(20)} IV ${String(a.iv).padEnd(9)} β ${String(a.coefficient).padEnd(10)} ${a.bins.map((b) => `[${b.label}] ${b.points}`).join(', ')}`,
    ),
    '',
    'not used:',
    ...card.attributeSelection
      .filter((s) => !s.selected)
      .map((s) => `  ${s.column.padEnd(22)} ${s.iv === null ? '' : `IV ${s.iv}: `}${s.reason}`),
    '',
    `fairness (${card.fairness.population}): approve score >= ${card.fairness.cutoffScore} → ${percent(card.fairness.approvalRate)} approved, bad rate among approved ${percent(card.fairness.badRateAmongApproved)}`,
    `  personal_status: max approval-rate difference ${percent(card.fairness.maxDifference.personal_status)}`,
    ...groupLines(card.fairness.approvalRateByGroup.personal_status),
    `  foreign_worker: max approval-rate difference ${percent(card.fairness.maxDifference.foreign_worker)}`,
    ...groupLines(card.fairness.approvalRateByGroup.foreign_worker),
  ];
  return `${lines.join('\n')}\n`;
}
