// From an attribution bucket to the filter that shows the attempts behind it.
import type { AttributionRowWire, DimensionWire } from '../../../../electron/ipc/contract';
import type { AttemptFilter } from '../../stores/reports-store';
import { FIRE_BUCKET_MS, FIRE_RANGE_MS, LATENCY_EDGES } from '../../../../electron/common/attribution-buckets';

export function drillFilter(dimension: DimensionWire, row: AttributionRowWire): AttemptFilter {
  const key = row.key;
  switch (dimension) {
    case 'account':
      return { accountId: key as number };
    case 'endpoint':
      return { endpoint: key as string };
    case 'outcome':
      return { outcomes: [key as 'success'] };
    case 'errorClass':
      return { errorCode: key as string };
    case 'retry':
      return { retry: key as number };
    case 'node':
      return { nodeId: key as string | null };
    case 'fireOffset': {
      const from = key as number;
      if (from < FIRE_RANGE_MS[0]) return { range: { field: 'fireOffset', to: FIRE_RANGE_MS[0] } };
      if (from >= FIRE_RANGE_MS[1]) return { range: { field: 'fireOffset', from: FIRE_RANGE_MS[1] } };
      return { range: { field: 'fireOffset', from, to: from + FIRE_BUCKET_MS } };
    }
    case 'latency': {
      if (key === null) return { range: { field: 'latency', isNull: true } };
      const next = LATENCY_EDGES[LATENCY_EDGES.indexOf(key as (typeof LATENCY_EDGES)[number]) + 1];
      return { range: { field: 'latency', from: key as number, ...(next !== undefined ? { to: next } : {}) } };
    }
    case 'captchaConfidence':
      if (key === null) return { range: { field: 'captchaConfidence', isNull: true } };
      return {
        range: {
          field: 'captchaConfidence',
          from: key as number,
          ...((key as number) < 0.9 ? { to: (key as number) + 0.1 } : {}),
        },
      };
  }
}
