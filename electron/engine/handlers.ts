// The `campaigns/*`, `attempts/*` and `captcha/answer` calls.
import type { Handlers, HandlersFor } from '../ipc/router';
import type { CampaignRecord, AttemptsRepository } from '../store';
import type { EngineService } from './engine-service';
import type { OperatorCaptchaSolver } from './captcha-solver';

export const campaignView = (campaign: CampaignRecord) => ({
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
});

export function engineHandlers(
  engine: EngineService,
  attempts: AttemptsRepository,
  operator: OperatorCaptchaSolver,
): Omit<HandlersFor<'campaigns' | 'attempts'>, 'campaigns/accounts' | 'attempts/query'> &
  Pick<Handlers, 'captcha/answer'> {
  return {
    'campaigns/create': (spec) => campaignView(engine.create(spec)),
    'campaigns/update': ({ id, spec }) => campaignView(engine.update(id, spec)),
    'campaigns/list': () => engine.list().map(campaignView),
    'campaigns/get': ({ id }) => campaignView(engine.get(id)),
    'campaigns/arm': ({ id }) => campaignView(engine.arm(id).campaign),
    'campaigns/cancel': async ({ id }) => campaignView(await engine.cancel(id)),
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
