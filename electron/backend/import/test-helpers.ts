// Shared by the import tests: text in legacy charsets (Node can decode them but not encode them),
// and a fresh workspace whose draft has a given schema, with the import context over it.
import { TextDecoder } from 'node:util';
import { DEFAULT_SETTINGS, type ExtractionSchema } from '../../../shared/src/domain.js';
import { repositories, SETTING_KEYS, type Repositories } from '../../services/workspace/index.js';
import { tempWorkspaces, type TempWorkspaces } from '../../services/workspace/test-helpers.js';
import { importContext } from '../test-support.js';
import type { ImportContext } from './importer.js';

// Node's TextDecoder reads windows-1252's 0x80-0x9F as C1 controls (see charsets.ts): the real characters.
const WINDOWS_1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const tables = new Map<string, Map<string, number[]>>();

/** `text` in a legacy charset, by inverting TextDecoder's table for it. Throws on a character the charset lacks. */
export function encodeLegacy(text: string, charset: string): Buffer {
  if (/^utf-?8$/i.test(charset)) return Buffer.from(text, 'utf8');
  let table = tables.get(charset);
  if (!table) {
    const t = new Map<string, number[]>();
    const decoder = new TextDecoder(charset);
    if (decoder.encoding === 'windows-1252') [...WINDOWS_1252_80_9F].forEach((c, i) => t.set(c, [0x80 + i]));
    for (let b = 0; b < 0x100; b += 1) {
      const c = decoder.decode(Uint8Array.of(b));
      if (c !== '\uFFFD' && !t.has(c)) t.set(c, [b]);
    }
    if (decoder.encoding === 'shift_jis') {
      for (let lead = 0x81; lead <= 0xfc; lead += 1) {
        for (let trail = 0x40; trail <= 0xfc; trail += 1) {
          const c = decoder.decode(Uint8Array.of(lead, trail));
          if (c.length === 1 && c !== '\uFFFD' && !t.has(c)) t.set(c, [lead, trail]);
        }
      }
    }
    tables.set(charset, t);
    table = t;
  }
  const bytes: number[] = [];
  for (const c of text) {
    const b = table.get(c);
    if (!b) throw new Error(`${JSON.stringify(c)} is not in ${charset}`);
    bytes.push(...b);
  }
  return Buffer.from(bytes);
}

export interface ImportWorkspace {
  temp: TempWorkspaces;
  repos: Repositories;
  ctx: ImportContext;
}

/** A new workspace whose draft rulebook has `schema`, and the import context over it. Close `temp` after. */
export function importWorkspace(draft: { id: string; name: string; schema: ExtractionSchema }): ImportWorkspace {
  const temp = tempWorkspaces();
  const ws = temp.open();
  const repos = repositories(ws);
  repos.settings.set(SETTING_KEYS.draftRulebook, { ...draft, instructions: 'Extract.', settings: DEFAULT_SETTINGS });
  return { temp, repos, ctx: importContext(ws, { repos, author: () => 'tester' }) };
}
