// Greedy CTC decoding with confidences: the best class at each step, repeats merged, blanks dropped. A character's
// confidence is the highest probability among the steps that emitted it; the sequence's is their product.
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
      if (p > bestP) {
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
