import { words } from './compile.js';

/**
 * Word-prefix search without FTS5 (PostgreSQL): a row's words are kept as one normalised string
 * between spaces, ` red dress summer jpg `, and `name : "red dr"` becomes LIKE `% red dr%`. A
 * phrase of whole words whose last one is a prefix, as FTS5's `"red dr"*` is; a trigram index
 * serves the LIKE.
 */

/** Lower case without diacritics, as FTS5's unicode61 tokenizer (remove_diacritics 2) folds words. */
export function foldWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}

/** The stored form of `texts` taken as one run of words: ` red dress summer jpg `, or `` for none. */
export function wordsText(texts: string[]): string {
  const all = texts.flatMap((text) => words(text).map(foldWord)).filter(Boolean);
  return all.length === 0 ? '' : ` ${all.join(' ')} `;
}

/** The LIKE pattern for a phrase whose last word is a prefix; words hold letters and digits only. */
export function phrasePattern(phrase: string[]): string {
  return `% ${phrase.map(foldWord).join(' ')}%`;
}
