// CSV written row by row to a stream with csv-stringify, respecting backpressure so a million rows never sit in
// memory: UTF-8, an optional BOM (Excel then reads Chinese text right), text cells that a spreadsheet would take for
// a formula (= + - @, tab, CR) neutralised with a leading apostrophe. Numbers stay numbers.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify, type Stringifier } from 'csv-stringify';
import { neutraliseFormula } from '../common/formula-cells';

export type Cell = string | number | null;

export interface CsvSink {
  /** Writes one row; resolves at once unless the destination is full. */
  row(cells: Cell[]): Promise<void> | void;
  /** Ends the CSV and waits until the destination has it all. */
  end(): Promise<void>;
}

export function csvSink(out: Writable, header: string[], options: { bom?: boolean } = {}): CsvSink {
  const stringifier: Stringifier = stringify({ bom: options.bom === true, eof: true, record_delimiter: '\r\n' });
  stringifier.pipe(out);
  const failure = new Promise<never>((_, reject) => {
    stringifier.once('error', reject);
    out.once('error', reject);
  });
  failure.catch(() => undefined);
  const write = (cells: Cell[]): Promise<void> | void => {
    const safe = cells.map((cell) => (typeof cell === 'string' ? neutraliseFormula(cell) : (cell ?? '')));
    if (!stringifier.write(safe)) return Promise.race([once(stringifier, 'drain').then(() => undefined), failure]);
  };
  void write(header);
  return {
    row: write,
    async end() {
      stringifier.end();
      await Promise.race([finished(out), failure]);
    },
  };
}
