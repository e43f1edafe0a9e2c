import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { MediaClient } from '../client/media-client.js';
import { state } from '../element/decorators.js';
import type { ErrorDetail, NavigateDetail } from '../element/events.js';
import '../element/i18n/en-app.js';
import { english, type Localizer, loadLocalizer } from '../element/i18n/localize.js';
import { loadNotificationBell } from '../element/index.js';
import type { NotificationOpenDetail } from '../element/parts/notification-bell.js';
import { shared } from '../element/styles/shared.js';
import { tokens } from '../element/styles/tokens.js';
import { appStyles } from './app.styles.js';
import {
  type AdminScreen,
  adminScreens,
  libraryPlace,
  pathOf,
  type Route,
  routeOf,
  screenLabels,
} from './routes.js';
import { AppRequestError, clientFor, currentUser, type SignedIn, signOut } from './session.js';
import './sign-in-form.js';

/** The languages the app offers, by their own names. */
const languages = [
  ['en', 'English'],
  ['de', 'Deutsch'],
  ['fr', 'Français'],
  ['es', 'Español'],
  ['ar', 'العربية'],
] as const;
const languageKey = 'media-library-app-language';

/** The language chosen in this browser before, if storage allows reading it. */
function savedLanguage(): string | null {
  try {
    return localStorage.getItem(languageKey);
  } catch {
    return null;
  }
}

/**
 * Loads an admin screen's lazy chunk (`src/app/screens/<name>-screen.ts`, which defines
 * `<ml-<name>-screen>`). Vite turns the pattern into one chunk per file there; it matches the
 * sources' own extension (`.js` would find none), and a screen without a file rejects.
 */
function loadScreen(name: AdminScreen): Promise<unknown> {
  return import(`./screens/${name}-screen.ts`);
}

type Status = 'loading' | 'signed-out' | 'signed-in' | 'offline';

/**
 * The DAM app at `/app/`: the sign-in page, then a header (product, screens, account menu) above
 * the library (`<media-library mode="app">` acting as the signed-in user through its session
 * cookie) or an admin screen. Addresses are paths under `/app/`, so deep links survive a reload.
 */
export class DamApp extends LitElement {
  static override styles = [tokens, shared, appStyles];

  @state() private status: Status = 'loading';
  @state() private session: SignedIn | undefined;
  @state() private route: Route = routeOf(location.pathname);
  @state() private l10n: Localizer = english;
  @state() private accountOpen = false;
  @state() private notice = '';
  @state() private screens = new Map<AdminScreen, 'loading' | 'ready' | 'failed'>();
  /** Bumped to make a fresh library when the address names another folder than the one on screen (Back, Forward). */
  @state() private libraryGeneration = 0;

