import { Controller, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Endpoint, Input, LOGGER, type RouteInput } from '@credit/platform';
import { exportJournal as exportRoute, verifyJournal } from '@credit/api';
import { type ChainReport, verifyChain } from './chain-verifier';
import { exportJournal } from './journal-export';

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

@Controller()
export class JournalController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Endpoint(verifyJournal)
  async verify(): Promise<ChainReport> {
    return verifyChain(this.dataSource);
  }

  @Endpoint(exportRoute)
  async export(
    @Input() { query }: RouteInput<typeof exportRoute>,
    @Res() response: Response,
  ): Promise<void> {
    const { format, from, to } = query;

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
