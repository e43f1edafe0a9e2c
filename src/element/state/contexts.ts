import { createContext } from '@lit/context';
import type { Localizer } from '../i18n/localize.js';
import type { LibraryHost } from './library-host.js';

/** The root element provides its Localizer; every part reads its text through it. */
export const localizeContext = createContext<Localizer>(Symbol('ml-localize'));

/** The root element provides what its lazy parts may read and ask of it. */
export const libraryContext = createContext<LibraryHost>(Symbol('ml-library'));
