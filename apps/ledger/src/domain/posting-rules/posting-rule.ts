import { z } from 'zod';
import { AccountIdPattern, type Side } from '../accounts';
import { DescriptionLengthMax, EntryLinesMax } from '../journal';

/**
 * A posting rule turns one business event into one journal entry. Rules are plain data
 * (JSON-serialisable), so they can be reviewed, versioned and served as a document.
 *
 * Paths are dot-separated payload paths (`allocation.principal`). Templates (`account`,
 * `description`) contain `{path}` placeholders filled with string payload values.
 */
export interface PostingRuleLine {
  readonly side: Side;
  /** Account id template, e.g. `assets:loans:principal:{loanId}`. */
  readonly account: string;
  /**
   * Payload paths to Money fields, summed. A leading `-` subtracts; a path whose value is null
   * counts as zero. A line that sums to zero is dropped; one that sums below zero fails.
   */
  readonly amount: readonly string[];
}

export interface PostingRule {
  /** Stable id, e.g. `loan-disbursed-cash-loan`. */
  readonly id: string;
  /** The rule's own version; entries record `${id}@v${version}`. Bump it on every change. */
  readonly version: number;
  readonly eventType: string;
  readonly eventVersion: number;
  /**
   * Each payload path must hold exactly this string for the rule to apply; `null` matches a null
   * (or absent) value and `'*'` any value that is not null.
   */
  readonly when?: Readonly<Record<string, string | null>>;
  /** Template with `{path}` placeholders, e.g. `Cash loan {loanId} disbursed`. */
  readonly description: string;
  /** Payload path of the timestamp or business date (a date becomes `T00:00:00.000Z`). */
  readonly effectiveAt: string;
  readonly lines: readonly PostingRuleLine[];
}

/** `${id}@v${version}`: what an entry records as the rule that produced it. */
export function ruleRef(rule: Pick<PostingRule, 'id' | 'version'>): string {
  return `${rule.id}@v${rule.version}`;
}

/**
 * The account ids a rule set posts to: each account template's text before its first placeholder
 * (`assets:loans:principal:{loanId}` → `assets:loans:principal`). Each must be seeded, as a template
 * that allows sub-accounts when the line has a placeholder.
 */
export function postingRuleAccounts(rules: readonly PostingRule[]): Set<string> {
  const accounts = new Set<string>();
  for (const rule of rules) {
    for (const line of rule.lines) {
      const root = line.account.split('{', 1)[0] ?? '';
      accounts.add(root.endsWith(':') ? root.slice(0, -1) : root);
    }
  }
  return accounts;
}

export const RuleIdPattern = /^[a-z][a-z0-9-]*$/;
export const RuleIdLengthMax = 100;
/** A dot-separated payload path: `loanId`, `allocation.principal`. */
export const PayloadPathPattern = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
/** An amount term: a payload path, optionally negated with a leading `-`. */
export const AmountTermPattern = /^-?[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
/** Values substituted into templates: safe as an account segment and in a description. */
export const PlaceholderValuePattern = /^[A-Za-z0-9._-]+$/;
/** Terms summed on one line. */
export const AmountTermsMax = 10;
export const WhenConditionsMax = 10;

const PlaceholderPattern = /\{([^{}]*)\}/g;

/** The payload paths a template refers to, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PlaceholderPattern)].map((match) => match[1] ?? '');
}

/**
 * Problems with a template's syntax: placeholders must be `{path}` with a valid path and braces
 * must balance. Empty when the template is well-formed.
 */
export function templateProblems(template: string): string[] {
  const problems = placeholdersOf(template)
    .filter((path) => !PayloadPathPattern.test(path))
    .map((path) => `placeholder {${path}} is not a payload path`);
  if (/[{}]/.test(template.replace(PlaceholderPattern, ''))) {
    problems.push('unbalanced braces');
  }
  return problems;
}

const payloadPath = z.string().regex(PayloadPathPattern, 'must be a dot-separated payload path');

export const postingRuleLineSchema = z
  .object({
    side: z.enum(['debit', 'credit']),
    account: z
      .string()
      .min(1)
      .superRefine((template, ctx) => {
        for (const problem of templateProblems(template)) {
          ctx.addIssue({ code: 'custom', message: problem });
        }
        // Any placeholder value is a valid segment, so a sample value checks the shape.
        if (!AccountIdPattern.test(template.replace(PlaceholderPattern, 'x'))) {
          ctx.addIssue({
            code: 'custom',
            message: `account template "${template}" does not produce an account id such as "assets:loans:principal:L-1"`,
          });
        }
      }),
    amount: z
      .array(z.string().regex(AmountTermPattern, 'must be a payload path, optionally "-path"'))
      .min(1)
      .max(AmountTermsMax),
  })
  .strict();

export const postingRuleSchema = z
  .object({
    id: z.string().max(RuleIdLengthMax).regex(RuleIdPattern, 'must be kebab-case'),
    version: z.number().int().positive(),
    eventType: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/, 'must look like "aggregate.event"'),
    eventVersion: z.number().int().positive(),
    when: z
      .record(payloadPath, z.string().nullable())
      .refine((when) => Object.keys(when).length <= WhenConditionsMax, {
        message: `at most ${WhenConditionsMax} conditions`,
      })
      .optional(),
    description: z
      .string()
      .min(1)
      .max(DescriptionLengthMax)
      .superRefine((template, ctx) => {
        for (const problem of templateProblems(template)) {
          ctx.addIssue({ code: 'custom', message: problem });
        }
      }),
    effectiveAt: payloadPath,
    lines: z.array(postingRuleLineSchema).min(2).max(EntryLinesMax),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const sides = new Set(rule.lines.map((line) => line.side));
    if (!sides.has('debit') || !sides.has('credit')) {
      ctx.addIssue({
        code: 'custom',
        message: 'a rule posts at least one debit and one credit',
        path: ['lines'],
      });
    }
  });

/**
 * Validates a set of rules: each against the schema, and ids unique within the set (one active
 * version per rule). Returns them deeply frozen. Throws an Error naming the rule: a bad rule set is
 * a programming error, found when the module loads.
 */
export function validatePostingRules(rules: readonly unknown[]): readonly PostingRule[] {
  const seen = new Set<string>();
  return Object.freeze(
    rules.map((candidate, index) => {
      const result = postingRuleSchema.safeParse(candidate);
      if (!result.success) {
        const name =
          typeof candidate === 'object' &&
          candidate !== null &&
          'id' in candidate &&
          typeof candidate.id === 'string'
            ? candidate.id
            : `#${index}`;
        throw new Error(`posting rule ${name} is invalid:\n${z.prettifyError(result.error)}`);
      }
      const rule = result.data;
      if (seen.has(rule.id)) throw new Error(`posting rule ${rule.id} is defined twice`);
      seen.add(rule.id);
      return deepFreeze(rule);
    }),
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
