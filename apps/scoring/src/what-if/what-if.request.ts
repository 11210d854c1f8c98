import { parseOrThrow } from '@credit/platform';
import { whatIfSchema } from '@credit/api';
import type { CreditRequestInput } from '../domain/credit-request';

/** Validates a what-if body; 400 VALIDATION.FAILED listing every bad field with its problems. */
export function parseWhatIf(body: unknown): CreditRequestInput {
  return parseOrThrow(whatIfSchema, body);
}
