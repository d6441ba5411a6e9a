// The `campaigns/*`, `attempts/*` and `captcha/answer` calls.
import type { Handlers, HandlersFor } from '../ipc/router';
import type { CampaignRecord, AttemptsRepository, IntentCounts } from '../store';
import type { EngineService } from './engine-service';
import type { OperatorCaptchaSolver } from './captcha-solver';

export const campaignView = (campaign: CampaignRecord, intents: IntentCounts) => ({
  id: campaign.id,
  name: campaign.name,
  targetId: campaign.targetId,
  itemId: campaign.itemId,
  openAtServerMs: campaign.openAtServerMs,
  timeZone: campaign.timeZone,
  state: campaign.state,
  spec: campaign.spec,
  summary: campaign.summary,
  observedOpenAtServerMs: campaign.observedOpenAtServerMs,
  createdAtMs: campaign.createdAtMs,
  errorMessage: campaign.errorMessage,
  cluster: campaign.cluster,
  intents,
});

export function engineHandlers(
  engine: EngineService,
  attempts: AttemptsRepository,
  operator: OperatorCaptchaSolver,
): Omit<HandlersFor<'campaigns' | 'attempts'>, 'campaigns/accounts' | 'attempts/query'> &
  Pick<Handlers, 'captcha/answer'> {
  const view = (campaign: CampaignRecord) => campaignView(campaign, engine.intentCounts(campaign.id));
  return {
    'campaigns/create': (spec) => view(engine.create(spec)),
    'campaigns/update': ({ id, spec }) => view(engine.update(id, spec)),
    'campaigns/list': () => engine.list().map(view),
    'campaigns/get': ({ id }) => view(engine.get(id)),
    'campaigns/arm': ({ id }) => view(engine.arm(id).campaign),
    'campaigns/cancel': async ({ id }) => view(await engine.cancel(id)),
    'campaigns/reconcile': ({ id }) => engine.reconcile(id),
    'campaigns/readiness': ({ id }) => engine.readiness(id),
    'attempts/list': ({ campaignId, offset, limit }) => {
      engine.get(campaignId);
      return {
        total: attempts.count(campaignId),
        attempts: attempts.page(campaignId, limit, offset).map((attempt) => ({ ...attempt, id: attempt.id! })),
      };
    },
    'captcha/answer': ({ requestId, answer }) => ({ accepted: operator.answer(requestId, answer) }),
  };
}
