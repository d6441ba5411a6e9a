// What the client needs from a transport: Electron's preload and the browser's WebSocket both provide it.
import type { Reply } from '../../../electron/ipc/wire';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface Transport {
  invoke(call: string, input: unknown): Promise<Reply>;
  on(topic: string, listener: (events: unknown[]) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}
