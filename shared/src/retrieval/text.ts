// Text analysis for precedent retrieval: folding for search, word tokens, a light stemmer and
// character n-grams. Everything here is a pure function of its input (no locale, no platform
// dependence), so the same message gives the same features everywhere.
import type { MessageInput } from '../domain.js';

/** Feature kinds. Each kind has its own BM25 length normalisation and weight. */
export const KIND_WORD = 0;
export const KIND_BIGRAM = 1;
export const KIND_CHAR = 2;
export const KIND_COUNT = 3;

/** The text of a message that retrieval indexes at full weight: the subject and the body. */
export function messageSearchText(message: MessageInput): string {
  const subject = message.subject?.trim() ?? '';
  return subject ? `${subject}\n${message.text}` : message.text;
}

/** How much the earlier messages of a conversation count, relative to the message itself. */
export const CONTEXT_WEIGHT = 0.25;

const MARKS = /\p{M}+/gu;
const APOSTROPHES = /['’ʼ`´]/g;
const TOKEN = /[\p{L}\p{N}]+/gu;

const NON_ASCII = /[^\u0000-\u007f]/; // eslint-disable-line no-control-regex

/**
 * Text folded for matching, never shown: NFKD, diacritics removed, lower case, apostrophes dropped
 * (`Wasn't CAFÉ` -> `wasnt cafe`), so spellings of a word meet. Not the pipeline's `normaliseText`,
 * which keeps case and accents because the model sees its result.
 */
export function foldForSearch(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase().replace(APOSTROPHES, '');
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(APOSTROPHES, '');
}

/** @deprecated The old name of `foldForSearch`. */
export const normalizeText = foldForSearch;

/** Word tokens of text already folded (`foldForSearch`): runs of letters and digits. */
export function tokenize(normalized: string): string[] {
  return normalized.match(TOKEN) ?? [];
}

/** Function words: kept as word features (BM25's IDF weighs them down) but given no character n-grams. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been but by can could did do does doing for from had has have having he her here hers him his how i if im in into is it its ive just me my myself no nor not of off on once only or our ours out over own same she should so some such than that the their theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours youre'
  ).split(' '),
);

const ASCII_WORD = /^[a-z]+$/;

/**
 * A deliberately light English suffix stripper (plurals, -ing, -ed, -ly), applied only to ASCII
 * words longer than three letters. Character n-grams cover what it misses.
 */
export function stem(word: string): string {
  const n = word.length;
  if (n <= 3 || !ASCII_WORD.test(word)) return word;
  if (n > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  if (n > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (n > 4 && word.endsWith('ed') && !word.endsWith('eed')) return word.slice(0, -2);
  if (n > 5 && word.endsWith('ly')) return word.slice(0, -2);
  return word;
}

export const CHAR_NGRAM_MIN = 3;
export const CHAR_NGRAM_MAX = 4;
const HAS_DIGIT = /\p{N}/u;

/** Character n-grams of a word padded with `^` and `$`, `min..max` code points long; none for words under four code points, numbers and stopwords. */
export function charNgrams(word: string, min = CHAR_NGRAM_MIN, max = CHAR_NGRAM_MAX): string[] {
  if (STOPWORDS.has(word) || HAS_DIGIT.test(word)) return [];
  const cps = Array.from(word);
  if (cps.length < 4) return [];
  const padded = ['^', ...cps, '$'];
  const out: string[] = [];
  for (let n = min; n <= max; n++) {
    if (n > padded.length) break;
    // The whole padded word is already the word feature.
    for (let i = 0; i + n <= padded.length; i++) {
      if (n === padded.length) continue;
      out.push(padded.slice(i, i + n).join(''));
    }
  }
  return out;
}

/** The word and character features of one (normalised) word token, as prefixed keys with their kinds. */
export function wordFeatureKeys(token: string): { keys: string[]; kinds: number[] } {
  const keys = [`w:${stem(token)}`];
  const kinds = [KIND_WORD];
  for (const g of charNgrams(token)) {
    keys.push(`c:${g}`);
    kinds.push(KIND_CHAR);
  }
  return { keys, kinds };
}
