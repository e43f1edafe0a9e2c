import { words } from './compile.js';

/**
 * Word-prefix search without FTS5 (PostgreSQL): a row's words become a full-text vector of
 * positioned lexemes (`'red':1 'dress':2 'jpg':3`) and `name : "red dr"` the phrase query
 * `'red' <-> 'dr':*`, whole words in a row whose last one is a prefix, as FTS5's `"red dr"*` is.
 * Both are written as literals, which PostgreSQL takes as they are: the words are split and folded
 * here, by the code that splits the query, not by a text search configuration or the locale.
 */

/** Lower case without diacritics, as FTS5's unicode61 tokenizer (remove_diacritics 2) folds words. */
export function foldWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}

/** Words hold letters and digits only, so quoting them needs no escapes. */
const lexeme = (word: string) => `'${word}'`;

/** A `tsvector` literal of `texts` taken as one run of words, positions counting on across them. */
export function wordVector(texts: string[]): string {
  const all = texts.flatMap((text) => words(text).map(foldWord)).filter(Boolean);
  return all.map((word, i) => `${lexeme(word)}:${i + 1}`).join(' ');
}

/** A `tsquery` literal: the phrase, its last word a prefix. */
export function phraseQuery(phrase: string[]): string {
  const folded = phrase.map(foldWord);
  return folded
    .map((word, i) => (i === folded.length - 1 ? `${lexeme(word)}:*` : lexeme(word)))
    .join(' <-> ');
}
