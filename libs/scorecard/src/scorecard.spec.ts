import { readFileSync } from 'node:fs';
import path from 'node:path';
import { strongProfile } from '@credit/testing/fixtures';
import { type Applicant, categoryFromStatlogCode } from './applicant';
import {
  ReasonCodeText,
  type Scorecard,
  ScorecardError,
  loadScorecard,
  matchBin,
  pdFromScore,
  scoreApplicant,
} from './scorecard';

const artifactPath = path.join(
  __dirname,
  '..',
  '..',
  '..',
  'apps',
  'scoring',
  'src',
  'model',
  'scorecard-v1.json',
);
const artifactJson: unknown = JSON.parse(readFileSync(artifactPath, 'utf8'));
const card = loadScorecard(artifactJson);

/** A strong applicant: every attribute the model uses sits in (or near) its best bin. */
const strongApplicant: Applicant = {
  ...strongProfile,
  durationMonths: 6,
  creditAmount: '1500',
  age: 45,
};

function clone(): Scorecard {
  return JSON.parse(JSON.stringify(artifactJson)) as Scorecard;
}

describe('scorecard-v1 scoring', () => {
  it('strong-applicant-scores-high-with-no-reason-codes', () => {
    const result = scoreApplicant(card, strongApplicant);
    expect(result.reasons).toEqual([]);
    expect(result.score).toBe(result.pointsByAttribute.reduce((s, p) => s + p.maxPoints, 0));
    expect(result.score).toBeGreaterThan(card.fairness.cutoffScore);
  });

  it('overdrawn-checking-and-delayed-history-lead-the-reasons', () => {
    const result = scoreApplicant(card, {
      ...strongApplicant,
      checkingStatus: '<0',
      creditHistory: categoryFromStatlogCode('creditHistory', 'A33') as Applicant['creditHistory'],
    });
    expect(result.reasons.slice(0, 2)).toEqual(['CHECKING_STATUS', 'CREDIT_HISTORY']);
  });

  it('typical-risky-applicant-has-checking-and-history-among-top-four-reasons', () => {
    const result = scoreApplicant(card, {
      ...strongApplicant,
      checkingStatus: '<0',
      creditHistory: 'delayed previously',
      durationMonths: 24,
      purpose: 'radio/tv',
      creditAmount: '4000',
      savingsStatus: '500<=X<1000',
      age: 30,
    });
    expect(result.reasons).toHaveLength(4);
    expect(result.reasons).toContain('CHECKING_STATUS');
    expect(result.reasons).toContain('CREDIT_HISTORY');
    expect(result.reasons[0]).toBe('CHECKING_STATUS');
  });

  it('reason-codes-rank-by-points-lost-against-the-best-bin', () => {
    const result = scoreApplicant(card, {
      ...strongApplicant,
      checkingStatus: '0<=X<200',
      age: 21,
    });
    const lost = Object.fromEntries(
      result.pointsByAttribute.map((p) => [p.field, p.maxPoints - p.points]),
    );
    const expected = ['checkingStatus', 'age']
      .sort((a, b) => (lost[b] ?? 0) - (lost[a] ?? 0))
      .map((f) => (f === 'age' ? 'AGE' : 'CHECKING_STATUS'));
    expect(result.reasons).toEqual(expected);
    for (const code of result.reasons) expect(ReasonCodeText[code]).toEqual(expect.any(String));
  });

  it('higher-score-means-lower-pd-with-four-decimals', () => {
    const weak = scoreApplicant(card, {
      ...strongApplicant,
      checkingStatus: '<0',
      durationMonths: 48,
      savingsStatus: '<100',
      age: 20,
    });
    const strong = scoreApplicant(card, strongApplicant);
    expect(weak.pd).toMatch(/^0\.\d{4}$/);
    expect(strong.pd).toMatch(/^0\.\d{4}$/);
    expect(weak.score).toBeLessThan(strong.score);
    expect(weak.pd > strong.pd).toBe(true);
  });

  it('base-score-maps-to-base-odds', () => {
    // 600 points = 50:1 good:bad → pd 1/51 = 0.0196; 20 points fewer doubles the odds of bad.
    expect(pdFromScore(card.scaling, 600)).toBe('0.0196');
    expect(pdFromScore(card.scaling, 580)).toBe('0.0385');
    expect(pdFromScore(card.scaling, 1200)).toBe('0.0000');
    expect(pdFromScore(card.scaling, 0)).toBe('1.0000');
  });

  it('credit-amount-bins-are-half-open-on-the-decimal-string', () => {
    const amount = card.attributes.find((a) => a.field === 'creditAmount');
    if (!amount) return; // attribute not selected by this model version
    const second = amount.bins[1];
    if (!second || !('min' in second.match) || second.match.min === null) {
      throw new Error('creditAmount has one bin');
    }
    const lower = String(second.match.min);
    expect(matchBin(amount, lower).label).toBe(second.label);
    expect(matchBin(amount, `${Number(lower) - 1}.99`).label).toBe(amount.bins[0]?.label);
  });

  it('a category the card does not know is an error, not zero points', () => {
    expect(() =>
      scoreApplicant(card, { ...strongApplicant, checkingStatus: 'gold' as 'no checking' }),
    ).toThrow(ScorecardError);
  });
});

describe('loadScorecard', () => {
  it('accepts the committed artifact', () => {
    expect(card.modelVersion).toBe('scorecard-v1');
  });

  it('protected-characteristic-as-an-attribute-is-rejected', () => {
    const tampered = clone();
    const first = tampered.attributes[0];
    if (!first) throw new Error('no attributes');
    tampered.attributes.push({ ...first, field: 'personalStatus' as 'checkingStatus' });
    expect(() => loadScorecard(tampered)).toThrow('not a model-eligible applicant field');
  });

  it('a numeric attribute with a gap between bins is rejected', () => {
    const tampered = clone();
    const numeric = tampered.attributes.find((a) => a.type === 'numeric');
    const bin = numeric?.bins[1];
    if (!bin || !('min' in bin.match) || bin.match.min === null) throw new Error('no numeric bin');
    bin.match.min += 1;
    expect(() => loadScorecard(tampered)).toThrow('does not start where the previous one ends');
  });

  it('a categorical attribute missing a category is rejected', () => {
    const tampered = clone();
    const checking = tampered.attributes.find((a) => a.field === 'checkingStatus');
    checking?.bins.pop();
    expect(() => loadScorecard(tampered)).toThrow('checkingStatus: no bin for');
  });

  it('an unknown key is rejected', () => {
    expect(() => loadScorecard({ ...clone(), extra: true })).toThrow(ScorecardError);
  });
});
