import { type SVGTemplateResult, svg } from 'lit';

// Stroke icons on a 24-unit grid, drawn with currentColor; decorative (the control carries the
// name). Only the core's icons live here: the bundler keeps a module whole, so an icon here ships
// in the core bundle even when only a lazy part draws it. A lazy part's own icons sit in its module.
export const folderIcon = svg`<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>`;
export const folderPlusIcon = svg`<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2zM12 10v6M9 13h6"/>`;
export const chevronIcon = svg`<path d="m9 6 6 6-6 6"/>`;
export const chevronDownIcon = svg`<path d="m6 9 6 6 6-6"/>`;
export const searchIcon = svg`<circle cx="11" cy="11" r="7"/><path d="m20 20-3.5-3.5"/>`;
export const closeIcon = svg`<path d="M18 6 6 18M6 6l12 12"/>`;
export const gridIcon = svg`<rect x="3" y="3" width="7" height="7" rx="1"/><rect x="14" y="3" width="7" height="7" rx="1"/><rect x="3" y="14" width="7" height="7" rx="1"/><rect x="14" y="14" width="7" height="7" rx="1"/>`;
export const listIcon = svg`<path d="M9 6h12M9 12h12M9 18h12M4 6h.01M4 12h.01M4 18h.01"/>`;
export const sortIcon = svg`<path d="m7 15 5 5 5-5M7 9l5-5 5 5"/>`;
export const infoIcon = svg`<circle cx="12" cy="12" r="9"/><path d="M12 16v-4M12 8h.01"/>`;
export const imageIcon = svg`<rect x="3" y="3" width="18" height="18" rx="2"/><circle cx="9" cy="9" r="2"/><path d="m21 15-5-5L5 21"/>`;
export const fileTypeIcon = svg`<path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM14 3v6h6"/>`;
export const pdfIcon = svg`<path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM14 3v6h6M8 13h8M8 17h5"/>`;
export const videoIcon = svg`<rect x="2" y="6" width="14" height="12" rx="2"/><path d="m22 8-6 4 6 4z"/>`;
export const audioIcon = svg`<path d="M9 18V5l12-2v13"/><circle cx="6" cy="18" r="3"/><circle cx="18" cy="16" r="3"/>`;
export const slidersIcon = svg`<path d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6"/>`;
export const alertIcon = svg`<circle cx="12" cy="12" r="9"/><path d="M12 8v4M12 16h.01"/>`;
export const sidebarIcon = svg`<rect x="3" y="3" width="18" height="18" rx="2"/><path d="M9 3v18"/>`;
export const homeIcon = svg`<path d="m3 10 9-7 9 7v10a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z"/>`;

export function icon(paths: SVGTemplateResult, className = 'icon'): SVGTemplateResult {
  return svg`<svg class=${className} viewBox="0 0 24 24" aria-hidden="true" focusable="false">${paths}</svg>`;
}

/** The icon for a file's kind, by MIME type. */
export function fileIcon(mime: string): SVGTemplateResult {
  if (mime.startsWith('image/')) return imageIcon;
  if (mime.startsWith('video/')) return videoIcon;
  if (mime.startsWith('audio/')) return audioIcon;
  if (mime === 'application/pdf') return pdfIcon;
  return fileTypeIcon;
}
