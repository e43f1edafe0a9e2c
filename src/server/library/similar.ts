import { readFile } from 'node:fs/promises';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import {
  cosineDistance,
  decodeVector,
  distanceFrom,
  encodeVector,
  type ImageSignature,
  imageSignature,
} from '../media/image-signature.js';
import type { FileRecord, NewSignature } from '../store/store.js';
import { duplicateScopeOf } from './duplicates.js';
import { withLocalCopy } from './local-copy.js';

/** Most similar files one answer lists. */
export const maxSimilar = 100;
/** Images without a signature (uploaded before it existed) signed per step of the background sweep. */
const backfillPerQuery = 50;
/** Catalogs this process found with every image signed (new uploads sign themselves). */
const fullySigned = new WeakSet<object>();
/** Vectors one query compares with an embedder (no vector index: newest first). */
const maxEmbeddingsCompared = 20_000;

export interface SimilarFile {
  file: FileRecord;
  /** 0 (the same) to 1 (nothing alike); cosine distance with an embedder. */
  distance: number;
}

/** How the answer was ranked, as `GET /_ml/files/{id}/similar` reports it. */
export type SimilarityMethod = 'embedding' | 'signature';

/** Computes and stores the signature of one image version; a file that does not decode gets an empty one. */
export async function signImage(
  ctx: ServerContext,
  versionId: string,
  source: { path: string } | { blobKey: string },
  mime = 'image/*',
): Promise<void> {
  const compute = async (path: string): Promise<NewSignature | null> => {
    let signature: ImageSignature;
    try {
      signature = await imageSignature(path, ctx.config.maxImagePixels);
    } catch {
      return null;
    }
    const embedder = ctx.ai.embedder;
    if (!embedder) return signature;
    const bytes = await readFile(path);
    const { default: sharp } = await import('sharp');
    const info = await sharp(bytes, { limitInputPixels: ctx.config.maxImagePixels }).metadata();
    const vector = await embedder.embed({ bytes, mime, width: info.width ?? 0, height: info.height ?? 0 });
    return { ...signature, embeddingModel: embedder.model, embedding: encodeVector(vector) };
  };
  const signature =
    'path' in source ? await compute(source.path) : await withLocalCopy(ctx, source.blobKey, compute);
  await ctx.store.imageSignatures.record(versionId, signature);
}

/** After an upload: signs the new image off the request path; a failure is signed on the next query. */
export function signAfterUpload(ctx: ServerContext, file: FileRecord): void {
  if (file.fileType !== 'image') return;
  void signImage(ctx, file.versionId, { blobKey: file.blobKey }, file.mime).catch(() => undefined);
}

/**
 * Files that look like `file`, most alike first, among those the caller sees. With an embedder,
 * cosine distance between stored vectors; without, pHash bands and colour bins pick candidates in
 * SQL and pHash + histogram distance ranks them (src/server/media/image-signature.ts).
 */
export async function similarTo(
  ctx: ServerContext,
  principal: Principal | null,
  file: FileRecord,
  limit: number,
): Promise<{ method: SimilarityMethod; similar: SimilarFile[] }> {
  if (file.fileType !== 'image') {
    throw badRequest(`${file.name} is not an image; similar images are found for images only.`, {
      help: 'Pick an image (fileType "image").',
    });
  }
  const scope = duplicateScopeOf(principal);
  let target = await ctx.store.imageSignatures.ofVersion(file.versionId);
  if (!target) {
    // An unsigned file: there may be others (uploaded before signatures, or a signing that failed).
    fullySigned.delete(ctx.store);
    await signImage(ctx, file.versionId, { blobKey: file.blobKey }, file.mime);
    target = await ctx.store.imageSignatures.ofVersion(file.versionId);
  }
  if (!fullySigned.has(ctx.store)) signUnsigned(ctx);
  if (!target || target.phash === '') {
    throw badRequest(`${file.name} could not be read as an image, so nothing can be compared with it.`);
  }
  const embedder = ctx.ai.embedder;
  let ranked: Array<{ fileId: string; versionId: string; distance: number }>;
  let method: SimilarityMethod;
  if (embedder && target.embeddingModel === embedder.model && target.embedding) {
    method = 'embedding';
    const vector = decodeVector(target.embedding);
    const rows = await ctx.store.imageSignatures.withEmbeddings(
      embedder.model,
      scope,
      file.fileId,
      maxEmbeddingsCompared,
    );
    ranked = rows.map((row) => ({
      fileId: row.fileId,
      versionId: row.versionId,
      distance: cosineDistance(vector, decodeVector(row.embedding ?? '')),
    }));
  } else {
    method = 'signature';
    const bands = [0, 1, 2, 3].map((i) => Number.parseInt(target.phash.slice(i * 4, i * 4 + 4), 16)) as [
      number,
      number,
      number,
      number,
    ];
    const colour = dominantBin(target.histogram);
    const rows = await ctx.store.imageSignatures.candidates(
      { phash: target.phash, histogram: target.histogram, bands, colour },
      scope,
      file.fileId,
    );
    const distanceTo = distanceFrom(target);
    ranked = rows.map((row) => ({
      fileId: row.fileId,
      versionId: row.versionId,
      distance: distanceTo(row),
    }));
  }
  ranked.sort((a, b) => a.distance - b.distance || a.fileId.localeCompare(b.fileId));
  const top = ranked.slice(0, limit);
  // One statement by the versions' unique key (not one per answer; SQLite without statistics walks
  // `is_current` for a file id alone).
  const files = new Map(
    (await ctx.store.files.getVersions(top.map((r) => r.versionId))).map((f) => [f.versionId, f]),
  );
  const similar: SimilarFile[] = [];
  for (const { fileId, versionId, distance } of top) {
    const found = files.get(versionId);
    if (found?.fileId === fileId) similar.push({ file: found, distance: Math.round(distance * 1000) / 1000 });
  }
  return { method, similar };
}

const sweeping = new WeakSet<object>();

/**
 * Signs the images that have none, 50 at a time, off the request path; stops when a look finds none
 * left (looking reads every row, so a node looks again only after meeting an unsigned file).
 */
function signUnsigned(ctx: ServerContext): void {
  if (sweeping.has(ctx.store)) return;
  sweeping.add(ctx.store);
  void (async () => {
    for (;;) {
      const missing = await ctx.store.imageSignatures.missing({}, backfillPerQuery);
      for (const row of missing) {
        // A blob that cannot be read is signed as unreadable, so it is not looked for again.
        await signImage(ctx, row.versionId, { blobKey: row.blobKey }).catch(() =>
          ctx.store.imageSignatures.record(row.versionId, null).catch(() => undefined),
        );
      }
      if (missing.length < backfillPerQuery) break;
    }
    fullySigned.add(ctx.store);
  })()
    .catch(() => undefined)
    .finally(() => sweeping.delete(ctx.store));
}

function dominantBin(histogram: string): number {
  let best = 0;
  let bestValue = -1;
  for (let i = 0; i < histogram.length / 2; i++) {
    const value = Number.parseInt(histogram.slice(i * 2, i * 2 + 2), 16);
    if (value > bestValue) {
      best = i;
      bestValue = value;
    }
  }
  return best;
}
