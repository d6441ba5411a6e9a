// The `reports/*`, `attempts/query` and `campaigns/accounts` calls: what the console's campaign, attribution and
// attempts views read.
import type Database from 'better-sqlite3';
import type { Handlers } from '../ipc/router';
import { TminusError } from '../errors';
import { AttributionQueries } from './attribution';
import { campaignAccounts, openHistory, queryAttempts } from './attempts-query';
import { campaignForExport, exportAttempts } from './attempts-export';
import { exportAttribution, exportSummary } from './summary-export';
import { writeFileAtomically } from './write-file';

type ReportCalls =
  'reports/attribution' | 'reports/open-history' | 'reports/save-csv' | 'attempts/query' | 'campaigns/accounts';

export function reportHandlers(
  db: Database.Database,
  /** The desktop app asks where to save; elsewhere (the browser console) files are downloads instead. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>,
): Pick<Handlers, ReportCalls> {
  const attribution = new AttributionQueries(db);
  return {
    'reports/attribution': ({ campaignId, dimension }) => {
      campaignForExport(db, campaignId);
      return { rows: attribution.by(campaignId, dimension) };
    },
    'reports/open-history': ({ targetId }) => openHistory(db, targetId),
    'attempts/query': (input) => {
      campaignForExport(db, input.campaignId);
      return queryAttempts(db, input);
    },
    'campaigns/accounts': ({ id }) => {
      campaignForExport(db, id);
      return campaignAccounts(db, id);
    },
    'reports/save-csv': async ({ kind, campaignId, filter, bom }) => {
      campaignForExport(db, campaignId);
      if (!chooseSavePath)
        throw new TminusError('EXPORT_FAILED', 'saving to a file is for the desktop app: the console downloads it');
      const path = await chooseSavePath(`tminus-${kind}-${campaignId.slice(0, 8)}.csv`);
      if (!path) return { path: null, rows: 0 };
      const rows = await writeFileAtomically(path, (stream) =>
        kind === 'attempts'
          ? exportAttempts(db, campaignId, stream, { bom, filter })
          : kind === 'summary'
            ? exportSummary(db, [campaignId], stream, { bom })
            : exportAttribution(db, campaignId, stream, { bom }),
      );
      return { path, rows };
    },
  };
}
