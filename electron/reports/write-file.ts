// Writes an export to a file that appears only when complete: beside it first, then renamed; on failure nothing
// is left behind.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';

export async function writeFileAtomically(
  path: string,
  write: (stream: Writable) => Promise<{ rows: number }>,
): Promise<number> {
  const partial = `${path}.partial`;
  const stream = createWriteStream(partial);
  try {
    const { rows } = await write(stream);
    renameSync(partial, path);
    return rows;
  } catch (error) {
    stream.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}
