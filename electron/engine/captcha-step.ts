// Getting a captcha answered for one booking: fetch it from the target (inside its bucket), read it with the solver,
// and fetch another when the reading is not sure enough and the profile says to refetch. At most three tries.
import type { LocalClock } from '../clock';
import type { TargetProfile, TemplateContext } from '../targets';
import { renderRequest } from '../targets';
import { readAnswer, type Reader } from '../targets/answer-reader';
import type { CaptchaSampleSink, CaptchaSolver } from './captcha-solver';
import type { Endpoint } from './endpoint-pool';
import { exchange } from './http-exchange';
import type { AccountRun } from './account-run';

export interface CaptchaStepDeps {
  profile: TargetProfile;
  clock: LocalClock;
  solver: CaptchaSolver;
  /** Keeps each answered captcha as a labelled sample of the target (absent: none kept). */
  samples?: CaptchaSampleSink;
  campaignId: string;
  /** Waits for a request's turn in the target's budget (the captcha fetch has no account bucket of its own). */
  turn(signal: AbortSignal): Promise<void>;
  stopSignal: AbortSignal;
  abortSignal: AbortSignal;
  choose(): Endpoint | null;
  context(run: AccountRun): TemplateContext;
  stopped(run: AccountRun): boolean;
}

/** True when the account holds a captcha answer (or needs none); false when none could be had. */
export async function obtainCaptcha(run: AccountRun, deps: CaptchaStepDeps): Promise<boolean> {
  const captcha = deps.profile.captcha;
  if (!captcha || run.captcha) return true;
  if (captcha.requiredFor === 'none' || (captcha.requiredFor === 'when-asked' && !run.captchaAsked)) return true;
  for (let tries = 0; tries < 3 && !deps.stopped(run); tries += 1) {
    await deps.turn(deps.stopSignal);
    const endpoint = deps.choose();
    if (!endpoint) return false;
    const answer = await exchange(
      endpoint,
      renderRequest(captcha.fetch, deps.context(run)),
      deps.clock,
      deps.profile.limits.timeoutMs,
      deps.abortSignal,
    );
    if (answer.status !== 200) continue;
    const read = (reader: Reader | undefined): unknown => (reader ? readAnswer(reader, answer) : null);
    const image = read(captcha.image);
    const id = read(captcha.id);
    if (typeof image !== 'string' || typeof id !== 'string') continue;
    const debugAnswer = read(captcha.debugAnswer);
    try {
      const solution = await deps.solver.solve(
        {
          id,
          imageBase64: image,
          debugAnswer: typeof debugAnswer === 'string' ? debugAnswer : null,
          model: captcha.model,
          charset: captcha.charset ?? null,
          minConfidence: captcha.minConfidence,
          onLowConfidence: captcha.onLowConfidence,
          expiresAtMs: Date.now() + 60_000,
        },
        { campaignId: deps.campaignId, accountId: run.account.id, signal: deps.stopSignal },
      );
      if (
        solution.confidence !== null &&
        solution.confidence < captcha.minConfidence &&
        captcha.onLowConfidence === 'refetch'
      )
        continue;
      const sample =
        deps.samples?.answered({
          targetId: deps.profile.id,
          campaignId: deps.campaignId,
          imageBase64: image,
          answer: solution.answer,
          by: solution.by,
          model: captcha.model,
          confidence: solution.confidence,
        }) ?? null;
      run.captcha = { id, answer: solution.answer, confidence: solution.confidence, sample };
      return true;
    } catch {
      return false;
    }
  }
  return false;
}
