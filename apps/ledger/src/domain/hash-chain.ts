import { createHash } from 'node:crypto';
import type { Side } from './accounts';
import { canonicalJson } from '@credit/kernel';

/** The prev_hash of the first link: 64 zeros. */
export const GenesisHash = '0'.repeat(64);

/** One line as it takes part in the hash: [lineNo, account, side, amount as posted, currency]. */
export type ChainLine = [number, string, Side, string, string];

/** An entry's content as the chain hashes it, read from the current rows. */
export interface ChainedContent {
  readonly id: string;
  readonly seq: string;
  readonly idempotencyKey: string;
  readonly effectiveAt: Date;
  readonly postedAt: Date;
  readonly description: string;
  readonly metadata: Record<string, unknown>;
  readonly sourceEventId: string | null;
  readonly sourceEventType: string | null;
  readonly rule: string | null;
  readonly reversesEntryId: string | null;
  readonly holdId: string | null;
  readonly lines: readonly ChainLine[];
}

/**
 * The text a link hashes: canonical JSON (sorted keys) of every stored field of the entry and its
 * lines. Amounts are the numeric column's own text (`amount::text`), never a JS number.
 */
export function canonicalContent(entry: ChainedContent): string {
  // Every field named, never spread: a property added to the type must not change old hashes.
  return canonicalJson({
    id: entry.id,
    idempotencyKey: entry.idempotencyKey,
    effectiveAt: entry.effectiveAt.toISOString(),
    postedAt: entry.postedAt.toISOString(),
    description: entry.description,
    metadata: entry.metadata,
    sourceEventId: entry.sourceEventId,
    sourceEventType: entry.sourceEventType,
    rule: entry.rule,
    reversesEntryId: entry.reversesEntryId,
    holdId: entry.holdId,
    lines: entry.lines,
  });
}

/** sha256(prev_hash + '\n' + canonical content), hex. */
export function linkHash(prevHash: string, entry: ChainedContent): string {
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalContent(entry)}`, 'utf8')
    .digest('hex');
}

/** A stored link with its entry's current content (null when the entry no longer exists). */
export interface LinkWithContent {
  readonly position: string;
  readonly entryId: string;
  readonly prevHash: string;
  readonly hash: string;
  readonly entry: ChainedContent | null;
}

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

/** Checks one link against the previous link's hash and its entry's current content. */
export function checkLink(link: LinkWithContent, prevHash: string): BrokenLink | null {
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
    return { ...at, expectedHash: expected, storedHash: link.hash, reason: 'content changed' };
  }
  return null;
}

/** A new link: the chain position, the entry it links, the previous hash and its own. */
export interface NewLink {
  readonly position: string;
  readonly entryId: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** Links `entries` in order after the chain's last link (none: the genesis). */
export function extendChain(
  last: { readonly position: string; readonly hash: string } | undefined,
  entries: readonly ChainedContent[],
): NewLink[] {
  let prevHash = last?.hash ?? GenesisHash;
  let position = BigInt(last?.position ?? '0');
  return entries.map((entry) => {
    position += 1n;
    const hash = linkHash(prevHash, entry);
    const link = { position: position.toString(), entryId: entry.id, prevHash, hash };
    prevHash = hash;
    return link;
  });
}
