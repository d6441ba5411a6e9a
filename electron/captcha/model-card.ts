// A captcha model's card: what the .onnx expects and produces. A model without a card, or whose card disagrees with
// the model's actual shapes, is refused with a message naming the file and the field.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { TminusError } from '../errors';

export const ModelCardSchema = z.object({
  name: z.string().min(1),
  format: z.literal('onnx'),
  charset: z.string().min(1),
  caseInsensitive: z.boolean().default(true),
  input: z.object({
    name: z.string(),
    layout: z.literal('NCHW'),
    channels: z.literal(1),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    normalisation: z.string(),
  }),
  output: z.object({
    name: z.string(),
    layout: z.string(),
    steps: z.number().int().positive(),
    classes: z.number().int().positive(),
    blank: z.literal(0),
    decode: z.string(),
  }),
  training: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.string().optional(),
  accuracy: z
    .object({
      heldOutSamples: z.number().int(),
      sequence: z.number(),
      /** Sequence accuracy per style measured (the new style and the base styles, for a fine-tuned model). */
      perStyle: z.record(z.string(), z.object({ samples: z.number().int(), sequence: z.number() })).optional(),
    })
    .optional(),
});

export type ModelCard = z.output<typeof ModelCardSchema>;

export function cardPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/, '.card.json');
}

export function loadModelCard(modelPath: string): ModelCard {
  const cardPath = cardPathFor(modelPath);
  if (!existsSync(modelPath)) throw new TminusError('CAPTCHA_MODEL_INVALID', `no model at ${modelPath}`);
  if (!existsSync(cardPath))
    throw new TminusError('CAPTCHA_MODEL_INVALID', `${modelPath} has no model card (${cardPath})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(cardPath, 'utf8'));
  } catch (error) {
    throw new TminusError('CAPTCHA_MODEL_INVALID', `${cardPath} is not JSON: ${(error as Error).message}`);
  }
  const result = ModelCardSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new TminusError('CAPTCHA_MODEL_INVALID', `${cardPath}: ${issue.path.join('.')}: ${issue.message}`);
  }
  if (result.data.output.classes !== result.data.charset.length + 1) {
    throw new TminusError(
      'CAPTCHA_MODEL_INVALID',
      `${cardPath}: output.classes is ${result.data.output.classes} but the charset has ${result.data.charset.length} characters (+1 blank)`,
    );
  }
  return result.data;
}

/**
 * Writes a measured style into the model's card (`accuracy.perStyle[style]`), keeping everything else the card says:
 * how the console's Captcha page comes to show a model's accuracy on a folder the operator measured it on. The
 * card must be valid first (a broken card is not patched).
 */
export function recordStyleAccuracy(
  modelPath: string,
  style: string,
  measured: { samples: number; sequence: number; characterErrorRate: number; charset?: string },
  atMs: number,
): void {
  loadModelCard(modelPath);
  const cardPath = cardPathFor(modelPath);
  const raw = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown> & {
    accuracy?: { heldOutSamples: number; sequence: number; perStyle?: Record<string, unknown> };
  };
  const entry = {
    samples: measured.samples,
    sequence: Math.round(measured.sequence * 10_000) / 10_000,
    characterErrorRate: Math.round(measured.characterErrorRate * 10_000) / 10_000,
    ...(measured.charset === undefined ? {} : { charset: measured.charset }),
    measuredBy: 'tminus captcha eval',
    measuredAt: new Date(atMs).toISOString(),
  };
  raw.accuracy ??= { heldOutSamples: measured.samples, sequence: entry.sequence };
  raw.accuracy.perStyle = { ...raw.accuracy.perStyle, [style]: entry };
  writeFileSync(cardPath, JSON.stringify(raw, null, 2) + '\n');
}
