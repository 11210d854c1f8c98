import { z } from 'zod';
import { defineEvent } from '../catalog';
import { Topics } from '../topics';
import { businessDate, id, positiveMoney } from './fields';

// merchant.events: merchant.settled (disbursement); keyed by merchant id.

export const MerchantSettledV1 = defineEvent({
  type: 'merchant.settled',
  version: 1,
  topic: Topics.merchantEvents,
  schema: z
    .object({
      settlementId: id,
      merchantId: id,
      amount: positiveMoney,
      businessDate,
    })
    .strict(),
});
export type MerchantSettledV1Payload = z.infer<typeof MerchantSettledV1.schema>;
