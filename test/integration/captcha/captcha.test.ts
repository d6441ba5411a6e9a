import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { CaptchaService, ModelCaptchaSolver, greedyDecode, loadModelCard } from '../../../electron/captcha';
import { renderCaptcha, sameAnswer } from '../../../electron/sim/captcha-style';
import type { CaptchaSolver } from '../../../electron/engine/captcha-solver';
import { makeTempDir } from '../../helpers/temp-dir';

const MODELS = 'resources/models';
const MODEL = join(MODELS, 'captcha-sim.onnx');
let service: CaptchaService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

describe('the shipped captcha model', () => {
  it('reads at least 48 of 50 fresh captchas in the simulator style', async () => {
    service = new CaptchaService({ modelDirs: [MODELS], providers: ['cpu'] });
    const captchas = Array.from({ length: 50 }, () => renderCaptcha());
    const readings = await Promise.all(captchas.map((captcha) => service!.read('captcha-sim', captcha.png)));
    const right = readings.filter((reading, index) => sameAnswer(reading.text, captchas[index]!.text)).length;
    expect(right).toBeGreaterThanOrEqual(48);
    expect(readings.every((reading) => reading.confidence >= 0 && reading.confidence <= 1)).toBe(true);
    expect(Math.max(...readings.map((reading) => reading.batch))).toBeGreaterThan(1); // concurrent requests were batched
    expect(service.report()).toMatchObject({ provider: 'cpu' });
    expect(service.report().models.map((model) => model.name)).toEqual(['captcha-general', 'captcha-sim']);
  });

  it('reads only the characters a target declares, and refuses a charset the model cannot read', async () => {
    service = new CaptchaService({ modelDirs: [MODELS], providers: ['cpu'] });
    const captchas = Array.from({ length: 10 }, () => renderCaptcha());
    // The simulator's captchas use letters and digits; declared as digits only, every reading is digits only.
    const readings = await Promise.all(
      captchas.map((captcha) => service!.read('captcha-general', captcha.png, '23456789')),
    );
    expect(readings.every((reading) => /^[2-9]*$/.test(reading.text))).toBe(true);
    const free = await Promise.all(captchas.map((captcha) => service!.read('captcha-general', captcha.png)));
    expect(free.some((reading) => /[A-Z]/.test(reading.text))).toBe(true);
    await expect(service.read('captcha-general', captchas[0]!.png, '12#')).rejects.toMatchObject({
      code: 'CAPTCHA_MODEL_INVALID',
      message: expect.stringMatching(/captcha\.charset: captcha-general cannot read "#"/),
    });
  });

  it.each(['captcha-sim', 'captcha-general'])(
    '%s gives the same probabilities in onnxruntime-node as torch did when it was exported',
    async (name) => {
      const modelPath = join(MODELS, `${name}.onnx`);
      const card = loadModelCard(modelPath);
      const reference = JSON.parse(readFileSync(join('native/captcha', `${name}.reference.json`), 'utf8')) as {
        images: number[][];
        probabilities: number[][];
        shape: number[];
      };
      const session = await ort.InferenceSession.create(modelPath);
      const input = new Float32Array(reference.images.flat().map((byte) => (byte / 255 - 0.5) / 0.5));
      const { height, width } = card.input;
      const output = await session.run({
        image: new ort.Tensor('float32', input, [reference.images.length, 1, height, width]),
      });
      const got = output.probabilities!.data as Float32Array;
      const expected = reference.probabilities.flat();
      let worst = 0;
      let total = 0;
      for (let index = 0; index < expected.length; index += 1) {
        const difference = Math.abs(got[index]! - expected[index]!);
        worst = Math.max(worst, difference);
        total += difference;
      }
      // The LSTM's activations differ slightly between torch and onnxruntime: tiny on average, a little more where two
      // classes are close; the readings must be identical.
      expect(total / expected.length).toBeLessThan(1e-4);
      expect(worst).toBeLessThan(0.02);
      const [, steps, classes] = reference.shape as [number, number, number];
      for (let image = 0; image < reference.images.length; image += 1) {
        const offset = image * steps * classes;
        expect(greedyDecode(got, offset, steps, classes, card.charset).text).toBe(
          greedyDecode(new Float32Array(expected), offset, steps, classes, card.charset).text,
        );
      }
    },
  );
});

