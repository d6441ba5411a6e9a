// Greedy CTC decoding with confidences: the best class at each step, repeats merged, blanks dropped. A character's
// confidence is the highest probability among the steps that emitted it; the sequence's is their product. A target
// that says which characters its captchas use (the profile's `captcha.charset`) gets only those: the best allowed
// class at each step, its probability unchanged (so a reading the model would rather have spelt otherwise says so
// in its confidence).
import { TminusError } from '../errors';

export interface Decoded {
  text: string;
  confidence: number;
  charConfidences: number[];
}

export function greedyDecode(
  probabilities: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  charset: string,
  allowed: Uint8Array | null = null,
): Decoded {
  let text = '';
  const charConfidences: number[] = [];
  let previous = 0;
  for (let step = 0; step < steps; step += 1) {
    const base = offset + step * classes;
    let best = 0;
    let bestP = probabilities[base]!;
    for (let k = 1; k < classes; k += 1) {
      const p = probabilities[base + k]!;
      if (p > bestP && (allowed === null || allowed[k] === 1)) {
        best = k;
        bestP = p;
      }
    }
    if (best !== 0 && best !== previous) {
      text += charset[best - 1];
      charConfidences.push(bestP);
    } else if (best !== 0 && best === previous) {
      charConfidences[charConfidences.length - 1] = Math.max(charConfidences[charConfidences.length - 1]!, bestP);
    }
    previous = best;
  }
  const confidence = charConfidences.reduce((product, p) => product * p, text.length > 0 ? 1 : 0);
  return { text, confidence, charConfidences };
}

/**
 * The classes a declared charset allows (index 0, the blank, always): each declared character is found in the
 * model's charset, upper-cased first when the model reads case-insensitively. A character the model cannot read is
 * an error naming it, not a silent narrowing.
 */
export function allowedClasses(
  modelCharset: string,
  caseInsensitive: boolean,
  declared: string,
  modelName: string,
  field = 'captcha.charset',
): Uint8Array {
  const allowed = new Uint8Array(modelCharset.length + 1);
  allowed[0] = 1;
  const unknown: string[] = [];
  for (const character of declared) {
    const index = modelCharset.indexOf(caseInsensitive ? character.toUpperCase() : character);
    if (index < 0) unknown.push(character);
    else allowed[index + 1] = 1;
  }
  if (declared.length === 0 || unknown.length > 0)
    throw new TminusError(
      'CAPTCHA_MODEL_INVALID',
      declared.length === 0
        ? `${field}: empty (leave it out to read every character the model knows)`
        : `${field}: ${modelName} cannot read ${JSON.stringify(unknown.join(''))} (its charset: ${modelCharset}${caseInsensitive ? ', case-insensitive' : ''})`,
    );
  return allowed;
}
