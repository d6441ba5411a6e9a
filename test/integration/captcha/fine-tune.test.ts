import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptchaService } from '../../../electron/captcha';
import { renderCaptcha } from '../../../electron/sim/captcha-style';
import { makeTempDir } from '../../helpers/temp-dir';

const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { encoding: 'utf8' });
const torchMissing =
  torch.status === 0 ? null : "Debian's python3-torch and python3-onnx are not installed for /usr/bin/python3";

describe('tminus captcha train', () => {
  it('fine-tunes on a folder of labelled images and writes a model and card the worker loads', async (context) => {
    if (torchMissing) {
      console.log(`captcha fine-tuning test skipped: ${torchMissing}`);
      context.skip(torchMissing);
      return;
    }
    const temp = makeTempDir();
    const samples = join(temp.dir, 'samples');
    const dataset = spawnSync(
      process.execPath,
      ['bin/tminus.js', 'captcha', 'dataset', '--out', join(temp.dir, 'set'), '--count', '60', '--pngs', '60'],
      { encoding: 'utf8' },
    );
    expect(dataset.status, dataset.stderr).toBe(0);
    spawnSync('cp', ['-r', join(temp.dir, 'set', 'png'), samples]);
    const train = spawnSync(
      process.execPath,
      [
        'bin/tminus.js',
        'captcha',
        'train',
        '--samples',
        samples,
        '--name',
        'my-site',
        '--base',
        'captcha-sim',
        '--minutes',
        '1',
        '--data-dir',
        join(temp.dir, 'data'),
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(train.status, train.stderr).toBe(0);
    // Progress per epoch, then the new model beside its base on the held-out share.
    expect(train.stderr).toMatch(/epoch 1: loss [\d.]+, new style sequence accuracy/);
    expect(train.stdout).toMatch(
      /\d+ samples trained on, \d+ held out: [\d.]+% with captcha-sim → [\d.]+% with my-site/,
    );
    const models = join(temp.dir, 'data', 'models');
    expect(existsSync(join(models, 'my-site.onnx'))).toBe(true);
    const card = JSON.parse(readFileSync(join(models, 'my-site.card.json'), 'utf8')) as {
      name: string;
      training: { data: string };
      accuracy: { perStyle: Record<string, { samples: number; sequence: number }> };
    };
    expect(card).toMatchObject({
      name: 'my-site',
      training: { data: expect.stringMatching(/^60 labelled samples from/) },
    });
    // Measured on the new style's held-out share and on the base model's own style (replayed while training).
    expect(Object.keys(card.accuracy.perStyle).sort()).toEqual(['new style', 'simulator']);
    const service = new CaptchaService({ modelDirs: [models], providers: ['cpu'] });
    try {
      expect((await service.read('my-site', renderCaptcha().png)).text).toMatch(/^[A-Z0-9]{1,6}$/);
    } finally {
      await service.close();
      temp.remove();
    }
  }, 150_000);

  it('refuses labels outside the model charset, naming the file', () => {
    const temp = makeTempDir();
    spawnSync(
      process.execPath,
      ['bin/tminus.js', 'captcha', 'dataset', '--out', join(temp.dir, 'set'), '--count', '25', '--pngs', '25'],
      { encoding: 'utf8' },
    );
    spawnSync('cp', [
      join(temp.dir, 'set', 'png', readFileSync(join(temp.dir, 'set', 'labels.txt'), 'utf8').split('\n')[0] + '_0.png'),
      join(temp.dir, 'set', 'png', 'ab0O_99.png'),
    ]);
    const train = spawnSync(
      process.execPath,
      [
        'bin/tminus.js',
        'captcha',
        'train',
        '--samples',
        join(temp.dir, 'set', 'png'),
        '--base',
        'captcha-sim',
        '--data-dir',
        join(temp.dir, 'data'),
      ],
      { encoding: 'utf8' },
    );
    temp.remove();
    expect(train.status).toBe(1);
    expect(train.stderr).toMatch(/ab0O_99\.png: label 'ab0O' uses 0O, outside the model's charset/);
  });
});

describe('tminus captcha eval', () => {
  it('measures a model on a labelled folder and writes the JSON figures', () => {
    const temp = makeTempDir();
    try {
      const made = spawnSync(
        process.execPath,
        ['bin/tminus.js', 'captcha', 'dataset', '--out', join(temp.dir, 'set'), '--count', '80', '--pngs', '80'],
        { encoding: 'utf8' },
      );
      expect(made.status, made.stderr).toBe(0);
      // One file deliberately mislabelled: the model reads it right, so it counts as a miss.
      const first = readFileSync(join(temp.dir, 'set', 'labels.txt'), 'utf8').split('\n')[0]!;
      const wrong = first[0] === 'A' ? `B${first.slice(1)}` : `A${first.slice(1)}`;
      spawnSync('mv', [join(temp.dir, 'set', 'png', `${first}_0.png`), join(temp.dir, 'set', 'png', `${wrong}_0.png`)]);
      const json = join(temp.dir, 'eval.json');
      const run = spawnSync(
        process.execPath,
        [
          'bin/tminus.js',
          'captcha',
          'eval',
          '--model',
          'captcha-sim',
          '--samples',
          join(temp.dir, 'set', 'png'),
          '--json',
          json,
        ],
        { encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
      expect(result).toMatchObject({ samples: 80, model: 'captcha-sim' });
      expect(result.sequenceAccuracy).toBeGreaterThanOrEqual(0.95);
      expect(result.sequenceAccuracy).toBeLessThanOrEqual(79 / 80);
      expect(result.characterErrorRate).toBeGreaterThan(0);
      for (const key of ['p50Ms', 'p99Ms', 'perSecond']) expect(result[key]).toBeGreaterThan(0);
      expect(run.stdout).toMatch(/most missed:/);
    } finally {
      temp.remove();
    }
  });

  it("records a measured style in the model's card (--record-style), reading with a declared --charset", () => {
    const temp = makeTempDir();
    try {
      const made = spawnSync(
        process.execPath,
        ['bin/tminus.js', 'captcha', 'dataset', '--out', join(temp.dir, 'set'), '--count', '30', '--pngs', '30'],
        { encoding: 'utf8' },
      );
      expect(made.status, made.stderr).toBe(0);
      const model = join(temp.dir, 'mine.onnx');
      copyFileSync('resources/models/captcha-sim.onnx', model);
      copyFileSync('resources/models/captcha-sim.card.json', join(temp.dir, 'mine.card.json'));
      const before = JSON.parse(readFileSync(join(temp.dir, 'mine.card.json'), 'utf8')) as Record<string, unknown>;
      const evalWith = (...extra: string[]) =>
        spawnSync(
          process.execPath,
          ['bin/tminus.js', 'captcha', 'eval', '--model', model, '--samples', join(temp.dir, 'set', 'png'), ...extra],
          { encoding: 'utf8' },
        );
      // A charset the model cannot read is refused, naming the flag, and the card is left as it was.
      const refused = evalWith('--charset', '01', '--record-style', 'my-site');
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/--charset: mine cannot read "01"/);
      expect(JSON.parse(readFileSync(join(temp.dir, 'mine.card.json'), 'utf8'))).toEqual(before);
      // Digits only: the simulator's letters can no longer be read, so almost nothing is right.
      const run = evalWith('--charset', '23456789', '--record-style', 'my-site');
      expect(run.status, run.stderr).toBe(0);
      const card = JSON.parse(readFileSync(join(temp.dir, 'mine.card.json'), 'utf8')) as {
        charset: string;
        accuracy: { perStyle: Record<string, { samples: number; sequence: number; charset: string }> };
      };
      expect(card.charset).toBe(before.charset);
      expect(card.accuracy.perStyle['my-site']).toMatchObject({ samples: 30, charset: '23456789' });
      expect(card.accuracy.perStyle['my-site']!.sequence).toBeLessThan(0.5);
      // A second style recorded keeps the first, and what the card said before.
      expect(evalWith('--record-style', 'full').status).toBe(0);
      const again = JSON.parse(readFileSync(join(temp.dir, 'mine.card.json'), 'utf8')) as typeof card;
      expect(again.accuracy.perStyle['my-site']).toEqual(card.accuracy.perStyle['my-site']);
      expect(again.accuracy.perStyle.full!.sequence).toBeGreaterThanOrEqual(0.9);
      expect({ ...again, accuracy: { ...again.accuracy, perStyle: undefined } }).toEqual({
        ...before,
        accuracy: { ...(before.accuracy as object), perStyle: undefined },
      });
    } finally {
      temp.remove();
    }
  });

  it('names the known models when asked for one that does not exist', () => {
    const run = spawnSync(process.execPath, ['bin/tminus.js', 'captcha', 'eval', '--model', 'nope', '--samples', '.'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no captcha model 'nope'; known: .*captcha-sim/);
  });
});
