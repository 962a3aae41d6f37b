// Phrases for a rule's condition: the words (one to three of them) that set one message apart from
// the messages whose answer for a field differs. Pure: the handler (phrase-handlers.ts) reads the
// workspace and feeds the messages in; everything here is text in, counts and scores out.
//
// What is never suggested:
// - the person: the sender's name and address parts, names after a greeting ("Hi Anna"), in a
//   self-introduction ("I'm Dan"), after a sign-off ("Thanks,\nPriya Raman"), on a last line that is
//   only a name, and the output's name fields' values;
// - ids: any word with a digit (order numbers, invoices, dates), e-mail addresses, URLs;
// - a subject the caller says is shared (a chat transcript's "Chat with Tidewell" is template);
// - greetings, sign-offs and phrases that start with a function word ("the", "is", "hi").
//
// Scoring: for a phrase, `with` = messages with the same answer that hold it, `against` = messages
// with another answer that hold it; the score is the smoothed log-odds ratio
//   ln((with + a) / (nWith - with + a)) - ln((against + a) / (nAgainst - against + a)),
// positive when the phrase is more common among messages sharing the answer than among the others.
// Phrases with a positive score are offered; when the message's answer is so common that none has
// one, phrases that other messages holding them mostly share the answer of (see `offered`). "Holds the phrase" is counted on words (the phrase's words in a
// row, separated by one space), as the rule engine's case-insensitive substring match finds them.

/** Bounds on the work, whatever the message or the workspace. */
export const PHRASE_LIMITS = {
  /** Characters of the message's own text that phrases are taken from. */
  maxTextChars: 8000,
  /** Distinct phrases considered (the first ones, in reading order). */
  maxCandidates: 400,
  /** Longest phrase, in words. */
  maxWords: 3,
  /** A "word" longer than this (a run of CJK, a hash) is never a phrase. */
  maxWordChars: 40,
  /** Characters of each other message that are looked at when counting. */
  docChars: 4000,
} as const;

/** Smoothing of the log-odds (a Jeffreys-style half count). */
const ALPHA = 0.5;

export interface PhraseMessage {
  text: string;
  subject?: string | null;
  sender?: string | null;
}

export interface ScoredPhrase {
  phrase: string;
  score: number;
  with: number;
  against: number;
}

// ---------------------------------------------------------------------------------------------
// Words.

