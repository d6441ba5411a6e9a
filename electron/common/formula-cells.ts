// Spreadsheet safety for CSV we write: a text cell that starts like a formula is neutralised.
/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading apostrophe. A plain number
 * (`-2`, `3.5`) is left as it is: a spreadsheet reads it as the number, and a re-import must get the number back.
 */
export const neutraliseFormula = (cell: string): string =>
  /^[=+\-@\t\r]/.test(cell) && !/^-\d+(\.\d+)?$/.test(cell) ? `'${cell}` : cell;
