import { createContext } from '@lit/context';
import type { Localizer } from '../i18n/localize.js';

/** The root element provides its Localizer; every part reads its text through it. */
export const localizeContext = createContext<Localizer>(Symbol('ml-localize'));
