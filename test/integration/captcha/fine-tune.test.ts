import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
        '--minutes',
        '1',
        '--data-dir',
        join(temp.dir, 'data'),
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(train.status, train.stderr).toBe(0);
    const models = join(temp.dir, 'data', 'models');
    expect(existsSync(join(models, 'my-site.onnx'))).toBe(true);
    const card = JSON.parse(readFileSync(join(models, 'my-site.card.json'), 'utf8')) as {
      name: string;
      training: { data: string };
    };
    expect(card).toMatchObject({
      name: 'my-site',
      training: { data: expect.stringMatching(/^60 labelled samples from/) },
    });
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
