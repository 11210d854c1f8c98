import {
  type ScheduleMethod,
  defaultDayCount,
  isDayCountConvention,
  isIsoDate,
  isLendingMathError,
  scheduleForTerms,
  scheduleToJSON,
} from '@credit/lending-math';
import { Money, isMoneyError } from '@credit/money';
import type { CliContext } from '../context';
import { parseFlags } from '../flags';

const Methods: readonly ScheduleMethod[] = [
  'equal-installment',
  'equal-principal',
  'flat-fee',
  'daily-interest',
];
const Usage = `usage: schedule --principal N --periods N --method ${Methods.join('|')}
                [--annual-rate R] [--fee-rate R] [--fee-payer buyer|merchant] [--daily-rate R]
                [--start-date YYYY-MM-DD] [--day-count ACT/365|ACT/360|30/360] [--currency CNY] [--json]
                (day count default: 30/360 for equal-installment and equal-principal, else ACT/365)
`;
const RatePattern = /^(0|[1-9]\d{0,2})(\.\d{1,10})?$/;

const ScheduleFlags = {
  principal: 'string',
  periods: 'string',
  method: 'string',
  'annual-rate': 'string',
  'fee-rate': 'string',
  'fee-payer': 'string',
  'daily-rate': 'string',
  'start-date': 'string',
  'day-count': 'string',
  currency: 'string',
  json: 'boolean',
} as const;

/**
 * `npm run cli -- schedule …`: the schedule of a loan as JSON (only the JSON on stdout with
 * --json) — installments with decimal strings, totals and the APR (effective annual rate, fees
 * included).
 */
export function schedule(context: CliContext, args: string[]): Promise<number> {
  return Promise.resolve(scheduleNow(context, args));
}

function scheduleNow(context: CliContext, args: string[]): number {
  const flags = parseFlags(args, ScheduleFlags, Usage);
  const problems: string[] = [];
  const method = flags.method as ScheduleMethod | undefined;
  if (!method || !Methods.includes(method))
    problems.push(`--method must be one of ${Methods.join(', ')}`);
  const periodsText = flags.periods ?? '';
  if (!/^\d{1,3}$/.test(periodsText) || Number(periodsText) < 1 || Number(periodsText) > 360) {
    problems.push('--periods must be a whole number from 1 to 360');
  }
  for (const rate of ['annual-rate', 'fee-rate', 'daily-rate'] as const) {
    const value = flags[rate];
    if (value !== undefined && !RatePattern.test(value))
      problems.push(`--${rate} must be a decimal rate such as 0.049`);
  }
  const startDate = flags['start-date'] ?? new Date().toISOString().slice(0, 10);
  if (!isIsoDate(startDate)) problems.push('--start-date must be a date such as 2026-01-31');
  const feePayer = flags['fee-payer'] ?? null;
  if (feePayer !== null && feePayer !== 'buyer' && feePayer !== 'merchant')
    problems.push('--fee-payer must be buyer or merchant');
  const dayCount = flags['day-count'] ?? (method ? defaultDayCount(method) : 'ACT/365');
  if (!isDayCountConvention(dayCount))
    problems.push('--day-count must be ACT/365, ACT/360 or 30/360');
  let principal: Money | undefined;
  try {
    principal = Money.of(flags.principal ?? '', flags.currency ?? 'CNY');
    if (!principal.isPositive()) problems.push('--principal must be greater than zero');
  } catch (error) {
    if (!isMoneyError(error)) throw error;
    problems.push(`--principal: ${error.message}`);
  }
  if (problems.length > 0 || !principal || !method || !isDayCountConvention(dayCount)) {
    process.stderr.write(`${problems.join('\n')}\n${Usage}`);
    return 2;
  }
  try {
    const result = scheduleForTerms(
      {
        method,
        periods: Number(periodsText),
        annualRate: flags['annual-rate'] ?? null,
        dailyRate: flags['daily-rate'] ?? null,
        feeRate: flags['fee-rate'] ?? null,
        feePayer: feePayer as 'buyer' | 'merchant' | null,
        dayCount,
        startDate,
      },
      principal,
    );
    const json = scheduleToJSON(result);
    const output = {
      installments: json.installments,
      totals: json.totals,
      apr: json.apr,
    };
    if (flags.json) {
      context.out(JSON.stringify(output));
      return 0;
    }
    context.out(
      'period  due date     principal      interest     fee          total        balance',
    );
    for (const i of output.installments) {
      context.out(
        `${String(i.period).padStart(6)}  ${i.dueDate}  ${i.principal.padStart(12)} ${i.interest.padStart(12)} ${i.fee.padStart(12)} ${i.total.padStart(12)} ${i.balance.padStart(12)}`,
      );
    }
    context.out(
      `totals: principal ${output.totals.principal}, interest ${output.totals.interest}, fee ${output.totals.fee}, total ${output.totals.total}`,
    );
    context.out(`APR (effective, fees included): ${output.apr}`);
    return 0;
  } catch (error) {
    if (isLendingMathError(error) || isMoneyError(error)) {
      process.stderr.write(`${error.message}\n${Usage}`);
      return 2;
    }
    throw error;
  }
}
