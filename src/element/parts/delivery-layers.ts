/**
 * The image editor's "on delivery" additions as ImageKit transformation text: rounded corners and
 * background (`r-`, `bg-`), text and image layers
 * (`l-text`, `l-image`), and the steps the editor chains after a crop. Positions are in the pixels of the
 * image the layer is drawn on (the crop's result).
 */

/** The fonts the media server bundles (docs/server.md, "Layers"); `ff-` takes either name. */
export const layerFonts = ['Open Sans', 'Roboto'] as const;

export interface TextLayer {
  kind: 'text';
  text: string;
  font: (typeof layerFonts)[number];
  /** Font size in image pixels. */
  size: number;
  /** `#rrggbb`, as a colour input gives it. */
  color: string;
  /** `#rrggbb`, or '' for none. */
  background: string;
  /** Top-left corner, in the whole image's pixels (the editor subtracts the crop). */
  x: number;
  y: number;
}

export interface ImageLayer {
  kind: 'image';
  /** The library file drawn (its `filePath`). */
  path: string;
  name: string;
  /** Its delivery URL, for the preview. */
  url: string;
  /** Width in image pixels (the height follows). */
  width: number;
  /** 1 to 100. */
  opacity: number;
  x: number;
  y: number;
}

export type Layer = TextLayer | ImageLayer;

/** `#rrggbb` as ImageKit writes a colour. */
export const hexColour = (colour: string) => colour.replace('#', '').toUpperCase();

/**
 * `i-<text>` where ImageKit's SDKs write it so (letters, digits, spaces and `-._`), else
 * `ie-<base64 of the UTF-8>`: commas, colons and the like would end the parameter.
 */
export function layerInput(text: string): string {
  if (/^[A-Za-z0-9 ._-]*$/.test(text)) return `i-${encodeURIComponent(text)}`;
  return `ie-${encodeURIComponent(base64(text))}`;
}

const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

/** A library path as `i-a@@b.png` (ImageKit's `@@` for `/`), or `ie-` for other characters. */
export function layerPath(path: string): string {
  const relative = path.replace(/^\/+/, '');
  return /^[A-Za-z0-9 ._/-]*$/.test(relative)
    ? `i-${encodeURIComponent(relative).replaceAll('%2F', '@@')}`
    : `ie-${encodeURIComponent(base64(relative))}`;
}

/** One layer as `l-…,l-end`, placed at (x, y) less `origin` (the crop's corner); '' if empty. */
export function layerTransformation(layer: Layer, origin: { x: number; y: number }): string {
  const x = Math.max(0, Math.round(layer.x - origin.x));
  const y = Math.max(0, Math.round(layer.y - origin.y));
  if (layer.kind === 'image') {
    // t-false: drawn as previewed, without ImageKit's default trim of a uniform border.
    return [
      'l-image',
      layerPath(layer.path),
      't-false',
      `w-${Math.max(1, Math.round(layer.width))}`,
      ...(layer.opacity < 100 ? [`o-${Math.max(1, Math.round(layer.opacity))}`] : []),
      `lx-${x}`,
      `ly-${y}`,
      'l-end',
    ].join(',');
  }
  if (!layer.text.trim()) return '';
  return [
    'l-text',
    layerInput(layer.text),
    `ff-${layer.font.replace(' ', '_')}`,
    `fs-${Math.max(1, Math.round(layer.size))}`,
    `co-${hexColour(layer.color)}`,
    ...(layer.background ? [`bg-${hexColour(layer.background)}`] : []),
    `lx-${x}`,
    `ly-${y}`,
    'l-end',
  ].join(',');
}

/** Rounded corners (`r-<px>`, `r-max`) and the colour under what is transparent (`bg-`); '' for none. */
export function shapeTransformation(radius: number | 'max', background: string): string {
  return [...(radius ? [`r-${radius}`] : []), ...(background ? [`bg-${hexColour(background)}`] : [])].join(
    ',',
  );
}
