// The one preprocessing every captcha goes through, in training data and at inference: RGBA → grey (luma) →
// bilinear resize to the model's input (32 × 96) → bytes. The model then sees (byte / 255 − 0.5) / 0.5.
export const INPUT_HEIGHT = 32;
export const INPUT_WIDTH = 96;

export function greyResize(
  rgba: Uint8Array,
  width: number,
  height: number,
  outWidth = INPUT_WIDTH,
  outHeight = INPUT_HEIGHT,
): Uint8Array {
  const grey = new Float32Array(width * height);
  for (let index = 0; index < width * height; index += 1) {
    const alpha = rgba[index * 4 + 3]! / 255;
    // Transparent pixels are white paper.
    const luma = 0.299 * rgba[index * 4]! + 0.587 * rgba[index * 4 + 1]! + 0.114 * rgba[index * 4 + 2]!;
    grey[index] = luma * alpha + 255 * (1 - alpha);
  }
  const out = new Uint8Array(outWidth * outHeight);
  const scaleX = width / outWidth;
  const scaleY = height / outHeight;
  for (let y = 0; y < outHeight; y += 1) {
    const sy = Math.min(height - 1, Math.max(0, (y + 0.5) * scaleY - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < outWidth; x += 1) {
      const sx = Math.min(width - 1, Math.max(0, (x + 0.5) * scaleX - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(width - 1, x0 + 1);
      const fx = sx - x0;
      const top = grey[y0 * width + x0]! * (1 - fx) + grey[y0 * width + x1]! * fx;
      const bottom = grey[y1 * width + x0]! * (1 - fx) + grey[y1 * width + x1]! * fx;
      out[y * outWidth + x] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return out;
}

/** Bytes → the model's input floats, written into `target` at `offset`. */
export function normalise(bytes: Uint8Array, target: Float32Array, offset = 0): void {
  for (let index = 0; index < bytes.length; index += 1) target[offset + index] = (bytes[index]! / 255 - 0.5) / 0.5;
}
