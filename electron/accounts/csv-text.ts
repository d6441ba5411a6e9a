// Bytes of a CSV file → text, or the rows whose bytes are not in the expected encoding. Operators' spreadsheets are
// often GBK (Excel on a Chinese Windows): `encoding: 'gbk'` reads those; a UTF-8 or UTF-16 BOM is honoured.
export interface DecodedText {
  text: string;
  badRows: number[];
}

export function decodeCsvBytes(bytes: Buffer, encoding = 'utf-8'): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), badRows: [] };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), badRows: [] };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(body), badRows: [] };
  } catch {
    // Find the lines that do not decode, so the operator knows where to look.
    const badRows: number[] = [];
    const decoder = new TextDecoder(encoding, { fatal: true });
    let start = 0;
    let row = 1;
    for (let index = 0; index <= body.length; index += 1) {
      if (index === body.length || body[index] === 0x0a) {
        try {
          decoder.decode(body.subarray(start, index));
        } catch {
          badRows.push(row);
        }
        start = index + 1;
        row += 1;
      }
    }
    return { text: '', badRows: badRows.length > 0 ? badRows : [1] };
  }
}

export { neutraliseFormula } from '../common/formula-cells';
