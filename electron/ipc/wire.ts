// Messages both transports carry, identical on Electron IPC and on the WebSocket. Imported by the renderer too.
import type { Topic } from './contract';

export interface WireError {
  code: string;
  message: string;
  issues?: Array<{ path: string; message: string }>;
  details?: Record<string, unknown>;
}

export type Reply = { ok: true; output: unknown } | { ok: false; error: WireError };

/** Renderer → main. */
export type ClientMessage =
  | { id: number; call: string; input: unknown }
  | { subscribe: string[] }
  | { unsubscribe: string[] }
  | { heartbeat: number };

/** One frame's events for one topic. */
export interface TopicBatch {
  topic: Topic;
  events: unknown[];
}

/** Main → renderer. Events arrive as at most one `frame` message per 16 ms. */
export type ServerMessage =
  | ({ id: number } & ({ output: unknown } | { error: WireError }))
  /** The answer to a frame that named no call (not JSON, not an object): its error, for the sender to log. */
  | { id: null; error: WireError }
  | { frame: number; batches: TopicBatch[] }
  | { heartbeat: number };

export const FRAME_MS = 16;
/** The largest call a transport reads (an account import of ~100,000 rows fits); larger ones are answered with an error. */
export const MAX_CALL_BYTES = 16 * 1024 * 1024;
/** WebSocket close code for a subscriber that stopped reading: the server gave it up. */
export const CLOSE_TOO_SLOW = 4008;
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A socket with no heartbeat for this long is dead. */
export const HEARTBEAT_TIMEOUT_MS = 12_000;
