// The captcha learning loop: answered captchas kept as labelled samples of their target (images sealed), judged by
// the target's answer, fine-tuned into a new model that replaces the old only when it reads the held-out share at
// least as well; and switching a target's model in one call.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineFixture, type EngineFixture } from '../../helpers/engine-fixture';
import { renderCaptcha } from '../../../electron/sim/captcha-style';

let fixture: EngineFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const torchMissing =
  spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { encoding: 'utf8' }).status === 0
    ? null
    : "Debian's python3-torch and python3-onnx are not installed for /usr/bin/python3";

const sample = (by: 'operator' | 'model', answer: string, imageBase64 = 'iVBORw0KGgo=') => ({
  targetId: 'simulator',
  campaignId: 'c1',
  imageBase64,
  answer,
  by,
  model: 'captcha-sim',
  confidence: by === 'model' ? 0.97 : null,
});

describe('captcha samples', () => {
  it("keeps an operator's answer at once and a model's only once the target judged it; trains on neither rejected", () => {
    fixture = createEngineFixture();
    const { learning } = fixture.app;
    const operatorAccepted = learning.answered(sample('operator', 'AB3K'))!;
    const operatorRejected = learning.answered(sample('operator', 'XXXX'))!;
    const operatorUnjudged = learning.answered(sample('operator', 'CD4M'));
    const modelAccepted = learning.answered(sample('model', 'EF5N'))!;
    const modelRejected = learning.answered(sample('model', 'GH6P'))!;
    learning.answered(sample('model', 'JK7Q')); // never judged: no label, never kept
    expect(operatorUnjudged).toBeGreaterThan(0);
    expect(learning.answered({ ...sample('model', 'ZZZZ'), by: 'debug' })).toBeNull(); // the simulator's own answer
    learning.verdict(operatorAccepted, 'accepted');
    learning.verdict(operatorRejected, 'rejected');
    learning.verdict(modelAccepted, 'accepted');
    learning.verdict(modelRejected, 'rejected');
    expect(learning.counts('simulator')).toEqual({ waiting: 3, usable: 3, rejected: 2, total: 5 });
    const rows = fixture.app.store.db
      .prepare('SELECT answer, answered_by AS by, verdict, image_sealed AS image FROM captcha_samples ORDER BY id')
      .all() as Array<{ answer: string; by: string; verdict: string; image: Buffer }>;
    expect(rows.map(({ answer, by, verdict }) => `${answer}/${by}/${verdict}`)).toEqual([
      'AB3K/operator/accepted',
      'XXXX/operator/rejected',
      'CD4M/operator/unknown',
      'EF5N/model/accepted',
      'GH6P/model/rejected',
    ]);
    for (const row of rows) expect(row.image.includes(Buffer.from('iVBORw0KGgo='))).toBe(false); // sealed
  });

  it('records the target’s verdict on each captcha the model read in a campaign', async () => {
    fixture = createEngineFixture({ debugCaptchaAnswers: false });
    await fixture.start(
      {
        captcha: { mode: 'book' },
        accounts: { count: 4 },
        items: [{ id: 'T1', name: 'T', stock: 4, opensAt: 'in 3s' }],
      },
      4,
    );
    const summary = await fixture.run({ item: 'T1', accounts: { count: 4 } });
    expect(summary.successes).toBe(4);
    const counts = fixture.app.learning.counts('simulator');
    // Every booking that went through carried a model answer the target accepted.
    expect(counts.usable).toBeGreaterThanOrEqual(4);
    const byVerdict = fixture.app.store.db
      .prepare("SELECT count(*) AS n FROM captcha_samples WHERE answered_by = 'model' AND verdict = 'accepted'")
      .get() as { n: number };
    expect(byVerdict.n).toBeGreaterThanOrEqual(4);
  });
});

describe('models per target', () => {
  it('lists each model with its card and users, and switches a target in one call', async () => {
    fixture = createEngineFixture();
    const { router } = fixture.app;
    const before = (await router.dispatch('captcha/models', {})) as unknown as {
      ok: true;
      output: {
        models: Array<{ name: string; usedBy: string[]; perStyle: object }>;
        targets: Array<{ targetId: string; model: string | null; chosen: boolean }>;
      };
    };
    expect(before.ok).toBe(true);
    const sim = before.output.models.find((model) => model.name === 'captcha-sim')!;
    expect(sim.usedBy).toContain('simulator');
    expect(before.output.targets.find((t) => t.targetId === 'simulator')).toMatchObject({
      model: 'captcha-sim',
      chosen: false,
    });
    const other = before.output.models.find((model) => model.name === 'captcha-general')!;
    expect(other.perStyle).toHaveProperty(['canvas.held-out-fonts']);
    const switched = (await router.dispatch('captcha/set-model', {
      targetId: 'simulator',
      model: other.name,
    })) as unknown as {
      ok: boolean;
      output: { model: string; chosen: boolean };
    };
    expect(switched.output).toMatchObject({ model: other.name, chosen: true });
    expect(fixture.app.engine.profile('simulator').captcha!.model).toBe(other.name);
    const refused = (await router.dispatch('captcha/set-model', { targetId: 'simulator', model: 'nope' })) as {
      ok: boolean;
      error: { message: string };
    };
    expect(refused.ok).toBe(false);
    expect(refused.error.message).toMatch(/no captcha model 'nope'/);
    await router.dispatch('captcha/set-model', { targetId: 'simulator', model: null });
    expect(fixture.app.engine.profile('simulator').captcha!.model).toBe('captcha-sim');
  });
});

describe('fine-tuning from kept samples', () => {
  it('trains in the background, compares with the old model on the held-out share, then switches or keeps', async (context) => {
    if (torchMissing) return context.skip(torchMissing);
    fixture = createEngineFixture();
    const { learning } = fixture.app;
    const events: string[] = [];
    fixture.app.bus.on('captcha/training', (progress) => events.push(`${progress.state}:${progress.stage}`));
    expect(() => learning.startFineTune('simulator', 0.5)).toThrow(
      /0 labelled captchas kept for simulator; fine-tuning needs at least 20/,
    );
    for (let n = 0; n < 40; n += 1) {
      const { text, png } = renderCaptcha();
      learning.answered(sample('operator', text, png.toString('base64')));
    }
    expect(learning.startFineTune('simulator', 0.5)).toEqual({ started: true });
    expect(learning.startFineTune('simulator', 0.5)).toEqual({ started: false }); // one at a time per target
    const result = await learning.waitForTraining('simulator');
    expect(result!.message).toMatch(/reads [\d.]+% of the held-out share/);
    expect(['switched', 'kept']).toContain(result!.state);
    expect(events).toContain('running:training');
    expect(learning.counts('simulator').waiting).toBe(0); // all of them are in the new model now
    if (result!.state === 'switched') expect(learning.modelFor('simulator')).toBe(result!.model);
    else expect(learning.modelFor('simulator')).toBe('captcha-sim');
    expect(result!.tunedAccuracy! >= result!.baseAccuracy!).toBe(result!.state === 'switched');
  }, 240_000);
});
