import { type SVGTemplateResult, svg } from 'lit';

/** Stroke icons on a 24-unit grid, drawn with currentColor; decorative (the control carries the name). */
const paths = {
  folder: svg`<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>`,
  folderPlus: svg`<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2zM12 10v6M9 13h6"/>`,
  chevron: svg`<path d="m9 6 6 6-6 6"/>`,
  chevronDown: svg`<path d="m6 9 6 6 6-6"/>`,
  search: svg`<circle cx="11" cy="11" r="7"/><path d="m20 20-3.5-3.5"/>`,
  close: svg`<path d="M18 6 6 18M6 6l12 12"/>`,
  grid: svg`<rect x="3" y="3" width="7" height="7" rx="1"/><rect x="14" y="3" width="7" height="7" rx="1"/><rect x="3" y="14" width="7" height="7" rx="1"/><rect x="14" y="14" width="7" height="7" rx="1"/>`,
  list: svg`<path d="M9 6h12M9 12h12M9 18h12M4 6h.01M4 12h.01M4 18h.01"/>`,
  sort: svg`<path d="m7 15 5 5 5-5M7 9l5-5 5 5"/>`,
  info: svg`<circle cx="12" cy="12" r="9"/><path d="M12 16v-4M12 8h.01"/>`,
  check: svg`<path d="M20 6 9 17l-5-5"/>`,
  plus: svg`<path d="M12 5v14M5 12h14"/>`,
  copy: svg`<rect x="9" y="9" width="12" height="12" rx="2"/><path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1"/>`,
  image: svg`<rect x="3" y="3" width="18" height="18" rx="2"/><circle cx="9" cy="9" r="2"/><path d="m21 15-5-5L5 21"/>`,
  file: svg`<path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM14 3v6h6"/>`,
  pdf: svg`<path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM14 3v6h6M8 13h8M8 17h5"/>`,
  video: svg`<rect x="2" y="6" width="14" height="12" rx="2"/><path d="m22 8-6 4 6 4z"/>`,
  audio: svg`<path d="M9 18V5l12-2v13"/><circle cx="6" cy="18" r="3"/><circle cx="18" cy="16" r="3"/>`,
  sliders: svg`<path d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6"/>`,
  alert: svg`<circle cx="12" cy="12" r="9"/><path d="M12 8v4M12 16h.01"/>`,
  sidebar: svg`<rect x="3" y="3" width="18" height="18" rx="2"/><path d="M9 3v18"/>`,
  up: svg`<path d="M12 19V5M5 12l7-7 7 7"/>`,
  external: svg`<path d="M15 3h6v6M10 14 21 3M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6"/>`,
  home: svg`<path d="m3 10 9-7 9 7v10a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z"/>`,
} as const;

export type IconName = keyof typeof paths;

export function icon(name: IconName, className = 'icon'): SVGTemplateResult {
  return svg`<svg class=${className} viewBox="0 0 24 24" aria-hidden="true" focusable="false">${paths[name]}</svg>`;
}

/** The icon for a file's kind, by MIME type. */
export function fileIcon(mime: string): IconName {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime === 'application/pdf') return 'pdf';
  return 'file';
}
