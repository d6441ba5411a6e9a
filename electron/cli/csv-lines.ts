// Minimal RFC 4180 CSV for small CLI listings (reports have their own streaming writer).
const quote = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

export const toCsv = (rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  rows.map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
