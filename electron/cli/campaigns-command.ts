// `tminus campaigns list|show`: the campaigns in this data dir, newest first, by short id (the first 8 characters;
// any unique prefix of at least 4 works wherever a campaign id is taken). Instants in the campaign's time zone.
import type { Command } from 'commander';
import { openApp } from './open-app';
import { formatInZone } from '../reports';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { parsePositiveInt } from './parse';
import type { CampaignRecord } from '../store';
import { table } from './table';

export const shortId = (id: string): string => id.slice(0, 8);

const when = (ms: number | null, zone: string): string => (ms === null ? '—' : formatInZone(ms, zone));

function booked(campaign: CampaignRecord): string {
  const summary = campaign.summary as { successes?: number; accounts?: number } | null;
  return summary && typeof summary.successes === 'number' ? String(summary.successes) : '—';
}

export function registerCampaignsCommand(program: Command): void {
  const campaigns = program.command('campaigns').description('the campaigns in this data dir: list, show');
  campaigns
    .command('list')
    .description('campaigns, newest open instant first, by short id')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 50)
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: { limit: number; json?: boolean }, command: Command) => {
      const app = await openApp({ dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()) });
      try {
        const list = app.engine.list().slice(0, flags.limit);
        if (flags.json) {
          console.log(
            JSON.stringify(
              list.map(({ spec: _spec, summary: _summary, ...campaign }) => campaign),
              null,
              2,
            ),
          );
          return;
        }
        if (list.length === 0) {
          console.log('no campaigns yet (tminus run CAMPAIGN.yaml, or the console)');
          return;
        }
        console.log(
          table(
            ['ID', 'STATE', 'OPENS (target zone)', 'TARGET', 'ITEM', 'BOOKED', 'NAME'],
            list.map((campaign) => [
              shortId(campaign.id),
              campaign.state,
              `${when(campaign.openAtServerMs, campaign.timeZone)} ${campaign.timeZone}`,
              campaign.targetId,
              campaign.itemId,
              booked(campaign),
              campaign.name,
            ]),
          ),
        );
      } finally {
        await app.close();
      }
    });
  campaigns
    .command('show <id>')
    .description('one campaign: its definition, state, record and summary (id or a unique prefix of it)')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, command: Command) => {
      const app = await openApp({ dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()) });
      try {
        const campaign = app.engine.get(id);
        const intents = app.engine.intentCounts(campaign.id);
        if (flags.json) {
          console.log(JSON.stringify({ ...campaign, intents }, null, 2));
          return;
        }
        const zone = campaign.timeZone;
        const rows: Array<[string, string]> = [
          ['id', campaign.id],
          ['name', campaign.name],
          ['state', campaign.state + (campaign.errorMessage ? ` — ${campaign.errorMessage}` : '')],
          ['target / item', `${campaign.targetId} / ${campaign.itemId}`],
          ['opens', `${when(campaign.openAtServerMs, zone)} (${zone}, server time)`],
          ['observed open', when(campaign.observedOpenAtServerMs, zone)],
          ['armed (this machine)', when(campaign.armedAtMs, zone)],
          ['ended (this machine)', when(campaign.endedAtMs, zone)],
          ['booked', booked(campaign)],
          [
            'record',
            Object.entries(intents)
              .map(([state, n]) => `${state} ${n}`)
              .join(', ') || '—',
          ],
        ];
        console.log(table(['FIELD', 'VALUE'], rows));
      } finally {
        await app.close();
      }
    });
}
