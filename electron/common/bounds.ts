// Bounds every duration and rate in a profile or a campaign must stay inside: what a timer can hold and a token
// bucket can space. A rate of 1e-9/s is an interval of 31 years (past any timer); 1e6/s is no limit at all.
import { z } from 'zod';

/** How many bookings of one item an account may hold: 1 to 100. */
export const BookingsPerAccount = z.number().int().min(1).max(100).default(1);

/** A wait in whole ms, 1 ms to one hour. */
export const DurationMs = z.number().int().min(1).max(3_600_000);
/** Requests per second: at least one an hour (0.0003/s), at most 100,000/s. */
export const RatePerSec = z
  .number()
  .min(1 / 3_600)
  .max(100_000);
/** A bucket's burst: 1 to 100,000 requests. */
export const Burst = z.number().int().min(1).max(100_000);

/** A time zone this machine knows (IANA name, e.g. Asia/Shanghai): refused here, not when an export needs it. */
export const TimeZoneName = z.string().superRefine((zone, ctx) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `'${zone}' is not a known time zone (an IANA name such as Asia/Shanghai or UTC)`,
    });
  }
});

/** A header value a request can carry: CR, LF or NUL would split or corrupt the request. */
export const HeaderValue = z
  .string()
  .max(8_192)
  .regex(/^[^\r\n\0]*$/, 'header values cannot hold CR, LF or NUL');
