// The browser transport for `tminus serve`: one WebSocket carrying the same messages as Electron IPC. Reconnects with
// capped exponential backoff and jitter, resubscribes every topic, and treats a socket that has said nothing for
// HEARTBEAT_TIMEOUT_MS as dead. Calls in flight when the socket drops fail with DISCONNECTED rather than hang.
import {
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  type ClientMessage,
  type Reply,
  type ServerMessage,
} from '../../../electron/ipc/wire';
import type { ConnectionStatus, Transport } from './transport';

const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 8_000;

/** Whether the server says this page's token is wrong (a network failure is not a refusal). */
async function tokenRefusedFor(socketUrl: string): Promise<boolean> {
  try {
    const url = new URL(socketUrl);
    const check = `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}/auth-check?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`;
    return (await fetch(check, { cache: 'no-store' })).status === 401;
  } catch {
    return false;
  }
}

export function createWebSocketTransport(socketUrl: string): Transport & { close(): void } {
  const tokenRefused = (): Promise<boolean> => tokenRefusedFor(socketUrl);
  let socket: WebSocket | null = null;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let status: ConnectionStatus = 'connecting';
  let failures = 0;
  let nextId = 1;
  let lastHeardAt = Date.now();
  const pending = new Map<number, (reply: Reply) => void>();
  const outbox: ClientMessage[] = [];
  const topicListeners = new Map<string, Set<(events: unknown[]) => void>>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();

  const setStatus = (next: ConnectionStatus): void => {
    if (next === status) return;
    status = next;
    statusListeners.forEach((listener) => listener(next));
  };

  const send = (message: ClientMessage): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    else outbox.push(message);
  };

  const receive = (message: ServerMessage): void => {
    if ('id' in message && message.id === null) {
      console.warn('Tminus refused a message:', message.error.message);
    } else if ('id' in message) {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.('output' in message ? { ok: true, output: message.output } : { ok: false, error: message.error });
    } else if ('batches' in message) {
      for (const batch of message.batches)
        topicListeners.get(batch.topic)?.forEach((listener) => listener(batch.events));
    }
  };

  const connect = (): void => {
    setStatus('connecting');
    const ws = new WebSocket(socketUrl);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      lastHeardAt = Date.now();
      setStatus('connected');
      if (topicListeners.size > 0) ws.send(JSON.stringify({ subscribe: [...topicListeners.keys()] }));
      for (const message of outbox.splice(0)) ws.send(JSON.stringify(message));
    };
    ws.onmessage = (event) => {
      lastHeardAt = Date.now();
      try {
        receive(JSON.parse(String(event.data)) as ServerMessage);
      } catch {
        // A malformed frame is dropped; the next one is independent of it.
      }
    };
    // Errors are followed by close, which does the work; a browser never throws here, but `ws` would without a handler.
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setStatus('disconnected');
      for (const [id, resolve] of pending) {
        resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'the connection to Tminus was lost' } });
        pending.delete(id);
      }
      outbox.length = 0;
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** failures) * (0.5 + Math.random() / 2);
      failures += 1;
      if (closed) return;
      // A socket refused before it ever opened may be a wrong token: ask, and stop trying if it is.
      void tokenRefused().then((refused) => {
        if (refused) setStatus('unauthorized');
        else if (!closed) reconnectTimer = setTimeout(connect, delay);
      });
    };
  };

  const heartbeat = setInterval(() => {
    if (socket?.readyState !== WebSocket.OPEN) return;
    if (Date.now() - lastHeardAt > HEARTBEAT_TIMEOUT_MS) {
      socket.close();
      return;
    }
    send({ heartbeat: Date.now() });
  }, HEARTBEAT_INTERVAL_MS);

  connect();

  return {
    invoke(call, input) {
      const id = nextId++;
      return new Promise<Reply>((resolve) => {
        pending.set(id, resolve);
        send({ id, call, input });
      });
    },
    on(topic, listener) {
      let set = topicListeners.get(topic);
      if (!set) {
        set = new Set();
        topicListeners.set(topic, set);
        send({ subscribe: [topic] });
      }
      set.add(listener);
      return () => {
        const current = topicListeners.get(topic);
        current?.delete(listener);
        if (current && current.size === 0) {
          topicListeners.delete(topic);
          send({ unsubscribe: [topic] });
        }
      };
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    close() {
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(reconnectTimer);
      socket?.close();
    },
  };
}
