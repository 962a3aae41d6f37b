// A small cross-language lexicon of customer-support words, for the embedded provider's text
// classifier: a word of any language language-id.ts knows (en, es, de, fr, pt, it, pl) that starts
// with one of a concept's stems also counts as that concept (`c:cancel` for "cancel", "cancelar",
// "annuler", "kündigen", "disdire", "anulować"), so what precedents in one language teach reaches
// messages in another. It names general support notions, not any product's or any schema's:
// which concept goes with which answer is still learnt from the precedents.
//
// Stems are matched against words folded as the retrieval index folds them (lower case, accents
// removed); German compounds are matched inside the word too (`kartenleser` holds `leser`).

const CONCEPTS: Record<string, { stems: string[]; inside?: string[] }> = {
  cancel: { stems: ['cancel', 'annul', 'kundig', 'disdi', 'disdett', 'rezygn', 'anulow', 'wypowied'], inside: ['kundig'] },
  subscription: { stems: ['subscri', 'suscrip', 'abonn', 'abbonam', 'abonam', 'assinat', 'abo'] },
  refund: { stems: ['refund', 'reembols', 'rembours', 'erstatt', 'rimbors', 'zwrot', 'devolv', 'devolu', 'estorn'], inside: ['erstatt'] },
  invoice: { stems: ['invoic', 'factur', 'rechnung', 'fattur', 'faktur', 'billing'], inside: ['rechnung'] },
  charge: { stems: ['charg', 'cobr', 'abgebucht', 'abbuch', 'prelev', 'addebit', 'pobran', 'pobral', 'debit'] },
  price: { stems: ['price', 'pricing', 'cost', 'fee', 'precio', 'preco', 'prix', 'preis', 'prezz', 'cena', 'tarif', 'comisi', 'commission', 'gebuhr', 'expensiv', 'caro', 'teuer', 'drog'], inside: ['gebuhr', 'preis'] },
  login: { stems: ['login', 'logon', 'signin', 'connect', 'connex', 'anmeld', 'acced', 'access', 'logowa', 'zaloguj', 'entrar', 'einlogg'] },
  password: { stems: ['passw', 'contrase', 'kennwort', 'senha', 'haslo', 'passe'], inside: ['passwort'] },
  verification: { stems: ['verif', 'codigo', 'codice', 'kod', 'sms', '2fa', 'two factor', 'bestatig'] },
  locked: { stems: ['locked', 'lockout', 'gesperr', 'bloque', 'blocc', 'zablok', 'bloqu'] },
  error: { stems: ['error', 'erreur', 'fehler', 'errore', 'erro', 'blad', 'crash', 'absturz', 'plant', 'freez', 'fail', 'falla', 'falha', 'bug', 'glitch'], inside: ['fehler'] },
  not_working: { stems: ['broken', 'defekt', 'defect', 'kaput', 'rott', 'quebr', 'stopped', 'funktion', 'funcion', 'fonctionn', 'funzion', 'dziala', 'geht'] },
  print: { stems: ['print', 'imprim', 'druck', 'stamp', 'drukar', 'drukuj'], inside: ['druck'] },
  receipt: { stems: ['receipt', 'recibo', 'recu', 'beleg', 'scontrin', 'ricevut', 'paragon', 'bon'], inside: ['beleg'] },
  device: { stems: ['reader', 'lector', 'leitor', 'lecteur', 'leser', 'lettor', 'czytnik', 'terminal', 'scanner', 'escaner', 'printer', 'impresora', 'imprimante', 'drucker', 'stampant', 'drukark', 'hardware', 'ipad', 'tablet'], inside: ['leser', 'drucker'] },
  delivery: { stems: ['deliver', 'ship', 'envio', 'envia', 'livrai', 'livr', 'liefer', 'spedi', 'consegn', 'dostaw', 'wysyl', 'entreg', 'arriv', 'lleg', 'cheg', 'track', 'rastre', 'suivi', 'sendung', 'paket', 'package', 'parcel', 'colis', 'pacote', 'paquete', 'pacco', 'paczk'], inside: ['liefer', 'sendung'] },
  order: { stems: ['order', 'pedido', 'encomend', 'command', 'bestell', 'ordin', 'zamow'], inside: ['bestell'] },
  wish: { stems: ['feature', 'wish', 'would love', 'love to', 'encant', 'gustar', 'possib', 'moglich', 'mozliw', 'suggest', 'sugere', 'sugg', 'vorschlag', 'idea', 'idee', 'wunsch', 'plans', 'plan to', 'roadmap', 'add', 'agreg', 'anad', 'ajout', 'hinzuf', 'aggiung', 'adicion', 'dodac', 'dodan' ] },
  export: { stems: ['export', 'exporta', 'esport', 'eksport', 'download', 'descarg', 'baixar', 'telecharg', 'herunterlad', 'scaric', 'pobier'] },
  report: { stems: ['report', 'informe', 'relator', 'rapport', 'bericht', 'raport', 'dashboard', 'statist', 'auswert'], inside: ['bericht'] },
  booking: { stems: ['book', 'reserv', 'buchung', 'prenot', 'rezerw', 'termin', 'appoint', 'cita', 'agend', 'rendez', 'calend', 'kalend'], inside: ['buchung'] },
  thanks: { stems: ['thank', 'thx', 'gracias', 'obrigad', 'merci', 'danke', 'grazie', 'dziek', 'appreciat', 'agradec', 'ringrazi', 'dank'] },
  tax: { stems: ['tax', 'vat', 'iva', 'tva', 'mwst', 'steuer', 'impost', 'podat', 'vat'], inside: ['steuer'] },
  payout: { stems: ['payout', 'deposit', 'transfer', 'auszahl', 'virement', 'transfer', 'bonific', 'przelew', 'deposito', 'settle'] },
  payment: { stems: ['payment', 'pay', 'pago', 'pagament', 'paiement', 'zahlung', 'platnos', 'platn', 'card', 'tarjeta', 'cartao', 'carte', 'karte', 'carta', 'karta'], inside: ['zahlung', 'karte'] },
  staff: { stems: ['staff', 'employe', 'emplead', 'funcionar', 'mitarbeit', 'dipendent', 'pracown', 'permission', 'permis', 'berechtig', 'role', 'rol', 'uprawn', 'invite', 'invit', 'einlad', 'zapros'] },
  urgent: { stems: ['urgent', 'urgen', 'asap', 'immediat', 'sofort', 'dringend', 'subito', 'pilne', 'pilny', 'now', 'ahora', 'agora', 'maintenant', 'jetzt', 'adesso', 'teraz'] },
  again: { stems: ['again', 'still', 'follow', 'otra vez', 'todavia', 'sigue', 'encore', 'toujours', 'noch', 'wieder', 'ancora', 'di nuovo', 'nadal', 'znowu', 'ainda', 'novamente', 'de nuevo', 'de novo'] },
  data: { stems: ['data', 'datos', 'dados', 'donnees', 'daten', 'dati', 'dane', 'gdpr', 'rgpd', 'dsgvo', 'rodo', 'delete', 'borrar', 'eliminar', 'supprim', 'losch', 'usun'] },
};

