import type { MediaFile } from '../../shared/wire.js';

/** `url` with an ImageKit transformation added as `tr=` (after any query it already has). */
export function withTransform(url: string, transformation: string): string {
  // A URL that transforms already (cropped on delivery) gets the step chained after its own.
  return url.includes('tr=')
    ? url.replace(/([?&]tr=[^&#]*)/, `$1:${transformation}`)
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
 * The URL a file's picture is drawn from: an image's own, or ImageKit's `…/ik-thumbnail.jpg` after
 * a PDF or a video (its first page, its poster frame), its query (version, cache-buster) kept.
 */
export function pictureUrl(file: MediaFile): string {
  if (file.fileType === 'image') return file.url;
  const at = file.url.indexOf('?');
  return at === -1
    ? `${file.url}/ik-thumbnail.jpg`
    : `${file.url.slice(0, at)}/ik-thumbnail.jpg${file.url.slice(at)}`;
}

/**
 * What a grid cell loads: a 200 px rendition where that is enough (1x screens), the server's
 * own thumbnail (`n-ik_ml_thumbnail`, 400 px) for 2x, a larger one for denser screens, and a
 * tiny blurred preview to show meanwhile. PDFs and videos are drawn from their picture.
 */
export function thumbnailSources(file: MediaFile): { src: string; srcset: string; placeholder: string } {
  const picture = pictureUrl(file);
  const thumbnail = file.fileType === 'image' ? file.thumbnail : withTransform(picture, 'n-ik_ml_thumbnail');
  return {
    src: thumbnail,
    srcset: `${withTransform(picture, 'w-200,h-200,c-at_max,f-webp,q-75')} 200w, ${thumbnail} 400w, ${withTransform(picture, 'w-800,h-800,c-at_max,f-webp,q-75')} 800w`,
    placeholder: withTransform(picture, 'w-24,h-24,c-at_max,bl-4,q-40,f-webp'),
  };
}

/** Whether the server can draw a thumbnail: images, plus PDFs and videos (delivery renders a frame or glyph). */
export function hasThumbnail(file: MediaFile): boolean {
  return file.fileType === 'image' || file.mime === 'application/pdf' || file.mime.startsWith('video/');
}

/** `JPEG`, `PDF`, `SVG`: the short name of a file's type, from its extension or MIME type. */
export function typeLabel(file: MediaFile): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(file.name)?.[1];
  if (ext) return ext.toUpperCase();
  const subtype = file.mime.split('/')[1] ?? file.mime;
  return subtype.replace(/^x-/, '').replace(/\+.*$/, '').toUpperCase();
}
