// PNG or JPEG bytes → RGBA pixels. Bad bytes are a clear error, never a crash.
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

export interface Pixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const MAX_PIXELS = 4_000_000;

export function decodeImage(bytes: Uint8Array): Pixels {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length >= 8 && buffer.readUInt32BE(0) === 0x89504e47) {
    const png = PNG.sync.read(buffer);
    return {
      width: png.width,
      height: png.height,
      rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    };
  }
  if (buffer.length >= 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) {
    const image = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6 });
    return { width: image.width, height: image.height, rgba: image.data };
  }
  throw new Error(`not a PNG or JPEG image (${buffer.length} bytes starting ${buffer.subarray(0, 4).toString('hex')})`);
}
