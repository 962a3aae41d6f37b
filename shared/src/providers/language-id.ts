// A small deterministic language identifier for the embedded provider: scripts first (Japanese,
// Chinese, Korean, Cyrillic, Greek, Arabic, Hebrew, Thai), then, for Latin text, function words and
// the letters only some languages use. No model and no data files: a pure function of the text.
// Good enough to tell the languages of a support inbox apart (en es de fr pt it pl nl sv da no tr
// ja zh ko ru ...), not a general-purpose detector: short or mixed texts can go either way.

/** ISO 639-1 codes it can answer. */
export const LANGUAGE_CODES = ['en', 'es', 'de', 'fr', 'pt', 'it', 'pl', 'nl', 'sv', 'da', 'no', 'tr', 'ja', 'zh', 'ko', 'ru', 'el', 'ar', 'he', 'th'] as const;
export type LanguageCode = (typeof LANGUAGE_CODES)[number];

/** English names of the codes, for fields whose values are names ("Spanish") rather than codes. */
export const LANGUAGE_NAMES: Readonly<Record<LanguageCode, string>> = {
  en: 'English', es: 'Spanish', de: 'German', fr: 'French', pt: 'Portuguese', it: 'Italian', pl: 'Polish', nl: 'Dutch',
  sv: 'Swedish', da: 'Danish', no: 'Norwegian', tr: 'Turkish', ja: 'Japanese', zh: 'Chinese', ko: 'Korean', ru: 'Russian',
  el: 'Greek', ar: 'Arabic', he: 'Hebrew', th: 'Thai',
};

type Latin = 'en' | 'es' | 'de' | 'fr' | 'pt' | 'it' | 'pl' | 'nl' | 'sv' | 'da' | 'no' | 'tr';

// Frequent function words (folded: lower case, accents kept). A word shared by several languages
// counts for each of them; the distinctive ones decide.
const WORDS: Record<Latin, string> = {
  en: 'the and is are was were to of in on for with you your my our we i it this that have has had not can could would will please thanks thank hi hello there what how why when do does did dont cant im its be been from they but just get got any need want still',
  es: 'el la los las de del que y en un una es por para con no se mi mis su al lo como pero más muy ya hola gracias está están estoy tengo puedo pueden quiero desde hace cuando también nos favor saludos buenas buenos',
  de: 'der die das und ist nicht ich wir sie es ein eine einen dem den des zu mit auf für von im bei auch noch nur wie kann können bitte danke hallo guten tag seit wird werden haben hat sind mein meine unser unsere aber oder wenn dass kein keine schon',
  fr: 'le la les de des du et est un une pour avec pas je nous vous il elle ne que qui dans sur ce cette mon ma mes notre nos votre vos mais ou bonjour merci plus sont avons avez peut pouvez être depuis tout tous aussi très',
  pt: 'o a os as de do da dos das e é um uma para com não que em no na nos nas se por mais mas meu minha nosso nossa você vocês obrigado obrigada olá bom dia boa tarde está estou tenho podem pode já ainda também muito foi ao',
  it: 'il lo la gli le di del della dei delle e è un una per con non che in nel nella si mi ma più sono ho abbiamo potete può anche ancora grazie buongiorno ciao salve come questo questa nostro nostra vostro molto già da al alla',
  pl: 'i w z na do nie się jest to że o od po za jak ale czy mam mój moja nasz nasza proszę dziękuję dzień dobry pozdrawiam już tak jeszcze może są był była został przez dla tylko bardzo',
  nl: 'de het een en is van in op te met voor niet ik we wij je jij u uw ons onze maar ook dat die er zijn heb hebben kan kunnen graag bedankt hallo goedemorgen alvast nog wel al',
  sv: 'och att det som en ett är på för med inte jag vi ni du har kan till av om men från också hej tack mvh vår våra min mitt sin',
  da: 'og at det som en et er på for med ikke jeg vi du har kan til af om men fra også hej tak venlig hilsen vores min mit',
  no: 'og at det som en et er på for med ikke jeg vi du har kan til av om men fra også hei takk hilsen vår våre min mitt',
  tr: 've bir bu için ile de da ne çok mi mı mu mü var yok ben biz siz merhaba teşekkürler lütfen ama gibi daha olarak değil',
};

