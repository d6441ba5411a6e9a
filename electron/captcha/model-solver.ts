// The engine's CaptchaSolver backed by the model: reads the image in the worker; below the profile's minimum
// confidence the engine refetches (its default) or, when the profile says so, the operator answers.
import type { CaptchaChallenge, CaptchaSolution, CaptchaSolver, CaptchaTarget } from '../engine/captcha-solver';
import type { CaptchaService } from './captcha-service';

export class ModelCaptchaSolver implements CaptchaSolver {
  constructor(
    private readonly service: CaptchaService,
    private readonly operator: CaptchaSolver,
  ) {}

  async warm(target?: CaptchaTarget): Promise<void> {
    await this.service.start().catch(() => undefined); // without a model, the operator answers
    if (target?.charset) this.service.checkCharset(target.model, target.charset); // throws, naming captcha.charset
  }

  async solve(
    challenge: CaptchaChallenge,
    context: { campaignId: string; accountId: number; signal?: AbortSignal },
  ): Promise<CaptchaSolution> {
    let reading;
    try {
      reading = await this.service.read(
        challenge.model,
        Buffer.from(challenge.imageBase64, 'base64'),
        challenge.charset ?? undefined,
      );
    } catch {
      return this.operator.solve(challenge, context); // no model for it, or the image cannot be read: a person can
    }
    if (reading.confidence < challenge.minConfidence && challenge.onLowConfidence === 'operator') {
      return this.operator.solve(challenge, context);
    }
    return { answer: reading.text, confidence: reading.confidence, by: 'model' };
  }
}
