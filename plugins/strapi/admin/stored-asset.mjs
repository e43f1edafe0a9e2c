// What the field stores for each asset: the File fields a front end renders, nothing secret.

/** ImageKit's `customCoordinates` ("x,y,width,height") as a focus area, or null. */
export function focusAreaOf(customCoordinates) {
  const parts = String(customCoordinates ?? '')
    .split(',')
    .map((part) => Number(part.trim()));
  if (parts.length !== 4 || parts.some((part) => !Number.isFinite(part))) return null;
  const [x, y, width, height] = parts;
  return { x, y, width, height };
}

/** The stored form of an ImageKit File; `previous` keeps the alt text an editor already wrote. */
export function storedAsset(file, previous) {
  return {
    fileId: file.fileId,
    url: file.url,
    filePath: file.filePath,
    name: file.name,
    mime: file.mime,
    width: file.width ?? null,
    height: file.height ?? null,
    alt: previous?.alt ?? file.description ?? '',
    focusArea: focusAreaOf(file.customCoordinates),
  };
}

/** The field's value as a list, whether it holds one asset, several, or nothing. */
export function assetList(value) {
  let parsed = value;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return [];
    }
  }
  if (Array.isArray(parsed)) return parsed.filter((item) => item && typeof item.fileId === 'string');
  return parsed && typeof parsed.fileId === 'string' ? [parsed] : [];
}

/** The value to save: a single asset (or null), or a list for a multiple field. */
export function fieldValue(assets, multiple) {
  if (multiple) return assets;
  return assets[0] ?? null;
}

/** A small preview through the delivery API's transformations (images only). */
export function thumbnailUrl(asset) {
  if (!asset.mime?.startsWith('image/') || asset.mime === 'image/svg+xml') return undefined;
  const url = new URL(asset.url);
  url.searchParams.set('tr', 'w-160,h-160,c-at_max');
  return url.href;
}
