import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request } from 'express';
import { validationException } from './errors';

export const IdempotencyKeyHeader = 'Idempotency-Key';
const IdempotencyKeyPattern = /^[A-Za-z0-9._:@-]{1,200}$/;
const UuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function badField(field: string, problem: string): BadRequestException {
  return new BadRequestException({
    code: 'VALIDATION.FAILED',
    message: `invalid request: ${field} ${problem}`,
    fields: [{ field, problems: [problem] }],
  });
}

/** The caller-supplied `Idempotency-Key` header; 400 naming the header when missing or malformed. */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, context: ExecutionContext): string =>
    idempotencyKeyOf(context.switchToHttp().getRequest<Request>().header(IdempotencyKeyHeader)),
);

export function idempotencyKeyOf(value: string | undefined): string {
  if (value === undefined || value === '')
    throw badField(IdempotencyKeyHeader, 'header is required');
  if (!IdempotencyKeyPattern.test(value)) {
    throw badField(IdempotencyKeyHeader, 'must be 1-200 characters of A-Z a-z 0-9 . _ : @ -');
  }
  return value;
}

export function parseUuid(field: string, value: string): string {
  if (!UuidPattern.test(value)) throw badField(field, 'must be a UUID');
  return value.toLowerCase();
}

export function parseIsoTimestamp(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time))
    throw badField(field, 'must be an ISO 8601 timestamp');
  return new Date(time);
}

/** Validates a body against a DTO class (for endpoints that accept more than one shape). */
export function validateDto<T extends object>(type: new () => T, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badField('body', 'must be a JSON object');
  }
  const instance = plainToInstance(type, body);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw validationException(errors);
  return instance;
}
