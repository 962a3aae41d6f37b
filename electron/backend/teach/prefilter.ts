// Narrowing an impact preview with the full-text index. A rule's text condition matches phrases as
// substrings of the normalised message, case-insensitively; the index holds whole words of the
// stored message. The query built here must find every message the condition can match (a
// superset: each candidate is then checked with the rules engine itself), so it only says what is
// certain:
// - inside a phrase, a word with a separator on both sides is a whole word of the message;
// - the last word, with a separator before it, starts a word of the message (a prefix query);
// - the first word may end a longer word ("ocked out" is in "locked out"): the index cannot say so,
//   it is left out. A phrase that leaves nothing certain cannot narrow anything.
// Only ASCII letters and digits are used as words (the index folds case and diacritics by Unicode
// tables that JavaScript's case-insensitive matching does not share exactly). Normalisation can
// join two words the index keeps apart (a zero-width space inside a word, a Kelvin sign folded by
// NFC): messages containing such characters are always kept (`ODD_TEXT`, tested in SQLite through
// a JavaScript function: SQLite's GLOB with a character class is ten times slower).
import type { Condition } from '../../../shared/src/domain.js';
import type { LatestTextFilter } from '../../services/workspace/index.js';

/**
 * Characters the pipeline's normalisation removes or folds (zero-width, bidi controls, C0/C1
 * controls other than tab and newline), and two letters that match ASCII ones case-insensitively
 * in JavaScript (KELVIN SIGN, LONG S). Text holding one is always scanned.
 */
// eslint-disable-next-line no-control-regex
export const ODD_TEXT = /[\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u212A\u017F]/;

/** The words of a phrase that the index can vouch for, or null when there is none. */
export function phraseQuery(phrase: string): string | null {
  if ([...phrase].some((ch) => ch.charCodeAt(0) > 0x7f)) return null;
  const words = phrase.split(/[^A-Za-z0-9]+/);
  const leading = words[0] === '';
  const trailing = words[words.length - 1] === '';
  const tokens = words.filter((w) => w !== '');
  const terms: string[] = [];
  tokens.forEach((word, i) => {
    const startKnown = i > 0 || leading;
    if (!startKnown) return; // may be the end of a longer word
    const endKnown = i < tokens.length - 1 || trailing;
    terms.push(endKnown ? `"${word.toLowerCase()}"` : `"${word.toLowerCase()}"*`);
  });
  if (terms.length === 0) return null;
  return terms.length === 1 ? terms[0]! : `(${terms.join(' AND ')})`;
}

/**
 * An FTS5 query that every message matching `cond` matches, or null when the index cannot narrow
 * the condition (a regex, a field condition under `any`, a phrase with no certain word).
 */
export function conditionQuery(cond: Condition): string | null {
  switch (cond.kind) {
    case 'contains_any': {
      const parts = cond.phrases.map(phraseQuery);
      if (parts.length === 0 || parts.some((p) => p === null)) return null;
      return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
    }
    case 'contains_all': {
      const parts = cond.phrases.map(phraseQuery).filter((p): p is string => p !== null);
      if (parts.length === 0) return null;
      return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
    }
    case 'all': {
      const parts = cond.conditions.map(conditionQuery).filter((p): p is string => p !== null);
      if (parts.length === 0) return null;
      return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
    }
    case 'any': {
      const parts = cond.conditions.map(conditionQuery);
      if (parts.length === 0 || parts.some((p) => p === null)) return null;
      return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
    }
    case 'regex':
    case 'field_equals':
      return null;
  }
}

/** The scan filter for a condition (subject and text columns only: rules read those), or null for a full scan. */
export function textFilter(cond: Condition): LatestTextFilter | null {
  const query = conditionQuery(cond);
  return query === null ? null : { fts: `{subject text} : ${query}`, alsoKeep: (text) => ODD_TEXT.test(text) };
}
