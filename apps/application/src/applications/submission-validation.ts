import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type FieldProblem, fieldProblems } from '@credit/platform';
import {
  ApplicantAgeMax,
  ApplicantAgeMin,
  CashLoanTermMonthsMax,
  InstallmentPeriods,
  ageOn,
  isCalendarDate,
} from '../domain/application';
import { SubmitApplicationDto } from './submit-application.dto';

type Plain = Record<string, unknown>;
const isObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const present = (value: unknown) => value !== undefined && value !== null;

/**
 * The rules that span fields: which section a kind carries, age or date of birth, what each draw
 * product needs, one currency per application. Reads the raw body defensively: shape errors of the
 * same fields are reported by the DTO validation, and both lists are returned together.
 */
export function crossFieldProblems(body: Plain, today: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problems: [problem] });

  const kind = body.kind;
  if (kind === 'credit-line') {
    if (!present(body.creditLine)) add('creditLine', 'is required for a credit-line application');
    if (present(body.draw)) add('draw', 'must be absent for a credit-line application');
  }
  if (kind === 'draw') {
    if (!present(body.draw)) add('draw', 'is required for a draw application');
    if (present(body.creditLine)) add('creditLine', 'must be absent for a draw application');
  }

  const applicant = isObject(body.applicant) ? body.applicant : undefined;
  if (applicant) {
    const dateOfBirth = applicant.dateOfBirth;
    if (present(applicant.age) === present(dateOfBirth))
      add('applicant.age', 'give exactly one of age and dateOfBirth');
    if (typeof dateOfBirth === 'string') {
      if (!isCalendarDate(dateOfBirth) || dateOfBirth > today) {
        add('applicant.dateOfBirth', 'must be a past date such as 1990-05-17');
      } else {
        const age = ageOn(dateOfBirth, today);
        if (age < ApplicantAgeMin)
          add('applicant.dateOfBirth', `must be at least ${ApplicantAgeMin} years ago`);
        if (age > ApplicantAgeMax)
          add('applicant.dateOfBirth', `must be at most ${ApplicantAgeMax} years ago`);
      }
    }
  }

  const draw = kind === 'draw' && isObject(body.draw) ? body.draw : undefined;
  if (draw?.product === 'installment-purchase') {
    if (!present(draw.merchantId))
      add('draw.merchantId', 'is required for an installment purchase');
    if (!present(draw.feePayer)) add('draw.feePayer', 'is required for an installment purchase');
    if (present(draw.repaymentMethod))
      add(
        'draw.repaymentMethod',
        'must be absent for an installment purchase (a flat-fee plan); it applies to cash loans',
      );
    if (
      typeof draw.periods === 'number' &&
      !(InstallmentPeriods as readonly number[]).includes(draw.periods)
    ) {
      add(
        'draw.periods',
        `must be one of ${InstallmentPeriods.join(', ')} for an installment purchase`,
      );
    }
  }
  if (draw?.product === 'cash-loan') {
    if (present(draw.merchantId)) add('draw.merchantId', 'must be absent for a cash loan');
    if (present(draw.feePayer))
      add('draw.feePayer', 'must be absent for a cash loan (no plan fee)');
    if (
      typeof draw.periods === 'number' &&
      (draw.periods < 1 || draw.periods > CashLoanTermMonthsMax)
    ) {
      add('draw.periods', `must be a term of 1-${CashLoanTermMonthsMax} months for a cash loan`);
    }
  }

  // One application, one currency: income, debts and the amount asked for.
  const currencyOf = (value: unknown) =>
    isObject(value) && typeof value.currency === 'string' ? value.currency : undefined;
  const income = currencyOf(applicant?.monthlyIncome);
  if (income) {
    const others: [string, unknown][] = [
      ['applicant.monthlyDebtPayments.currency', applicant?.monthlyDebtPayments],
      [
        'creditLine.requestedLimit.currency',
        kind === 'credit-line' && isObject(body.creditLine)
          ? body.creditLine.requestedLimit
          : undefined,
      ],
      ['draw.amount.currency', draw?.amount],
    ];
    for (const [field, money] of others) {
      const currency = currencyOf(money);
      if (currency && currency !== income)
        add(field, `must be ${income}, the currency of applicant.monthlyIncome`);
    }
  }
  return problems;
}

/** Merges problems of one field into one entry, in first-seen order. */
function merge(problems: readonly FieldProblem[]): FieldProblem[] {
  const byField = new Map<string, string[]>();
  for (const { field, problems: list } of problems) {
    const existing = byField.get(field) ?? [];
    byField.set(field, [...existing, ...list.filter((p) => !existing.includes(p))]);
  }
  return [...byField].map(([field, list]) => ({ field, problems: list }));
}

/**
 * Validates a submission completely: every bad field in one 400 (DTO rules and cross-field rules).
 * The messages name fields and rules, never the values (which may be personal data).
 */
export function validateSubmission(body: unknown, today: string): SubmitApplicationDto {
  if (!isObject(body)) {
    throw new BadRequestException({
      code: 'VALIDATION.FAILED',
      message: 'invalid request: body must be a JSON object',
      fields: [{ field: 'body', problems: ['must be a JSON object'] }],
    });
  }
  const instance = plainToInstance(SubmitApplicationDto, body);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  const fields = merge([...fieldProblems(errors), ...crossFieldProblems(body, today)]);
  if (fields.length > 0) {
    throw new BadRequestException({
      code: 'VALIDATION.FAILED',
      message: `invalid request: ${fields.map((f) => `${f.field} ${f.problems.join(', ')}`).join('; ')}`,
      fields,
    });
  }
  return instance;
}
