// Text with the spans the rules matched as <mark> elements. Everything stays React text: the message
// is sliced into strings, never parsed as HTML.
import type { Mark } from './highlight';
import { slice } from './highlight';

export function Marked({ text, marks }: { text: string; marks: readonly Mark[] }) {
  if (marks.length === 0) return <>{text}</>;
  return (
    <>
      {slice(text, marks).map((piece, i) =>
        'mark' in piece ? (
          <mark key={i} className="rule-span" data-testid="rule-span" data-rule-id={piece.mark.ruleId} title={`Matched by rule ${piece.mark.ruleId}`}>
            {piece.text}
          </mark>
        ) : (
          piece.text
        ),
      )}
    </>
  );
}
