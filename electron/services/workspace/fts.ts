// Turning what a person types into a safe FTS5 query. User text is never handed to MATCH as syntax:
// every word becomes a quoted string (so `"`, `*`, `-`, `:`, `(`, `NEAR`, `AND`, `OR`, `NOT` are just
// text), the words are ANDed, and the last word may match as a prefix, for search as you type.

export interface FtsQueryOptions {
  /** Let the last word match as a prefix (`lock` finds `locked`). Default true. */
  prefixLast?: boolean;
  /** At most this many words are kept. Default 32. */
  maxTerms?: number;
}

/** The FTS5 query for `input`, or null when it holds no searchable word. */
export function toFtsQuery(input: string, options: FtsQueryOptions = {}): string | null {
  const { prefixLast = true, maxTerms = 32 } = options;
  const words = input
    // Control characters and the NUL byte never reach SQLite.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .split(/\s+/u)
    // A word with no letter or digit would make an empty phrase; it cannot match anything useful.
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, maxTerms);
  if (words.length === 0) return null;
  return words
    .map((word, i) => {
      const quoted = `"${word.replace(/"/g, '""')}"`;
      return prefixLast && i === words.length - 1 ? `${quoted}*` : quoted;
    })
    .join(' ');
}
