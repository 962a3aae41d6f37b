// What a customer asks for, in a few English words, for the embedded provider: the words after a
// request ("please X", "can you X", "I want to X", "I need X") or, for a question about how to do
// something ("how do I X", "is there a way to X"), "explain how to X". English text only; null when
// no request is phrased in a way it knows.

const STOP_AT = /[.!?;:\n(]|,\s|\s(?:and|but|because|so|since|as|if|or|before|after|when|otherwise|thanks|thank)\s|\s-\s/i;
const MAX_WORDS = 6;
/** Words that end a phrase badly ("refund the", "fix my"): trimmed from its end. */
const TRAILING = new Set(['a', 'an', 'the', 'my', 'our', 'your', 'to', 'of', 'for', 'with', 'on', 'in', 'at', 'it', 'this', 'that', 'me', 'us', 'please', 'asap', 'now', 'today', 'again', 'also', 'too']);
const LEADING = new Set(['please', 'just', 'kindly', 'also', 'maybe', 'quickly']);

function phrase(rest: string): string | null {
  const cut = rest.split(STOP_AT)[0] ?? '';
  const words = cut
    .replace(/[“”"'’`]/g, '')
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
  while (words.length && LEADING.has(words[0]!)) words.shift();
  const kept = words.slice(0, MAX_WORDS);
  while (kept.length && TRAILING.has(kept[kept.length - 1]!)) kept.pop();
  if (kept.length === 0 || !/^[a-z]/.test(kept[0]!)) return null;
  const out = kept.join(' ').replace(/[^a-z0-9 %$€£#/-]/g, '').trim();
  return out.length >= 3 ? out : null;
}

// In order of preference; each captures what follows the request.
const REQUESTS: { re: RegExp; prefix?: string }[] = [
  { re: /\b(?:can|could|would|will) (?:you|someone|somebody)(?: please| kindly)? (?!tell me|let me know|help me understand)(.+)/i },
  { re: /\bplease(?:,)? (?!help\b|let me know|advise|see\b|find\b|note\b)(.+)/i },
  { re: /\bi (?:want|would like|['’]d like|need|wish) (?:you )?to (?!know\b|ask\b)(.+)/i },
  { re: /\bwe (?:want|would like|['’]d like|need) (?:you )?to (?!know\b|ask\b)(.+)/i },
  { re: /\b(?:i|we) want (my money back|a refund|the money back)/i, prefix: 'refund ' },
  { re: /\bhow (?:do|can|could|should) (?:i|we) (.+)/i, prefix: 'explain how to ' },
  { re: /\bis (?:there|it) (?:a way|possible|an option) to (.+)/i, prefix: 'explain how to ' },
  { re: /\b(?:can|could) (?:i|we) (.+?)\?/i, prefix: 'explain how to ' },
];

/** The customer's request in a few words, or null. `text` should be English. */
export function findRequestedAction(text: string): string | null {
  // Quoted earlier replies and signatures say nothing about what is asked now.
  const body = text
    .split(/\r?\n/)
    .filter((l) => !l.trimStart().startsWith('>'))
    .join('\n');
  for (const { re, prefix } of REQUESTS) {
    const m = re.exec(body);
    if (!m?.[1]) continue;
    const p = phrase(m[1]);
    if (!p) continue;
    if (prefix === 'refund ') return 'refund charge';
    return prefix ? `${prefix}${p}` : p;
  }
  return null;
}
