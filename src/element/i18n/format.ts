import type { Localizer } from './localize.js';

// Sizes and dates appear only in the lazy parts (details, list view), so they live here.

/** Bytes in the largest binary unit that keeps the number at least 1 (`1.4 MB`). */
export function formatBytes(l: Localizer, size: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return l.number(value, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  });
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDate(l: Localizer, iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  let format = dateFormats.get(l.lang);
  if (!format) {
    format = new Intl.DateTimeFormat(l.lang, { dateStyle: 'medium', timeStyle: 'short' });
    dateFormats.set(l.lang, format);
  }
  return format.format(time);
}
