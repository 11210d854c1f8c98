import { z } from 'zod';
import { ReplayedHeader, defineRoute } from '@credit/platform';
import { consentPurposes, erasureReasons } from '@credit/contracts';
import { CustomerIdPattern } from '@credit/kernel';

/**
 * Personal-data rights (PIPL) in the application service: the customer's access document,
 * erasure, and the re-encryption under the active master key. Kept apart from the application
 * routes: none of them is a customer's.
 */

const customerIdParams = z.object({
  customerId: z
    .string()
    .regex(CustomerIdPattern, 'must be a customer id: C- and 32 lowercase hex digits')
    .meta({ examples: ['C-cc5b0f845ea49b5735a9c08121790754'] }),
});

const personalDataSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('available'),
    name: z.string(),
    nationalId: z.string(),
    phone: z.string(),
  }),
  z.object({
    status: z.literal('erased'),
    erasedAt: z.string(),
    reason: z.enum(erasureReasons),
  }),
  z.object({
    status: z.literal('unreadable'),
    problem: z.string().meta({
      description: 'why it does not open, e.g. its data key is missing from a restored database',
    }),
  }),
]);

const erasureSchema = z.object({
  applicationId: z.string(),
  erasureId: z.string(),
  reason: z.enum(erasureReasons),
  actor: z.string(),
  erasedAt: z.string(),
});

export const getPersonalData = defineRoute({
  operationId: 'getCustomerPersonalData',
  method: 'GET',
  path: '/v1/customers/{customerId}/personal-data',
  summary:
    "Everything the application service holds about a customer, decrypted: applications, consents, personal data (or 'erased'), lines, erasures",
  description:
    'The access right (PIPL). Operator role; every call is audited as personal-data.access (who, which customer, found or not) in GET /v1/admin/actions. The other services hold no personal data: only the customer id with decisions, loans and journal entries.',
  tags: ['personal data'],
  role: 'operator',
  params: customerIdParams,
  responses: {
    200: {
      description: 'the access document',
      body: z.object({
        customerId: z.string(),
        generatedAt: z.string(),
        applications: z.array(
          z
            .looseObject({
              applicationId: z.string(),
              status: z.string(),
              consent: z
                .object({
                  purposes: z.array(z.enum(consentPurposes)),
                  textVersion: z.string(),
                  consentedAt: z.string(),
                })
                .nullable()
                .meta({ description: 'null for applications from before consent was asked' }),
              personalData: personalDataSchema,
            })
            .meta({ description: 'every field of GET /v1/applications/{id}, and these' }),
        ),
        creditLines: z
          .array(z.looseObject({ lineId: z.string(), status: z.string() }))
          .meta({ description: 'as GET /v1/lines/{lineId} shows them' }),
        erasures: z.array(erasureSchema),
      }),
    },
  },
  errors: { 404: ['PERSONAL_DATA.CUSTOMER_NOT_FOUND'] },
});

const erasureResponseSchema = z.object({
  actionId: z.string(),
  customerId: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  replayed: z.boolean(),
  result: z
    .object({ applications: z.number().int(), erased: z.number().int() })
    .nullable()
    .meta({ description: "the customer's applications, and how many were erased by this call" }),
});

export const erasePersonalData = defineRoute({
  operationId: 'eraseCustomerPersonalData',
  method: 'POST',
  path: '/v1/customers/{customerId}/personal-data/erasure',
  summary: "Erase a customer's personal data by destroying its data keys (crypto-shredding)",
  description:
    "Admin role. Every application's data key is destroyed and its sealed fields overwritten; the erasure is recorded and announced on application.changelog (application.personal-data-erased, no personal data), so a rebuild or a restored backup erases again when the changelog is replayed. The copies of the sealed fields on the changelog stay unreadable: their keys are in no event. Decisions, loans and the books keep the pseudonymous customer id and do not change. Audited as personal-data.erase; the same Idempotency-Key answers the first erasure (Idempotent-Replayed: true), another body is 409.",
  tags: ['personal data'],
  role: 'admin',
  idempotencyKey: 'required',
  params: customerIdParams,
  body: z
    .object({
      note: z
        .string()
        .min(1)
        .max(500)
        .optional()
        .meta({ description: 'why (e.g. the request reference); kept in the audit record' }),
    })
    .strict(),
  responses: {
    200: {
      description: 'erased (or replayed)',
      body: erasureResponseSchema,
      headers: ReplayedHeader,
    },
  },
  errors: { 404: ['PERSONAL_DATA.CUSTOMER_NOT_FOUND'], 409: ['ADMIN.IDEMPOTENCY_CONFLICT'] },
});

export const RotationBatchSizeMax = 1000;
export const RotationBatchSizeDefault = 200;

const rotationSchema = z.object({
  rotationId: z.string(),
  activeKeyId: z.string(),
  status: z.enum(['running', 'finished']),
  total: z.number().int().meta({ description: 'applications when the rotation started' }),
  done: z.number().int(),
  rewrapped: z.number().int().meta({ description: 'data keys wrapped again by the active key' }),
  resealed: z
    .number()
    .int()
    .meta({ description: 'applications moved from v1 (a master key) to their own data key' }),
  skipped: z.number().int().meta({ description: 'erased, or unreadable (listed in the log)' }),
  startedBy: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  keysInUse: z.array(z.string()).meta({
    description: 'master keys still needed; once finished, any other configured key can be retired',
  }),
  retirableKeyIds: z.array(z.string()).meta({
    description: 'configured master keys nothing needs any more (only once finished)',
  }),
});

export const rotatePersonalData = defineRoute({
  operationId: 'rotatePersonalDataKeys',
  method: 'POST',
  path: '/v1/admin/personal-data/rotation',
  summary: 'Re-encrypt the next batch of sealed personal data under the active master key',
  description:
    'Admin role. Walks the applications in id order from where the running rotation stopped (its cursor is stored with each batch, in the batch transaction: a crash loses nothing and the next call resumes), wraps each data key again under the active key and moves v1 values onto a data key of their own; the answer is the progress. Starts a rotation when none is running (or the active key changed). Call until status is finished (the CLI does: personal-data rotate); then retirableKeyIds can leave APPLICATION_PII_KEYS. Each call is audited as personal-data.rotate; the same Idempotency-Key answers the first call.',
  tags: ['personal data'],
  role: 'admin',
  idempotencyKey: 'required',
  body: z
    .object({
      batchSize: z
        .number()
        .int()
        .min(1)
        .max(RotationBatchSizeMax)
        .optional()
        .meta({ description: `applications per call (default ${RotationBatchSizeDefault})` }),
    })
    .strict(),
  responses: {
    200: {
      description: 'the progress after this batch',
      body: rotationSchema,
      headers: ReplayedHeader,
    },
  },
  errors: { 409: ['ADMIN.IDEMPOTENCY_CONFLICT'] },
});

export const getRotation = defineRoute({
  operationId: 'getPersonalDataRotation',
  method: 'GET',
  path: '/v1/admin/personal-data/rotation',
  summary: 'The progress of the latest rotation, and the master keys still in use',
  tags: ['personal data'],
  role: 'admin',
  responses: { 200: { description: 'the latest rotation', body: rotationSchema } },
  errors: { 404: ['PERSONAL_DATA.NO_ROTATION'] },
});

export const personalDataRoutes = [
  getPersonalData,
  erasePersonalData,
  rotatePersonalData,
  getRotation,
];
