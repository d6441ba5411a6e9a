// `tminus clock probe`: the offset to each time source with its bound, and the combined estimate.
import type { Command } from 'commander';
import { ClockService, parseNtpTarget, reportToWire, systemLocalClock, type TimeSourceSpec } from '../clock';
import { TminusError } from '../errors';
import { parsePositiveInt } from './parse';
import { openApp } from './open-app';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { timeSourceFor } from '../engine/shot-plan';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const signed = (ms: number, digits = 3): string => `${ms >= 0 ? '+' : ''}${ms.toFixed(digits)}`;

interface ProbeFlags {
  ntp: string[];
  http?: string;
  field?: string;
  dateHeader?: boolean;
  samples: number;
  json?: boolean;
}

export function sourcesFromFlags(flags: ProbeFlags): TimeSourceSpec[] {
  const sources: TimeSourceSpec[] = flags.ntp.map((text) => ({ kind: 'ntp' as const, ...parseNtpTarget(text) }));
  if (flags.field !== undefined && flags.dateHeader)
    throw new TminusError('INVALID_ARGUMENT', 'use --field or --date-header, not both');
  if ((flags.field !== undefined || flags.dateHeader) && !flags.http)
    throw new TminusError('INVALID_ARGUMENT', '--field and --date-header need --http URL');
  if (flags.http) {
    sources.push(
      flags.field !== undefined
        ? { kind: 'http-field', url: flags.http, field: flags.field }
        : { kind: 'http-date', url: flags.http },
    );
  }
  if (sources.length === 0)
    throw new TminusError('CLOCK_NO_SOURCE', 'name at least one time source: --ntp HOST[:PORT] or --http URL');
  return sources;
}

/**
 * The time source a target's profile names, against its first endpoint (the built-in simulator must be running), and
 * the target's declared budget the probes are to stay inside.
 */
export async function targetTimeSource(
  targetId: string,
  dataDir: string,
): Promise<{ sources: TimeSourceSpec[]; limits: { ratePerSec: number; burst: number } }> {
  const app = await openApp({ dataDir });
  try {
    let profile;
    try {
      profile = app.engine.profile(targetId);
    } catch (error) {
      throw new TminusError('INVALID_ARGUMENT', `--target: ${(error as Error).message}`);
    }
    if (profile.builtin)
      throw new TminusError(
        'INVALID_ARGUMENT',
        `--target: ${targetId} is the built-in simulator's; probe it with --http URL/api/time --field serverTimeMs (the URL tminus sim printed)`,
      );
    return {
      sources: [timeSourceFor(profile, profile.endpoints[0]!)],
      limits: { ratePerSec: profile.limits.targetRatePerSec, burst: profile.limits.targetBurst },
    };
  } finally {
    await app.close();
  }
}

export function registerClockCommand(program: Command): void {
  const clock = program
    .command('clock')
    .description("the target's server time: offset to this machine with an error bound");
  clock
    .command('probe')
    .description('take a burst from each source, filter it, and combine the sources')
    .option('--ntp <host[:port]>', 'an NTP server (repeatable)', collect, [])
    .option('--http <url>', 'an HTTP time source')
    .option('--field <expr>', 'JMESPath to epoch milliseconds in the JSON body of --http')
    .option('--date-header', "use --http's Date header (default when --field is absent)")
    .option('--samples <n>', 'samples per burst', parsePositiveInt, 8)
    .option(
      '--max-offset-ms <ms>',
      'sanity limit: a source further than this from the local clock is not believed',
      parsePositiveInt,
      86_400_000,
    )
    .option('--target <id>', "the target's own time source, as its profile says (beside any --ntp/--http)")
    .option('--json', 'print the report as JSON')
    .action(async (flags: ProbeFlags & { maxOffsetMs: number; target?: string }, command: Command) => {
      const sources = flags.target
        ? [
            ...(await targetTimeSource(flags.target, dataDirFrom(command.optsWithGlobals<GlobalOptions>()))).sources,
            ...(flags.ntp.length > 0 || flags.http ? sourcesFromFlags(flags) : []),
          ]
        : sourcesFromFlags(flags);
      const service = new ClockService({ clock: systemLocalClock });
      if (!flags.json) process.stderr.write(`probing ${sources.length} source(s), ${flags.samples} samples each…\n`);
      const report = reportToWire(
        await service.probe(sources, { samples: flags.samples, maxOffsetMs: flags.maxOffsetMs }),
      );
      if (flags.json) {
        console.log(JSON.stringify(report, null, 2));
      } else {
        const width = Math.max(8, ...report.sources.map((source) => source.id.length));
        for (const source of report.sources) {
          const name = source.id.padEnd(width);
          if (!source.ok) {
            console.log(`${name}  failed: ${source.error}`);
            continue;
          }
          const drift = source.driftPpm === null ? '' : `  drift ${signed(source.driftPpm, 1)} ppm`;
          const mark = source.falseticker ? '  FALSETICKER (disagrees with the others)' : '';
          console.log(
            `${name}  ${signed(source.offsetMs!)} ms ± ${source.boundMs!.toFixed(3)} ms  (delay ${source.delayMs!.toFixed(2)} ms, ${source.samplesUsed}/${source.samplesTotal} samples)${drift}${mark}`,
          );
        }
        if (report.combined) {
          const agreeing = `${report.combined.truechimers.length} of ${report.sources.filter((source) => source.ok).length} sources agree`;
          console.log(
            `${'combined'.padEnd(width)}  ${signed(report.combined.offsetMs)} ms ± ${report.combined.boundMs.toFixed(3)} ms  (${agreeing})`,
          );
        }
      }
      if (!report.combined) process.exitCode = 1;
    });
}
