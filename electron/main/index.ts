// The desktop shell: one hardened window over the same composition root the CLI uses.
import { app, BrowserWindow, dialog, ipcMain, Notification, shell, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hostname } from 'node:os';
import { createApp, type App } from '../app';
import { ClusterMembership, clusterSwitches } from '../cluster';
import { ensureDataDir } from '../store';
import { bindIpcMain } from '../ipc/ipc-main-binding';
import { safeStorageSealer } from './safe-storage-sealer';

const RENDERER_DIR = join(import.meta.dirname, '../renderer');
const RENDERER_URL = pathToFileURL(join(RENDERER_DIR, 'index.html')).href;
const DEV_URL = process.env.ELECTRON_RENDERER_URL;

const isOwnPage = (url: string): boolean =>
  DEV_URL ? url.startsWith(DEV_URL) : url.startsWith(pathToFileURL(RENDERER_DIR).href);

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Tminus',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  void (DEV_URL ? window.loadURL(DEV_URL) : window.loadURL(RENDERER_URL));
  return window;
}

let tminus: App | null = null;
let quitting = false;

/**
 * Joins the cluster the command line or the environment names (`--cluster URL [--name N]`, as `tminus serve`), in the
 * background: the window never waits for Redis. A cluster that cannot be joined is said in a dialog; Settings can
 * join it later.
 */
async function joinCluster(into: App): Promise<void> {
  try {
    const switches = clusterSwitches(process.argv, process.env);
    if (!switches) return;
    const member = await ClusterMembership.join({
      url: switches.url,
      dataDir: into.dataDir,
      name: switches.name ?? hostname(),
      heartbeatMs: 1_000,
    });
    // Closed meanwhile, or joined from Settings first: this membership is not wanted.
    if (tminus !== into || quitting) return void (await member.leave());
    try {
      into.cluster.attach(member);
    } catch (error) {
      await member.leave();
      throw error;
    }
  } catch (error) {
    dialog.showErrorBox('Tminus did not join the cluster', (error as Error).message);
  }
}

void app.whenReady().then(() => {
  // No web permission (camera, geolocation, ...) is ever needed by the console.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const dataDir = ensureDataDir(process.env.TMINUS_HOME ?? app.getPath('userData'));
  tminus = createApp({
    dataDir,
    sealer: safeStorageSealer() ?? undefined,
    chooseSavePath: async (suggestedName) => {
      const result = await dialog.showSaveDialog({
        defaultPath: suggestedName,
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      });
      return result.canceled ? null : (result.filePath ?? null);
    },
    desktopNotify: (title, body, sound) => {
      if (!Notification.isSupported()) return false;
      new Notification({ title, body, silent: !sound }).show();
      return true;
    },
    onInternalError: (call, error) => console.error(`${call} failed:`, error),
  });
  tminus.health.start();
  tminus.captcha.start().catch((error: Error) => console.error(`captcha reader not available: ${error.message}`));
  tminus.engine.keepReconciling(60_000);
  tminus.scheduler.start();
  bindIpcMain(ipcMain, tminus.router, tminus.bus, isOwnPage);
  createWindow();
  // Joined, the desktop console is a node too: the app drives the shares a coordinator deals it.
  void joinCluster(tminus);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', (event) => {
  if (quitting) return;
  // Closing waits for the record to reach the disk, and for the cluster's shares to stop and be left.
  quitting = true;
  event.preventDefault();
  void Promise.resolve(tminus?.close()).finally(() => app.exit(0));
});
