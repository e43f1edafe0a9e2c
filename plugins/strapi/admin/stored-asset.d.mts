/** The JSON the `plugin::media-library.asset` field stores per asset. */
export interface StoredAsset {
  fileId: string;
  url: string;
  filePath: string;
  name: string;
  mime: string;
  width: number | null;
  height: number | null;
  alt: string;
  focusArea: { x: number; y: number; width: number; height: number } | null;
}

/** The File fields `storedAsset` reads (an ImageKit File has them all). */
export interface PickedFile {
  fileId: string;
  url: string;
  filePath: string;
  name: string;
  mime: string;
  width?: number;
  height?: number;
  description?: string;
  customCoordinates?: string | null;
}

export function focusAreaOf(customCoordinates: string | null | undefined): StoredAsset['focusArea'];
export function storedAsset(file: PickedFile, previous?: Pick<StoredAsset, 'alt'>): StoredAsset;
export function assetList(value: unknown): StoredAsset[];
export function fieldValue(assets: StoredAsset[], multiple: boolean): StoredAsset[] | StoredAsset | null;
export function thumbnailUrl(asset: Pick<StoredAsset, 'url' | 'mime'>): string | undefined;
