// Where the rules matched, in the text as shown. Rule spans are offsets into the normalised rule text
// (`subject\n\ntext`, or `text`); the message is shown as stored, so each span is mapped back to the
// stored subject or body (directly when normalising changed nothing, else by finding the matched words).
import type { MessageRecord, RuleFiring } from '../../api/contract';
import { normaliseText } from '../../../../shared/src/pipeline/normalise.js';

export interface Mark {
  start: number;
  end: number;
  ruleId: string;
}

export interface MessageMarks {
  subject: Mark[];
  body: Mark[];
}

const normaliseSubject = (s: string) => normaliseText(s).replace(/\s+/g, ' ');

export function messageMarks(message: Pick<MessageRecord, 'text' | 'subject'>, firings: readonly RuleFiring[]): MessageMarks {
  const subject = message.subject ? normaliseSubject(message.subject) : '';
  const body = normaliseText(message.text);
  const bodyStart = subject ? subject.length + 2 : 0;
  const out: MessageMarks = { subject: [], body: [] };
  for (const firing of firings) {
    for (const span of firing.spans ?? []) {
      if (span.end <= span.start) continue;
      if (subject && span.end <= subject.length) {
        const m = locate(message.subject ?? '', subject, span.start, span.end);
        if (m) out.subject.push({ ...m, ruleId: firing.ruleId });
      } else if (span.start >= bodyStart) {
        const m = locate(message.text, body, span.start - bodyStart, span.end - bodyStart);
        if (m) out.body.push({ ...m, ruleId: firing.ruleId });
      }
    }
  }
  return { subject: merge(out.subject), body: merge(out.body) };
}

/** The span [start, end) of `normalised` found in `shown`. */
function locate(shown: string, normalised: string, start: number, end: number): { start: number; end: number } | null {
  if (end > normalised.length) return null;
  if (shown === normalised) return { start, end };
  const needle = normalised.slice(start, end);
  // The same words, with any run of white space between them.
  const pattern = needle
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  if (!pattern) return null;
  const re = new RegExp(pattern, 'giu');
  let best: { start: number; end: number } | null = null;
  // The occurrence nearest to where the normalised offset says it is.
  for (let m = re.exec(shown); m; m = re.exec(shown)) {
    const candidate = { start: m.index, end: m.index + m[0].length };
    if (!best || Math.abs(candidate.start - start) < Math.abs(best.start - start)) best = candidate;
  }
  return best;
}

function merge(marks: Mark[]): Mark[] {
  const sorted = marks.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Mark[] = [];
  for (const m of sorted) {
    const last = out.at(-1);
    if (last && m.start < last.end) last.end = Math.max(last.end, m.end);
    else out.push({ ...m });
  }
  return out;
}

/** The text cut into plain pieces and marked pieces, for rendering as text nodes and <mark> elements. */
export function slice(text: string, marks: readonly Mark[]): ({ text: string } | { text: string; mark: Mark })[] {
  const pieces: ({ text: string } | { text: string; mark: Mark })[] = [];
  let at = 0;
  for (const mark of marks) {
    if (mark.start < at || mark.end > text.length) continue;
    if (mark.start > at) pieces.push({ text: text.slice(at, mark.start) });
    pieces.push({ text: text.slice(mark.start, mark.end), mark });
    at = mark.end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}
