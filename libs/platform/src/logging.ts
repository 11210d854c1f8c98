import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { currentContext } from './correlation';

/**
 * Paths that carry personal data. They are masked wherever they appear in a log line, so a
 * careless `logger.info({ body })` does not leak a national ID number.
 */
export const RedactedLogPaths = [
  'name',
  'fullName',
  'nationalId',
  'phone',
  '*.name',
  '*.fullName',
  '*.nationalId',
  '*.phone',
  '*.*.nationalId',
  '*.*.phone',
  '*.*.fullName',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
];

export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: RedactedLogPaths, censor: '***' },
    mixin() {
      const context = currentContext();
      return context ? { correlationId: context.correlationId } : {};
    },
  });
}

/** Nest's logger interface on top of pino, so framework messages are structured too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.logger.info(PinoNestLogger.fields(optional), PinoNestLogger.text(message));
  }
  error(message: unknown, ...optional: unknown[]): void {
    this.logger.error(PinoNestLogger.fields(optional), PinoNestLogger.text(message));
  }
  warn(message: unknown, ...optional: unknown[]): void {
    this.logger.warn(PinoNestLogger.fields(optional), PinoNestLogger.text(message));
  }
  debug(message: unknown, ...optional: unknown[]): void {
    this.logger.debug(PinoNestLogger.fields(optional), PinoNestLogger.text(message));
  }
  verbose(message: unknown, ...optional: unknown[]): void {
    this.logger.trace(PinoNestLogger.fields(optional), PinoNestLogger.text(message));
  }

  private static text(message: unknown): string {
    if (message instanceof Error) return message.message;
    return typeof message === 'string' ? message : JSON.stringify(message);
  }

  private static fields(optional: unknown[]): Record<string, unknown> {
    const context = optional.at(-1);
    return typeof context === 'string' ? { context } : {};
  }
}
