// The desktop transport: `window.tminus` from the preload. The IPC channel cannot drop, so it is always connected.
import type { PreloadApi } from '../../../electron/ipc/preload-api';
import type { Transport } from './transport';

export function createElectronTransport(api: PreloadApi): Transport {
  return {
    invoke: (call, input) => api.invoke(call, input),
    on: (topic, listener) => api.on(topic, listener),
    onStatus: (listener) => {
      listener('connected');
      return () => undefined;
    },
  };
}
