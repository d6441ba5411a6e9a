// How the engine gets a captcha answered. The captcha room brings the model; until then, and whenever the model is
// not sure enough, the operator answers (`captcha/needed` event → `captcha/answer` call). The simulator's debug
// answer serves tests and benchmarks only.
import { randomUUID } from 'node:crypto';
import type { EventBus } from '../ipc/event-bus';
import { TminusError } from '../errors';

export interface CaptchaChallenge {
  id: string;
  imageBase64: string;
  debugAnswer: string | null;
  model: string;
  /** The characters the target's captchas use (the profile's `captcha.charset`); null: all the model knows. */
  charset: string | null;
  minConfidence: number;
  /** What the profile wants when the model is not sure enough. */
  onLowConfidence: 'refetch' | 'operator';
  expiresAtMs: number;
}

/** What a campaign's profile says about reading its captchas. */
export interface CaptchaTarget {
  model: string;
  charset: string | null;
}

export interface CaptchaSolution {
  answer: string;
  confidence: number | null;
  by: 'model' | 'operator' | 'debug';
}

/**
 * Where answered captchas go to become labelled samples of their target (the captcha room keeps them). `answered`
 * returns a handle for the verdict the target gives when the booking that carried the answer is judged.
 */
export interface CaptchaSampleSink {
  answered(sample: {
    targetId: string;
    campaignId: string;
    imageBase64: string;
    answer: string;
    by: CaptchaSolution['by'];
    model: string;
    confidence: number | null;
  }): number | null;
  verdict(handle: number, verdict: 'accepted' | 'rejected'): void;
}

/** What a booking's outcome says of the captcha it carried; null: it says nothing (not open yet, told to wait…). */
export function captchaVerdict(outcome: string): 'accepted' | 'rejected' | null {
  if (outcome === 'captchaRejected') return 'rejected';
  if (outcome === 'success' || outcome === 'alreadyBooked' || outcome === 'pending') return 'accepted';
  return null;
}

export interface CaptchaSolver {
  /**
   * Gets ready (loads a model) while arming, so that nothing loads at the open instant; a target whose captcha section
   * the solver cannot honour (a declared charset its model cannot read) fails here, before anything is sent.
   */
  warm?(target?: CaptchaTarget): Promise<void>;
  solve(
    challenge: CaptchaChallenge,
    context: { campaignId: string; accountId: number; signal?: AbortSignal },
  ): Promise<CaptchaSolution>;
}

export class OperatorCaptchaSolver implements CaptchaSolver {
  private readonly waiting = new Map<string, { resolve: (answer: string) => void; reject: (error: Error) => void }>();

  constructor(private readonly bus: EventBus) {}

  solve(
    challenge: CaptchaChallenge,
    context: { campaignId: string; accountId: number; signal?: AbortSignal },
  ): Promise<CaptchaSolution> {
    const requestId = randomUUID();
    return new Promise<CaptchaSolution>((resolve, reject) => {
      const timeout = setTimeout(
        () => finish(new TminusError('CAPTCHA_UNANSWERED', 'the captcha expired before it was answered')),
        Math.max(1, challenge.expiresAtMs - Date.now()),
      );
      const onAbort = (): void => finish(new TminusError('CAPTCHA_UNANSWERED', 'the campaign stopped'));
      const finish = (error: Error | null, answer?: string): void => {
        clearTimeout(timeout);
        context.signal?.removeEventListener('abort', onAbort);
        this.waiting.delete(requestId);
        if (error) reject(error);
        else resolve({ answer: answer!, confidence: null, by: 'operator' });
      };
      context.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(requestId, { resolve: (answer) => finish(null, answer), reject: (error) => finish(error) });
      this.bus.emit('captcha/needed', {
        requestId,
        campaignId: context.campaignId,
        accountId: context.accountId,
        imageBase64: challenge.imageBase64,
        expiresAtMs: challenge.expiresAtMs,
      });
    });
  }

  answer(requestId: string, answer: string): boolean {
    const waiting = this.waiting.get(requestId);
    if (!waiting) return false;
    waiting.resolve(answer);
    return true;
  }

  pending(): number {
    return this.waiting.size;
  }
}

/** Tests and benchmarks: the simulator's revealed answer when there is one, otherwise the fallback. */
export class DebugAnswerSolver implements CaptchaSolver {
  constructor(private readonly fallback: CaptchaSolver) {}

  warm(target?: CaptchaTarget): Promise<void> {
    return this.fallback.warm?.(target) ?? Promise.resolve();
  }

  solve(
    challenge: CaptchaChallenge,
    context: { campaignId: string; accountId: number; signal?: AbortSignal },
  ): Promise<CaptchaSolution> {
    if (challenge.debugAnswer) return Promise.resolve({ answer: challenge.debugAnswer, confidence: 1, by: 'debug' });
    return this.fallback.solve(challenge, context);
  }
}
