// The captcha room's tables: which model each target uses (over its profile's captcha.model), and the labelled
// samples its captchas leave behind. Images arrive sealed and leave sealed; counts and listings carry none.
import type Database from 'better-sqlite3';

export type CaptchaVerdict = 'unknown' | 'accepted' | 'rejected';

export interface NewCaptchaSample {
  targetId: string;
  imageSealed: Buffer;
  answer: string;
  answeredBy: 'operator' | 'model';
  model: string;
  confidence: number | null;
  verdict: CaptchaVerdict;
  campaignId: string | null;
}

export interface SealedCaptchaSample {
  id: number;
  imageSealed: Buffer;
  answer: string;
}

export interface CaptchaSampleCounts {
  /** Usable for training and not yet in a model: operator answers not rejected, model answers the target accepted. */
  waiting: number;
  /** Usable, all told (waiting and trained). */
  usable: number;
  /** The target rejected the answer: kept, never trained on. */
  rejected: number;
  total: number;
}

/** A sample a model may learn from: a person's answer the target did not reject, or a model's it accepted. */
const USABLE = `((answered_by = 'operator' AND verdict <> 'rejected') OR (answered_by = 'model' AND verdict = 'accepted'))`;

export class CaptchaRepository {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      setModel: db.prepare(`INSERT INTO target_captcha_models (target_id, model, set_at_ms) VALUES (?, ?, ?)
        ON CONFLICT (target_id) DO UPDATE SET model = excluded.model, set_at_ms = excluded.set_at_ms`),
      clearModel: db.prepare('DELETE FROM target_captcha_models WHERE target_id = ?'),
      modelFor: db.prepare('SELECT model FROM target_captcha_models WHERE target_id = ?'),
      models: db.prepare('SELECT target_id AS targetId, model FROM target_captcha_models'),
      insert: db.prepare(`INSERT INTO captcha_samples (target_id, image_sealed, answer, answered_by, model, confidence,
          verdict, campaign_id, created_at_ms)
        VALUES (@targetId, @imageSealed, @answer, @answeredBy, @model, @confidence, @verdict, @campaignId, @nowMs)`),
      verdict: db.prepare(`UPDATE captcha_samples SET verdict = ? WHERE id = ?`),
      counts: db.prepare(`SELECT count(*) AS total,
          coalesce(sum(${USABLE} AND trained_into IS NULL), 0) AS waiting,
          coalesce(sum(${USABLE}), 0) AS usable,
          coalesce(sum(verdict = 'rejected'), 0) AS rejected
        FROM captcha_samples WHERE target_id = ?`),
      usable: db.prepare(`SELECT id, image_sealed AS imageSealed, answer FROM captcha_samples
        WHERE target_id = ? AND ${USABLE} ORDER BY id`),
      trained: db.prepare(`UPDATE captcha_samples SET trained_into = ? WHERE id IN (SELECT value FROM json_each(?))`),
    };
  }

  setModel(targetId: string, model: string | null, nowMs: number): void {
    if (model === null) this.statements.clearModel.run(targetId);
    else this.statements.setModel.run(targetId, model, Math.round(nowMs));
  }

  /** The model the console chose for this target, or null (the profile's captcha.model then). */
  modelFor(targetId: string): string | null {
    return (this.statements.modelFor.get(targetId) as { model: string } | undefined)?.model ?? null;
  }

  chosenModels(): Map<string, string> {
    return new Map(
      (this.statements.models.all() as Array<{ targetId: string; model: string }>).map((row) => [
        row.targetId,
        row.model,
      ]),
    );
  }

  addSample(sample: NewCaptchaSample, nowMs: number): number {
    return Number(this.statements.insert.run({ ...sample, nowMs: Math.round(nowMs) }).lastInsertRowid);
  }

  setVerdict(id: number, verdict: CaptchaVerdict): void {
    this.statements.verdict.run(verdict, id);
  }

  counts(targetId: string): CaptchaSampleCounts {
    return this.statements.counts.get(targetId) as CaptchaSampleCounts;
  }

  usableSamples(targetId: string): SealedCaptchaSample[] {
    return this.statements.usable.all(targetId) as SealedCaptchaSample[];
  }

  markTrained(ids: number[], model: string): void {
    this.statements.trained.run(model, JSON.stringify(ids));
  }
}
