import type { DataSource } from 'typeorm';
import { type BrokenLink, GenesisHash, checkLink } from '../domain/hash-chain';
import { JournalChainStore, inReadOnlySnapshot } from '../infrastructure/journal-store';

export type { BrokenLink, BrokenLinkReason } from '../domain/hash-chain';

/** Links read per query while walking the chain: memory stays bounded whatever its length. */
export const VerifyPageMax = 5000;

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
  return inReadOnlySnapshot(dataSource, async (manager) => {
    const unchainedEntries = await JournalChainStore.countUnchained(manager);
    let linksChecked = 0;
    let prevHash = GenesisHash;
    let afterPosition = '0';
    for (;;) {
      const links = await JournalChainStore.readLinks(manager, afterPosition, VerifyPageMax);
      for (const link of links) {
        linksChecked++;
        const broken = checkLink(link, prevHash);
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
