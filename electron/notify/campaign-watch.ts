// Connects campaigns to their notifiers: the first success of a campaign and its end are sent to the notifiers the
// campaign chose (`notify` in its spec).
import type { EventBus } from '../ipc/event-bus';
import type { AttemptsRepository, CampaignRecord, CampaignsRepository } from '../store';
import type { NotifyService } from './notify-service';
import type { CampaignFacts } from './message';

const ENDED = new Set(['completed', 'cancelled', 'failed', 'interrupted']);

const notifierIds = (campaign: CampaignRecord): number[] => {
  const ids = (campaign.spec as { notify?: unknown }).notify;
  return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : [];
};

export function watchCampaigns(deps: {
  bus: EventBus;
  notify: NotifyService;
  campaigns: CampaignsRepository;
  attempts: AttemptsRepository;
  accountName: (accountId: number) => string | null;
}): () => void {
  const announced = new Set<string>();
  const facts = (campaign: CampaignRecord, extra: Partial<CampaignFacts> = {}): CampaignFacts => ({
    id: campaign.id,
    name: campaign.name,
    item: campaign.itemId,
    state: campaign.state,
    successes: deps.attempts.successes(campaign.id).accounts,
    attempts: deps.attempts.count(campaign.id),
    ...extra,
  });
  const offSuccess = deps.bus.on('attempt/recorded', (event) => {
    if (event.outcome !== 'success' || announced.has(event.campaignId)) return;
    announced.add(event.campaignId);
    const campaign = deps.campaigns.get(event.campaignId);
    if (!campaign || notifierIds(campaign).length === 0) return;
    const account = deps.accountName(event.accountId) ?? undefined;
    void deps.notify.notify(notifierIds(campaign), 'first-success', facts(campaign, { account }));
  });
  const offEnd = deps.bus.on('campaign/state', (event) => {
    if (!ENDED.has(event.state)) return;
    announced.delete(event.campaignId);
    const campaign = deps.campaigns.get(event.campaignId);
    if (!campaign || notifierIds(campaign).length === 0) return;
    void deps.notify.notify(notifierIds(campaign), 'campaign-end', facts(campaign, { state: event.state }));
  });
  return () => {
    offSuccess();
    offEnd();
  };
}
