// `npm start`: the desktop app where Electron can run; otherwise one line saying why, then the console in a browser.
import { spawn } from 'node:child_process';
import { locateElectron } from './electron-binary.mjs';

const electron = locateElectron({ download: true });
const run = (command, args) => {
  const child = spawn(command, args, { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
};

if (electron.reason === null) {
  run(electron.path, ['.', ...process.argv.slice(2)]);
} else {
  console.log(
    `Electron cannot start: ${electron.reason}; serving the console to a browser instead (tminus serve --open).`,
  );
  run(process.execPath, ['bin/tminus.js', 'serve', '--open', ...process.argv.slice(2)]);
}
