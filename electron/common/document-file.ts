// Reads a profile, campaign, scenario or schedule file as UTF-8, refusing anything else with the byte where it
// stops being UTF-8 (a GBK or Latin-1 file would otherwise be read with U+FFFD in place of its text, silently).
import { readFileSync } from 'node:fs';
import { TminusError, type ErrorCode } from '../errors';

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    if (byte < 0x80) {
      index += 1;
      continue;
    }
    let length: number;
    let min: number;
    if (byte >= 0xc2 && byte <= 0xdf) [length, min] = [2, 0x80];
    else if (byte >= 0xe0 && byte <= 0xef) [length, min] = [3, 0x800];
    else if (byte >= 0xf0 && byte <= 0xf4) [length, min] = [4, 0x10000];
    else return index;
    if (index + length > bytes.length) return index;
    let code = byte & (0xff >> (length + 1));
    for (let k = 1; k < length; k += 1) {
      const next = bytes[index + k]!;
      if ((next & 0xc0) !== 0x80) return index;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return index;
    index += length;
  }
  return -1;
}

/** UTF-8 text of `bytes`, a byte-order mark dropped; throws `code` naming the file, byte offset and line. */
export function decodeUtf8(bytes: Uint8Array, source: string, code: ErrorCode): string {
  const bad = firstInvalidUtf8Byte(bytes);
  if (bad >= 0) {
    let line = 1;
    for (let index = 0; index < bad; index += 1) if (bytes[index] === 10) line += 1;
    throw new TminusError(
      code,
      `${source} is not UTF-8: byte 0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')} at byte offset ${bad} ` +
        `(line ${line}) starts no valid UTF-8 character; save the file as UTF-8 (GBK and Latin-1 are not read)`,
      { byteOffset: bad, line },
    );
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a document file as UTF-8; a missing or unreadable file is `code` with the reason. */
export function readDocumentFile(file: string, code: ErrorCode, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new TminusError(
      code,
      `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return decodeUtf8(bytes, file, code);
}
