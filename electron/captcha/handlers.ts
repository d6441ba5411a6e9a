// The `captcha/*` calls of the captcha panel: models and their cards, which target uses which, switching one, and
// the learning loop's fine-tune. (`captcha/answer`, the operator's answer, belongs to the engine.)
import { resolve } from 'node:path';
import type { Handlers } from '../ipc/router';
import type { TargetsRepository } from '../store';
import { findModels } from './captcha-service';
import type { CaptchaLearningService } from './learning-service';

export interface CaptchaHandlerDeps {
  learning: CaptchaLearningService;
  targets: TargetsRepository;
  modelDirs: string[];
  /** Models here are shipped (the rest are the operator's). */
  shippedDir: string;
}

type CaptchaCalls = Pick<Handlers, 'captcha/models' | 'captcha/set-model' | 'captcha/fine-tune'>;

export function captchaHandlers({ learning, targets, modelDirs, shippedDir }: CaptchaHandlerDeps): CaptchaCalls {
  const targetView = (targetId: string, name: string) => {
    const model = learning.modelFor(targetId);
    return {
      targetId,
      name,
      model,
      chosen: model !== null && learning.chosenModel(targetId) === model,
      samples: learning.counts(targetId),
      training: learning.lastTraining(targetId),
    };
  };
  return {
    'captcha/models': () => {
      const views = targets.list().map((target) => targetView(target.id, target.name));
      const models = findModels(modelDirs).map(({ name, path, card }) => ({
        name,
        shipped: resolve(path).startsWith(resolve(shippedDir)),
        charset: card.charset,
        caseInsensitive: card.caseInsensitive,
        input: { height: card.input.height, width: card.input.width },
        accuracy: card.accuracy?.sequence ?? null,
        perStyle: card.accuracy?.perStyle ?? {},
        training: card.training ?? {},
        createdAt: card.createdAt ?? null,
        usedBy: views.filter((view) => view.model === name).map((view) => view.targetId),
      }));
      return { models, targets: views };
    },
    'captcha/set-model': ({ targetId, model }) => {
      learning.setModel(targetId, model);
      return targetView(targetId, targets.get(targetId)!.name);
    },
    'captcha/fine-tune': ({ targetId, minutes }) => learning.startFineTune(targetId, minutes),
  };
}
