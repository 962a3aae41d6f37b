// HTML mail bodies as plain text. A small linear scanner, not a regular expression over the
// markup: every tag, comment, doctype and processing instruction is dropped (an unterminated one
// runs to the end and is dropped too), the content of script, style, title, template and similar
// elements is dropped whole, block elements become line breaks, and character references are
// decoded last, into text. Nothing of the markup survives; a `&lt;b&gt;` the author typed comes
// back as the text `<b>`, which the app shows as text (it never renders messages as HTML).

/** Elements whose content is not text a reader sees. */
const SKIP_CONTENT = new Set(['script', 'style', 'title', 'template', 'noscript', 'iframe', 'object', 'head', 'svg', 'math', 'xml']);
/** Elements that start and end a line. */
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'ul', 'caption',
]);
/** Blocks followed by an empty line (paragraph-like). */
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'table', 'ul', 'ol', 'pre', 'dl']);

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', shy: '', zwnj: '', zwj: '',
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”',
  bdquo: '„', laquo: '«', raquo: '»', lsaquo: '‹', rsaquo: '›', bull: '•', middot: '·', euro: '€', pound: '£', yen: '¥', cent: '¢',
  deg: '°', times: '×', divide: '÷', plusmn: '±', frac12: '½', frac14: '¼', frac34: '¾', sect: '§', para: '¶', iexcl: '¡', iquest: '¿',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß', eacute: 'é', egrave: 'è', ecirc: 'ê', Eacute: 'É',
  aacute: 'á', agrave: 'à', acirc: 'â', iacute: 'í', oacute: 'ó', uacute: 'ú', ntilde: 'ñ', Ntilde: 'Ñ', ccedil: 'ç', Ccedil: 'Ç',
  aring: 'å', Aring: 'Å', oslash: 'ø', Oslash: 'Ø', aelig: 'æ', AElig: 'Æ', rarr: '→', larr: '←', hearts: '♥', check: '✓',
};

/** Decodes character references; unknown names stay as written, impossible code points are dropped. */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));?/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED[name] ?? whole;
    const cp = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '';
    return String.fromCodePoint(cp);
  });
}

function skipQuotedTag(html: string, from: number): number {
  // From inside a tag, the index after its `>`, honouring quoted attribute values.
  let quote = '';
  for (let i = from; i < html.length; i += 1) {
    const c = html[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return html.length;
}

/** Raw-text elements: when one is never closed, everything after its start tag is its content. */
const RAW_TEXT = new Set(['script', 'style', 'title']);

export function htmlToText(input: string): string {
  // Two private-use characters mark line breaks below; they carry nothing in a mail body.
  const html = input.replace(/[\uE000\uE001]/g, '');
  const out: string[] = [];
  let pre = 0;
  let i = 0;
  const n = html.length;
  const text = (s: string) => {
    if (s) out.push(pre > 0 ? s.replace(/\r\n?/g, '\n') : s.replace(/\s+/g, ' '));
  };
  // Block edges collapse (`</div><div>` is one line break); a <br> always counts.
  const br = (count: 1 | 2) => out.push(count === 1 ? '\uE000' : '\uE001');

  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      text(decodeEntities(html.slice(i)));
      break;
    }
    text(decodeEntities(html.slice(i, lt)));
    const next = html[lt + 1];
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? n : end + 3;
      continue;
    }
    if (next === '!' || next === '?') {
      const end = html.startsWith('<![CDATA[', lt) ? html.indexOf(']]>', lt) : html.indexOf('>', lt);
      i = end === -1 ? n : end + (html.startsWith('<![CDATA[', lt) ? 3 : 1);
      continue;
    }
    const closing = next === '/';
    const m = /^[A-Za-z][A-Za-z0-9:-]*/.exec(html.slice(lt + (closing ? 2 : 1), lt + (closing ? 2 : 1) + 64));
    if (!m) {
      // `a < b`: a lone `<` is text.
      text('<');
      i = lt + 1;
      continue;
    }
    const name = m[0].toLowerCase();
    i = skipQuotedTag(html, lt + (closing ? 2 : 1) + m[0].length);
    if (!closing && SKIP_CONTENT.has(name)) {
      // Drop everything up to the matching end tag (or to the end when there is none).
      const close = new RegExp(`</${name}\\b`, 'ig');
      close.lastIndex = i;
      const found = close.exec(html);
      if (found) i = skipQuotedTag(html, found.index + 2 + name.length);
      else if (RAW_TEXT.has(name)) i = n;
      // Never closed (sloppy mail): only the tag goes, what follows is read as usual.
      continue;
    }
    if (name === 'br') out.push('\n');
    else if (name === 'hr') out.push('\uE000---\uE000');
    else if (name === 'li') {
      if (!closing) out.push('\uE000- ');
    } else if (name === 'td' || name === 'th') {
      if (closing) out.push(' ');
    } else if (BLOCK.has(name)) {
      if (name === 'pre') pre = Math.max(0, pre + (closing ? -1 : 1));
      br(PARAGRAPH.has(name) ? 2 : 1);
    } else if (name === 'img' && !closing) {
      const alt = /\balt\s*=\s*("([^"]*)"|'([^']*)')/i.exec(html.slice(lt, i));
      const value = alt ? decodeEntities(alt[2] ?? alt[3] ?? '').trim() : '';
      if (value) text(` [${value}] `);
    }
  }

  // Line breaks: a run of breaks gives at most one empty line; spaces around a break go.
  return out
    .join('')
    .replace(/[ \t]*([\uE000\uE001][ \t\uE000\uE001]*)/g, (run: string) => (run.includes('\uE001') ? '\n\n' : '\n'))
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/[ \t]{2,}/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
