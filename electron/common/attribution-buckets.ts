// The attribution dimensions and their bucket edges: shared by the queries (main side) and the console's drill-down.
import { z } from 'zod';

export const DimensionSchema = z.enum([
  'account',
  'endpoint',
  'fireOffset',
  'latency',
  'outcome',
  'errorClass',
  'captchaConfidence',
  'retry',
  'node',
]);
export type Dimension = z.output<typeof DimensionSchema>;
export const DIMENSIONS = DimensionSchema.options;

/** Fire-offset buckets: 5 ms wide from −100 to +500 ms (send instant on the server clock − open instant). */
export const FIRE_BUCKET_MS = 5;
export const FIRE_RANGE_MS: readonly [number, number] = [-100, 500];
/** Latency bucket lower bounds (ms); the last is open-ended. */
export const LATENCY_EDGES = [0, 5, 10, 20, 50, 100, 200, 500, 1000, 3000] as const;
/** Captcha confidence buckets are tenths; retries from this number on share one bucket. */
export const RETRY_CAP = 10;

/** A node's name from the id the record keeps (`name-` and eight hex digits, ../cluster/cluster-membership.ts). */
export const nodeName = (nodeId: string): string => nodeId.replace(/-[0-9a-f]{8}$/, '');
