// Contentful's App SDK, faked at its boundary. Each location gets an object typed as the slice of
// the real SDK's types the app declares (plugins/contentful/src/sdk.ts), so tsc checks every
// fake member against @contentful/app-sdk; `fakeInit` stands in for the SDK's `init`. The one
// Contentful API call the app makes (signing a request) goes to the fake Contentful server.
import type {
  AppState,
  OnConfigureHandler,
  OnConfigureHandlerReturn,
  OpenCustomWidgetOptions,
  SerializedJSONValue,
} from '@contentful/app-sdk';
import { startApp } from '../../../plugins/contentful/src/app.js';
import type {
  DialogInvocation,
  InstallationParameters,
  InstanceParameters,
} from '../../../plugins/contentful/src/parameters.js';
import type {
  AppInit,
  ConfigSdk,
  DialogSdk,
  FieldSdk,
  LocationSdk,
  SignerSdk,
} from '../../../plugins/contentful/src/sdk.js';
import type { ContentfulTestEnv } from '../test-server.js';

export const env = (window as unknown as { ML_TEST: ContentfulTestEnv }).ML_TEST;

export const appDefinitionId = 'media-library-app';

/** Contentful's `init`, handing `sdk` to the app as the web app would for its location. */
export function fakeInit(sdk: LocationSdk): AppInit {
  return (start) => queueMicrotask(() => start(sdk));
}

/** Starts the app for `sdk` in a fresh container on the page, as Contentful loads it in an iframe. */
export function mountApp(sdk: LocationSdk): HTMLElement {
  const root = document.createElement('div');
  root.dataset.testContainer = '';
  document.body.append(root);
  startApp(fakeInit(sdk), root);
  return root;
}

/** Working installation parameters against the test servers. */
export function installation(overrides: Partial<InstallationParameters> = {}): InstallationParameters {
  return {
    endpoint: env.mediaUrl,
    authUrl: env.authUrl,
    rootFolder: '/brand',
    accept: '',
    multiple: true,
    maxFiles: 0,
    signRequests: true,
    damUser: false,
    damUserMissing: 'refuse',
    ...overrides,
  };
}

/** Who the SDK says is signed in (`reader` gets read-only sessions, `outsider` none), and which app. */
export interface Identity {
  user?: string;
  app?: string | undefined;
  /** The environment of space-1 (test-server.ts's damUserEnvironments set the DAM user setting per environment). */
  environment?: string;
}

type SignedRequest = Awaited<ReturnType<SignerSdk['cma']['appSignedRequest']['create']>>;

/** `ids` and `cma.appSignedRequest`, signing through the fake Contentful API as `user`. */
function signer(
  { user = 'editor-1', app = appDefinitionId, environment = 'master' }: Identity,
  calls: { signed: number },
): SignerSdk {
  return {
    ids: { space: 'space-1', environment, app },
    cma: {
      appSignedRequest: {
        async create(params, payload): Promise<SignedRequest> {
          calls.signed++;
          const { spaceId = 'space-1', environmentId = environment, appDefinitionId: app } = params;
          const response = await fetch(
            `${env.contentfulUrl}/spaces/${spaceId}/environments/${environmentId}/app_installations/${app}/signed_requests`,
            {
              method: 'POST',
              headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
              body: JSON.stringify(payload),
            },
          );
          const body = await response.json();
          if (!response.ok) throw new Error(body.message);
          return body as SignedRequest;
        },
      },
    },
  };
}

const located = (name: string) => ({ is: (type: string) => type === name });

const windowApi: FieldSdk['window'] = {
  updateHeight: () => {},
  startAutoResizer: () => {},
  stopAutoResizer: () => {},
};

export interface FakeConfig {
  sdk: ConfigSdk;
  notifications: { kind: 'success' | 'error' | 'warning'; message: string }[];
  ready: Promise<void>;
  signed: number;
  /** What Contentful does on Install or Save: runs the app's `onConfigure` handler. */
  configure(): Promise<OnConfigureHandlerReturn>;
}

export function fakeConfigSdk(
  options: {
    stored?: Partial<InstallationParameters> | null;
    installed?: boolean;
    state?: AppState | null;
  } & Identity = {},
): FakeConfig {
  let onConfigure: OnConfigureHandler | undefined;
  let markReady!: () => void;
  const calls = { signed: 0 };
  const fake: FakeConfig = {
    notifications: [],
    ready: new Promise((resolve) => {
      markReady = resolve;
    }),
    get signed() {
      return calls.signed;
    },
    async configure() {
      if (!onConfigure) throw new Error('the app registered no onConfigure handler');
      return onConfigure();
    },
    sdk: {
      location: located('app-config'),
      uiLanguageLocale: 'en-US',
      ...signer(options, calls),
      notifier: {
        success: (message) => fake.notifications.push({ kind: 'success', message }),
        error: (message) => fake.notifications.push({ kind: 'error', message }),
        warning: (message) => fake.notifications.push({ kind: 'warning', message }),
      },
      app: {
        setReady: async () => markReady(),
        isInstalled: async () => options.installed ?? true,
        getCurrentState: async () => options.state ?? null,
        getParameters: async <T>() => (options.stored ?? null) as T | null,
        onConfigure: (handler) => {
          onConfigure = handler;
        },
        onConfigurationCompleted: () => {},
      },
    },
  };
  return fake;
}

