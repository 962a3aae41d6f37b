// Three foldings of text, each for its own purpose and named for it: the pipeline's normalisation
// (what the model is shown), retrieval's folding for search (what precedents are matched on), and
// the workspace's text for a content hash (what makes two imports one message).
import { describe, expect, it } from 'vitest';
import { normaliseText } from '../pipeline/normalise.js';
import { foldForSearch, normalizeText } from './index.js';

describe('foldForSearch', () => {
  it('folds case, accents and apostrophes, so spellings of a word meet', () => {
    expect(foldForSearch("Wasn't CAFÉ")).toBe('wasnt cafe');
    expect(foldForSearch('Ｃａｆｅ\u0301 ﬁx')).toBe('cafe fix');
    expect(foldForSearch('plain ascii')).toBe('plain ascii');
  });

  it('is not the pipeline normalisation: that keeps case and accents (the model sees them)', () => {
    expect(normaliseText("Wasn't CAFÉ")).toBe("Wasn't CAFÉ");
    expect(foldForSearch(normaliseText('  Café\r\nOK  '))).toBe('cafe\nok');
  });

  it('keeps the old name as a deprecated alias', () => {
    expect(normalizeText).toBe(foldForSearch);
  });
});
