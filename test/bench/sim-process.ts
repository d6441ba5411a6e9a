// Runs `tminus sim` in a child process, so the simulator has its own event loop and the benchmark client its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ScenarioInput } from '../../electron/sim';

export interface SimProcess {
  urls: string[];
  ntpPort: number | null;
  adminToken: string;
  stop(): Promise<void>;
}

export function startSimProcess(
  cliScript: string,
  scenario: ScenarioInput,
  extraArgs: string[] = [],
): Promise<SimProcess> {
  const file = join(tmpdir(), `tminus-bench-${process.pid}-${Date.now()}.yaml`);
  writeFileSync(file, stringify(scenario));
  return startProcess(process.execPath, [cliScript, 'sim', '--json', '--scenario', file, ...extraArgs]);
}

function startProcess(command: string, args: string[]): Promise<SimProcess> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const line = out.split('\n').find((candidate) => candidate.startsWith('{'));
      if (!line) return;
      const info = JSON.parse(line) as { urls: string[]; ntpPort: number | null; adminToken: string };
      resolve({
        ...info,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`simulator process exited with ${code}: ${stderr.trim()}`)));
  });
}

/** The baseline for server speed: a bare node:http server answering a fixed small JSON body. */
export function startBareServerProcess(): Promise<SimProcess> {
  const script = `
    const http = require('node:http');
    const server = http.createServer((req, res) => {
      const body = JSON.stringify({ code: 'OK', serverTimeMs: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.keepAliveTimeout = 65000;
    server.listen(0, '127.0.0.1', () => {
      console.log(JSON.stringify({ urls: ['http://127.0.0.1:' + server.address().port], ntpPort: null, adminToken: '' }));
    });
    process.on('SIGTERM', () => process.exit(0));
  `;
  return startProcess(process.execPath, ['-e', script]);
}
