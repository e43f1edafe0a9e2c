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

/**
 * The short prefixes kept as words of their own, as FTS5's `prefix='2 3'` keeps them: a GIN prefix
 * match (`'har':*`) gathers every row with a word starting `har` before it checks the phrase, while
 * the marked word `'har~'`, at the position of each word it starts, is one exact lookup.
 */
const prefixLengths = [2, 3];

/** Marks a prefix as one: words hold letters and digits only, so no word ends in `~`. */
const prefixLexeme = (prefix: string) => `'${prefix}~'`;

/**
 * A `tsvector` literal of `texts` taken as one run of words, positions counting on across them;
 * with `prefixes`, each word's short prefixes too, at the word's position.
 */
export function wordVector(texts: string[], { prefixes = false } = {}): string {
  const all = texts.flatMap((text) => words(text).map(foldWord)).filter(Boolean);
  return all
    .flatMap((word, i) => {
      const entries = [`${lexeme(word)}:${i + 1}`];
      if (!prefixes) return entries;
      // By code point, as `left()` and the prefix match count characters.
      const characters = Array.from(word);
      for (const length of prefixLengths) {
        if (characters.length >= length) {
          entries.push(`${prefixLexeme(characters.slice(0, length).join(''))}:${i + 1}`);
        }
      }
      return entries;
    })
    .join(' ');
}

/**
 * A `tsquery` literal: the phrase, its last word a prefix. With `prefixes` (a vector written with
 * them), a last word of a kept prefix length is looked up as that prefix's marked word.
 */
export function phraseQuery(phrase: string[], { prefixes = false } = {}): string {
  const folded = phrase.map(foldWord);
  const last = (word: string) =>
    prefixes && prefixLengths.includes(Array.from(word).length) ? prefixLexeme(word) : `${lexeme(word)}:*`;
  return folded.map((word, i) => (i === folded.length - 1 ? last(word) : lexeme(word))).join(' <-> ');
}
