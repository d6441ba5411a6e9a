// The reports room: attribution queries and CSV exports (attempts streamed, summary, attribution tables).
export { AttributionQueries, DIMENSIONS, type Dimension, type AttributionRow } from './attribution';
export { exportAttempts, ATTEMPT_COLUMNS, type ExportOptions } from './attempts-export';
export { exportSummary, exportAttribution, SUMMARY_COLUMNS, ATTRIBUTION_COLUMNS } from './summary-export';
export { AttemptFilterSchema, filterSql, type AttemptFilter } from './attempt-filter';
export { formatInZone, zoneOffsetMinutes } from './iso-instant';
