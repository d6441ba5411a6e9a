// What the corpus's captchas say: random answers of random length over the character sets sites use. Most sites
// leave out the characters people confuse (0/O/o, 1/I/i/l); some do not, so a share of answers keeps them and the
// model learns that those glyphs exist. The general model reads case-insensitively: labels are upper-cased.
import { chance, intBetween, pick, type Random } from './random';

export const GENERAL_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const CONFUSABLE = /[0Oo1Iil]/g;

const SETS: readonly string[] = [
  DIGITS,
  UPPER,
  LOWER,
  UPPER + DIGITS,
  LOWER + DIGITS,
  UPPER + LOWER + DIGITS,
  UPPER + LOWER,
];

/** Characters an answer may use, as drawn (mixed case allowed). */
export function answerCharset(random: Random, keepConfusable: boolean): string {
  const set = pick(random, SETS);
  return keepConfusable ? set : set.replace(CONFUSABLE, '') || set;
}

export interface AnswerOptions {
  minLength: number;
  maxLength: number;
  /** Share of answers whose charset keeps 0/O/1/I/l. */
  confusableShare: number;
}

export const DEFAULT_ANSWERS: AnswerOptions = { minLength: 4, maxLength: 6, confusableShare: 0.2 };

export function randomAnswer(random: Random, options: AnswerOptions = DEFAULT_ANSWERS): string {
  const charset = answerCharset(random, chance(random, options.confusableShare));
  const length = intBetween(random, options.minLength, options.maxLength);
  let text = '';
  for (let index = 0; index < length; index += 1) text += charset[Math.floor(random() * charset.length)];
  return text;
}

/** The label a case-insensitive model learns and is scored against. */
export const labelOf = (answer: string): string => answer.toUpperCase();
