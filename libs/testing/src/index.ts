// Test-only helpers shared by every tier (unit, integration, e2e): waiting on conditions, the test
// broker, and the fixtures (applicants, credit profiles, pricing). Never imported by runtime code.
export * from './admin';
export * from './errors';
export * from './fixtures';
export * from './kafka';
export * from './ports';
export * from './wait';
export * from './hostile-input';
export * from './cli';