  #client: MediaClient | undefined;
  #libraryFolder = '/';
  readonly #screenElements = new Map<AdminScreen, HTMLElement>();

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.#onPopState);
    window.addEventListener('online', this.#onOnline);
    document.addEventListener('keydown', this.#onKeydown);
    document.addEventListener('click', this.#onDocumentClick);
    window.addEventListener('ml-session-ended', this.#onSessionEnded);
    this.addEventListener('ml-settings-change', this.#onSettingsChange as EventListener);
    void this.#applyLanguage(savedLanguage() || navigator.language || 'en');
    void this.#resume();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.#onPopState);
    window.removeEventListener('online', this.#onOnline);
    document.removeEventListener('keydown', this.#onKeydown);
    document.removeEventListener('click', this.#onDocumentClick);
    window.removeEventListener('ml-session-ended', this.#onSessionEnded);
    this.removeEventListener('ml-settings-change', this.#onSettingsChange as EventListener);
  }

  /** An admin screen's call met a 401: the session ended elsewhere (signed out, disabled). */
  readonly #onSessionEnded = () => {
    if (this.session) this.#ended(this.l10n.t('appSessionEnded'));
  };

  /** The settings screen saved: the header and the title show the new name at once. */
  readonly #onSettingsChange = (event: CustomEvent<{ settings: { libraryName: string } }>) => {
    if (!this.session) return;
    this.session = { ...this.session, libraryName: event.detail.settings.libraryName };
    this.#applyTitle();
  };

  /** The page's title: the library's name, else the product's. */
  #applyTitle(): void {
    document.title = this.session?.libraryName || this.l10n.t('appName');
  }

  /** Picks up the session the browser's cookie carries, if any. */
  async #resume(): Promise<void> {
    this.status = 'loading';
    try {
      const session = await currentUser();
      if (session) this.#signedIn(session);
      else this.status = 'signed-out';
    } catch (error) {
      this.status = error instanceof AppRequestError && error.status === 0 ? 'offline' : 'signed-out';
    }
  }

  #signedIn(session: SignedIn): void {
    this.session = session;
    this.#client = clientFor(session);
    this.notice = '';
    this.status = 'signed-in';
    this.#applyTitle();
    void loadNotificationBell();
    // A notification's link (an email's, or a bell's followed in a new tab): `?file=…&comment=…`.
    const link = new URLSearchParams(location.search);
    const fileId = link.get('file');
    const folder = link.get('folder');
    if (fileId) void this.#openFile(fileId, link.get('comment') ?? undefined, 'replace');
    else this.#show(folder ? { screen: 'library', folder } : routeOf(location.pathname), 'replace');
  }

  /**
   * Opens a file in the library: at its folder, its details on the Comments tab with `commentId`
   * focused. What a notification's link does, from the bell or from an email's `/app/?file=…`.
   * A file the user cannot read opens the library at `fallback` (the notification's folder).
   */
  async #openFile(
    fileId: string,
    commentId: string | undefined,
    history: 'push' | 'replace',
    fallback?: string | null,
  ): Promise<void> {
    const file = await this.#client?.getFileDetails(fileId).catch(() => undefined);
    const folder = file ? file.filePath.slice(0, file.filePath.lastIndexOf('/')) || '/' : fallback || '/';
    const route: Route = { screen: 'library', folder };
    if (this.route.screen !== 'library' || folder !== this.#libraryFolder) this.libraryGeneration++;
    this.#show(route, history);
    if (!file) return;
    await this.updateComplete;
    await this.renderRoot
      .querySelector('media-library')
      ?.openFile(file.fileId, commentId ? { comment: commentId } : {})
      .catch(() => undefined);
  }

  readonly #onOnline = () => {
    if (this.status === 'offline') void this.#resume();
  };

  readonly #onPopState = () => {
    const route = routeOf(location.pathname);
    if (route.screen === 'library' && libraryPlace(route) !== this.#libraryFolder) this.libraryGeneration++;
    this.#show(route);
  };

  readonly #onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !this.accountOpen) return;
    this.accountOpen = false;
    this.renderRoot.querySelector<HTMLButtonElement>('.account > button')?.focus();
  };

  readonly #onDocumentClick = (event: MouseEvent) => {
    if (this.accountOpen && !event.composedPath().includes(this.renderRoot.querySelector('.account')!))
      this.accountOpen = false;
  };

  async #applyLanguage(tag: string): Promise<void> {
    const localizer = await loadLocalizer(tag);
    this.l10n = localizer;
    document.documentElement.lang = localizer.lang;
    document.documentElement.dir = localizer.dir;
    this.#applyTitle();
  }

