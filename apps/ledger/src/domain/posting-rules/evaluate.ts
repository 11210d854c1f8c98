import type { EventEnvelope } from '@credit/contracts';
import { Money, isMoneyError } from '@credit/money';
import { AccountIdLengthMax, AccountIdPattern } from '../accounts';
import { type EntryDraft, LedgerSystemActor, type LineDraft } from '../journal';
import { LedgerError } from '../ledger-error';
import {
  PayloadPathPattern,
  PlaceholderValuePattern,
  placeholdersOf,
  ruleRef,
  type PostingRule,
  type PostingRuleLine,
} from './posting-rule';

const BusinessDatePattern = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The journal entry `event` books under `rules`. Pure: the caller validates the result
 * (`validateEntry`, which also rejects an entry whose lines do not balance) and posts it.
 *
 * @throws LEDGER.NO_POSTING_RULE when no rule applies to the event
 * @throws LEDGER.RULE_FAILED when more than one applies, or the applicable rule cannot be
 *   evaluated on this payload (missing field, mixed currencies, negative line, bad value)
 */
export function evaluatePosting(event: EventEnvelope, rules: readonly PostingRule[]): EntryDraft {
  const rule = selectRule(event, rules);
  const ref = ruleRef(rule);
  const at = new RuleContext(ref, event.payload);

  let currency: string | undefined;
  const lines: LineDraft[] = [];
  rule.lines.forEach((line, index) => {
    const amount = at.lineAmount(line, index);
    if (amount === undefined || amount.isZero()) return;
    if (currency !== undefined && amount.currency !== currency) {
      throw at.failure(
        `line ${index} (${line.account}) is in ${amount.currency}, earlier lines in ${currency}; an entry is in one currency`,
        { line: index },
      );
    }
    currency = amount.currency;
    if (amount.isNegative()) {
      throw at.failure(
        `line ${index} (${line.side} ${line.account}) comes to ${amount.toString()} ${amount.currency}; a line cannot be negative`,
        { line: index, amount: amount.toString() },
      );
    }
    lines.push({
      account: at.account(line.account, index),
      side: line.side,
      amount: amount.toString(),
      currency: amount.currency,
    });
  });

  return {
    idempotencyKey: `event:${event.eventId}`,
    effectiveAt: at.effectiveAt(rule.effectiveAt),
    description: at.fill(rule.description, 'description'),
    metadata: {
      eventType: event.type,
      eventVersion: event.version,
      correlationId: event.correlationId,
      key: event.key,
    },
    sourceEventId: event.eventId,
    sourceEventType: event.type,
    rule: ref,
    reversesEntryId: null,
    actor: LedgerSystemActor,
    lines,
  };
}

/** The one rule that applies to `event`. */
export function selectRule(event: EventEnvelope, rules: readonly PostingRule[]): PostingRule {
  const matching = rules.filter(
    (rule) =>
      rule.eventType === event.type &&
      rule.eventVersion === event.version &&
      Object.entries(rule.when ?? {}).every(([path, expected]) => {
        const actual = lookup(event.payload, path);
        if (expected === null) return actual === null || actual === absent;
        if (expected === '*') return actual !== null && actual !== absent;
        return actual === expected;
      }),
  );
  const [first, ...others] = matching;
  if (first === undefined) {
    throw new LedgerError(
      'LEDGER.NO_POSTING_RULE',
      `no posting rule applies to event ${event.type} version ${event.version}`,
      { eventType: event.type, eventVersion: event.version, eventId: event.eventId },
    );
  }
  if (others.length > 0) {
    const refs = matching.map(ruleRef);
    throw new LedgerError(
      'LEDGER.RULE_FAILED',
      `posting rules are ambiguous for event ${event.type} version ${event.version}: ${refs.join(', ')} all apply`,
      { eventType: event.type, eventVersion: event.version, rules: refs },
    );
  }
  return first;
}

const absent = Symbol('absent');

/** The value at a dot-separated path of own properties, or `absent`. */
function lookup(payload: unknown, path: string): unknown {
  let value: unknown = payload;
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return absent;
    if (!Object.prototype.hasOwnProperty.call(value, segment)) return absent;
    value = (value as Record<string, unknown>)[segment];
  }
  return value === undefined ? absent : value;
}

/** Evaluates one rule's paths and templates against one payload, failing with the rule's name. */
class RuleContext {
  constructor(
    private readonly ref: string,
    private readonly payload: unknown,
  ) {}

  failure(message: string, details: Record<string, unknown> = {}): LedgerError {
    return new LedgerError('LEDGER.RULE_FAILED', `posting rule ${this.ref}: ${message}`, {
      rule: this.ref,
      ...details,
    });
  }

  /** The sum of the line's terms; undefined when every term is null (the line is dropped). */
  lineAmount(line: PostingRuleLine, index: number): Money | undefined {
    let total: Money | undefined;
    for (const term of line.amount) {
      const negate = term.startsWith('-');
      const path = negate ? term.slice(1) : term;
      const value = this.money(path, index);
      if (value === null) continue;
      const signed = negate ? value.negate() : value;
      if (total !== undefined && !total.hasSameCurrency(signed)) {
        throw this.failure(
          `line ${index} (${line.account}) mixes ${total.currency} and ${signed.currency}`,
          { line: index },
        );
      }
      total = total === undefined ? signed : total.add(signed);
    }
    return total;
  }

  /** The Money at `path`; null when the payload holds null there. */
  private money(path: string, index: number): Money | null {
    const value = this.require(path, `line ${index}`);
    if (value === null) return null;
    try {
      return Money.fromJSON(value);
    } catch (error) {
      if (!isMoneyError(error)) throw error;
      throw this.failure(`line ${index}: ${path} is not money: ${error.message}`, {
        line: index,
        path,
      });
    }
  }

  account(template: string, index: number): string {
    const account = this.fill(template, `line ${index} account`);
    if (account.length > AccountIdLengthMax || !AccountIdPattern.test(account)) {
      throw this.failure(`line ${index}: "${account}" is not an account id`, { line: index });
    }
    return account;
  }

  /** `effectiveAt` as an ISO timestamp; a business date is the start of that day, UTC. */
  effectiveAt(path: string): string {
    const value = this.require(path, 'effectiveAt');
    const text =
      typeof value === 'string' && BusinessDatePattern.test(value)
        ? `${value}T00:00:00.000Z`
        : value;
    const time = typeof text === 'string' ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(time)) {
      throw this.failure(`effectiveAt: ${path} is not a timestamp or business date`, { path });
    }
    return new Date(time).toISOString();
  }

  /** Replaces each `{path}` with the string at that path. */
  fill(template: string, what: string): string {
    let filled = template;
    for (const path of placeholdersOf(template)) {
      if (!PayloadPathPattern.test(path)) {
        throw this.failure(`${what}: {${path}} is not a payload path`, { path });
      }
      const value = this.require(path, what);
      if (typeof value !== 'string' || !PlaceholderValuePattern.test(value)) {
        throw this.failure(
          `${what}: {${path}} must be a string of letters, digits, ".", "_" or "-"`,
          { path },
        );
      }
      filled = filled.replace(`{${path}}`, value);
    }
    return filled;
  }

  private require(path: string, what: string): unknown {
    const value = lookup(this.payload, path);
    if (value === absent) {
      throw this.failure(`${what}: the payload has no ${path}`, { path });
    }
    return value;
  }
}
