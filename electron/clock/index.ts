// The clock room: what time it is on the target's server, with an honest bound.
export { ClockService, reportToWire, type ClockReport, type SourceReport } from './clock-service';
export { systemLocalClock, type LocalClock } from './local-clock';
export { filterBurst, shortestRoundTrip, type BurstEstimate } from './burst-filter';
export { marzullo, type Agreement, type SourceInterval } from './marzullo';
export { DriftTracker } from './drift-tracker';
export { queryNtp, parseNtpTarget, ntpReplyProblem } from './ntp-client';
export { HttpTimeSource, checkFieldExpression } from './http-time-source';
export { searchDateBoundary } from './date-header-search';
export { sourceId, takeBurst, type TimeSourceSpec } from './time-sources';
export type { OffsetSample } from './offset-sample';
