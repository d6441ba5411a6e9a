// `tminus sim`: runs the built-in booking service until Ctrl-C; `tminus sim accounts` lists its accounts.
import type { Command } from 'commander';
import { loadScenarioFile, startSimulator, accountUsername, accountPassword, type Scenario } from '../sim';
import { defaultScenarioFile } from '../platform/resources-dir';
import { parsePort } from './parse';
import { toCsv } from './csv-lines';

const scenarioFrom = (file: string | undefined): { file: string; scenario: Scenario } => {
  const chosen = file ?? defaultScenarioFile();
  return { file: chosen, scenario: loadScenarioFile(chosen) };
};

const formatServerInstant = (ms: number): string => new Date(ms).toISOString();

export function registerSimCommand(program: Command): void {
  const sim = program
    .command('sim')
    .description('run the built-in booking service (the `simulator` target) on 127.0.0.1')
    .option('--scenario <file>', 'scenario file (default: resources/scenarios/default.yaml)')
    .option('--port <port>', 'port of node 0; further nodes take the next ports (default: free ports)', parsePort)
    .option('--json', 'print the running simulator as one JSON line')
    .action(async (options: { scenario?: string; port?: number; json?: boolean }) => {
      const { file, scenario } = scenarioFrom(options.scenario);
      const simulator = await startSimulator({ scenario, port: options.port });
      const stats = simulator.stats();
      if (options.json) {
        console.log(
          JSON.stringify({
            scenario: file,
            urls: simulator.urls,
            ntpPort: simulator.ntpPort,
            adminToken: simulator.adminToken,
            items: stats.items,
          }),
        );
      } else {
        console.log(`Tminus simulator (target id: simulator), scenario "${scenario.name}" from ${file}`);
        simulator.urls.forEach((url, index) => console.log(`  node ${index}: ${url}`));
        if (simulator.ntpPort !== null) console.log(`  NTP:    udp://127.0.0.1:${simulator.ntpPort}`);
        console.log(`  admin token: ${simulator.adminToken}`);
        console.log(
          `  server clock: ${scenario.clock.skewMs >= 0 ? '+' : ''}${scenario.clock.skewMs} ms skew, ${scenario.clock.driftPpm} ppm drift`,
        );
        for (const item of stats.items) {
          const inS = ((item.openAtServerMs - stats.nowServerMs) / 1000).toFixed(1);
          console.log(
            `  item ${item.id}: ${item.name}; stock ${item.stock}; opens ${formatServerInstant(item.openAtServerMs)} server time (in ${inS} s)`,
          );
        }
        console.log(
          `  accounts: ${scenario.accounts.count} (tminus sim accounts --csv${options.scenario ? ` --scenario ${options.scenario}` : ''})`,
        );
        console.log('Ctrl-C stops it.');
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await simulator.close();
    });

  sim
    .command('accounts')
    .description("list the simulator's accounts (username, password)")
    .option('--csv', 'print CSV with a header row')
    .action((options: { csv?: boolean }, command: Command) => {
      const parent = command.parent!.opts<{ scenario?: string }>();
      const { scenario } = scenarioFrom(parent.scenario);
      const rows = Array.from({ length: scenario.accounts.count }, (_, index) => [
        accountUsername(scenario, index),
        accountPassword(scenario, index),
      ]);
      if (options.csv) process.stdout.write(toCsv([['username', 'password'], ...rows]));
      else for (const [username, password] of rows) console.log(`${username}  ${password}`);
    });
}
