// Picks the transport: the preload's `window.tminus` in the desktop app, else the WebSocket of `tminus serve`, whose
// token arrives in the URL fragment once and is then kept for this tab only (and removed from the address bar).
import type { PreloadApi } from '../../../electron/ipc/preload-api';
import { createApiClient, type ApiClient } from './client';
import { createElectronTransport } from './electron-transport';
import { createWebSocketTransport } from './websocket-transport';

declare global {
  interface Window {
    tminus?: PreloadApi;
  }
}

const TOKEN_KEY = 'tminus.token';

function socketUrl(): string {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  return `ws://${window.location.host}/ws?token=${encodeURIComponent(token)}`;
}

export const api: ApiClient = createApiClient(
  window.tminus ? createElectronTransport(window.tminus) : createWebSocketTransport(socketUrl()),
);

/** The `tminus serve` access token (for download links); null in the desktop app. */
export const serveToken = (): string | null => (window.tminus ? null : sessionStorage.getItem(TOKEN_KEY));

export { ApiError } from './client';
export type { ConnectionStatus } from './transport';
