// The captcha room's learning loop, per target: every captcha the operator answers, and every one the target then
// accepts or rejects, is kept as a labelled sample (image sealed in the data dir); the console shows how many wait
// and fine-tunes the target's model from them in the background, then compares the new model with the old on the
// held-out share and switches the target only when the new one reads it at least as well.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptchaRepository, TargetsRepository } from '../store';
import type { SecretBox } from '../secrets';
import type { LocalClock } from '../clock';
import type { CaptchaSampleSink } from '../engine/captcha-solver';
import { TminusError } from '../errors';
import { parseProfile } from '../targets';
import type { CaptchaService } from './captcha-service';
import { findModels } from './captcha-service';
import { fineTune, type FineTuneResult } from './fine-tune-run';

/** Model answers wait in memory for the target's verdict; past this many the oldest are dropped. */
const MAX_AWAITING_VERDICT = 5_000;
/** Fewer usable samples than this and a fine-tune is refused (the held-out share would say nothing). */
export const MIN_SAMPLES_TO_TRAIN = 20;

export interface TrainingProgress {
  targetId: string;
  state: 'running' | 'switched' | 'kept' | 'failed';
  stage: string;
  line: string | null;
  /** The result: both models on the held-out share. */
  baseAccuracy: number | null;
  tunedAccuracy: number | null;
  model: string | null;
  message: string | null;
}

export interface LearningServiceOptions {
  repository: CaptchaRepository;
  targets: TargetsRepository;
  secrets: SecretBox;
  clock: LocalClock;
  captcha: CaptchaService;
  modelDirs: string[];
  /** Where fine-tuned models are written (<data dir>/models). */
  outDir: string;
  onProgress?: (progress: TrainingProgress) => void;
}

export class CaptchaLearningService implements CaptchaSampleSink {
  private readonly awaiting = new Map<number, Parameters<CaptchaSampleSink['answered']>[0]>();
  private nextHandle = -1;
  private readonly training = new Map<string, Promise<TrainingProgress>>();
  private readonly last = new Map<string, TrainingProgress>();

  constructor(private readonly options: LearningServiceOptions) {}

  /** An operator's answer is kept at once; a model's waits for the target's verdict (only then is it a label). */
  answered(sample: Parameters<CaptchaSampleSink['answered']>[0]): number | null {
    if (sample.by === 'debug') return null;
    if (sample.by === 'operator') return this.store(sample, 'unknown');
    const handle = this.nextHandle--;
    this.awaiting.set(handle, sample);
    if (this.awaiting.size > MAX_AWAITING_VERDICT) this.awaiting.delete(this.awaiting.keys().next().value!);
    return handle;
  }

  verdict(handle: number, verdict: 'accepted' | 'rejected'): void {
    if (handle > 0) return this.options.repository.setVerdict(handle, verdict);
    const sample = this.awaiting.get(handle);
    if (!sample) return;
    this.awaiting.delete(handle);
    this.store(sample, verdict);
  }

  private store(
    sample: Parameters<CaptchaSampleSink['answered']>[0],
    verdict: 'unknown' | 'accepted' | 'rejected',
  ): number {
    return this.options.repository.addSample(
      {
        targetId: sample.targetId,
        imageSealed: this.options.secrets.seal(sample.imageBase64), // the image as base64 text
        answer: sample.answer,
        answeredBy: sample.by === 'operator' ? 'operator' : 'model',
        model: sample.model,
        confidence: sample.confidence,
        verdict,
        campaignId: sample.campaignId,
      },
      this.options.clock.nowMs(),
    );
  }

  counts(targetId: string) {
    return this.options.repository.counts(targetId);
  }

  /** The model the console chose for this target, or null. */
  chosenModel(targetId: string): string | null {
    return this.options.repository.modelFor(targetId);
  }

  /** The model that reads this target's captchas: the console's choice, else the profile's captcha.model. */
  modelFor(targetId: string): string | null {
    const chosen = this.options.repository.modelFor(targetId);
    if (chosen) return chosen;
    const target = this.options.targets.get(targetId);
    if (!target) return null;
    try {
      return parseProfile(target.profileText, `target ${targetId}`).captcha?.model ?? null;
    } catch {
      return null;
    }
  }

  /** Switches a target to a model (one action); null goes back to the profile's. */
  setModel(targetId: string, model: string | null): void {
    if (!this.options.targets.get(targetId)) throw new TminusError('TARGET_UNKNOWN', `unknown target '${targetId}'`);
    if (model !== null && !findModels(this.options.modelDirs).some((found) => found.name === model))
      throw new TminusError('CAPTCHA_MODEL_INVALID', `no captcha model '${model}'`);
    this.options.repository.setModel(targetId, model, this.options.clock.nowMs());
  }

