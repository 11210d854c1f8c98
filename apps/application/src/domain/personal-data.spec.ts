import {
  consentPurposesProblem,
  declinedRetentionCutoff,
  personalDataState,
} from './personal-data';

describe('personal-data rules', () => {
  it('requires credit-assessment among the consented purposes, each once', () => {
    expect(consentPurposesProblem(['credit-assessment'])).toBeUndefined();
    expect(consentPurposesProblem(['credit-assessment', 'marketing'])).toBeUndefined();
    expect(consentPurposesProblem(['marketing'])).toMatch(/credit-assessment/);
    expect(consentPurposesProblem(['credit-assessment', 'credit-assessment'])).toMatch(/repeat/);
  });

  it('puts the retention cutoff whole days before now', () => {
    const now = new Date('2026-12-03T10:00:00.000Z');
    expect(declinedRetentionCutoff(now, 30).toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(declinedRetentionCutoff(now, 0).toISOString()).toBe(now.toISOString());
    expect(() => declinedRetentionCutoff(now, -1)).toThrow(RangeError);
    expect(() => declinedRetentionCutoff(now, 1.5)).toThrow(RangeError);
  });

  it('reads an erased application as erased even when its ciphertext came back', () => {
    const erasure = { erasedAt: '2026-12-03T10:00:00.000Z', reason: 'retention' as const };
    expect(personalDataState(erasure, undefined)).toEqual({ status: 'erased', ...erasure });
    expect(personalDataState(erasure, 'PII.NO_DATA_KEY')).toEqual({ status: 'erased', ...erasure });
    expect(personalDataState(undefined, 'PII.NO_DATA_KEY: gone')).toEqual({
      status: 'unreadable',
      problem: 'PII.NO_DATA_KEY: gone',
    });
    expect(personalDataState(undefined, undefined)).toEqual({ status: 'available' });
  });
});
