import { type Decimal, Money, MoneyDecimal, RoundingMode } from '@credit/money';

/** What a rule watches for in a customer's line and loans. */
export type WarningCondition =
  /** Any loan of the customer at least this many days past due. */
  | { readonly kind: 'days-past-due-at-least'; readonly days: number }
  /** A loan's first installment is past due (not paid by its due date). */
  | { readonly kind: 'first-payment-missed' }
  /** Utilization rose by at least `riseAtLeast` (a share) with at least `drawsAtLeast` draws in `windowDays`. */
  | {
      readonly kind: 'utilization-surge';
      readonly riseAtLeast: string;
      readonly drawsAtLeast: number;
      readonly windowDays: number;
    };

/** What a rule does to the line: each is an event scoring honours on the next draw. */
export type WarningAction =
  | { readonly kind: 'freeze' }
  | { readonly kind: 'watch' }
  /** The available limit times `factor`, rounded down to the yuan, never below what is owed. */
  | { readonly kind: 'lower-limit'; readonly factor: string };

export interface WarningRule {
  readonly id: string;
  /** A changed rule is a new version; actions record the version that fired. */
  readonly version: number;
  readonly description: string;
  readonly condition: WarningCondition;
  readonly action: WarningAction;
}

export const EarlyWarningRules: readonly WarningRule[] = [
  {
    id: 'dpd-30-freeze',
    version: 1,
    description: 'a loan 30 or more days past due freezes new draws on the customer’s lines',
    condition: { kind: 'days-past-due-at-least', days: 30 },
    action: { kind: 'freeze' },
  },
  {
    id: 'first-payment-missed-watch',
    version: 1,
    description: 'a first installment missed puts the line on watch',
    condition: { kind: 'first-payment-missed' },
    action: { kind: 'watch' },
  },
  {
    id: 'utilization-surge-lower',
    version: 1,
    description:
      'utilization up 30 points with 3 or more draws in 7 days lowers the limit by a fifth',
    condition: { kind: 'utilization-surge', riseAtLeast: '0.3', drawsAtLeast: 3, windowDays: 7 },
    action: { kind: 'lower-limit', factor: '0.8' },
  },
];

/** What the rules see of one customer's line on one business date. */
export interface LineFacts {
  readonly lineId: string;
  readonly customerId: string;
  readonly limit: Money;
  readonly outstanding: Money;
  /** Utilization (outstanding / limit) `windowDays` ago, for the surge rule. */
  readonly utilizationWindowAgo: string;
  readonly drawsInWindow: number;
  readonly loans: readonly {
    readonly loanId: string;
    readonly daysPastDue: number;
    readonly firstInstallmentMissed: boolean;
  }[];
}

export interface WarningOutcome {
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly lineId: string;
  readonly action: WarningAction;
  /** For lower-limit: the new limit. */
  readonly newLimit: Money | null;
  readonly reason: string;
}

function utilization(facts: LineFacts): Decimal {
  return facts.limit.isZero()
    ? new MoneyDecimal(0)
    : facts.outstanding.amount.dividedBy(facts.limit.amount);
}

function fired(condition: WarningCondition, facts: LineFacts): string | null {
  switch (condition.kind) {
    case 'days-past-due-at-least': {
      const late = facts.loans.find((l) => l.daysPastDue >= condition.days);
      return late ? `loan ${late.loanId} is ${late.daysPastDue} days past due` : null;
    }
    case 'first-payment-missed': {
      const missed = facts.loans.find((l) => l.firstInstallmentMissed);
      return missed ? `loan ${missed.loanId} missed its first installment` : null;
    }
    case 'utilization-surge': {
      const rise = utilization(facts).minus(facts.utilizationWindowAgo);
      return rise.greaterThanOrEqualTo(condition.riseAtLeast) &&
        facts.drawsInWindow >= condition.drawsAtLeast
        ? `utilization rose ${rise.toDecimalPlaces(4, MoneyDecimal.ROUND_HALF_EVEN).toString()} with ${facts.drawsInWindow} draws in ${condition.windowDays} days`
        : null;
    }
  }
}

/**
 * The rules that fire for a line, except those already in force on it (`inForce`: rule ids):
 * a rule acts once per episode, until an operator lifts it or its condition clears.
 */
export function evaluateWarnings(
  rules: readonly WarningRule[],
  facts: LineFacts,
  inForce: ReadonlySet<string>,
): WarningOutcome[] {
  const outcomes: WarningOutcome[] = [];
  for (const rule of rules) {
    if (inForce.has(rule.id)) continue;
    const reason = fired(rule.condition, facts);
    if (reason === null) continue;
    let newLimit: Money | null = null;
    if (rule.action.kind === 'lower-limit') {
      const lowered = facts.limit.multiply(rule.action.factor, RoundingMode.DOWN);
      const whole = Money.round(lowered.amount.floor(), lowered.currency, RoundingMode.DOWN);
      newLimit = whole.lessThan(facts.outstanding) ? facts.outstanding : whole;
    }
    outcomes.push({
      ruleId: rule.id,
      ruleVersion: rule.version,
      lineId: facts.lineId,
      action: rule.action,
      newLimit,
      reason,
    });
  }
  return outcomes;
}
