import { en, type MessageKey } from './en.js';

/** A message: text with `{name}` placeholders, or plural forms by `Intl.PluralRules` category. */
export type Message = string | Readonly<Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }>;

/** A locale's messages; anything missing falls back to English. */
export type Catalog = Partial<Record<MessageKey, Message>>;

type CatalogSource = Catalog | (() => Promise<Catalog | { default: Catalog }>);

// English ships in the core bundle; every other catalog is a lazy chunk or the host's own.
const sources = new Map<string, CatalogSource>([
  ['en', en],
  ['de', () => import('./de.js')],
  ['fr', () => import('./fr.js')],
  ['es', () => import('./es.js')],
  ['ar', () => import('./ar.js')],
]);
const loaded = new Map<string, Promise<Catalog>>();
// What a missing message falls back to: core English now, the lazy parts' English as they load.
const fallback: Catalog = { ...en };

/** Adds English messages (a lazy part's) to the fallback every locale uses. */
export function addEnglish(messages: Catalog): void {
  Object.assign(fallback, messages);
}

/**
 * Makes a locale available to every `<media-library>`: a catalog, or a function that loads one
 * (`() => import('./fr.js')`). Registering an existing language replaces or extends it.
 */
export function registerLocale(lang: string, catalog: CatalogSource): void {
  const key = lang.toLowerCase();
  sources.set(key, catalog);
  loaded.delete(key);
}

const rtlLanguages = new Set([
  'ar',
  'arc',
  'dv',
  'fa',
  'ha',
  'he',
  'khw',
  'ks',
  'ku',
  'ps',
  'sd',
  'ur',
  'yi',
]);

/** `rtl` for right-to-left scripts (Arabic, Hebrew, Persian…). */
export function directionOf(lang: string): 'ltr' | 'rtl' {
  try {
    const info = (
      new Intl.Locale(lang) as Intl.Locale & { getTextInfo?(): { direction: string } }
    ).getTextInfo?.();
    if (info) return info.direction === 'rtl' ? 'rtl' : 'ltr';
  } catch {
    // An invalid tag: decide by its first part below.
  }
  return rtlLanguages.has(lang.split('-')[0]!.toLowerCase()) ? 'rtl' : 'ltr';
}

/** Messages, numbers, sizes and dates for one locale. */
export class Localizer {
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  readonly #catalog: Catalog;
  readonly #plural: Intl.PluralRules;
  readonly #numberFormats = new Map<string, Intl.NumberFormat>();

  constructor(lang: string, catalog: Catalog = {}) {
    this.lang = lang;
    this.dir = directionOf(lang);
    this.#catalog = catalog;
    this.#plural = new Intl.PluralRules(lang);
  }

  /**
   * The message for `key`, with `{placeholders}` filled in (a word of 50 or more characters, such
   * as a long file name, keeps its first and last 24); `count` also picks the plural form.
   */
  t(key: MessageKey, params: Record<string, string | number> = {}): string {
    const message: Message = this.#catalog[key] ?? fallback[key] ?? key;
    let text: string;
    if (typeof message === 'string') text = message;
    else {
      const count = Number(params.count ?? 0);
      text = message[this.#plural.select(count)] ?? message.other;
    }
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      // A name of 255 characters would push the message's words off screen: its middle gives way.
      return typeof value === 'number'
        ? this.number(value)
        : value.replace(/(?<=\S{24})\S{2,}(?=\S{24})/gu, '…');
    });
  }

  number(value: number, options?: Intl.NumberFormatOptions): string {
    // Making a NumberFormat costs far more than using one; grids format thousands of numbers.
    const key = options ? JSON.stringify(options) : '';
    let format = this.#numberFormats.get(key);
    if (!format) {
      format = new Intl.NumberFormat(this.lang, options);
      this.#numberFormats.set(key, format);
    }
    return format.format(value);
  }
}

/**
 * The best catalog for `requested` (`de-AT` → `de`), loaded if need be; English when none
 * matches or loading fails.
 */
export async function loadLocalizer(requested: string): Promise<Localizer> {
  const tag = requested || 'en';
  const candidates = [tag.toLowerCase(), tag.split('-')[0]!.toLowerCase()];
  const lang = candidates.find((c) => sources.has(c));
  // Without a catalog the element speaks English, and says so (its `lang`).
  if (!lang) return new Localizer('en');
  if (lang === 'en') return new Localizer(tag);
  let catalog = loaded.get(lang);
  if (!catalog) {
    const source = sources.get(lang)!;
    catalog =
      typeof source === 'function'
        ? source().then((m) => ('default' in m && typeof m.default === 'object' ? m.default : (m as Catalog)))
        : Promise.resolve(source);
    loaded.set(lang, catalog);
  }
  try {
    return new Localizer(tag, await catalog);
  } catch {
    loaded.delete(lang);
    return new Localizer('en');
  }
}

/** English, ready before any catalog loads. */
export const english = new Localizer('en', en);