describe('captcha worker', () => {
  it('answers bad image bytes with a clear error and keeps working', async () => {
    service = new CaptchaService({ modelDirs: [MODELS], providers: ['cpu'] });
    await expect(service.read('captcha-sim', Buffer.from('definitely not an image'))).rejects.toThrow(
      /bad image: not a PNG or JPEG/,
    );
    await expect(service.read('no-such-model', renderCaptcha().png)).rejects.toThrow(
      /no captcha model 'no-such-model'/,
    );
    const captcha = renderCaptcha();
    expect((await service.read('captcha-sim', captcha.png)).text.length).toBe(4);
  });

  it('detects a worker that dies, fails its pending requests cleanly, and restarts it', async () => {
    service = new CaptchaService({ modelDirs: [MODELS], providers: ['cpu'], batchWindowMs: 50 });
    await service.start();
    // An image the first worker reads right (a random one is misread now and then): the restarted one must too.
    let known = renderCaptcha();
    for (
      let tries = 0;
      (await service.read('captcha-sim', known.png)).text.toUpperCase() !== known.text.toUpperCase();
      tries += 1
    ) {
      expect(tries).toBeLessThan(10);
      known = renderCaptcha();
    }
    const pending = service.read('captcha-sim', renderCaptcha().png);
    await service.terminateWorker();
    await expect(pending).rejects.toThrow(/the captcha worker stopped/);
    const again = await service.read('captcha-sim', known.png);
    expect(again.text.toUpperCase()).toBe(known.text.toUpperCase());
    expect(service.report().restarts).toBe(1);
  });

  it('refuses a model without a card, and one whose card disagrees with its shape', async () => {
    const temp = makeTempDir();
    copyFileSync(MODEL, join(temp.dir, 'orphan.onnx'));
    expect(() => loadModelCard(join(temp.dir, 'orphan.onnx'))).toThrow(/orphan\.onnx has no model card/);
    const liar = join(temp.dir, 'liar');
    mkdirSync(liar);
    copyFileSync(MODEL, join(liar, 'liar.onnx'));
    const card = JSON.parse(readFileSync(join(MODELS, 'captcha-sim.card.json'), 'utf8')) as {
      name: string;
      output: { steps: number };
    };
    writeFileSync(
      join(liar, 'liar.card.json'),
      JSON.stringify({ ...card, name: 'liar', output: { ...card.output, steps: 30 } }),
    );
    service = new CaptchaService({ modelDirs: [liar], providers: ['cpu'] });
    await expect(service.start()).rejects.toThrow(
      /the card says output probabilities is \[batch, 30, 32\] but the model gives \[1, 24, 32\]/,
    );
    temp.remove();
  });

  it('routes a reading below the minimum confidence to the operator when the profile says so', async () => {
    service = new CaptchaService({ modelDirs: [MODELS], providers: ['cpu'] });
    const asked: string[] = [];
    const operator: CaptchaSolver = {
      solve: async (challenge) => {
        asked.push(challenge.id);
        return { answer: 'OPER', confidence: null, by: 'operator' };
      },
    };
    const solver = new ModelCaptchaSolver(service, operator);
    const image = renderCaptcha().png.toString('base64');
    const challenge = {
      id: 'c1',
      imageBase64: image,
      debugAnswer: null,
      model: 'captcha-sim',
      charset: null,
      expiresAtMs: Date.now() + 60_000,
    };
    const sure = await solver.solve(
      { ...challenge, minConfidence: 0, onLowConfidence: 'operator' },
      { campaignId: 'x', accountId: 1 },
    );
    expect(sure.by).toBe('model');
    const unsure = await solver.solve(
      { ...challenge, minConfidence: 1.01, onLowConfidence: 'operator' },
      { campaignId: 'x', accountId: 1 },
    );
    expect(unsure).toMatchObject({ by: 'operator', answer: 'OPER' });
    const refetch = await solver.solve(
      { ...challenge, minConfidence: 1.01, onLowConfidence: 'refetch' },
      { campaignId: 'x', accountId: 1 },
    );
    expect(refetch.by).toBe('model'); // the engine sees the low confidence and fetches a new captcha
    expect(asked).toEqual(['c1']);
  });
});
