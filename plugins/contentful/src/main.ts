/** The bundle's entry: Contentful's `init`, with the SDK types each location receives. */
import { type ConfigAppSDK, type DialogAppSDK, type FieldAppSDK, init } from '@contentful/app-sdk';
import { startApp } from './app.js';
import type { DialogInvocation, InstallationParameters, InstanceParameters } from './parameters.js';

// tsc checks here that the real SDK types are assignable to the slices in sdk.ts.
type ContentfulSdk =
  | ConfigAppSDK<InstallationParameters>
  | FieldAppSDK<InstallationParameters, InstanceParameters>
  | DialogAppSDK<InstallationParameters, DialogInvocation>;

startApp((start) => init<ContentfulSdk>(start), document.getElementById('app')!);
