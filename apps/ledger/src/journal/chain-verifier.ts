import type { DataSource } from 'typeorm';
import { GenesisHash, linkHash, readLinks } from './chain-content';

/** Links read per query while walking the chain: memory stays bounded whatever its length. */
export const VerifyPageMax = 5000;

export type BrokenLinkReason = 'content changed' | 'previous hash mismatch' | 'entry missing';

export interface BrokenLink {
  readonly position: string;
  readonly entryId: string;
  /**
   * 'content changed': the hash recomputed from the current rows. 'previous hash mismatch': the
   * previous link's hash (what prev_hash should be). 'entry missing': null.
   */
  readonly expectedHash: string | null;
  /** The stored hash ('content changed', 'entry missing') or the stored prev_hash. */
  readonly storedHash: string;
  readonly reason: BrokenLinkReason;
}

export interface ChainReport {
  readonly ok: boolean;
  /** Links walked, up to and including the first broken one. */
  readonly linksChecked: number;
  /** Committed entries the sequencer has not linked yet (not a fault: it runs behind posting). */
  readonly unchainedEntries: number;
  readonly firstBrokenLink: BrokenLink | null;
}

/**
 * Walks journal_chain in position order, page by page in one repeatable-read snapshot, and
 * recomputes every link from the current entry and line rows. Stops at the first broken link.
 */
export async function verifyChain(dataSource: DataSource): Promise<ChainReport> {
  return dataSource.transaction('REPEATABLE READ', async (manager) => {
    await manager.query(`SET TRANSACTION READ ONLY`);
    const [unchained] = await manager.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM journal_entries e
        WHERE NOT EXISTS (SELECT 1 FROM journal_chain c WHERE c.entry_id = e.id)`,
    );
    const unchainedEntries = unchained?.count ?? 0;

    let linksChecked = 0;
    let prevHash = GenesisHash;
    let afterPosition = '0';
    for (;;) {
      const links = await readLinks(manager, afterPosition, VerifyPageMax);
      for (const link of links) {
        linksChecked++;
        const broken = ((): BrokenLink | null => {
          const at = { position: link.position, entryId: link.entryId };
          if (link.entry === null) {
            return { ...at, expectedHash: null, storedHash: link.hash, reason: 'entry missing' };
          }
          if (link.prevHash !== prevHash) {
            return {
              ...at,
              expectedHash: prevHash,
              storedHash: link.prevHash,
              reason: 'previous hash mismatch',
            };
          }
          const expected = linkHash(link.prevHash, link.entry);
          if (expected !== link.hash) {
            return {
              ...at,
              expectedHash: expected,
              storedHash: link.hash,
              reason: 'content changed',
            };
          }
          return null;
        })();
        if (broken) {
          return { ok: false, linksChecked, unchainedEntries, firstBrokenLink: broken };
        }
        prevHash = link.hash;
        afterPosition = link.position;
      }
      if (links.length < VerifyPageMax) break;
    }
    return { ok: true, linksChecked, unchainedEntries, firstBrokenLink: null };
  });
}
