// Test-only helpers shared by every tier (unit, integration, e2e): waiting on conditions, the test
// broker, and the fixtures (applicants, credit profiles, pricing). Never imported by runtime code.
export * from './admin';
export * from './fixtures';
export * from './kafka';
export * from './wait';