// Letters that only some Latin-script languages use, and how much one occurrence counts.
const LETTERS: [RegExp, Latin, number][] = [
  [/[ñ¿¡]/g, 'es', 2],
  [/ß/g, 'de', 2],
  [/[äöü]/g, 'de', 0.6],
  [/[ç]/g, 'fr', 0.4],
  [/[ç]/g, 'pt', 0.4],
  [/[êèëîïûùœ]/g, 'fr', 0.6],
  [/[ãõ]/g, 'pt', 2],
  [/[àèìòù]/g, 'it', 0.4],
  [/[ąćęłńśźż]/g, 'pl', 2],
  [/[åø]/g, 'no', 0.5],
  [/[åø]/g, 'da', 0.5],
  [/[å]/g, 'sv', 0.8],
  [/[ğış]/g, 'tr', 2],
];

const WORD_SETS = new Map<Latin, Set<string>>(Object.entries(WORDS).map(([k, v]) => [k as Latin, new Set(v.split(' '))]));
const LATIN_ORDER = Object.keys(WORDS) as Latin[];

const KANA = /[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]/gu;
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/gu;
const HANGUL = /[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]/gu;
const CYRILLIC = /\p{Script=Cyrillic}/gu;
const GREEK = /\p{Script=Greek}/gu;
const ARABIC = /\p{Script=Arabic}/gu;
const HEBREW = /\p{Script=Hebrew}/gu;
const THAI = /\p{Script=Thai}/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;
const WORD = /[\p{L}]+/gu;

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

/** One character of these scripts says about as much as this many Latin letters. */
const CJK_WEIGHT = 2;

/**
 * The language `text` is written in, as an ISO 639-1 code, or null when there is nothing to go by
 * (no letters). Text in several scripts goes to the script with the most letters (CJK characters
 * counting double); Latin text to the language whose function words and letters it uses most,
 * English on a tie or when no cue is found at all.
 */
export function identifyLanguage(text: string): LanguageCode | null {
  const kana = count(text, KANA);
  const han = count(text, HAN);
  const scripts: [LanguageCode | 'latin', number][] = [
    ['ja', kana > 0 ? (kana + han) * CJK_WEIGHT : 0],
    ['zh', kana > 0 ? 0 : han * CJK_WEIGHT],
    ['ko', count(text, HANGUL) * CJK_WEIGHT],
    ['ru', count(text, CYRILLIC)],
    ['el', count(text, GREEK)],
    ['ar', count(text, ARABIC)],
    ['he', count(text, HEBREW)],
    ['th', count(text, THAI)],
    ['latin', count(text, LATIN_LETTER)],
  ];
  let script: [LanguageCode | 'latin', number] = ['latin', 0];
  for (const s of scripts) if (s[1] > script[1]) script = s;
  if (script[1] === 0) return null;
  if (script[0] !== 'latin') return script[0];
  return identifyLatin(text);
}

function identifyLatin(text: string): Latin {
  const lower = text.toLowerCase();
  const score = new Map<Latin, number>(LATIN_ORDER.map((l) => [l, 0]));
  for (const w of lower.match(WORD) ?? []) {
    for (const l of LATIN_ORDER) if (WORD_SETS.get(l)!.has(w)) score.set(l, score.get(l)! + 1);
  }
  for (const [re, l, weight] of LETTERS) score.set(l, score.get(l)! + weight * count(lower, re));
  let best: Latin = 'en';
  for (const l of LATIN_ORDER) if (score.get(l)! > score.get(best)!) best = l;
  return best;
}

/** Whether a field asks for a language: its name or description says so. */
export function isLanguageField(field: { name: string; description?: string | undefined; aliases?: readonly string[] | undefined }): boolean {
  const name = [field.name, ...(field.aliases ?? [])].join(' ');
  if (/(^|[\s_-])(lang|language|locale)([\s_-]|$)/i.test(name)) return true;
  return /\b(ISO[ -]?639|language (?:code|of the message|the customer wrote|it is written|written in))/i.test(field.description ?? '');
}

/** Words of the lists above that say something about a message (thanks, a request, a repeat). */
const CUE_WORDS = new Set('thanks thank please still want need cant dont gracias favor quiero danke bitte noch merci obrigado obrigada grazie ancora prosze dziekuje jeszcze tack takk tak bedankt graag tesekkurler lutfen'.split(' '));
const fold = (w: string) => w.normalize('NFKD').replace(/\p{M}+/gu, '');

const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  Object.values(WORDS)
    .flatMap((v) => v.split(' '))
    .map(fold)
    .filter((w) => !CUE_WORDS.has(w)),
);

/** Whether a folded word (lower case, no accents) is a frequent function word of a language known here. */
export const isFunctionWord = (folded: string): boolean => FUNCTION_WORDS.has(folded);
