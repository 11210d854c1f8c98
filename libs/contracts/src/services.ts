/** The six services, their default HTTP ports and their databases. */
export const Services = {
  application: { port: 3001, database: 'credit_application' },
  scoring: { port: 3002, database: 'credit_scoring' },
  disbursement: { port: 3003, database: 'credit_disbursement' },
  repayment: { port: 3004, database: 'credit_repayment' },
  ledger: { port: 3005, database: 'credit_ledger' },
  portfolio: { port: 3006, database: 'credit_portfolio' },
} as const;

export type ServiceName = keyof typeof Services;

export const serviceNames = Object.keys(Services) as ServiceName[];
