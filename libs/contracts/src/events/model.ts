import { z } from 'zod';
import { defineEvent } from '../catalog';
import { Topics } from '../topics';

// model.events: model.deployed (scoring); keyed by model version.

export const ModelDeployedV1 = defineEvent({
  type: 'model.deployed',
  version: 1,
  topic: Topics.modelEvents,
  schema: z
    .object({
      /** The scorecard's version, e.g. scorecard-v1: decisions name it. */
      modelVersion: z.string().regex(/^scorecard-v\d+$/),
      /** The SHA-256 of the file it was trained on: a retrained artifact is another deployment. */
      trainedOnSha256: z.string().regex(/^[0-9a-f]{64}$/),
      /**
       * The training sample's scores, binned: bin i holds [edges[i−1], edges[i]), the first open
       * below, the last above; what live scores are compared with (population stability).
       */
      referenceScores: z
        .object({
          population: z.string().min(1),
          edges: z.array(z.number().int()).min(1),
          counts: z.array(z.number().int().nonnegative()),
        })
        .strict()
        .refine((r) => r.counts.length === r.edges.length + 1, {
          message: 'one count per bin: edges.length + 1',
          path: ['counts'],
        }),
    })
    .strict(),
});
export type ModelDeployedV1Payload = z.infer<typeof ModelDeployedV1.schema>;
