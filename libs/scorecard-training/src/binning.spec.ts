import { binCategorical, binNumeric, quantileCuts } from './binning';
import { auc, ks } from './metrics';
import { fitLogistic, sigmoid } from './logistic';

const options = { minBinShare: 0.05, initialNumericBins: 10, laplaceSmoothing: 0.5 };

function observations<V>(value: V, goods: number, bads: number) {
  return [
    ...Array.from({ length: goods }, () => ({ value, bad: false })),
    ...Array.from({ length: bads }, () => ({ value, bad: true })),
  ];
}

describe('coarse classing', () => {
  it('category-with-no-bads-gets-a-finite-woe-by-laplace-smoothing', () => {
    const table = binCategorical(
      'x',
      ['a', 'b'],
      [...observations('a', 50, 0), ...observations('b', 50, 50)],
      options,
    );
    const woe = table.bins.map((b) => b.woe);
    expect(woe.every(Number.isFinite)).toBe(true);
    // (50.5/101) / (0.5/51) for a
    expect(woe[0]).toBeCloseTo(Math.log(50.5 / 101 / (0.5 / 51)), 10);
    expect(table.iv).toBeGreaterThan(0.5);
  });

  it('rare-and-unseen-categories-are-pooled-into-other', () => {
    const table = binCategorical(
      'purpose',
      ['car', 'tv', 'repairs', 'vacation', 'retraining'],
      [
        ...observations('car', 40, 10),
        ...observations('tv', 35, 5),
        // 100 rows: 5% is 5, so 4 rows are rare; the pool (8 rows) is large enough to stay
        ...observations('repairs', 2, 2),
        ...observations('retraining', 2, 2),
      ],
      options,
    );
    expect(table.bins.map((b) => ('categories' in b.match ? b.match.categories : []))).toEqual([
      ['car'],
      ['tv'],
      ['repairs', 'vacation', 'retraining'],
    ]);
  });

  it('a-pool-still-too-small-joins-the-bin-with-the-closest-bad-rate', () => {
    const table = binCategorical(
      'x',
      ['low', 'high', 'rare'],
      [
        ...observations('low', 90, 10),
        ...observations('high', 50, 50),
        ...observations('rare', 1, 1),
      ],
      options,
    );
    expect(table.bins.map((b) => ('categories' in b.match ? b.match.categories : []))).toEqual([
      ['low'],
      ['high', 'rare'],
    ]);
  });

  it('numeric-bins-merge-until-woe-is-monotonic-and-cover-the-whole-line', () => {
    // risk falls with the value except a noisy bump in the middle
    const data = Array.from({ length: 400 }, (_, i) => ({
      value: i,
      bad: i % (i < 200 ? 2 : 5) === 0 || (i >= 180 && i < 220 && i % 3 === 0),
    }));
    const table = binNumeric('v', data, options);
    const woe = table.bins.map((b) => b.woe);
    for (let i = 1; i < woe.length; i += 1) expect(woe[i]).toBeGreaterThan(woe[i - 1] ?? 0);
    const first = table.bins[0]?.match;
    const last = table.bins[table.bins.length - 1]?.match;
    expect(first && 'min' in first ? first.min : 'x').toBeNull();
    expect(last && 'max' in last ? last.max : 'x').toBeNull();
    expect(table.bins.reduce((s, b) => s + b.good + b.bad, 0)).toBe(400);
  });

  it('quantile-cuts-are-observed-values-without-duplicates', () => {
    expect(quantileCuts([1, 1, 1, 1, 2, 2, 3, 4, 5, 6], 5)).toEqual([2, 3, 5]);
  });
});

describe('metrics and regression', () => {
  it('perfect-separation-has-auc-1-and-ks-1', () => {
    const outcomes = [
      { score: 1, bad: true },
      { score: 2, bad: true },
      { score: 3, bad: false },
      { score: 4, bad: false },
    ];
    expect(auc(outcomes)).toBe(1);
    expect(ks(outcomes)).toBe(1);
  });

  it('ties-count-one-half', () => {
    expect(
      auc([
        { score: 1, bad: true },
        { score: 1, bad: false },
      ]),
    ).toBe(0.5);
  });

  it('logistic-regression-recovers-the-log-odds-of-grouped-data', () => {
    // x = 0: 1 bad in 4 → logit −ln 3; x = 1: 3 bads in 4 → logit +ln 3
    const x = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [1, 0, 0, 0, 1, 1, 1, 0];
    const fit = fitLogistic(x, y, { l2Penalty: 0, maxIterations: 50, tolerance: 1e-12 });
    expect(fit.intercept).toBeCloseTo(-Math.log(3), 8);
    expect(fit.intercept + (fit.coefficients[0] ?? 0)).toBeCloseTo(Math.log(3), 8);
    expect(sigmoid(fit.intercept)).toBeCloseTo(0.25, 8);
  });
});