  async #chooseLanguage(tag: string): Promise<void> {
    try {
      localStorage.setItem(languageKey, tag);
    } catch {
      // Storage refused (a private window's quota): the choice lasts for this page only.
    }
    await this.#applyLanguage(tag);
  }

  /** Shows a route; `push` or `replace` also sets the address. */
  #show(route: Route, history?: 'push' | 'replace'): void {
    if (route.screen === 'library') this.#libraryFolder = libraryPlace(route);
    this.route = route;
    const path = pathOf(route);
    if (history === 'push' && path !== location.pathname) window.history.pushState(null, '', path);
    // Replacing also drops a notification link's `?file=…&comment=…` once it is open.
    if (history === 'replace' && route.screen !== 'not-found' && path !== location.pathname + location.search)
      window.history.replaceState(null, '', path);
    if (route.screen !== 'library' && route.screen !== 'not-found' && this.#isAdmin)
      void this.#load(route.screen);
  }

  async #load(name: AdminScreen): Promise<void> {
    if (this.screens.get(name) === 'ready' || this.screens.get(name) === 'loading') return;
    this.screens = new Map(this.screens).set(name, 'loading');
    let outcome: 'ready' | 'failed' = 'ready';
    try {
      await loadScreen(name);
      if (!customElements.get(`ml-${name}-screen`)) outcome = 'failed';
    } catch {
      outcome = 'failed';
    }
    this.screens = new Map(this.screens).set(name, outcome);
  }

  get #isAdmin(): boolean {
    return this.session?.user.role === 'admin';
  }

  async #signOut(): Promise<void> {
    const session = this.session;
    this.accountOpen = false;
    if (session) await signOut(session).catch(() => undefined);
    this.#ended('');
  }

  /** Back to the sign-in page (the address stays, so signing in again returns there). */
  #ended(notice: string): void {
    this.session = undefined;
    this.#client = undefined;
    this.#screenElements.clear();
    this.notice = notice;
    this.status = 'signed-out';
  }

  /** A notification's link, inside the app: its file (and comment) opened, else its folder. */
  readonly #onNotificationOpen = (event: CustomEvent<NotificationOpenDetail>) => {
    event.preventDefault();
    const { fileId, commentId, folder } = event.detail.notification;
    if (fileId) {
      void this.#openFile(fileId, commentId ?? undefined, 'push', folder);
      return;
    }
    const route: Route = { screen: 'library', folder: folder || '/' };
    if (this.route.screen !== 'library' || libraryPlace(route) !== this.#libraryFolder)
      this.libraryGeneration++;
    this.#show(route, 'push');
  };

  #onLibraryError(event: CustomEvent<ErrorDetail>): void {
    if (event.detail.status === 401) this.#ended(this.l10n.t('appSessionEnded'));
  }

  #onLibraryNavigate(event: CustomEvent<NavigateDetail>): void {
    const { folder, collection } = event.detail;
    const route: Route = { screen: 'library', folder, ...(collection && { collection }) };
    if (libraryPlace(route) === this.#libraryFolder) return;
    this.#libraryFolder = libraryPlace(route);
    this.route = route;
    window.history.pushState(null, '', pathOf(this.route));
  }

  #onNavClick(event: MouseEvent, route: Route): void {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (
      route.screen === 'library' &&
      this.route.screen === 'library' &&
      this.#libraryFolder === libraryPlace(route)
    )
      return;
    // The library opens afresh at its root (a new element: the one on screen may be deep in a folder).
    if (route.screen === 'library') this.libraryGeneration++;
    this.#show(route, 'push');
  }

  override render(): TemplateResult {
    const l = this.l10n;
    switch (this.status) {
      case 'loading':
        return html`<main class="state" role="status">${l.t('loading')}</main>`;
      case 'offline':
        return html`<main class="state">
          <p role="alert">${l.t('appOffline')}</p>
          <p><button class="btn" type="button" @click=${() => void this.#resume()}>${l.t('retry')}</button></p>
        </main>`;
      case 'signed-out':
        return html`<ml-sign-in
          .l10n=${l}
          .notice=${this.notice}
          @signed-in=${(e: CustomEvent<{ session: SignedIn }>) => this.#signedIn(e.detail.session)}
        ></ml-sign-in>`;
      default:
        return html`${this.#renderHeader()}
          <main id="main" tabindex="-1" class=${this.route.screen === 'library' ? 'library' : ''}>
            ${this.#renderScreen()}
          </main>`;
    }
  }

  #skipToMain(event: Event): void {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  #renderHeader(): TemplateResult {
    const l = this.l10n;
    const user = this.session!.user;
    const screens: Array<'library' | AdminScreen> = ['library', ...(this.#isAdmin ? adminScreens : [])];
    const roleKey =
      user.role === 'admin' ? 'appRoleAdmin' : user.role === 'manager' ? 'appRoleManager' : 'appRoleMember';
    // The skip control is a button: a link's #main would not reach into this shadow root.
    return html`<header>
      <button class="btn skip" type="button" @click=${this.#skipToMain}>${l.t('appSkipToContent')}</button>
      <h1 class="product">${this.session!.libraryName || l.t('appName')}</h1>
      <nav aria-label=${l.t('appScreens')}>
        <ul>
          ${screens.map((screen) => {
            const route: Route = screen === 'library' ? { screen, folder: '/' } : { screen };
            return html`<li>
              <a
                href=${pathOf(route)}
                aria-current=${this.route.screen === screen ? 'page' : nothing}
                @click=${(e: MouseEvent) => this.#onNavClick(e, route)}
                >${l.t(screenLabels[screen])}</a
              >
            </li>`;
          })}
        </ul>
      </nav>
      <span class="spacer"></span>
      <ml-notification-bell
        endpoint=${location.origin}
        locale=${l.lang}
        app-path="/app/library/"
        @ml-notification-open=${this.#onNotificationOpen}
      ></ml-notification-bell>
      <div class="account">
        <button
          class="btn"
          type="button"
          aria-expanded=${this.accountOpen ? 'true' : 'false'}
          aria-controls="account-panel"
          @click=${() => {
            this.accountOpen = !this.accountOpen;
          }}
        >
          <span class="visually-hidden">${l.t('appAccount')}: </span>${user.name || user.email}
        </button>
        <div id="account-panel" class="account-panel" ?hidden=${!this.accountOpen}>
          <div class="who">
            <span class="name">${user.name || user.email}</span>
            <span class="muted">${user.email}</span>
            <span class="muted">${l.t(roleKey)}</span>
          </div>
          <label class="field">
            ${l.t('appLanguage')}
            <select @change=${(e: Event) => void this.#chooseLanguage((e.target as HTMLSelectElement).value)}>
              ${languages.map(
                ([tag, name]) =>
                  html`<option value=${tag} lang=${tag} ?selected=${l.lang.split('-')[0] === tag}>${name}</option>`,
              )}
            </select>
          </label>
          <button class="btn" type="button" @click=${() => void this.#signOut()}>${l.t('appSignOut')}</button>
        </div>
      </div>
    </header>`;
  }

  #renderScreen(): unknown {
    const l = this.l10n;
    const route = this.route;
    if (route.screen === 'library') {
      return keyed(
        this.libraryGeneration,
        html`<media-library
          mode="app"
          multiple
          .client=${this.#client}
          initial-folder=${route.folder}
          initial-collection=${route.collection ?? ''}
          locale=${l.lang}
          @ml-error=${this.#onLibraryError}
          @ml-navigate=${this.#onLibraryNavigate}
        ></media-library>`,
      );
    }
    if (route.screen === 'not-found' || !this.#isAdmin)
      return html`<div class="state" role="alert"><p>${l.t('appNotFound')}</p></div>`;
    const name = l.t(screenLabels[route.screen]);
    const status = this.screens.get(route.screen) ?? 'loading';
    if (status === 'loading')
      return html`<div class="state" role="status">${l.t('appScreenLoading', { name })}</div>`;
    if (status === 'failed') {
      const screen = route.screen;
      return html`<div class="state" role="alert">
        <p>${l.t('appScreenUnavailable', { name })}</p>
        <p>
          <button
            class="btn"
            type="button"
            @click=${() => {
              const screens = new Map(this.screens);
              screens.delete(screen);
              this.screens = screens;
              void this.#load(screen);
            }}
          >
            ${l.t('retry')}
          </button>
        </p>
      </div>`;
    }
    return html`${this.#screenElement(route.screen)}`;
  }

  /** One element per admin screen, kept while signed in (its state survives switching screens). */
  #screenElement(name: AdminScreen): HTMLElement {
    let screen = this.#screenElements.get(name);
    if (!screen) {
      screen = document.createElement(`ml-${name}-screen`);
      this.#screenElements.set(name, screen);
    }
    // What a screen may use without asking the server again; each does its own calls.
    screen.setAttribute('locale', this.l10n.lang);
    Object.assign(screen, { csrfToken: this.session!.csrfToken, user: this.session!.user });
    return screen;
  }
}

customElements.get('ml-dam-app') || customElements.define('ml-dam-app', DamApp);

declare global {
  interface HTMLElementTagNameMap {
    'ml-dam-app': DamApp;
  }
}
