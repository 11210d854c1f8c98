import { BadRequestException, Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER, RequireRole } from '@credit/platform';
import { type ChainReport, verifyChain } from './chain-verifier';
import { type ExportFormat, ExportFormats, exportJournal } from './journal-export';

function badParam(field: string, problem: string): BadRequestException {
  return new BadRequestException({
    code: 'VALIDATION.FAILED',
    message: `invalid request: ${field} ${problem}`,
    fields: [{ field, problems: [problem] }],
  });
}

const DateOnlyPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const TimestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 timestamp with a zone; a real calendar date. */
export function parseDateParam(field: string, value: unknown): Date | null {
  if (value === undefined || value === '') return null;
  const problem = 'must be an ISO 8601 date (YYYY-MM-DD) or a timestamp with a zone';
  if (typeof value !== 'string') throw badParam(field, problem);
  const match = DateOnlyPattern.exec(value) ?? TimestampPattern.exec(value);
  if (!match) throw badParam(field, problem);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day
  ) {
    throw badParam(field, problem);
  }
  const time = Date.parse(DateOnlyPattern.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time)) throw badParam(field, problem);
  return new Date(time);
}

function parseFormat(value: unknown): ExportFormat {
  if (value === undefined || value === '') return 'hledger';
  const format = ExportFormats.find((f) => f === value);
  if (!format) throw badParam('format', `must be one of ${ExportFormats.join(', ')}`);
  return format;
}

/** Resolves when the socket can take more, or when the reader has gone. */
function drained(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

@ApiTags('journal')
@Controller('v1/journal')
export class JournalController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('verify')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Verify the hash chain over the journal (operator)',
    description:
      'Walks journal_chain in position order and recomputes every link from the current entry and line rows. Reports the first broken link: content changed, previous hash mismatch or entry missing.',
  })
  async verify(): Promise<ChainReport> {
    return verifyChain(this.dataSource);
  }

  @Get('export')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Export the journal as an hledger journal or CSV, streamed (operator)',
    description:
      'One transaction per entry in seq order. `from` (inclusive) and `to` (exclusive) filter by effective date: YYYY-MM-DD or an ISO 8601 timestamp with a zone.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ExportFormats })
  @ApiQuery({ name: 'from', required: false, example: '2025-01-01' })
  @ApiQuery({ name: 'to', required: false, example: '2026-01-01' })
  @ApiProduces('text/plain', 'text/csv')
  async export(
    @Query('format') formatParam: unknown,
    @Query('from') fromParam: unknown,
    @Query('to') toParam: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const format = parseFormat(formatParam);
    const from = parseDateParam('from', fromParam);
    const to = parseDateParam('to', toParam);
    if (from && to && to.getTime() <= from.getTime()) throw badParam('to', 'must be after from');

    // Headers go out with the first chunk: an error before it is still answered as JSON.
    const write = async (chunk: string): Promise<boolean> => {
      if (response.destroyed) return false;
      if (!response.headersSent) {
        response
          .status(200)
          .setHeader(
            'Content-Type',
            format === 'hledger' ? 'text/plain; charset=utf-8' : 'text/csv; charset=utf-8',
          )
          .setHeader(
            'Content-Disposition',
            `attachment; filename="${format === 'hledger' ? 'ledger.journal' : 'ledger-journal.csv'}"`,
          );
      }
      if (!response.write(chunk)) await drained(response);
      return !response.destroyed;
    };
    try {
      await exportJournal(this.dataSource, format, { from, to }, write);
    } catch (error) {
      // Before the first byte the error filter still answers; after it, cut the transfer so the
      // reader sees a failed download, never a silently truncated file.
      if (!response.headersSent) throw error;
      this.logger.error({ err: error }, 'journal export failed mid-stream');
      response.destroy(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    response.end();
  }
}
