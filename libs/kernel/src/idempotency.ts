/** What an idempotency key recorded: the resource it made and the hash of its request. */
export interface RecordedRequest {
  readonly id: string;
  readonly requestHash: string;
}

/** How one use names its conflict: `APPLICATION.IDEMPOTENCY_CONFLICT`, "another application". */
export interface ConflictNaming {
  readonly code: string;
  readonly resource: string;
  /** Extra fields of the error body (e.g. `{ entryId }`). */
  readonly details?: Record<string, unknown>;
  /**
   * The recorded resource is not the caller's to see (another customer's): the conflict names
   * the key only, not the resource it made.
   */
  readonly conceal?: boolean;
}

/**
 * A key reused for a different request: HTTP 409 (an expected failure with a code and a kind, as
 * every domain error, so the platform's filter maps it without knowing this class).
 */
export class IdempotencyConflict extends Error {
  readonly kind = 'conflict' as const;

  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'IdempotencyConflict';
  }
}

/**
 * The one decision of idempotency, for a key already recorded: the same request (its hash is one
 * of `hashes`: the current scheme first, then any legacy scheme rows may have been written with)
 * replays the recorded result; another request is refused, naming the key and the resource the
 * key made. Returns `recorded` to replay; throws IdempotencyConflict.
 */
export function replayOrConflict<T extends RecordedRequest>(
  key: string,
  recorded: T,
  hashes: string | readonly string[],
  conflict: ConflictNaming,
): T {
  const accepted = typeof hashes === 'string' ? [hashes] : hashes;
  if (accepted.includes(recorded.requestHash)) return recorded;
  throw new IdempotencyConflict(
    conflict.code,
    `idempotency key "${key}" was used for ${conflict.resource}${conflict.conceal ? '' : ` (${recorded.id})`}`,
    conflict.details,
  );
}
