// One raw SNTP request, for checking the simulator's NTP responder independently of the clock room's client.
import { createSocket } from 'node:dgram';

const NTP_UNIX_OFFSET_S = 2_208_988_800;
const readTimestamp = (buffer: Buffer, offset: number): number =>
  (buffer.readUInt32BE(offset) - NTP_UNIX_OFFSET_S) * 1000 + (buffer.readUInt32BE(offset + 4) / 2 ** 32) * 1000;

export function ntpQuery(
  port: number,
): Promise<{ t1: number; t2: number; t3: number; t4: number; mode: number; stratum: number }> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const request = Buffer.alloc(48);
    request[0] = (4 << 3) | 3;
    const t1 = Date.now();
    request.writeUInt32BE(Math.floor(t1 / 1000) + NTP_UNIX_OFFSET_S, 40);
    request.writeUInt32BE(Math.round(((t1 % 1000) / 1000) * 2 ** 32), 44);
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('NTP timeout'));
    }, 2000);
    socket.on('message', (reply) => {
      const t4 = Date.now();
      clearTimeout(timer);
      socket.close();
      resolve({
        t1,
        t2: readTimestamp(reply, 32),
        t3: readTimestamp(reply, 40),
        t4,
        mode: reply[0]! & 7,
        stratum: reply[1]!,
      });
    });
    socket.send(request, port, '127.0.0.1');
  });
}
