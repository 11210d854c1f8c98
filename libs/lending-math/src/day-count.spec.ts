import { Money } from '@credit/money';
import {
  accrueInterest,
  addDays,
  addMonths,
  dayCount,
  dayCountFactor,
  daysBetween,
  isIsoDate,
  yearFraction,
} from './index';

describe('date helpers (UTC, ISO strings)', () => {
  it('adds months with end-of-month clamping', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addMonths('2025-11-15', 3)).toBe('2026-02-15');
    expect(addMonths('2025-01-15', -13)).toBe('2023-12-15');
  });

  it('counts days across month, leap-day and year boundaries', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1);
    expect(daysBetween('2024-12-31', '2025-01-01')).toBe(1);
    expect(daysBetween('2025-03-11', '2025-03-01')).toBe(-10);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-1-01')).toBe(false);
    expect(isIsoDate('2025-01-01T00:00:00Z')).toBe(false);
    expect(() => daysBetween('2025-13-01', '2025-01-01')).toThrow('LENDING.INVALID_DATE');
  });
});

describe('day-count conventions', () => {
  it('ACT/365 and ACT/360 use actual days (a leap year is 366 days)', () => {
    expect(yearFraction('2024-01-01', '2025-01-01', 'ACT/365').toString()).toBe(
      '1.002739726027397260273972602739726',
    );
    const f = dayCountFactor('2024-01-01', '2025-01-01', 'ACT/365');
    expect([f.days, f.numerator.toString(), f.denominator.toString()]).toEqual([366, '366', '365']);
    expect(yearFraction('2024-01-01', '2024-07-01', 'ACT/360').toString()).toBe(
      '0.5055555555555555555555555555555556',
    );
  });

  it('30/360 bond basis counts 30-day months', () => {
    expect(yearFraction('2024-01-01', '2025-01-01', '30/360').toString()).toBe('1');
    expect(dayCount('2025-01-31', '2025-02-28', '30/360')).toBe(28);
    expect(dayCount('2025-01-30', '2025-03-31', '30/360')).toBe(60);
    expect(dayCount('2025-01-15', '2025-03-31', '30/360')).toBe(76);
  });

  it('accrues 49.32 on 3,333.33 at 18% for 30 days ACT/365 (one rounding)', () => {
    const cny = Money.of('3333.33', 'CNY');
    expect(accrueInterest(cny, '0.18', '2025-01-01', '2025-01-31', 'ACT/365').toString()).toBe(
      '49.32',
    );
    expect(accrueInterest(cny, '0.18', '2025-01-01', '2025-01-31', 'ACT/360').toString()).toBe(
      '50.00',
    );
  });

  it('rejects unknown conventions', () => {
    expect(() => dayCount('2025-01-01', '2025-02-01', 'ACT/ACT' as never)).toThrow(
      'LENDING.INVALID_ARGUMENT',
    );
  });
});
