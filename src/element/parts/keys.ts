let keys: typeof import('./navigation-keys.js') | undefined;

/** The grid's and the folder tree's keyboard handling, once its lazy chunk has arrived. */
export const navigationKeys = () => keys;

/** Fetches the keyboard handling (the root asks when the browser is idle; a part whose key came first, at once). */
export const loadNavigationKeys = async () => {
  keys ??= await import('./navigation-keys.js');
  return keys;
};
