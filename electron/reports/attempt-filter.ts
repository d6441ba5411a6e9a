// Which of a campaign's attempts a table, a drill-down or an export shows: fixed SQL fragments with parameters.
import { z } from 'zod';
import { OutcomeSchema } from '../common/outcome';

export const AttemptFilterSchema = z
  .object({
    outcomes: z.array(OutcomeSchema).max(9).optional(),
    accountId: z.number().int().positive().optional(),
    endpoint: z.string().max(500).optional(),
    retry: z.number().int().min(0).optional(),
    errorCode: z.string().max(200).optional(),
    /** The cluster node that sent them; null: this machine. */
    nodeId: z.string().max(200).nullable().optional(),
    /** A bucket of a range dimension: [from, to) of the fire offset (ms from the open instant), latency or confidence. */
    range: z
      .object({
        field: z.enum(['fireOffset', 'latency', 'captchaConfidence']),
        from: z.number().optional(),
        to: z.number().optional(),
        isNull: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const RANGE_COLUMNS = {
  fireOffset: '(a.sent_server_ms - (SELECT open_at_server_ms FROM campaigns WHERE id = @campaignId))',
  latency: 'a.latency_ms',
  captchaConfidence: 'a.captcha_confidence',
} as const;

export type AttemptFilter = z.output<typeof AttemptFilterSchema>;

/** The WHERE clause after `a.campaign_id = @campaignId` (table alias `a`), and its parameters. */
export function filterSql(filter: AttemptFilter = {}): { sql: string; params: Record<string, unknown> } {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.outcomes && filter.outcomes.length > 0) {
    clauses.push('a.outcome IN (SELECT value FROM json_each(@outcomes))');
    params.outcomes = JSON.stringify(filter.outcomes);
  }
  if (filter.accountId !== undefined) {
    clauses.push('a.account_id = @accountId');
    params.accountId = filter.accountId;
  }
  if (filter.endpoint !== undefined) {
    clauses.push('a.endpoint = @endpoint');
    params.endpoint = filter.endpoint;
  }
  if (filter.retry !== undefined) {
    clauses.push('a.retry = @retry');
    params.retry = filter.retry;
  }
  if (filter.errorCode !== undefined) {
    clauses.push('coalesce(a.error_code, a.outcome) = @errorCode');
    params.errorCode = filter.errorCode;
  }
  if (filter.nodeId === null) clauses.push('a.node_id IS NULL');
  else if (filter.nodeId !== undefined) {
    clauses.push('a.node_id = @nodeId');
    params.nodeId = filter.nodeId;
  }
  if (filter.range) {
    const column = RANGE_COLUMNS[filter.range.field];
    if (filter.range.isNull) clauses.push(`${column} IS NULL`);
    if (filter.range.from !== undefined) {
      clauses.push(`${column} >= @rangeFrom`);
      params.rangeFrom = filter.range.from;
    }
    if (filter.range.to !== undefined) {
      clauses.push(`${column} < @rangeTo`);
      params.rangeTo = filter.range.to;
    }
  }
  return { sql: clauses.map((clause) => ` AND ${clause}`).join(''), params };
}