const WORD = /[\p{L}\p{N}\p{M}]+(?:['’\-.][\p{L}\p{N}\p{M}]+)*/gu;
const EMAIL = /[^\s<>()[\]{},;:"']+@[^\s<>()[\]{},;:"']+/gu;
const URL = /\b(?:https?:\/\/|www\.)\S+/giu;
const DIGIT = /\p{N}/u;
const LETTER = /\p{L}/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

/** Words that never start a phrase nor make one alone: function words, greetings, sign-offs. */
const STOP = new Set(
  (
    'a an the and or but nor so yet if then than as of to for with at by from on in into onto over under about after before up down out off ' +
    'is are was were be been being am do does did done have has had having will would shall should can could may might must ' +
    "i me my mine we us our ours you your yours he him his she her hers it its they them their theirs this that these those there here " +
    "what which who whom whose when where why how all any both each few more most other some such no not only own same too very just " +
    "i'm i've i'd i'll it's don't doesn't didn't can't cannot won't isn't aren't wasn't we're we've you're that's there's let's " +
    'hi hello hey dear thanks thank thx cheers regards best sincerely kind warm greetings please pls ok okay yes also again still ' +
    'way thing things lot get got getting know need want like one something anything anyone someone really much many well even since because while ' +
    'der die das den dem des ein eine einer und oder aber ich wir sie es ist sind war mit von zu im am bei für auf nicht bitte hallo danke ' +
    'el la los las un una y o pero yo es son con de del en por para no hola gracias ' +
    'le les une et ou mais je nous vous est sont avec du au aux pour pas bonjour merci ' +
    'wie auch noch schon kann können haben habe hat wird werden wenn dann mein meine unser unsere ihr ihre sich man nur sehr gibt gern gerne uns was ' +
    'que lo mi mis su sus muy también como cuando esta este está estoy hay ' +
    'qui mon ma mes notre votre sur dans comme aussi très avons ai ' +
    'il lo gli uno ed ma sono con di da per non ciao grazie ' +
    'meu minha nosso nossa estou muito também como ' +
    'o os as um uma e mas eu é são com do da em por não olá obrigado obrigada'
  ).split(/\s+/),
);

/** Words that may not end a phrase of two or more words (articles, conjunctions, pronouns, "is"). */
const STOP_END = new Set('a an the and or but of to for my our your their his her its is are was were i we you he she they this that der die das und el la y le et'.split(' '));

const lower = (s: string) => s.toLowerCase();

/** Cuts e-mail addresses and URLs out of a text (same length, so offsets stay), leaving run breaks. */
const maskIds = (text: string) => text.replace(EMAIL, (m) => '\n'.repeat(m.length)).replace(URL, (m) => '\n'.repeat(m.length));

/** A word that is an id: it holds a digit. (E-mail addresses and URLs are cut before words are read.) */
export function isIdWord(word: string): boolean {
  return DIGIT.test(word);
}

interface Word {
  text: string;
  key: string;
  start: number;
  end: number;
}

/**
 * The words of a text in runs: two words are in the same run when exactly one space separates
 * them (a newline or punctuation ends a run), so a phrase made of a run's words, joined by one
 * space, occurs in the text as it is. E-mail addresses and URLs end runs and give no word.
 */
export function wordRuns(text: string): Word[][] {
  const masked = maskIds(text);
  const runs: Word[][] = [];
  let run: Word[] = [];
  let lastEnd = -1;
  for (const m of masked.matchAll(WORD)) {
    const start = m.index;
    const word = m[0];
    if (run.length && !(start === lastEnd + 1 && masked[lastEnd] === ' ')) {
      runs.push(run);
      run = [];
    }
    run.push({ text: word, key: lower(word), start, end: start + word.length });
    lastEnd = start + word.length;
  }
  if (run.length) runs.push(run);
  return runs;
}

// ---------------------------------------------------------------------------------------------
// The person.

/** A pattern that matches `words` in any case (the name after it must still start with a capital, so no `i` flag). */
const anyCase = (words: string) => words.replace(/\p{L}/gu, (ch) => (lower(ch) === ch.toUpperCase() ? ch : `[${lower(ch)}${ch.toUpperCase()}]`));

const NAME_WORD = String.raw`\p{Lu}[\p{L}\p{M}'’\-]*`;
const NAME = String.raw`(${NAME_WORD}(?:[ ]${NAME_WORD}){0,2})`;
const GREETING = new RegExp(String.raw`(?:^|[\n.!?]\s*)${anyCase(String.raw`(?:hi|hello|hey|dear|hallo|lieber|liebe|liebes|sehr geehrter|sehr geehrte|hola|estimado|estimada|bonjour|cher|chère|ciao|caro|cara|olá|oi)[ ,]+(?:(?:mr|mrs|ms|dr|herr|frau|señor|señora|sr|sra|m|mme)\.?[ ]+)?`)}${NAME}`, 'gu');
const SELF = new RegExp(String.raw`(?<![\p{L}])${anyCase(String.raw`(?:i am|i'm|i’m|my name is|this is|it's|it’s|ich bin|mein name ist|je suis|je m'appelle|me llamo|soy|mi chiamo|sono|meu nome é|sou)[ ]+`)}${NAME}`, 'gu');
const SIGN_OFF_WORDS = String.raw`(?:thanks(?: again| so much| a lot)?|thank you(?: so much)?|many thanks|thx|cheers|regards|best(?: regards| wishes)?|kind regards|warm regards|warmly|sincerely|yours(?: truly| sincerely)?|all the best|take care|talk soon|mit freundlichen grüßen|freundliche grüße|viele grüße|beste grüße|liebe grüße|grüße|gruß|lg|vg|danke|saludos|un saludo|atentamente|gracias|cordialement|bien à vous|merci|amitiés|cordiali saluti|saluti|grazie|atenciosamente|abraços|obrigado|obrigada)`;
const SIGN_OFF_LINE = new RegExp(String.raw`^[\s\-–—]*${SIGN_OFF_WORDS}[\s,.!]*$`, 'iu');
const SIGN_OFF_INLINE = new RegExp(String.raw`${anyCase(SIGN_OFF_WORDS)}[,.!]*[ \n]+[\-–—~]*[ ]?${NAME}[ .!]*$`, 'u');
const DASH_NAME = new RegExp(String.raw`^[\-–—~]+[ ]?${NAME}[ .!]*$`, 'u');
const ONLY_NAME = new RegExp(String.raw`^${NAME}[ .!]*$`, 'u');
/** A closing line of capitalised words with a title or business after a comma: "Robert Kim, DDS", "Lena Vogel, Café Vogel". */
const NAME_COMMA = new RegExp(String.raw`^${NAME},[ ]?(${NAME_WORD}(?:[ ]${NAME_WORD}){0,3})[ .]*$`, 'u');

const nameKeys = (s: string) =>
  s
    .split(/[^\p{L}\p{M}'’]+/u)
    .filter((w) => w.length >= 2 && LETTER.test(w))
    .map(lower);

/** The text without its signature: the lines after a sign-off line ("Thanks,", "Mit freundlichen Grüßen"). */
export function withoutSignature(text: string): { body: string; signature: string } {
  const lines = text.split('\n');
  // The last sign-off line in the last few lines of the message.
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 6); i--) {
    if (SIGN_OFF_LINE.test(lines[i]!)) return { body: lines.slice(0, i).join('\n'), signature: lines.slice(i).join('\n') };
  }
  return { body: text, signature: '' };
}

/**
 * Lower-cased words that name the person who wrote: from the sender ("Marcus Hale
 * <marcus@halehardware.com>": marcus, hale, halehardware), greetings, self-introductions, the
 * signature, a closing line that is only a name, and `extra` (the output's name fields).
 */
export function personNames(message: PhraseMessage, extra: readonly string[] = []): Set<string> {
  const names = new Set<string>();
  const add = (s: string | undefined | null) => {
    if (s) for (const k of nameKeys(s)) names.add(k);
  };
  const sender = message.sender ?? '';
  for (const email of sender.match(EMAIL) ?? []) {
    const [local, domain] = email.replace(/^<|>$/g, '').split('@');
    add(local?.replace(/[._+-]+/g, ' '));
    add(domain?.split('.')[0]);
  }
  add(sender.replace(EMAIL, ' ').replace(/[<>"()]/g, ' '));
  for (const e of extra) add(e);

  const text = message.text.slice(0, PHRASE_LIMITS.maxTextChars);
  for (const m of text.matchAll(GREETING)) add(m[1]);
  for (const m of text.matchAll(SELF)) add(m[1]);
  const { signature } = withoutSignature(text);
  add(signature.split('\n').slice(1).join(' '));
  const lines = text.trimEnd().split('\n');
  const last = lines[lines.length - 1]?.trim() ?? '';
  const inline = SIGN_OFF_INLINE.exec(lines.slice(-2).join('\n'));
  if (inline) add(inline[1]);
  const dash = DASH_NAME.exec(last);
  if (dash) add(dash[1]);
  // A closing line that is only one or two capitalised words, after other lines: "Dan", "Priya Raman".
  const only = lines.length > 1 ? ONLY_NAME.exec(last) : null;
  if (only && only[1]!.split(' ').length <= 2) add(only[1]);
  const titled = lines.length > 1 ? NAME_COMMA.exec(last) : null;
  if (titled) {
    add(titled[1]);
    add(titled[2]);
  }
  for (const stop of STOP) names.delete(stop);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Candidates.

export interface Candidate {
  /** As written in the message (first occurrence). */
  phrase: string;
  /** Lower case, words joined by one space: what counting compares. */
  key: string;
  words: number;
  /** Where it first occurs (order of reading: subject, then body). */
  position: number;
}

const usableWord = (w: Word) => w.text.length <= PHRASE_LIMITS.maxWordChars && !isIdWord(w.text) && LETTER.test(w.text);

/**
 * The phrases of one to three words the message offers, in reading order, at most
 * `PHRASE_LIMITS.maxCandidates`: from the body (without its signature) and, when `useSubject`, the
 * subject; never holding a name in `names` or an id; not starting with a function word, not ending
 * with an article; a single word has three letters or more (or is CJK).
 */
export function candidatePhrases(message: PhraseMessage, options: { useSubject: boolean; names: ReadonlySet<string> }): Candidate[] {
  const parts: string[] = [];
  if (options.useSubject && message.subject) parts.push(message.subject);
  parts.push(withoutSignature(message.text.slice(0, PHRASE_LIMITS.maxTextChars)).body);
  const out = new Map<string, Candidate>();
  let offset = 0;
  for (const part of parts) {
    for (const run of wordRuns(part)) {
      for (let i = 0; i < run.length; i++) {
        for (let n = 1; n <= PHRASE_LIMITS.maxWords && i + n <= run.length; n++) {
          const words = run.slice(i, i + n);
          if (!words.every(usableWord) || words.some((w) => options.names.has(w.key))) break;
          const first = words[0]!;
          const lastWord = words[n - 1]!;
          if (STOP.has(first.key)) break;
          if (n === 1 && first.text.length < 3 && !CJK.test(first.text)) continue;
          if (n > 1 && STOP_END.has(lastWord.key)) continue;
          const key = words.map((w) => w.key).join(' ');
          if (out.has(key)) continue;
          out.set(key, { phrase: part.slice(first.start, lastWord.end), key, words: n, position: offset + first.start });
          if (out.size >= PHRASE_LIMITS.maxCandidates) return [...out.values()];
        }
      }
    }
    offset += part.length + 1;
  }
  return [...out.values()];
}

// ---------------------------------------------------------------------------------------------
// Counting and scoring.

/**
 * Counts, over messages fed in one by one, how many of each side hold each candidate. Reads each
 * message once, word by word, without building a phrase that no candidate starts with.
 */
export class PhraseCounter {
  private readonly index = new Map<string, number>();
  /** The first word, and the first two words, of the longer candidates. */
  private readonly prefixes = new Set<string>();
  private readonly stamp: Int32Array;
  private docs = 0;
  private readonly word = new RegExp(WORD.source, 'gu');
  readonly with: number[];
  readonly against: number[];
  nWith = 0;
  nAgainst = 0;

  constructor(readonly candidates: readonly Candidate[]) {
    candidates.forEach((c, i) => {
      this.index.set(c.key, i);
      const words = c.key.split(' ');
      for (let n = 1; n < words.length; n++) this.prefixes.add(words.slice(0, n).join(' '));
    });
    this.with = candidates.map(() => 0);
    this.against = candidates.map(() => 0);
    this.stamp = new Int32Array(candidates.length).fill(-1);
  }

  /** Counts one message (its rule text: subject and body; read up to PHRASE_LIMITS.docChars) on the side `same` says. */
  add(text: string, same: boolean): void {
    if (same) this.nWith++;
    else this.nAgainst++;
    if (this.index.size === 0) return;
    const doc = this.docs++;
    const counts = same ? this.with : this.against;
    const hit = (key: string) => {
      const at = this.index.get(key);
      if (at !== undefined && this.stamp[at] !== doc) {
        this.stamp[at] = doc;
        counts[at]!++;
      }
    };
    const masked = maskIds(lower(text.slice(0, PHRASE_LIMITS.docChars)));
    const re = this.word;
    re.lastIndex = 0;
    // The one-word and two-word phrases ending at the previous word that some candidate starts with.
    let p1: string | null = null;
    let p2: string | null = null;
    let lastEnd = -1;
    for (let m = re.exec(masked); m; m = re.exec(masked)) {
      const w = m[0];
      if (!(m.index === lastEnd + 1 && masked.charCodeAt(lastEnd) === 32)) p1 = p2 = null;
      hit(w);
      let two: string | null = null;
      if (p1 !== null) hit((two = `${p1} ${w}`));
      if (p2 !== null) hit(`${p2} ${w}`);
      p1 = this.prefixes.has(w) ? w : null;
      p2 = two !== null && this.prefixes.has(two) ? two : null;
      lastEnd = m.index + w.length;
    }
  }
}

/** The smoothed log-odds that a message holding the phrase shares the answer rather than not. */
export function phraseScore(withCount: number, againstCount: number, nWith: number, nAgainst: number): number {
  const w = Math.min(withCount, nWith);
  const a = Math.min(againstCount, nAgainst);
  return Math.log((w + ALPHA) / (nWith - w + ALPHA)) - Math.log((a + ALPHA) / (nAgainst - a + ALPHA));
}

/**
 * Whether a phrase is worth offering: it sets the message apart (a positive score), or, when the
 * message's answer is so common that nothing does, other messages holding it mostly share the
 * answer (at least two of three, and one besides this message).
 */
export function offered(withCount: number, againstCount: number, score: number): boolean {
  return score > 0 || (withCount >= 2 && withCount >= 2 * againstCount);
}

/** `inner`'s words occur, in a row, in `outer`'s. */
const containsWords = (outer: string, inner: string) => ` ${outer} `.includes(` ${inner} `);

/**
 * The best `limit` phrases, best first, those `offered` only; ties go to the phrase more messages
 * share, then the shorter, then the earlier. A longer phrase that holds a phrase already chosen and
 * is held by exactly the same messages on both sides adds nothing and is left out.
 */
export function rankPhrases(counter: PhraseCounter, limit: number): ScoredPhrase[] {
  const scored = counter.candidates.map((c, i) => ({
    c,
    with: counter.with[i]!,
    against: counter.against[i]!,
    score: phraseScore(counter.with[i]!, counter.against[i]!, counter.nWith, counter.nAgainst),
  }));
  scored.sort((x, y) => y.score - x.score || y.with - x.with || x.c.words - y.c.words || x.c.position - y.c.position);
  const kept: typeof scored = [];
  for (const s of scored) {
    if (kept.length >= limit) break;
    if (!offered(s.with, s.against, s.score)) continue;
    if (kept.some((k) => k.with === s.with && k.against === s.against && containsWords(s.c.key, k.c.key))) continue;
    kept.push(s);
  }
  return kept.map((s) => ({ phrase: s.c.phrase, score: Math.round(s.score * 1000) / 1000, with: s.with, against: s.against }));
}
