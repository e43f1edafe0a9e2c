import type { MessageKey } from '../element/i18n/en.js';

/** The admin screens another part builds as lazy elements: `./screens/<name>-screen.js` defines `<ml-<name>-screen>`. */
export const adminScreens = ['users', 'groups', 'keys', 'fields', 'settings', 'activity'] as const;
export type AdminScreen = (typeof adminScreens)[number];

/** Where the app is: the library (at a folder), an admin screen, or an address it does not know. */
export type Route =
  | { screen: 'library'; folder: string; collection?: string }
  | { screen: AdminScreen }
  | { screen: 'not-found' };

/** The app's base path: everything lives under it, so deep links survive a reload. */
export const appBase = '/app/';

export const screenLabels: Record<'library' | AdminScreen, MessageKey> = {
  library: 'appLibrary',
  users: 'appUsers',
  groups: 'appGroups',
  keys: 'appKeys',
  fields: 'appFields',
  settings: 'appSettings',
  activity: 'appActivity',
};

/**
 * `/app/`, `/app/library/campaigns/2026` → the library at `/campaigns/2026`;
 * `/app/collections/<id>` → the library showing that collection; `/app/users` → Users.
 */
export function routeOf(pathname: string): Route {
  const rest = pathname.startsWith(appBase)
    ? pathname.slice(appBase.length)
    : pathname.replace(/^\/app$/, '');
  const [first = '', ...more] = rest.split('/');
  if (first === '' || first === 'library') {
    const segments = more.filter(Boolean).map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
    return { screen: 'library', folder: `/${segments.join('/')}` };
  }
  if (first === 'collections' && more.length === 1 && more[0]) {
    try {
      return { screen: 'library', folder: '/', collection: decodeURIComponent(more[0]) };
    } catch {
      return { screen: 'not-found' };
    }
  }
  if ((adminScreens as readonly string[]).includes(first) && more.every((s) => s === ''))
    return { screen: first as AdminScreen };
  return { screen: 'not-found' };
}

/** The address of a route (the library's folder path in it, each segment encoded; or its collection). */
export function pathOf(route: Route): string {
  if (route.screen === 'library') {
    if (route.collection) return `${appBase}collections/${encodeURIComponent(route.collection)}`;
    const segments = route.folder.split('/').filter(Boolean).map(encodeURIComponent);
    return segments.length === 0 ? appBase : `${appBase}library/${segments.join('/')}`;
  }
  return route.screen === 'not-found' ? appBase : `${appBase}${route.screen}`;
}

/** What the library shows, as one string to compare: its collection, or else its folder. */
export const libraryPlace = (route: { folder: string; collection?: string | undefined }): string =>
  route.collection ? `collection:${route.collection}` : route.folder;