export interface FakeField {
  sdk: FieldSdk;
  /** Every value the app wrote, in order (`undefined` for `removeValue`). */
  writes: unknown[];
  /** The options of every `openCurrentApp` call. */
  dialogs: OpenCustomWidgetOptions[];
  /** Another editor (or the API) changes the value. */
  changeValue(value: unknown): void;
  setDisabled(disabled: boolean): void;
}

export function fakeFieldSdk(
  options: {
    installation: InstallationParameters;
    instance?: InstanceParameters;
    value?: unknown;
    disabled?: boolean;
    type?: 'Object' | 'Symbol';
    /** What the dialog answers: the value it closes with (undefined when the editor dismisses it). */
    dialog: (options: OpenCustomWidgetOptions) => Promise<unknown>;
    /** The entry's id (`entry-1`), and its other fields' values by field id and locale. */
    entryId?: string;
    otherFields?: Record<string, Record<string, unknown>>;
    /** The entry's title (its display field `title`). */
    title?: string;
  } & Identity,
): FakeField {
  let value = options.value;
  const calls = { signed: 0 };
  const { ids: signerIds, cma } = signer(options, calls);
  const entryFields: FieldSdk['entry']['fields'] = {
    title: { locales: ['en-US'], getValue: () => options.title },
    images: { locales: ['en-US'], getValue: () => value },
  };
  for (const [id, byLocale] of Object.entries(options.otherFields ?? {})) {
    entryFields[id] = {
      locales: Object.keys(byLocale),
      getValue: (locale?: string) => byLocale[locale ?? 'en-US'],
    };
  }
  let disabled = options.disabled ?? false;
  const valueListeners = new Set<(value: unknown) => void>();
  const disabledListeners = new Set<(disabled: boolean) => void>();
  const fake: FakeField = {
    writes: [],
    dialogs: [],
    changeValue(next) {
      value = next;
      for (const listener of valueListeners) listener(next);
    },
    setDisabled(next) {
      disabled = next;
      for (const listener of disabledListeners) listener(next);
    },
    sdk: {
      location: located('entry-field'),
      uiLanguageLocale: 'en-US',
      ids: {
        field: 'images',
        entry: options.entryId ?? 'entry-1',
        space: signerIds.space,
        environment: signerIds.environment,
        app: signerIds.app,
      },
      cma,
      entry: { fields: entryFields },
      contentType: { displayField: 'title', name: 'Article' },
      window: windowApi,
      parameters: { installation: options.installation, instance: options.instance ?? {} },
      dialogs: {
        async openCurrentApp(dialog = {}) {
          fake.dialogs.push(dialog);
          // Only JSON crosses between Contentful's iframes.
          return JSON.parse(JSON.stringify((await options.dialog(dialog)) ?? null));
        },
      },
      field: {
        id: 'images',
        locale: 'en-US',
        type: options.type ?? 'Object',
        getValue: () => value,
        async setValue(next: unknown) {
          value = JSON.parse(JSON.stringify(next)) as SerializedJSONValue;
          fake.writes.push(value);
          return value as SerializedJSONValue;
        },
        async removeValue() {
          value = undefined;
          fake.writes.push(undefined);
        },
        onValueChanged(listener) {
          valueListeners.add(listener);
          return () => valueListeners.delete(listener);
        },
        getIsDisabled: () => disabled,
        onIsDisabledChanged(listener) {
          disabledListeners.add(listener);
          return () => disabledListeners.delete(listener);
        },
      },
    },
  };
  return fake;
}

export interface FakeDialog {
  sdk: DialogSdk;
  /** Resolves with what the app closed the dialog with. */
  closed: Promise<unknown>;
  signed: number;
}

export function fakeDialogSdk(
  options: { installation: InstallationParameters; invocation: DialogInvocation } & Identity,
): FakeDialog {
  let close!: (data: unknown) => void;
  const calls = { signed: 0 };
  const closed = new Promise<unknown>((resolve) => {
    close = (data) => resolve(JSON.parse(JSON.stringify(data ?? null)));
  });
  return {
    closed,
    get signed() {
      return calls.signed;
    },
    sdk: {
      location: located('dialog'),
      uiLanguageLocale: 'en-US',
      ...signer(options, calls),
      window: windowApi,
      parameters: { installation: options.installation, invocation: options.invocation },
      close,
    },
  };
}
