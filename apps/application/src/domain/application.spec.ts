import { ApplicationError, ageOn, decisionOutcome, isCalendarDate } from './application';

describe('age from date of birth', () => {
  it('counts whole years, the birthday itself included', () => {
    expect(ageOn('1990-05-17', '2026-05-16')).toBe(35);
    expect(ageOn('1990-05-17', '2026-05-17')).toBe(36);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });

  it('knows calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('1990-5-17')).toBe(false);
  });
});

describe('decision outcome', () => {
  it('applies a first decision, and a final decision after a referral', () => {
    expect(decisionOutcome('a', 'submitted', 'approved')).toBe('apply');
    expect(decisionOutcome('a', 'submitted', 'referred')).toBe('apply');
    expect(decisionOutcome('a', 'referred', 'declined')).toBe('apply');
  });

  it('treats the same decision again as applied, and refuses to overturn a final one', () => {
    expect(decisionOutcome('a', 'approved', 'approved')).toBe('already-applied');
    expect(decisionOutcome('a', 'referred', 'referred')).toBe('already-applied');
    let error: unknown;
    try {
      decisionOutcome('a', 'approved', 'declined');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApplicationError);
    expect(error).toMatchObject({ code: 'APPLICATION.DECISION_CONFLICT', retriable: false });
  });
});
