import type { MessageKey } from '../i18n/en.js';
import type { DatePreset, SizeFilter, TypeFilter } from '../state/search.js';

/** The words for each filter value, shown on the search bar's chips and in their menus. */
export const typeLabels: Record<TypeFilter, MessageKey> = {
  image: 'typeImage',
  video: 'typeVideo',
  audio: 'typeAudio',
  pdf: 'typePdf',
};
export const dateLabels: Record<DatePreset, MessageKey> = {
  '24h': 'date24h',
  '7d': 'date7d',
  '30d': 'date30d',
  '1y': 'date1y',
};
export const sizeLabels: Record<SizeFilter, MessageKey> = {
  small: 'sizeSmall',
  medium: 'sizeMedium',
  large: 'sizeLarge',
  huge: 'sizeHuge',
};
