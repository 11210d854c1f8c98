// Demo data for `npm start`, through the public APIs only, idempotent by fixed keys: running it
// again (every start) answers from the first run and creates nothing twice.
const keys = {
  customer: process.env.CUSTOMER_API_KEY ?? 'dev-customer-key-0000000000000001',
  operator: process.env.OPERATOR_API_KEY ?? 'dev-operator-key-0000000000000001',
};
const url = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;
const Ports = { application: 3001, repayment: 3004, ledger: 3005, disbursement: 3003 } as const;

interface Reply {
  status: number;
  body: any;
}

async function call(
  port: number,
  method: string,
  path: string,
  body?: unknown,
  key?: string,
  role: keyof typeof keys = 'customer',
): Promise<Reply> {
  const headers: Record<string, string> = { authorization: `Bearer ${keys[role]}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key) headers['idempotency-key'] = key;
  const response = await fetch(url(port, path), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`seed: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const cny = (amount: string) => ({ amount, currency: 'CNY' });

function applicant(name: string, nationalId: string, good: boolean) {
  return {
    name,
    nationalId,
    phone: '+8613900000000',
    age: 35,
    monthlyIncome: cny(good ? '25000.00' : '3000.00'),
    monthlyDebtPayments: cny(good ? '0.00' : '1200.00'),
    profile: {
      checkingStatus: good ? 'no checking' : '<0',
      creditHistory: good ? 'critical/other existing credit' : 'delayed previously',
      purpose: good ? 'radio/tv' : 'education',
      savingsStatus: good ? '>=1000' : '<100',
      employmentSince: good ? '>=7' : 'unemployed',
      installmentRatePercent: good ? 2 : 4,
      otherParties: 'none',
      residenceSince: good ? 4 : 1,
      propertyMagnitude: good ? 'real estate' : 'no known property',
      otherPaymentPlans: good ? 'none' : 'bank',
      housing: good ? 'own' : 'rent',
      existingCredits: 1,
      job: 'skilled',
      dependents: 1,
      ownTelephone: good ? 'yes' : 'none',
    },
  };
}

async function apply(
  key: string,
  who: ReturnType<typeof applicant>,
  request: Record<string, unknown>,
) {
  const submitted = await call(
    Ports.application,
    'POST',
    '/v1/applications',
    { applicant: who, ...request },
    key,
  );
  if (submitted.status >= 300)
    throw new Error(`seed: ${key} answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  const id = submitted.body.applicationId as string;
  return eventually(`the decision on ${key}`, async () => {
    const view = await call(Ports.application, 'GET', `/v1/applications/${id}`);
    return view.body.status === 'submitted'
      ? undefined
      : (view.body as {
          applicationId: string;
          status: string;
          lineId: string | null;
          limit: unknown;
        });
  });
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const wang = applicant('Wang Fang', 'DEMO110101199001011234', true);
  const line = await apply('seed-wang-line', wang, {
    kind: 'credit-line',
    creditLine: { requestedLimit: cny('20000.00') },
  });
  rows.push(`Wang Fang   credit line ${line.lineId ?? '-'}: ${line.status}`);
  if (line.lineId) {
    const purchase = await apply('seed-wang-purchase', wang, {
      kind: 'draw',
      draw: {
        lineId: line.lineId,
        product: 'installment-purchase',
        amount: cny('3000.00'),
        periods: 6,
        merchantId: 'M-DEMO-SHOP',
        feePayer: 'buyer',
      },
    });
    rows.push(
      `Wang Fang   installment purchase 3000.00 / 6: ${purchase.status}, loan L-${purchase.applicationId}`,
    );
    const phone = await apply('seed-wang-phone', wang, {
      kind: 'draw',
      draw: {
        lineId: line.lineId,
        product: 'installment-purchase',
        amount: cny('1200.00'),
        periods: 3,
        merchantId: 'M-DEMO-SHOP',
        feePayer: 'merchant',
      },
    });
    const loanId = `L-${phone.applicationId}`;
    await eventually(`loan ${loanId}`, async () =>
      (await call(Ports.repayment, 'GET', `/v1/loans/${loanId}`)).status === 200 ? true : undefined,
    );
    const quote = await call(Ports.repayment, 'POST', `/v1/loans/${loanId}/payoff-quote`);
    if (quote.status === 200)
      await call(
        Ports.repayment,
        'POST',
        `/v1/loans/${loanId}/repayments`,
        { amount: quote.body.total, currency: 'CNY' },
        'seed-wang-phone-payoff',
      );
    rows.push(
      `Wang Fang   installment purchase 1200.00 / 3 (merchant pays the fee): paid off, loan ${loanId}`,
    );
  }
  const zhang = applicant('Zhang Wei', 'DEMO310101198505052345', true);
  const zhangLine = await apply('seed-zhang-line', zhang, {
    kind: 'credit-line',
    creditLine: { requestedLimit: cny('30000.00') },
  });
  rows.push(`Zhang Wei   credit line ${zhangLine.lineId ?? '-'}: ${zhangLine.status}`);
  if (zhangLine.lineId) {
    const cash = await apply('seed-zhang-cash', zhang, {
      kind: 'draw',
      draw: { lineId: zhangLine.lineId, product: 'cash-loan', amount: cny('5000.00'), periods: 6 },
    });
    rows.push(
      `Zhang Wei   cash loan 5000.00 / 6 months: ${cash.status}, loan L-${cash.applicationId}`,
    );
    const failed = await apply('seed-zhang-declined-payout', zhang, {
      kind: 'draw',
      draw: { lineId: zhangLine.lineId, product: 'cash-loan', amount: cny('4040.40'), periods: 3 },
    });
    rows.push(
      `Zhang Wei   cash loan 4040.40 (the simulated bank declines this amount): ${failed.status}, disbursement L-${failed.applicationId} fails`,
    );
  }
  const liu = applicant('Liu Yang', 'DEMO440101200001013456', false);
  const declined = await apply('seed-liu-line', liu, {
    kind: 'credit-line',
    creditLine: { requestedLimit: cny('50000.00') },
  });
  rows.push(`Liu Yang    credit line: ${declined.status}`);
  process.stdout.write(
    `\n  Demo data (idempotent; created once):\n${rows.map((r) => `    ${r}`).join('\n')}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
