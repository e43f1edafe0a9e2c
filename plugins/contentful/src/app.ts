/**
 * The app's one entry for every location: Contentful loads the same page in the configuration
 * screen, the field and the dialog, and `init` says which. `main.ts` passes Contentful's own
 * `init`; the tests pass a fake that hands over an SDK slice.
 */
import { ContentfulConfigElement } from './config-screen.js';
import { ContentfulFieldElement } from './field-editor.js';
import { ContentfulDialogElement } from './picker-dialog.js';
import { type AppInit, type ConfigSdk, type DialogSdk, type FieldSdk, locationNames } from './sdk.js';

/** Renders the location Contentful opened into `root`. */
export function startApp(init: AppInit, root: HTMLElement): void {
  init((sdk) => {
    if (sdk.location.is(locationNames.config)) {
      const view = new ContentfulConfigElement();
      root.replaceChildren(view);
      void view.start(sdk as ConfigSdk);
    } else if (sdk.location.is(locationNames.dialog)) {
      const view = new ContentfulDialogElement();
      view.start(sdk as DialogSdk);
      root.replaceChildren(view);
    } else if (sdk.location.is(locationNames.field)) {
      const view = new ContentfulFieldElement();
      view.start(sdk as FieldSdk);
      root.replaceChildren(view);
    } else {
      const note = document.createElement('p');
      note.textContent = 'The media library app works on JSON object fields and in its configuration screen.';
      root.replaceChildren(note);
    }
  });
}
