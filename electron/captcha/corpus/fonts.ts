// The fonts the corpus draws with: every Latin text font Debian's font packages put under /usr/share/fonts
// (fonts-dejavu, fonts-liberation, fonts-noto-core, fonts-freefont-ttf, fonts-urw-base35, fonts-crosextra-*,
// fonts-roboto-unhinted, …), split into the ones training may use and the ones kept out to measure the model on
// faces it never saw. Kept out: Liberation, Carlito and Caladea — the metric clones of Arial, Times New Roman,
// Courier New, Calibri and Cambria, the faces web pages most often draw captchas in.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export type FontSplit = 'train' | 'held-out';

export interface CorpusFont {
  file: string;
  /** The family as the file name says it (`NotoSerif-BoldItalic.ttf` → `NotoSerif-BoldItalic`). */
  face: string;
}

export const FONT_ROOT = '/usr/share/fonts';

const HELD_OUT = /^(Liberation|Carlito|Caladea)/;
/** Latin text faces; scripts other than Latin, symbol, dingbat, maths and calligraphic faces are left out. */
const LATIN_TEXT =
  /^(DejaVu(Sans|Serif|SansMono)(-|\.)|Liberation|Carlito|Caladea|Noto(Sans|Serif|SansMono|Mono)-|Free(Sans|Serif|Mono)|Roboto(Condensed)?-|C059-|P052-|Nimbus(Roman|Sans|SansNarrow|MonoPS)-|URW(Bookman|Gothic)-)/;

function fontFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) files.push(...fontFiles(path));
    else if (/\.(ttf|otf)$/i.test(name)) files.push(path);
  }
  return files;
}

export function corpusFonts(split: FontSplit, root = FONT_ROOT): CorpusFont[] {
  const seen = new Set<string>();
  const fonts: CorpusFont[] = [];
  for (const file of fontFiles(root).sort()) {
    const face = basename(file).replace(/\.(ttf|otf)$/i, '');
    if (!LATIN_TEXT.test(face) || seen.has(face)) continue;
    if (HELD_OUT.test(face) !== (split === 'held-out')) continue;
    seen.add(face);
    fonts.push({ file, face });
  }
  return fonts;
}
