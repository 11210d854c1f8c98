/**
 * @credit/api: every service's HTTP operations, one zod route definition each (`defineRoute`).
 * The services validate their input with them, `npm run openapi:generate` writes docs/openapi from
 * them, and the typed client (`client(baseUrl).call(route, …)` from @credit/platform) sends and
 * parses with them: the CLI, the seed and the e2e tests call the services through these routes.
 * One file per service; admin routes are @credit/messaging's (adminRoutes).
 */
export * from './application';
export * from './personal-data';
export * from './scoring';
export * from './disbursement';
export * from './repayment';
export * from './ledger';
export * from './ledger-schemas';
export * from './credentials';
export * from './service-api';
export * from './portfolio';
