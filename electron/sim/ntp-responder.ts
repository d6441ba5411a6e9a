// An NTP server (RFC 5905 server mode, answering mode-3 client requests) that tells the simulator's skewed time,
// with the same one-way latency as node 0. Timestamps are 64-bit NTP format: seconds since 1900 + 32-bit fraction.
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { ServerClock } from './sim-clock';

const NTP_UNIX_OFFSET_S = 2_208_988_800;

export function writeNtpTimestamp(buffer: Buffer, offset: number, epochMs: number): void {
  const seconds = Math.floor(epochMs / 1000) + NTP_UNIX_OFFSET_S;
  const fraction = Math.round(((epochMs % 1000) / 1000) * 2 ** 32);
  buffer.writeUInt32BE(seconds >>> 0, offset);
  buffer.writeUInt32BE(Math.min(fraction, 0xffffffff) >>> 0, offset + 4);
}

export class NtpResponder {
  private socket: Socket | null = null;
  port = 0;

  constructor(
    private readonly clock: () => ServerClock,
    private readonly delayMs: (direction: 'out' | 'back') => number,
  ) {}

  async listen(port = 0): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('message', (message, remote) => this.answer(message, remote.address, remote.port));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    this.socket = socket;
    this.port = (socket.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private answer(request: Buffer, address: string, port: number): void {
    if (request.length < 48) return;
    const mode = request[0]! & 0x07;
    if (mode !== 3) return; // only client requests get an answer
    const version = (request[0]! >> 3) & 0x07;
    const handle = (): void => {
      const receiveMs = this.clock().nowServerMs();
      const reply = Buffer.alloc(48);
      reply[0] = (0 << 6) | (version << 3) | 4; // LI 0, client's version, mode 4 (server)
      reply[1] = 2; // stratum
      reply[2] = request[2]!; // poll
      reply[3] = 0xec; // precision 2^-20 s
      reply.writeUInt32BE(0x00000010, 4); // root delay
      reply.writeUInt32BE(0x00000010, 8); // root dispersion
      reply.write('SIM\0', 12, 'ascii'); // reference id
      writeNtpTimestamp(reply, 16, receiveMs); // reference
      request.copy(reply, 24, 40, 48); // originate = client's transmit
      writeNtpTimestamp(reply, 32, receiveMs); // receive
      writeNtpTimestamp(reply, 40, this.clock().nowServerMs()); // transmit, then the packet travels back
      const send = (): void => {
        this.socket?.send(reply, port, address);
      };
      const backMs = this.delayMs('back');
      if (backMs > 0) setTimeout(send, backMs);
      else send();
    };
    const outMs = this.delayMs('out');
    if (outMs > 0) setTimeout(handle, outMs);
    else handle();
  }
}
