import { describe, expect, it } from 'vitest';
import { ntpReplyProblem, parseNtpTarget } from '../../../electron/clock/ntp-client';

const request = (): Buffer => {
  const buffer = Buffer.alloc(48);
  buffer[0] = (4 << 3) | 3;
  buffer.writeUInt32BE(3_900_000_000, 40);
  buffer.writeUInt32BE(12345, 44);
  return buffer;
};

const goodReply = (req: Buffer): Buffer => {
  const reply = Buffer.alloc(48);
  reply[0] = (4 << 3) | 4;
  reply[1] = 2;
  req.copy(reply, 24, 40, 48);
  reply.writeUInt32BE(3_900_000_001, 32);
  reply.writeUInt32BE(3_900_000_001, 40);
  return reply;
};

describe('NTP reply checks', () => {
  it('accepts a well-formed server reply', () => {
    const req = request();
    expect(ntpReplyProblem(goodReply(req), req)).toBeNull();
  });

  it.each([
    ['short', (r: Buffer) => r.subarray(0, 20), /shorter than an NTP header/],
    ['client mode', (r: Buffer) => ((r[0] = (4 << 3) | 3), r), /mode 3 is not a server reply/],
    ['kiss-o-death', (r: Buffer) => ((r[1] = 0), r.write('RATE', 12, 'ascii'), r), /kiss-o'-death RATE/],
    ['unsynchronised leap', (r: Buffer) => ((r[0] = (3 << 6) | (4 << 3) | 4), r), /leap indicator 3/],
    ['wrong originate', (r: Buffer) => (r.writeUInt32BE(1, 24), r), /originate timestamp does not match/],
    ['zero transmit', (r: Buffer) => (r.fill(0, 40, 48), r), /transmit timestamp is zero/],
    ['stratum 16', (r: Buffer) => ((r[1] = 16), r), /unsynchronised \(stratum 16\)/],
  ])('rejects a reply with %s', (_name, mutate, reason) => {
    const req = request();
    expect(ntpReplyProblem(mutate(goodReply(req)), req)).toMatch(reason);
  });

  it('parses HOST and HOST:PORT and refuses a bad port', () => {
    expect(parseNtpTarget('time.example')).toEqual({ host: 'time.example', port: 123 });
    expect(parseNtpTarget('127.0.0.1:1123')).toEqual({ host: '127.0.0.1', port: 1123 });
    expect(() => parseNtpTarget('host:99999')).toThrow(/HOST:PORT/);
  });
});
