import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { type Crash, crashOnInvariant, crashProcess } from './crash';

/**
 * An expected failure of a use case, with a stable code such as `LEDGER.INSUFFICIENT_FUNDS`.
 * The HTTP status is decided here, in one place, from the code's kind.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rejected',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export type DomainErrorKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict' | 'rejected';

const statusOfKind: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rejected: HttpStatus.UNPROCESSABLE_ENTITY,
};

/**
 * Any error with a string `code` and a known `kind` is an expected failure: a pure domain layer can
 * declare its own error class (no framework import) and still be mapped here.
 */
export function isCodedError(
  error: unknown,
): error is Error & { code: string; kind: DomainErrorKind; details?: Record<string, unknown> } {
  if (!(error instanceof Error)) return false;
  const candidate = error as { code?: unknown; kind?: unknown };
  return (
    typeof candidate.code === 'string' &&
    typeof candidate.kind === 'string' &&
    candidate.kind in statusOfKind
  );
}

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Merges problems of one field into one entry, in first-seen order. */
export function mergeFieldProblems(problems: readonly FieldProblem[]): FieldProblem[] {
  const byField = new Map<string, string[]>();
  for (const { field, problems: list } of problems) {
    const existing = byField.get(field) ?? [];
    byField.set(field, [...existing, ...list.filter((p) => !existing.includes(p))]);
  }
  return [...byField].map(([field, list]) => ({ field, problems: list }));
}

/**
 * The platform's 400: `VALIDATION.FAILED`, every bad field named with its problems in `fields`,
 * and the first in `field` as other errors about one field name it.
 */
export function validationFailed(fields: readonly FieldProblem[]): DomainError {
  return new DomainError(
    'VALIDATION.FAILED',
    `invalid request: ${fields.map((f) => `${f.field} ${f.problems.join(', ')}`).join('; ')}`,
    'invalid',
    { field: fields[0]?.field, fields },
  );
}

interface ErrorBody {
  code: string;
  message: string;
  [extra: string]: unknown;
}

/** Answers the platform's error shape, `{ error: { code, message, ... } }`, outside a route. */
export function sendHttpError(
  response: Response,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  if (response.headersSent) return;
  response.status(status).json({ error: { ...extra, code, message } });
}

/** Maps every error to one JSON shape: `{ error: { code, message, ... } }`. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly crash: Crash = crashProcess,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // A broken invariant stops the process: no answer, the caller retries with its key.
    if (crashOnInvariant(exception, this.logger, this.crash)) return;
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(exception);
    if (status >= 500) this.logger.error({ err: exception }, 'request failed');
    response.status(status).json({ error: body });
  }

  private describe(exception: unknown): { status: number; body: ErrorBody } {
    if (isCodedError(exception)) {
      return {
        status: statusOfKind[exception.kind],
        body: { code: exception.code, message: exception.message, ...(exception.details ?? {}) },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      if (typeof raw === 'object' && raw !== null && 'code' in raw) {
        return { status, body: raw as ErrorBody };
      }
      const message =
        typeof raw === 'string'
          ? raw
          : typeof raw === 'object' && raw !== null && 'message' in raw
            ? String(raw.message)
            : exception.message;
      return { status, body: { code: `HTTP.${status}`, message } };
    }
    // A client error raised by middleware (http-errors: a status below 500, its message meant
    // for the client), such as a malformed percent-encoding in the path.
    const client = exception as { status?: unknown; expose?: unknown; message?: unknown };
    if (
      typeof client.status === 'number' &&
      client.status >= 400 &&
      client.status < 500 &&
      client.expose === true
    ) {
      return {
        status: client.status,
        body: { code: `HTTP.${client.status}`, message: String(client.message) },
      };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { code: 'INTERNAL', message: 'internal error' },
    };
  }
}
