import type { Catalog } from './localize.js';

/** The catalogs that ship with the element, each its own chunk: only the language in use loads. */
const catalogs: Record<string, () => Promise<{ default: Catalog }>> = {
  de: () => import('./de.js'),
  fr: () => import('./fr.js'),
  es: () => import('./es.js'),
  ar: () => import('./ar.js'),
};

export const load = (lang: string) => catalogs[lang]!();
