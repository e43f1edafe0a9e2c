import type { MediaFile } from '../../shared/wire.js';

/** `url` with an ImageKit transformation added as `tr=` (after any query it already has). */
export function withTransform(url: string, transformation: string): string {
  // A URL that transforms already (cropped on delivery) gets the step chained after its own.
  return url.includes('tr=')
    ? url.replace(/[?&]tr=[^&#]*/, `$&:${transformation}`)
    : `${url}${url.includes('?') ? '&' : '?'}tr=${transformation}`;
}

/**
 * An image's URL with `transformation` applied; where the image has a focus area
 * (`customCoordinates`) and the transformation names no focus, its first sizing step crops around
 * it (`fo-custom`). Other files keep their URL.
 */
export function transformedUrl(file: MediaFile, transformation: string): string {
  if (file.fileType !== 'image') return file.url;
  const steps = transformation.split(':');
  const sizing = steps.findIndex((step) => /(^|,)(w|h|ar)-/.test(step));
  if (file.customCoordinates && sizing >= 0 && !/(^|[,:])fo-/.test(transformation))
    steps[sizing] += ',fo-custom';
  return withTransform(file.url, steps.join(':'));
}

/**
 * What a grid cell loads: a 200 px rendition where that is enough (1x screens), the server's
 * own thumbnail (`n-ik_ml_thumbnail`, 400 px) for 2x, a larger one for denser screens, and a
 * tiny blurred preview to show meanwhile. PDFs and videos are drawn from ImageKit's
 * `…/ik-thumbnail.jpg` (the first page, the poster frame), their query kept.
 */
export function thumbnailSources(file: MediaFile): { src: string; srcset: string; placeholder: string } {
  // Delivery URLs always carry a query (`updatedAt`, the cache-buster).
  const picture = (url: string) => (file.fileType === 'image' ? url : url.replace('?', '/ik-thumbnail.jpg?'));
  const url = picture(file.url);
  const src = picture(file.thumbnail);
  return {
    src,
    srcset: `${withTransform(url, 'w-200,h-200,c-at_max,f-webp,q-75')} 200w, ${src} 400w, ${withTransform(url, 'w-800,h-800,c-at_max,f-webp,q-75')} 800w`,
    placeholder: withTransform(url, 'w-24,h-24,c-at_max,f-webp,q-40,bl-4'),
  };
}

/** Whether the server can draw a thumbnail: images, plus PDFs and videos (delivery renders a frame or glyph). */
export function hasThumbnail(file: MediaFile): boolean {
  return file.fileType === 'image' || file.mime === 'application/pdf' || file.mime.startsWith('video/');
}

/** `JPEG`, `PDF`, `SVG`: the short name of a file's type, from its extension or MIME type. */
export function typeLabel(file: MediaFile): string {
  const ext = /\.(\w{1,5})$/.exec(file.name)?.[1];
  // `image/svg+xml` → SVG, `application/x-matroska` → MATROSKA.
  return (ext ?? file.mime.replace(/.*\/(x-)?|\+.*/g, '')).toUpperCase();
}
