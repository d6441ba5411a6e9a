// Opens a URL in the operator's browser with the platform's own opener; says so in one line when there is none.
import { spawn } from 'node:child_process';

const OPENERS: Partial<Record<NodeJS.Platform, [string, string[]]>> = {
  darwin: ['open', []],
  win32: ['cmd', ['/c', 'start', '""']],
  linux: ['xdg-open', []],
};

export function openBrowser(url: string, log: (line: string) => void): void {
  const opener = OPENERS[process.platform] ?? OPENERS.linux!;
  const [command, args] = opener;
  const child = spawn(command, [...args, url], { stdio: 'ignore', detached: true });
  child.on('error', () => log(`could not open a browser (${command} is not available); open the URL above by hand`));
  child.unref();
}
