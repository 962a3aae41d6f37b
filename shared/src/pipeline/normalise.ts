// The first step of the pipeline: the same message must look the same however it arrived
// (CRLF from mail, NFD from macOS, zero-width characters pasted from chat tools).
import type { MessageInput } from '../domain.js';

/** Messages are cut at this many characters; a longer one costs tokens and tells the model nothing more. */
export const MAX_MESSAGE_CHARS = 20_000;

// Zero-width and bidi-control characters, and C0/C1 controls other than tab and newline.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * The pipeline's normalisation of a message's text, what the model is shown and rules match: NFC,
 * `\n` line endings, invisible and control characters removed, runs of spaces made one, at most one
 * blank line, trimmed, cut at MAX_MESSAGE_CHARS. Case and accents stay. (Retrieval folds further for
 * matching, `foldForSearch`; the workspace's content hash uses less, `textForContentHash`.)
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(/[ \t\u00A0]+/g, ' ')
    .replace(/ $/gm, '')
    .replace(/^ /gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, MAX_MESSAGE_CHARS);
}

const normaliseLine = (s: string) => normaliseText(s).replace(/\s+/g, ' ');

/** A normalised copy with a stable key order and no empty optional parts; the caller's id is dropped. */
export function normaliseMessage(message: MessageInput): MessageInput {
  const out: MessageInput = { text: normaliseText(message.text) };
  if (message.subject && normaliseLine(message.subject)) out.subject = normaliseLine(message.subject);
  if (message.sender && normaliseLine(message.sender)) out.sender = normaliseLine(message.sender);
  const context = (message.context ?? []).map(normaliseText).filter(Boolean);
  if (context.length) out.context = context;
  return out;
}
