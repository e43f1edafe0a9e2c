import type { FetchAuth } from '../client/auth.js';
import type { MediaFile } from '../shared/wire.js';
import type { CloseDetail, InsertPayload } from './events.js';
import type { MediaLibraryElement } from './media-library.js';
import './media-library.js';

/** ImageKit's `mlSettings.initialView`: where the library opens. */
export type InitialView =
  | { folderPath: string }
  | { searchQuery: string }
  | { fileType: string }
  | { fileId: string }
  | { collection: { id?: string } };

/** ImageKit's widget options, plus where our media backend and token endpoint are. */
export interface MediaLibraryWidgetOptions {
  /** Where the widget renders: a CSS selector or an element. */
  container: string | HTMLElement;
  className?: string;
  dimensions?: { height: string; width: string };
  view?: 'modal' | 'inline';
  /** In modal view, render an "Open Media Library" button in the container (default true). */
  renderOpenButton?: boolean;
  mlSettings?: {
    initialView?: InitialView;
    multiple?: boolean;
    maxFiles?: number;
    toolbar?: { showCloseButton?: boolean; showInsertButton?: boolean };
  };
  /** Our additions: the media backend and the host's token endpoint (see `<media-library>`). */
  endpoint?: string;
  authUrl?: string;
  fetchAuth?: FetchAuth;
  /** Any other `<media-library>` attribute: `accept`, `root-folder`, `locale`, `theme`… */
  attributes?: Record<string, string>;
}

/** What the callback receives: ImageKit's widget payloads. */
export type MediaLibraryWidgetPayload = InsertPayload | { eventType: 'CLOSE_MEDIA_LIBRARY_WIDGET' };

export interface MediaLibraryWidget {
  element: MediaLibraryElement;
  open(): void;
  close(): void;
  /** Removes the element, the button and the listeners. */
  destroy(): void;
}

let widgets = 0;

/**
 * A drop-in for ImageKit's `new IKMediaLibraryWidget(options, callback)`: same options, same
 * `{eventType: "INSERT", data}` and `{eventType: "CLOSE_MEDIA_LIBRARY_WIDGET"}` payloads, backed
 * by `<media-library>`. Add `endpoint` and `authUrl` (or `fetchAuth`) to the options.
 */
export function createMediaLibraryWidget(
  options: MediaLibraryWidgetOptions,
  callback: (payload: MediaLibraryWidgetPayload) => void,
): MediaLibraryWidget {
  const container =
    typeof options.container === 'string'
      ? document.querySelector<HTMLElement>(options.container)
      : options.container;
  if (!container)
    throw new Error(`createMediaLibraryWidget: no element matches ${String(options.container)}`);
  const settings = options.mlSettings ?? {};
  const view = options.view === 'inline' ? 'inline' : 'modal';
  const element = document.createElement('media-library');
  element.id = `ml-widget-${++widgets}`;
  if (options.className) element.className = options.className;
  element.mode = view;
  if (options.endpoint) element.endpoint = options.endpoint;
  if (options.authUrl) element.authUrl = options.authUrl;
  if (options.fetchAuth) element.fetchAuth = options.fetchAuth;
  if (settings.multiple) element.multiple = true;
  if (settings.maxFiles) element.maxFiles = settings.maxFiles;
  const initial = (settings.initialView ?? {}) as Partial<
    Record<'folderPath' | 'searchQuery' | 'fileType', string>
  >;
  if (initial.folderPath) element.initialFolder = initial.folderPath;
  if (initial.searchQuery) element.initialQuery = initial.searchQuery;
  if (initial.fileType) element.initialQuery = `fileType = "${initial.fileType.replace(/"/g, '')}"`;
  const collection = (settings.initialView as { collection?: { id?: string } } | undefined)?.collection;
  if (collection?.id) element.initialCollection = collection.id;
  for (const [name, value] of Object.entries(options.attributes ?? {})) element.setAttribute(name, value);
  const { height = '100%', width = '100%' } = options.dimensions ?? {};
  if (view === 'inline') {
    element.style.height = height;
    element.style.width = width;
  } else {
    // ImageKit sizes the frame inside its modal; ours is the dialog.
    if (options.dimensions?.width) element.style.setProperty('--ml-dialog-width', width);
    if (options.dimensions?.height) element.style.setProperty('--ml-dialog-height', height);
  }

  const hidden = [
    settings.toolbar?.showCloseButton === false && `#${element.id}::part(close-button)`,
    settings.toolbar?.showCloseButton === false && `#${element.id}::part(cancel-button)`,
    settings.toolbar?.showInsertButton === false && `#${element.id}::part(insert-button)`,
  ].filter(Boolean);
  const style = hidden.length ? document.createElement('style') : undefined;
  if (style) style.textContent = `${hidden.join(',')}{display:none}`;

  const onInsert = (event: Event) => callback((event as CustomEvent<InsertPayload>).detail);
  const onClose = (event: Event) => {
    if ((event as CustomEvent<CloseDetail>).detail.reason !== 'insert')
      callback({ eventType: 'CLOSE_MEDIA_LIBRARY_WIDGET' });
  };
  element.addEventListener('insert', onInsert);
  element.addEventListener('ml-close', onClose);

  let button: HTMLButtonElement | undefined;
  if (view === 'modal' && options.renderOpenButton !== false) {
    button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Open Media Library';
    button.addEventListener('click', () => element.show());
  }
  for (const node of [button, style, element]) if (node) container.append(node);

  return {
    element,
    open: () => element.show(),
    close: () => element.close(),
    destroy() {
      element.removeEventListener('insert', onInsert);
      element.removeEventListener('ml-close', onClose);
      element.remove();
      button?.remove();
      style?.remove();
    },
  };
}

export type { MediaFile };
