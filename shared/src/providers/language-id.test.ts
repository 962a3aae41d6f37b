import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyOptions } from '../testing/property.js';
import { LANGUAGE_CODES, identifyLanguage, isLanguageField } from './language-id.js';

// Sentences written for this test (not from the demo), one set per language.
const SAMPLES: Record<string, string[]> = {
  en: ['Hi, the app does not open on my phone since yesterday, can you help?', 'Thanks for the quick answer, it works now.', 'How do I change the opening hours for the holidays?'],
  es: ['Hola, no puedo entrar en mi cuenta desde ayer. ¿Me pueden ayudar?', 'Gracias por la ayuda, ya funciona todo.', 'Quiero cambiar el horario de la tienda para las fiestas.'],
  de: ['Hallo, ich kann mich seit gestern nicht mehr anmelden. Können Sie mir bitte helfen?', 'Danke für die schnelle Antwort, jetzt geht es wieder.', 'Wie ändere ich die Öffnungszeiten für die Feiertage?'],
  fr: ["Bonjour, je n'arrive plus à me connecter depuis hier. Pouvez-vous m'aider ?", 'Merci pour votre réponse rapide, tout fonctionne maintenant.', 'Comment changer les horaires pour les jours fériés ?'],
  pt: ['Olá, não consigo entrar na minha conta desde ontem. Podem ajudar?', 'Obrigada pela ajuda, já está tudo a funcionar.', 'Como faço para mudar o horário da loja nos feriados?'],
  it: ['Buongiorno, non riesco ad accedere al mio account da ieri. Potete aiutarmi?', 'Grazie per la risposta veloce, adesso funziona tutto.', 'Come posso cambiare gli orari per le festività?'],
  pl: ['Dzień dobry, od wczoraj nie mogę się zalogować do konta. Czy możecie pomóc?', 'Dziękuję za szybką odpowiedź, już wszystko działa.', 'Jak zmienić godziny otwarcia na święta?'],
  ja: ['昨日からアカウントにログインできません。助けてください。', '早速のご対応ありがとうございました。', '祝日の営業時間はどうやって変更しますか？'],
};

describe('identifyLanguage', () => {
  it('names the language of sentences in each of the covered languages', () => {
    for (const [lang, sentences] of Object.entries(SAMPLES)) {
      for (const s of sentences) expect(identifyLanguage(s), s).toBe(lang);
    }
  });

  it('follows the script with the most letters in mixed text, and answers null with no letters', () => {
    expect(identifyLanguage('Is there a Japanese version of the booking page? 予約できますか')).toBe('en');
    expect(identifyLanguage('予約ページを日本語にできますか？スタッフのアカウントも。 ok')).toBe('ja');
    expect(identifyLanguage('Здравствуйте, не работает терминал')).toBe('ru');
    expect(identifyLanguage('12345 !!! ???')).toBeNull();
    expect(identifyLanguage('')).toBeNull();
  });

  it('is deterministic and always answers a known code or null (any text)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
        const a = identifyLanguage(text);
        expect(a).toBe(identifyLanguage(text));
        expect(a === null || (LANGUAGE_CODES as readonly string[]).includes(a)).toBe(true);
      }),
      propertyOptions(300),
    );
  });

  it('does not change its answer when a sample is wrapped in digits, punctuation, spaces or upper case', () => {
    const samples = Object.entries(SAMPLES).flatMap(([lang, ss]) => ss.map((s) => [lang, s] as const));
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.stringMatching(/^[0-9 .,:;!?()#\n-]{0,20}$/),
        fc.stringMatching(/^[0-9 .,:;!?()#\n-]{0,20}$/),
        fc.boolean(),
        ([lang, s], before, after, upper) => {
          const text = `${before}${upper ? s.toUpperCase() : s}${after}`;
          expect(identifyLanguage(text)).toBe(lang);
        },
      ),
      propertyOptions(300),
    );
  });

  it('answers the language of the majority when sentences of two languages are joined, the longer winning', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(SAMPLES).filter((l) => l !== 'ja')), (lang) => {
        const all = SAMPLES[lang]!.join(' ');
        expect(identifyLanguage(`${all} ${SAMPLES.en![1]}`)).toBe(lang === 'en' ? 'en' : lang);
      }),
      propertyOptions(50),
    );
  });
});

describe('isLanguageField', () => {
  it('knows a language field by its name, aliases or description', () => {
    expect(isLanguageField({ name: 'language' })).toBe(true);
    expect(isLanguageField({ name: 'customer_lang' })).toBe(true);
    expect(isLanguageField({ name: 'x', aliases: ['locale'] })).toBe(true);
    expect(isLanguageField({ name: 'code', description: 'The ISO 639-1 code of the message' })).toBe(true);
    expect(isLanguageField({ name: 'order_id', description: 'A hardware order number' })).toBe(false);
    expect(isLanguageField({ name: 'slang_term' })).toBe(false);
  });
});
