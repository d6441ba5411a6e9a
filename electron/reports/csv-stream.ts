// CSV written to a stream a block at a time: rows are gathered into blocks of 500, each block is turned into CSV
// text by csv-stringify and written with backpressure, so a million rows never sit in memory (and few objects live
// long enough to grow the heap). UTF-8, an optional BOM (Excel then reads Chinese text right), text cells that a
// spreadsheet would take for a formula (= + - @, tab, CR) neutralised with a leading apostrophe. Numbers stay
// numbers.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../common/formula-cells';

export type Cell = string | number | null;

export interface CsvSink {
  /** Adds one row; resolves at once unless a block was written and the destination is full. */
  row(cells: Cell[]): Promise<void> | void;
  /** Writes what is left, ends the CSV and waits until the destination has it all. */
  end(): Promise<void>;
}

const BLOCK_ROWS = 500;

export function csvSink(out: Writable, header: string[], options: { bom?: boolean } = {}): CsvSink {
  let failure: Error | null = null;
  out.once('error', (error: Error) => (failure = error));
  let block: Cell[][] = [];
  const write = (text: string): Promise<void> | void => {
    if (failure) throw failure;
    if (!out.write(text)) return Promise.race([once(out, 'drain'), once(out, 'error')]).then(() => undefined);
  };
  const flush = (): Promise<void> | void => {
    if (block.length === 0) return;
    const text = stringify(block, { record_delimiter: '\r\n' });
    block = [];
    return write(text);
  };
  // The header's own wait is not awaited by anyone: a destination that fails meanwhile is kept as the failure that the
  // next row or the end throws, never left as an unhandled rejection.
  const headerWritten = write((options.bom ? '\ufeff' : '') + stringify([header], { record_delimiter: '\r\n' }));
  if (headerWritten) headerWritten.catch((error: Error) => (failure ??= error));
  return {
    row(cells) {
      block.push(cells.map((cell) => (typeof cell === 'string' ? neutraliseFormula(cell) : cell)));
      if (block.length >= BLOCK_ROWS) return flush();
    },
    async end() {
      await flush();
      if (failure) throw failure;
      out.end();
      await finished(out);
    },
  };
}
