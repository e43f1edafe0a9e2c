/**
 * The parts of Contentful's App SDK each location uses, as slices of the SDK's own types. The
 * real SDK is assignable to them (main.ts proves it to tsc), and the tests' fake `init` hands
 * each location an object of exactly this type, so tsc checks the fake against the real SDK.
 */
import type {
  CMAClient,
  ConfigAppSDK,
  ContentTypeAPI,
  DialogAppSDK,
  DialogsAPI,
  EntryFieldAPI,
  FieldAPI,
  FieldAppSDK,
  IdsAPI,
  Locations,
} from '@contentful/app-sdk';
import type { DialogInvocation, InstallationParameters, InstanceParameters } from './parameters.js';

/** Location names as the SDK's `Locations` types them (no runtime import of the SDK here). */
export const locationNames = {
  config: 'app-config',
  field: 'entry-field',
  dialog: 'dialog',
} as const satisfies Record<string, Locations[keyof Locations]>;

/** What signing a call to the token endpoint through Contentful (request verification) needs. */
export type SignerSdk = {
  ids: Pick<IdsAPI, 'space' | 'environment'> & { app?: string };
  cma: Pick<CMAClient, 'appSignedRequest'>;
};

/** The app configuration location: the installation parameters form. */
export type ConfigSdk = Pick<
  ConfigAppSDK<InstallationParameters>,
  'location' | 'app' | 'notifier' | 'uiLanguageLocale'
> &
  SignerSdk;

/**
 * The field location, on a JSON object field: the chosen files and a button to pick more. It
 * reports where files are used, so it also reads the entry's other fields and signs its calls.
 */
export type FieldSdk = Pick<
  FieldAppSDK<InstallationParameters, InstanceParameters>,
  'location' | 'window'
> & {
  field: Pick<
    FieldAPI,
    | 'id'
    | 'locale'
    | 'type'
    | 'getValue'
    | 'setValue'
    | 'removeValue'
    | 'onValueChanged'
    | 'getIsDisabled'
    | 'onIsDisabledChanged'
  >;
  dialogs: Pick<DialogsAPI, 'openCurrentApp'>;
  parameters: Pick<
    FieldAppSDK<InstallationParameters, InstanceParameters>['parameters'],
    'installation' | 'instance'
  >;
  ids: Pick<IdsAPI, 'field' | 'entry' | 'space' | 'environment'> & { app?: string };
  cma: Pick<CMAClient, 'appSignedRequest'>;
  entry: { fields: Record<string, Pick<EntryFieldAPI, 'locales' | 'getValue'>> };
  contentType: Pick<ContentTypeAPI, 'displayField' | 'name'>;
  uiLanguageLocale?: string;
};

/** The dialog the field opens: the element, inline, with the field's settings. */
export type DialogSdk = Pick<
  DialogAppSDK<InstallationParameters, DialogInvocation>,
  'location' | 'close' | 'window' | 'uiLanguageLocale'
> & {
  parameters: Pick<
    DialogAppSDK<InstallationParameters, DialogInvocation>['parameters'],
    'installation' | 'invocation'
  >;
} & SignerSdk;

/** Any location this app runs in. */
export type LocationSdk = ConfigSdk | FieldSdk | DialogSdk;

/** Contentful's `init`, narrowed to the locations and SDK slices above. */
export type AppInit = (start: (sdk: LocationSdk) => void) => void;
