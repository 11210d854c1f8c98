import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ProtectedArffColumns, loadScorecard } from '@credit/scorecard';
import {
  ScorecardTrainingOptions,
  buildScorecard,
  readTrainingRows,
  referenceScores,
  stratifiedSplit,
} from '.';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const dataPath = path.join(repoRoot, 'data', 'credit-g', 'credit-g.train.arff');
const artifactPath = path.join(repoRoot, 'apps', 'scoring', 'src', 'model', 'scorecard-v1.json');
const text = readFileSync(dataPath, 'utf8');
const built = buildScorecard({ file: 'credit-g.train.arff', text });

describe('scorecard-v1 training on credit-g.train.arff', () => {
  it('rebuilt-artifact-equals-the-committed-one', () => {
    expect(built).toEqual(JSON.parse(readFileSync(artifactPath, 'utf8')));
  });

  it('same-data-twice-gives-identical-artifacts', () => {
    expect(JSON.stringify(buildScorecard({ file: 'credit-g.train.arff', text }))).toBe(
      JSON.stringify(built),
    );
  });

  it('built-artifact-passes-its-own-schema', () => {
    expect(loadScorecard(built)).toEqual(built);
  });

  it('protected-characteristics-are-never-model-inputs', () => {
    const fields = built.attributes.map((a) => a.field as string);
    expect(fields).not.toContain('personalStatus');
    expect(fields).not.toContain('foreignWorker');
    expect(fields).not.toContain('personal_status');
    expect(fields).not.toContain('foreign_worker');
    const protectedRows = built.attributeSelection.filter((s) =>
      ProtectedArffColumns.includes(s.column),
    );
    expect(protectedRows.map((s) => [s.column, s.selected])).toEqual([
      ['personal_status', false],
      ['foreign_worker', false],
    ]);
  });

  it('validation-auc-above-0.70', () => {
    expect(built.metrics.validation.auc).toBeGreaterThan(0.7);
    expect(built.metrics.validation.gini).toBeCloseTo(2 * built.metrics.validation.auc - 1, 5);
  });

  it('every-selected-attribute-carries-information-and-the-right-sign', () => {
    for (const attribute of built.attributes) {
      expect(attribute.iv).toBeGreaterThanOrEqual(ScorecardTrainingOptions.minInformationValue);
      expect(attribute.coefficient).toBeLessThan(0);
      // Negative coefficient on WoE = ln(good/bad): the bin with the higher WoE earns more points.
      const byWoe = [...attribute.bins].sort((a, b) => a.woe - b.woe);
      for (let i = 1; i < byWoe.length; i += 1) {
        expect(byWoe[i]?.points).toBeGreaterThanOrEqual(byWoe[i - 1]?.points ?? 0);
      }
    }
  });

  it('numeric-bins-have-monotonic-woe', () => {
    for (const attribute of built.attributes.filter((a) => a.type === 'numeric')) {
      const woe = attribute.bins.map((b) => b.woe);
      const steps = woe.slice(1).map((w, i) => Math.sign(w - (woe[i] ?? 0)));
      expect(new Set(steps).size).toBeLessThanOrEqual(1);
      expect(steps).not.toContain(0);
    }
  });

  it('split-is-80-20-and-stratified', () => {
    const rows = readTrainingRows(text);
    const { training, validation } = stratifiedSplit(
      rows,
      ScorecardTrainingOptions.validationEvery,
    );
    expect([training.length, validation.length]).toEqual([640, 160]);
    expect(validation.filter((r) => r.bad).length).toBe(48);
    expect(built.metrics.validation.rows).toBe(160);
  });

  it('cutoff-approves-about-70-percent-and-reports-group-differences', () => {
    const { fairness } = built;
    expect(Math.abs(fairness.approvalRate - 0.7)).toBeLessThan(0.02);
    for (const key of ['personal_status', 'foreign_worker'] as const) {
      const rates = Object.values(fairness.approvalRateByGroup[key]).map((g) => g.approvalRate);
      expect(fairness.maxDifference[key]).toBeCloseTo(Math.max(...rates) - Math.min(...rates), 6);
    }
  });
});

describe('referenceScores: the training sample binned for population stability', () => {
  it('cuts at the deciles and counts each bin, [edge, next edge)', () => {
    const scores = Array.from({ length: 20 }, (_, i) => 500 + i);
    expect(referenceScores(scores, 4)).toEqual({
      edges: [505, 510, 515],
      counts: [5, 5, 5, 5],
    });
  });

  it('keeps tied scores in one bin: a repeated cut point is dropped', () => {
    // Cuts at indexes 2 and 4 of six: 480 and 490.
    expect(referenceScores([480, 480, 480, 480, 490, 500], 3)).toEqual({
      edges: [480, 490],
      counts: [0, 4, 2],
    });
    // Cuts at 1, 2 and 3 of four: all 480, one edge.
    expect(referenceScores([480, 480, 480, 480], 4)).toEqual({ edges: [480], counts: [0, 4] });
  });

  it('records the training rows of scorecard-v1, one count per bin', () => {
    const { edges, counts } = built.referenceScores;
    expect(counts).toHaveLength(edges.length + 1);
    expect(counts.reduce((sum, c) => sum + c, 0)).toBe(built.training.trainingRows);
  });
});
