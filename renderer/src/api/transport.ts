// What the client needs from a transport: Electron's preload and the browser's WebSocket both provide it.
import type { Reply } from '../../../electron/ipc/wire';

/** `unauthorized`: the page has no valid access token; reconnecting cannot help, so it stops. */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

export interface Transport {
  invoke(call: string, input: unknown): Promise<Reply>;
  on(topic: string, listener: (events: unknown[]) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}
