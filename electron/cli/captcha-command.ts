// `tminus captcha dataset`: labelled training data rendered by the simulator's captcha module.
import type { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeDataset } from '../captcha/dataset';
import { listSamples, runTrainer, writeTrainingSplit } from '../captcha/fine-tune';
import { loadModelCard } from '../captcha/model-card';
import { resourcesDir } from '../platform/resources-dir';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { TminusError } from '../errors';
import { parsePositiveInt } from './parse';
import { createProgress } from './progress';

export function registerCaptchaCommand(program: Command): void {
  const captcha = program.command('captcha').description('captcha models: training data, training, checks');
  captcha
    .command('dataset')
    .description("write N labelled captchas in the simulator's style (images.u8 + labels.txt, and some PNGs)")
    .requiredOption('--out <dir>', 'output folder')
    .option('--count <n>', 'how many', parsePositiveInt, 20_000)
    .option('--pngs <n>', 'also write the first N as PNG files named by their answer', parsePositiveInt)
    .action(async (flags: { out: string; count: number; pngs?: number }) => {
      const progress = createProgress(1);
      progress.step(`rendering ${flags.count} captchas into ${flags.out}`);
      await writeDataset(flags.out, flags.count, {
        pngs: flags.pngs,
        onProgress: (done) => progress.update(done / flags.count, `${done}`),
      });
      progress.done();
      console.log(`wrote ${flags.count} captchas to ${flags.out}`);
    });

  captcha
    .command('train')
    .description(
      'fine-tune the shipped model on labelled samples of a new captcha family; writes <data dir>/models/NAME.onnx + card',
    )
    .requiredOption(
      '--samples <dir>',
      'images named by their answer (AB3K.png, AB3K_2.png) or listed in labels.csv (file,label)',
    )
    .option('--name <name>', "name of the new model (the profile's captcha.model)", 'captcha-custom')
    .option('--minutes <n>', 'training time budget', parsePositiveInt, 5)
    .action(async (flags: { samples: string; name: string; minutes: number }, command: Command) => {
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(flags.name))
        throw new TminusError('INVALID_ARGUMENT', `--name: '${flags.name}' is not a model name (a-z, 0-9, -)`);
      const trainer = resolve(resourcesDir(), '..', 'native', 'captcha', 'train.py');
      const base = resolve(resourcesDir(), '..', 'native', 'captcha', 'captcha-sim.checkpoint.pt');
      if (!existsSync(trainer) || !existsSync(base))
        throw new TminusError(
          'CAPTCHA_MODEL_INVALID',
          'training needs the Tminus sources (native/captcha/train.py and the base checkpoint)',
        );
      const card = loadModelCard(join(resourcesDir(), 'models', 'captcha-sim.onnx'));
      const samples = listSamples(flags.samples);
      if (samples.length < 20)
        throw new TminusError(
          'CAPTCHA_MODEL_INVALID',
          `--samples: ${samples.length} labelled images found; at least 20 are needed`,
        );
      const work = mkdtempSync(join(tmpdir(), 'tminus-train-'));
      try {
        const split = writeTrainingSplit(samples, card.charset, work);
        process.stderr.write(
          `${split.train} samples to train on, ${split.test} held out; up to ${flags.minutes} min\n`,
        );
        const out = join(dataDirFrom(command.optsWithGlobals<GlobalOptions>()), 'models');
        await runTrainer(
          [
            trainer,
            '--train',
            join(work, 'train'),
            '--test',
            join(work, 'test'),
            '--out',
            out,
            '--name',
            flags.name,
            '--resume',
            base,
            '--minutes',
            String(flags.minutes),
            '--epochs',
            '30',
            '--lr',
            '1e-3',
            '--charset',
            card.charset,
            '--data',
            `${samples.length} labelled samples from ${flags.samples}`,
          ],
          (line) => process.stderr.write(`  ${line}\n`),
        );
        console.log(
          `wrote ${join(out, `${flags.name}.onnx`)} and its card; name it in a profile as captcha.model: ${flags.name}`,
        );
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
}
