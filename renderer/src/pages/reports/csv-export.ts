// CSV exports from the console: a download from `tminus serve`, a save dialog in the desktop app.
import type { AttemptFilter } from '../../stores/reports-store';
import { api, serveToken } from '../../api';

export async function exportCsv(
  kind: 'attempts' | 'summary' | 'attribution',
  campaignId: string,
  filter: AttemptFilter,
  bom: boolean,
): Promise<string | null> {
  const token = serveToken();
  if (token === null) {
    const saved = await api.invoke('reports/save-csv', { kind, campaignId, filter, bom });
    return saved.path;
  }
  const query = new URLSearchParams({ campaign: campaignId, token, ...(bom ? { bom: '1' } : {}) });
  if (Object.keys(filter).length > 0) query.set('filter', JSON.stringify(filter));
  const link = document.createElement('a');
  link.href = `/download/${kind}.csv?${query.toString()}`;
  link.download = `tminus-${kind}-${campaignId.slice(0, 8)}.csv`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  return link.download;
}
