export { PrecedentIndex, searchTokens, BM25_K1, KIND_WEIGHT } from './precedent-index.js';
export type { SearchHit, TermVector } from './precedent-index.js';
export {
  messageSearchText,
  foldForSearch,
  normalizeText,
  tokenize,
  stem,
  charNgrams,
  KIND_WORD,
  KIND_BIGRAM,
  KIND_CHAR,
  CONTEXT_WEIGHT,
} from './text.js';