  lastTraining(targetId: string): TrainingProgress | null {
    return this.last.get(targetId) ?? null;
  }

  /** Starts fine-tuning the target's model from its samples, in the background; progress arrives by onProgress. */
  startFineTune(targetId: string, minutes = 10): { started: boolean } {
    if (this.training.has(targetId)) return { started: false };
    const base = this.modelFor(targetId);
    if (!base) throw new TminusError('CAPTCHA_MODEL_INVALID', `target ${targetId} reads no captcha (no model)`);
    const basePath = findModels(this.options.modelDirs).find((model) => model.name === base)?.path;
    if (!basePath) throw new TminusError('CAPTCHA_MODEL_INVALID', `no captcha model '${base}'`);
    const samples = this.options.repository.usableSamples(targetId);
    if (samples.length < MIN_SAMPLES_TO_TRAIN)
      throw new TminusError(
        'CAPTCHA_MODEL_INVALID',
        `${samples.length} labelled captchas kept for ${targetId}; fine-tuning needs at least ${MIN_SAMPLES_TO_TRAIN}`,
      );
    const job = this.runFineTune(targetId, base, basePath, samples, minutes);
    this.training.set(targetId, job);
    void job.finally(() => this.training.delete(targetId));
    return { started: true };
  }

  /** Resolves when the target's fine-tune in progress (if any) ends. */
  async waitForTraining(targetId: string): Promise<TrainingProgress | null> {
    return (await this.training.get(targetId)) ?? this.lastTraining(targetId);
  }

  private async runFineTune(
    targetId: string,
    base: string,
    basePath: string,
    samples: ReturnType<CaptchaRepository['usableSamples']>,
    minutes: number,
  ): Promise<TrainingProgress> {
    const report = (progress: Omit<TrainingProgress, 'targetId'>): TrainingProgress => {
      const full = { targetId, ...progress };
      this.last.set(targetId, full);
      this.options.onProgress?.(full);
      return full;
    };
    const running = (stage: string, line: string | null = null): TrainingProgress =>
      report({ state: 'running', stage, line, baseAccuracy: null, tunedAccuracy: null, model: null, message: null });
    running('writing the samples');
    // Opened only into a private temp folder for the trainer, removed when it ends.
    const work = mkdtempSync(join(tmpdir(), 'tminus-learn-'));
    const name = `${targetId.replace(/_/g, '-')}-${new Date(this.options.clock.nowMs()).toISOString().replace(/\D/g, '').slice(0, 14)}`;
    try {
      const files = samples.map((sample, index) => {
        const file = join(work, `${index}.png`);
        writeFileSync(file, Buffer.from(this.options.secrets.open(sample.imageSealed), 'base64'));
        return { file, label: sample.answer };
      });
      let stage = 'training';
      const result: FineTuneResult = await fineTune({
        samples: files,
        baseModelPath: basePath,
        name,
        outDir: this.options.outDir,
        minutes,
        epochs: 40,
        source: `${samples.length} captchas of target ${targetId} (operator answers and answers the target accepted)`,
        onStage: (next) => {
          stage = next;
          running(next);
        },
        onLine: (line) => {
          if (/^epoch \d+:/.test(line)) running(stage, line);
        },
      });
      this.options.repository.markTrained(
        samples.map((sample) => sample.id),
        name,
      );
      const baseAccuracy = result.heldOut.base.sequenceAccuracy;
      const tunedAccuracy = result.heldOut.tuned.sequenceAccuracy;
      await this.options.captcha.reload();
      if (tunedAccuracy >= baseAccuracy) {
        this.options.repository.setModel(targetId, name, this.options.clock.nowMs());
        return report({
          state: 'switched',
          stage: 'done',
          line: null,
          baseAccuracy,
          tunedAccuracy,
          model: name,
          message: `${name} reads ${pct(tunedAccuracy)} of the held-out share (${base}: ${pct(baseAccuracy)}); ${targetId} now uses it`,
        });
      }
      return report({
        state: 'kept',
        stage: 'done',
        line: null,
        baseAccuracy,
        tunedAccuracy,
        model: name,
        message: `${name} reads ${pct(tunedAccuracy)} of the held-out share, below ${base} (${pct(baseAccuracy)}); ${targetId} keeps ${base}`,
      });
    } catch (error) {
      return report({
        state: 'failed',
        stage: 'done',
        line: null,
        baseAccuracy: null,
        tunedAccuracy: null,
        model: null,
        message: (error as Error).message,
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
