export { CodedError } from './coded-error';
export { InvariantViolation, invariant, isInvariantViolation } from './invariant';
export {
  canonicalJson,
  keyedRequestHash,
  legacyJsonRequestHash,
  requestHash,
} from './canonical-json';
export {
  type ConflictNaming,
  IdempotencyConflict,
  type RecordedRequest,
  replayOrConflict,
} from './idempotency';
export {
  type BackoffPolicy,
  BackoffJitterDefault,
  backoffCeilingMs,
  backoffDelayMs,
  worstBackoffMs,
} from './backoff';
export { systemActor } from './audit';
export {
  CustomerIdHexLength,
  CustomerIdPattern,
  CustomerIdPepperLengthMin,
  customerIdOf,
  normalizeNationalId,
} from './customer-id';
