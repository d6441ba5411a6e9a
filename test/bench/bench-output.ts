// What every benchmark prints: a markdown table for people (and docs/benchmarks.md), JSON for machines.
import { writeFileSync } from 'node:fs';

export interface BenchOptions {
  quick: boolean;
  json?: string;
  /** The `tminus` entry script, to start helper processes (the simulator) outside this event loop. */
  cliScript: string;
  /** `bench captcha-tune --style`: the style to fine-tune on. */
  style?: string;
}

export function markdownTable(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function emitResult(options: BenchOptions, table: string, result: unknown): void {
  console.log(table);
  if (options.json) {
    writeFileSync(options.json, JSON.stringify(result, null, 2) + '\n');
    console.log(`\nJSON written to ${options.json}`);
  }
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