/** Concept stems by first letter, longest first (a word takes the first concept whose stem it starts with, per concept). */
const BY_INITIAL = new Map<string, { stem: string; concept: string }[]>();
const INSIDE: { part: string; concept: string }[] = [];
for (const [concept, { stems, inside }] of Object.entries(CONCEPTS)) {
  for (const s of stems) {
    if (s.includes(' ')) continue; // phrases are matched on word pairs below
    const list = BY_INITIAL.get(s[0]!) ?? [];
    list.push({ stem: s, concept });
    BY_INITIAL.set(s[0]!, list);
  }
  for (const part of inside ?? []) INSIDE.push({ part, concept });
}
for (const list of BY_INITIAL.values()) list.sort((a, b) => b.stem.length - a.stem.length);
const PHRASES = new Map<string, string>();
for (const [concept, { stems }] of Object.entries(CONCEPTS)) for (const s of stems) if (s.includes(' ')) PHRASES.set(s, concept);

/** The concepts of one folded word (a stem of three letters matches only itself or it with up to two more: `pay`, `pays`, not `paypal`). */
export function wordConcepts(word: string): string[] {
  const out = new Set<string>();
  for (const { stem, concept } of BY_INITIAL.get(word[0] ?? '') ?? []) {
    if (stem.length <= 3 ? word === stem || (word.startsWith(stem) && word.length <= stem.length + 2) : word.startsWith(stem)) out.add(concept);
  }
  if (word.length >= 8) for (const { part, concept } of INSIDE) if (word.includes(part)) out.add(concept);
  return [...out];
}

/** The concepts of a pair of adjacent folded words ("would love", "di nuovo"). */
export function pairConcept(first: string, second: string): string | undefined {
  return PHRASES.get(`${first} ${second}`);
}
