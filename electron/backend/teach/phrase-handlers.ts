// Phrase suggestions for a rule's condition: the words that set a message apart from the messages
// whose answer of record for a field differs (scoring in phrases.ts). The answer of record is the
// extraction the inbox shows (`messages.latest_extraction_id`, read through the repositories).
//
// Bounded work whatever the workspace holds: the other messages are a sample (the newest
// SAMPLE_MESSAGES with an answer, read in pages), each read up to PHRASE_LIMITS.docChars, and the
// scan stops at TIME_BUDGET_MS; the event loop gets a turn every few milliseconds. Whether the
// subject is shared (a chat transcript's "Chat with Tidewell") is asked of the full-text index over
// the whole workspace, so a template subject is known even when the sample misses its siblings.
import { ApiError, type ApiHandlers, type PhraseSuggestions } from '../../../shared/src/api/index.js';
import type { Extraction, ExtractionSchema, JsonValue } from '../../../shared/src/domain.js';
import { normaliseMessage, normaliseText } from '../../../shared/src/pipeline/normalise.js';
import { toFtsQuery } from '../../services/workspace/fts.js';
import type { LatestCursor, Repositories } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { readDraft } from '../draft.js';
import { TimeSlice } from '../time-slice.js';
import { candidatePhrases, personNames, PhraseCounter, rankPhrases, PHRASE_LIMITS } from './phrases.js';

export type PhraseHandlers = Pick<ApiHandlers, 'suggestPhrases'>;

/** Other messages counted at most (newest first). */
export const SAMPLE_MESSAGES = 5000;
/** The scan stops after this long, with what it has counted. */
export const TIME_BUDGET_MS = 1500;
const PAGE = 1000;
const SLICE_MS = 20;

const same = (a: JsonValue | undefined, b: JsonValue | null) => JSON.stringify(a ?? null) === JSON.stringify(b);
const subjectKey = (s: string | null | undefined) => (s ? normaliseText(s).replace(/\s+/g, ' ').toLocaleLowerCase('und') : '');

/** The values of the output's name fields (a string field whose name says "name"): the person's name, never a phrase. */
function nameValues(output: Extraction | undefined, schema: ExtractionSchema): string[] {
  if (!output) return [];
  return schema.fields
    .filter((f) => /name/i.test(f.name) && f.type === 'string')
    .map((f) => output[f.name])
    .filter((v): v is string => typeof v === 'string');
}

/**
 * Whether another message (with an answer) has the same subject: asked of the full-text index (the
 * subject's words, in the subject column), then compared exactly.
 */
function subjectShared(repos: Repositories, messageId: string, subject: string | null): boolean {
  const key = subjectKey(subject);
  if (!key) return false;
  const words = toFtsQuery(subject!, { prefixLast: false, maxTerms: 16 });
  if (!words) return false;
  let after: LatestCursor | null = null;
  // Pages of the messages whose subject holds all its words, until one has the very same subject.
  for (let pages = 0; pages < 20; pages++) {
    const rows = repos.extractions.latestPage({ after, limit: 500, filter: { fts: `{subject} : (${words})` } });
    if (rows.some((r) => r.messageId !== messageId && subjectKey(r.subject) === key)) return true;
    if (rows.length < 500) return false;
    const last = rows[rows.length - 1]!;
    after = { receivedAt: last.receivedAt, messageId: last.messageId };
  }
  return false;
}

export function createPhraseHandlers(ctx: BackendContext): PhraseHandlers {
  const { repos } = ctx;
  return {
    suggestPhrases: async ({ messageId, field, limit }): Promise<PhraseSuggestions> => {
      const draft = readDraft(repos);
      if (!draft) throw new ApiError({ code: 'conflict', message: 'suggestPhrases: this workspace has no rulebook yet' });
      if (!draft.schema.fields.some((f) => f.name === field)) {
        throw new ApiError({ code: 'bad_request', message: `suggestPhrases: the schema has no field ${field}`, issues: [{ path: 'field', message: `no field named ${field}` }] });
      }
      const message = repos.messages.get(messageId);
      if (!message) throw new ApiError({ code: 'not_found', message: `no message with id ${messageId}` });
      const record = repos.extractions.latestForMessage(messageId);
      const value: JsonValue | null = record?.output[field] ?? null;

      const norm = normaliseMessage({ text: message.text, ...(message.subject ? { subject: message.subject } : {}), ...(message.sender ? { sender: message.sender } : {}) });
      const names = personNames(norm, nameValues(record?.output, draft.schema));
      const useSubject = !subjectShared(repos, messageId, message.subject);
      const candidates = candidatePhrases(norm, { useSubject, names });
      const counter = new PhraseCounter(candidates);
      // The message itself holds every one of its phrases.
      counter.nWith++;
      candidates.forEach((_, i) => counter.with[i]!++);

      const slice = new TimeSlice(SLICE_MS);
      const started = performance.now();
      let seen = 0;
      let after: LatestCursor | null = null;
      scan: while (candidates.length > 0 && seen < SAMPLE_MESSAGES) {
        const rows = repos.extractions.latestPage({ after, limit: Math.min(PAGE, SAMPLE_MESSAGES - seen) });
        for (const row of rows) {
          if (row.messageId === messageId) continue;
          seen++;
          const text = normaliseText(row.text.slice(0, PHRASE_LIMITS.docChars));
          counter.add(row.subject ? `${row.subject}\n\n${text}` : text, same(row.output[field], value));
          if (performance.now() - started > TIME_BUDGET_MS) break scan;
          await slice.yieldIfDue();
        }
        if (rows.length < PAGE) break;
        const last = rows[rows.length - 1]!;
        after = { receivedAt: last.receivedAt, messageId: last.messageId };
      }
      return { field, value, phrases: rankPhrases(counter, limit) };
    },
  };
}
