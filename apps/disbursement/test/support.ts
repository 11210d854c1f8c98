import { randomUUID } from 'node:crypto';
import { ApplicationDecidedV1, type ApplicationDecidedV1Payload } from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { cashLoanPricing, purchasePricing, testKafka } from '@credit/testing';

// What the disbursement specs feed the service: scoring's decisions, published on the broker.

const writer = new OutboxWriter('test-scoring');
const kafka = testKafka('disbursement-test');

export function decided(
  product: 'installment-purchase' | 'cash-loan',
  amount: string,
  decision: 'approved' | 'declined' = 'approved',
): ApplicationDecidedV1Payload {
  const applicationId = `A-${randomUUID().slice(0, 8)}`;
  return {
    applicationId,
    customerId: `C-${applicationId}`,
    kind: 'draw',
    decision,
    modelVersion: 'scorecard-v1',
    score: 560,
    pd: '0.1000',
    reasons: [],
    rulesFired: [],
    creditLine: null,
    draw:
      decision === 'approved'
        ? {
            lineId: 'LINE-1',
            product,
            amount: { amount, currency: 'CNY' },
            periods: 3,
            merchantId: product === 'installment-purchase' ? 'M-7' : null,
            feePayer: product === 'installment-purchase' ? 'merchant' : null,
            merchantFee: null,
            pricing: product === 'installment-purchase' ? purchasePricing() : cashLoanPricing(),
          }
        : null,
    decidedAt: new Date().toISOString(),
  };
}

/** Publishes the decisions (each `copies` times); returns their event ids. */
export async function publish(
  payloads: ApplicationDecidedV1Payload[],
  copies = 1,
): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  const envelopes = payloads.map((payload) =>
    writer.build({ definition: ApplicationDecidedV1, key: payload.customerId, payload }),
  );
  const records = envelopes.flatMap((envelope) =>
    Array.from({ length: copies }, () => recordOf(envelope)),
  );
  await producer.send({ topic: ApplicationDecidedV1.topic, messages: records });
  await producer.disconnect();
  return envelopes.map((envelope) => envelope.eventId);
}
