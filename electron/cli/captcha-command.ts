// `tminus captcha dataset`: labelled training data rendered by the simulator's captcha module.
import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeDataset } from '../captcha/dataset';
import {
  CORPUS_STYLES,
  isCorpusStyle,
  TRAINING_MIX,
  writeCorpus,
  type CorpusStyleName,
} from '../captcha/corpus/write-corpus';
import { listSamples } from '../captcha/fine-tune';
import { fineTune } from '../captcha/fine-tune-run';
import { evaluateModel } from '../captcha/model-eval';
import { cardPathFor, recordStyleAccuracy } from '../captcha/model-card';
import { findModels } from '../captcha/captcha-service';
import { offeredProviders } from '../platform/onnx-providers';
import { resourcesDir } from '../platform/resources-dir';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { TminusError } from '../errors';
import { parseNonNegativeNumber, parsePositiveInt, parsePositiveNumber } from './parse';
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
    .command('corpus')
    .description(
      'write a synthetic corpus from several generators and Debian fonts (images.u8 + labels.txt + styles.txt)',
    )
    .requiredOption('--out <dir>', 'output folder')
    .option('--count <n>', 'how many', parsePositiveInt, 20_000)
    .option(
      '--style <name>',
      `one style only (${Object.keys(CORPUS_STYLES).join(', ')}); default: the general model's training mix`,
    )
    .option('--seed <n>', 'seed (the same seed writes the same corpus)', parsePositiveInt, 1)
    .option('--height <px>', "the model's input height", parsePositiveInt, 32)
    .option('--width <px>', "the model's input width", parsePositiveInt, 128)
    .option('--pngs', 'also write every image as png/ANSWER_index.png (what captcha eval and train read)')
    .action(
      async (flags: {
        out: string;
        count: number;
        style?: string;
        seed: number;
        height: number;
        width: number;
        pngs?: boolean;
      }) => {
        if (flags.style !== undefined && !isCorpusStyle(flags.style))
          throw new TminusError(
            'INVALID_ARGUMENT',
            `--style: '${flags.style}' is not one of ${Object.keys(CORPUS_STYLES).join(', ')}`,
          );
        const mix = flags.style ? { [flags.style as CorpusStyleName]: 1 } : TRAINING_MIX;
        const progress = createProgress(1);
        progress.step(`drawing ${flags.count} captchas into ${flags.out}`);
        const summary = await writeCorpus(flags.out, {
          count: flags.count,
          mix,
          seed: flags.seed,
          height: flags.height,
          width: flags.width,
          pngs: flags.pngs,
          onProgress: (done, total) => progress.update(done / total, `${done}/${total}`),
        });
        progress.done();
        const styles = Object.entries(summary.perStyle)
          .map(([name, count]) => `${name} ${count}`)
          .join(', ');
        console.log(
          `wrote ${summary.count} captchas to ${flags.out} (${styles}; ${summary.fonts.train} training fonts, ${summary.fonts.heldOut} kept out)`,
        );
      },
    );

  captcha
    .command('train')
    .description(
      'fine-tune a model on labelled samples of a new captcha style, replaying its base corpus so it keeps what it knew; writes <data dir>/models/NAME.onnx + card',
    )
    .requiredOption('--samples <dir>', 'images named ANSWER_anything.png/.jpg, or listed in labels.csv (file,label)')
    .option('--base <model>', 'the model to start from: a name (shipped or in the data dir) or an .onnx file')
    .option('--name <name>', "name of the new model (the profile's captcha.model)", 'captcha-custom')
    .option('--minutes <n>', 'training time limit (the run stops there, whatever the epoch)', parsePositiveNumber, 10)
    .option('--epochs <n>', 'at most this many epochs', parsePositiveInt, 40)
    .option('--replay <share>', 'replayed base samples per new sample, each epoch (0: none)', parseNonNegativeNumber, 1)
    .action(
      async (
        flags: { samples: string; base?: string; name: string; minutes: number; epochs: number; replay: number },
        command: Command,
      ) => {
        if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(flags.name))
          throw new TminusError('INVALID_ARGUMENT', `--name: '${flags.name}' is not a model name (a-z, 0-9, -)`);
        const dataDir = dataDirFrom(command.optsWithGlobals<GlobalOptions>());
        const base = resolveModel(flags.base ?? defaultBaseModel(dataDir), dataDir);
        const samples = listSamples(flags.samples);
        if (samples.length < 20)
          throw new TminusError(
            'CAPTCHA_MODEL_INVALID',
            `--samples: ${samples.length} labelled images found; at least 20 are needed`,
          );
        const out = join(dataDir, 'models');
        process.stderr.write(
          `fine-tuning ${basename(base, '.onnx')} on ${samples.length} samples, up to ${flags.minutes} min / ${flags.epochs} epochs\n`,
        );
        const result = await fineTune({
          samples,
          baseModelPath: base,
          name: flags.name,
          outDir: out,
          minutes: flags.minutes,
          epochs: flags.epochs,
          replayShare: flags.replay,
          source: flags.samples,
          onStage: (stage) => process.stderr.write(`${stage}…\n`),
          onLine: (line) => {
            if (!/Warning|_C\._jit|shape inference/.test(line)) process.stderr.write(`  ${line}\n`);
          },
        });
        const perStyle = result.card.accuracy?.perStyle ?? {};
        console.log(
          `${result.split.train} samples trained on, ${result.split.test} held out: ${percent(result.heldOut.base.sequenceAccuracy)} with ${basename(base, '.onnx')} → ${percent(result.heldOut.tuned.sequenceAccuracy)} with ${flags.name}`,
        );
        for (const [style, measured] of Object.entries(perStyle))
          console.log(`  ${style}: ${percent(measured.sequence)} on ${measured.samples}`);
        console.log(`wrote ${result.modelPath} and its card; name it in a profile as captcha.model: ${flags.name}`);
      },
    );

  captcha
    .command('eval')
    .description('measure a model on a folder of labelled captchas (accuracy, character errors, latency)')
    .requiredOption('--model <model>', 'a model name (shipped or in the data dir) or an .onnx file')
    .requiredOption('--samples <dir>', 'images named ANSWER_anything.png/.jpg, or listed in labels.csv (file,label)')
    .option('--json <file>', 'also write the result as JSON')
    .option('--limit <n>', 'at most this many samples', parsePositiveInt)
    .option('--charset <chars>', "the characters the captchas use, as a profile's captcha.charset declares them")
    .option('--record-style <name>', "write the result into the model's card as the accuracy on style NAME")
    .action(
      async (
        flags: {
          model: string;
          samples: string;
          json?: string;
          limit?: number;
          charset?: string;
          recordStyle?: string;
        },
        command: Command,
      ) => {
        const dataDir = dataDirFrom(command.optsWithGlobals<GlobalOptions>());
        const model = resolveModel(flags.model, dataDir);
        const samples = listSamples(flags.samples).slice(0, flags.limit);
        const progress = createProgress(1);
        progress.step(`reading ${samples.length} captchas with ${basename(model, '.onnx')}`);
        const result = await evaluateModel(model, samples, {
          providers: offeredProviders(),
          charset: flags.charset,
          onProgress: (done, total) => progress.update(done / total, `${done}/${total}`),
        });
        progress.done();
        console.log(
          `${result.model} on ${result.samples} samples (${result.caseSensitive ? 'case-sensitive' : 'case-insensitive'}, ${result.provider}): sequence accuracy ${percent(result.sequenceAccuracy)}, character error rate ${percent(result.characterErrorRate)}`,
        );
        console.log(
          `latency at batch 1, end to end: p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms; ${Math.round(result.perSecond)}/s`,
        );
        if (result.mostMissed.length > 0) {
          console.log('most missed:');
          for (const miss of result.mostMissed) {
            const instead = Object.entries(miss.got)
              .sort((a, b) => b[1] - a[1])
              .map(([got, n]) => `${got === '' ? '(dropped)' : got} ×${n}`)
              .join(', ');
            console.log(`  ${miss.expected}: ${miss.misses} (read as ${instead})`);
          }
        }
        if (flags.json) writeFileSync(flags.json, JSON.stringify(result, null, 2) + '\n');
        if (flags.recordStyle) {
          recordStyleAccuracy(
            model,
            flags.recordStyle,
            {
              samples: result.samples,
              sequence: result.sequenceAccuracy,
              characterErrorRate: result.characterErrorRate,
              charset: flags.charset,
            },
            Date.now(),
          );
          console.log(`recorded in ${cardPathFor(model)} as accuracy.perStyle.${flags.recordStyle}`);
        }
      },
    );
}

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** A model name (the operator's in the data dir first, then the shipped ones) or a path to an .onnx file. */
export function resolveModel(nameOrFile: string, dataDir: string): string {
  if (nameOrFile.endsWith('.onnx')) {
    if (!existsSync(nameOrFile)) throw new TminusError('CAPTCHA_MODEL_INVALID', `--model: no file ${nameOrFile}`);
    return resolve(nameOrFile);
  }
  const models = findModels([join(resourcesDir(), 'models'), join(dataDir, 'models')]);
  const found = models.find((model) => model.name === nameOrFile);
  if (!found)
    throw new TminusError(
      'CAPTCHA_MODEL_INVALID',
      `no captcha model '${nameOrFile}'; known: ${models.map((model) => model.name).join(', ') || '(none)'}`,
    );
  return found.path;
}

function defaultBaseModel(dataDir: string): string {
  const names = findModels([join(resourcesDir(), 'models'), join(dataDir, 'models')]).map((model) => model.name);
  return names.includes('captcha-general') ? 'captcha-general' : 'captcha-sim';
}
