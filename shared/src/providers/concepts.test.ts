import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyOptions } from '../testing/property.js';
import { foldForSearch } from '../retrieval/index.js';
import { pairConcept, wordConcepts } from './concepts.js';

const concepts = (word: string) => wordConcepts(foldForSearch(word));

describe('support concepts across languages', () => {
  it('gives the same notion to the same word in each language', () => {
    for (const w of ['cancel', 'cancelar', 'annuler', 'kündigen', 'disdire', 'anulować']) expect(concepts(w), w).toContain('cancel');
    for (const w of ['refund', 'reembolso', 'remboursement', 'erstatten', 'rimborso', 'zwrot']) expect(concepts(w), w).toContain('refund');
    for (const w of ['printer', 'impresora', 'imprimante', 'drucker', 'stampante', 'Bondrucker']) expect(concepts(w), w).toContain('device');
    for (const w of ['Kartenleser', 'leitor', 'lecteur', 'reader']) expect(concepts(w), w).toContain('device');
    expect(pairConcept('would', 'love')).toBe('wish');
  });

  it('leaves ordinary words alone, and three-letter stems match only themselves or with a short ending', () => {
    for (const w of ['the', 'hello', 'yesterday', 'paypal', 'address']) expect(concepts(w), w).toEqual([]);
    expect(concepts('pay')).toContain('payment');
    expect(concepts('pays')).toContain('payment');
  });

  it('answers any word without throwing, each concept once', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (w) => {
        const out = wordConcepts(foldForSearch(w));
        expect(new Set(out).size).toBe(out.length);
      }),
      propertyOptions(300),
    );
  });
});
