// Starts the built `tminus serve` on a free port in a given data directory, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningServe {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startServe(dataDir: string, extraArgs: string[] = []): Promise<RunningServe> {
  const child = spawn(
    process.execPath,
    ['bin/tminus.js', 'serve', '--port', '0', '--data-dir', dataDir, ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(out);
      if (match) resolve({ url: match[0], child, stop });
    });
    child.once('exit', (code) => reject(new Error(`tminus serve exited with ${code}: ${stderr.trim()}`)));
  });
}
