// CSV downloads for the browser console (`tminus serve`): /download/attempts.csv, summary.csv, attribution.csv with
// `campaign`, optional `filter` (JSON) and `bom=1`. Bad parameters answer 400 naming the parameter.
import type { ServerResponse } from 'node:http';
import type Database from 'better-sqlite3';
import { TminusError } from '../errors';
import { AttemptFilterSchema, type AttemptFilter } from './attempt-filter';
import { campaignForExport, exportAttempts } from './attempts-export';
import { exportAttribution, exportSummary } from './summary-export';

const KINDS = new Set(['attempts', 'summary', 'attribution']);

export function csvDownloads(db: Database.Database) {
  return async (name: string, query: URLSearchParams, response: ServerResponse): Promise<boolean> => {
    const kind = name.replace(/\.csv$/, '');
    if (!KINDS.has(kind) || !name.endsWith('.csv')) return false;
    const refuse = (message: string): true => {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
      return true;
    };
    const campaignId = query.get('campaign') ?? '';
    let filter: AttemptFilter = {};
    try {
      campaignForExport(db, campaignId);
      if (query.get('filter')) filter = AttemptFilterSchema.parse(JSON.parse(query.get('filter')!));
    } catch (error) {
      if (error instanceof TminusError) return refuse(error.message);
      return refuse('filter: not a valid attempt filter');
    }
    const bom = query.get('bom') === '1';
    response.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="tminus-${kind}-${campaignId.slice(0, 8)}.csv"`,
      'cache-control': 'no-store',
    });
    try {
      if (kind === 'attempts') await exportAttempts(db, campaignId, response, { bom, filter });
      else if (kind === 'summary') await exportSummary(db, [campaignId], response, { bom });
      else await exportAttribution(db, campaignId, response, { bom });
    } catch {
      response.destroy();
    }
    return true;
  };
}
