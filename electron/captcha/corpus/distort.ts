// Distortions applied after drawing, whatever drew the captcha: a sine warp, a box blur, speckle and JPEG
// artefacts, each with its own chance, so the model does not learn one renderer's clean edges.
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import jpeg from 'jpeg-js';
import type { Pixels } from '../image-decode';
import { between, chance, intBetween, type Random } from './random';

export interface DistortionChances {
  warp: number;
  blur: number;
  speckle: number;
  jpeg: number;
}

export const DEFAULT_DISTORTION: DistortionChances = { warp: 0.35, blur: 0.25, speckle: 0.15, jpeg: 0.35 };

function flattenOnWhite(image: Pixels): Pixels {
  const rgba = new Uint8Array(image.rgba.length);
  for (let index = 0; index < image.rgba.length; index += 4) {
    const alpha = image.rgba[index + 3]! / 255;
    for (let channel = 0; channel < 3; channel += 1) {
      rgba[index + channel] = Math.round(image.rgba[index + channel]! * alpha + 255 * (1 - alpha));
    }
    rgba[index + 3] = 255;
  }
  return { ...image, rgba };
}

/** Moves each column up or down and each row sideways along sine waves (nearest pixel; edges pad white). */
export function warp(image: Pixels, random: Random): Pixels {
  const { width, height, rgba } = image;
  const out = new Uint8Array(rgba.length).fill(255);
  const amplitudeY = between(random, 1, Math.max(1.5, height * 0.08));
  const amplitudeX = between(random, 0, 2);
  const periodX = between(random, width * 0.4, width * 1.5);
  const periodY = between(random, height * 0.6, height * 2);
  const phaseX = between(random, 0, Math.PI * 2);
  const phaseY = between(random, 0, Math.PI * 2);
  for (let y = 0; y < height; y += 1) {
    const shiftX = amplitudeX * Math.sin((2 * Math.PI * y) / periodY + phaseY);
    for (let x = 0; x < width; x += 1) {
      const sourceX = Math.round(x + shiftX);
      const sourceY = Math.round(y + amplitudeY * Math.sin((2 * Math.PI * x) / periodX + phaseX));
      if (sourceX < 0 || sourceX >= width || sourceY < 0 || sourceY >= height) continue;
      const from = (sourceY * width + sourceX) * 4;
      const to = (y * width + x) * 4;
      out[to] = rgba[from]!;
      out[to + 1] = rgba[from + 1]!;
      out[to + 2] = rgba[from + 2]!;
      out[to + 3] = 255;
    }
  }
  return { width, height, rgba: out };
}

function toCanvas(image: Pixels): Canvas {
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  const data = context.createImageData(image.width, image.height);
  data.data.set(image.rgba);
  context.putImageData(data, 0, 0);
  return canvas;
}

function pixelsOf(canvas: Canvas): Pixels {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  return { width: canvas.width, height: canvas.height, rgba: new Uint8Array(data.data.buffer, 0, data.data.length) };
}

/** A Gaussian blur of 0.5–1.2 px (Skia's, natively). */
export function blur(image: Pixels, random: Random): Pixels {
  const source = toCanvas(image);
  const out = createCanvas(image.width, image.height);
  const context = out.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, image.width, image.height);
  context.filter = `blur(${between(random, 0.5, 1.2).toFixed(2)}px)`;
  context.drawImage(source, 0, 0);
  return pixelsOf(out);
}

/** Salt-and-pepper speckle on a small share of pixels. */
export function speckle(image: Pixels, random: Random): Pixels {
  const rgba = new Uint8Array(image.rgba);
  const share = between(random, 0.005, 0.04);
  for (let index = 0; index < rgba.length; index += 4) {
    if (random() >= share) continue;
    const value = chance(random, 0.5) ? intBetween(random, 0, 80) : intBetween(random, 180, 255);
    rgba[index] = rgba[index + 1] = rgba[index + 2] = value;
  }
  return { ...image, rgba };
}

/** Round-trips the image through JPEG at a low quality (15–70). */
export const jpegArtefacts = (image: Pixels, random: Random): Pixels => jpegAt(image, intBetween(random, 15, 70));

/** The image as a JPEG of `quality` (0–100) would show it. */
export function jpegAt(image: Pixels, quality: number): Pixels {
  const encoded = toCanvas(image).toBuffer('image/jpeg', quality);
  const decoded = jpeg.decode(encoded, { useTArray: true, formatAsRGBA: true });
  return { width: decoded.width, height: decoded.height, rgba: decoded.data };
}

export function distort(image: Pixels, random: Random, chances: DistortionChances = DEFAULT_DISTORTION): Pixels {
  let out = flattenOnWhite(image);
  if (chance(random, chances.warp)) out = warp(out, random);
  if (chance(random, chances.blur)) out = blur(out, random);
  if (chance(random, chances.speckle)) out = speckle(out, random);
  if (chance(random, chances.jpeg)) out = jpegArtefacts(out, random);
  return out;
}
