export { InvariantViolation, invariant, isInvariantViolation } from './invariant';
