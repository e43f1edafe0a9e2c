import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ServerContext } from '../context.js';
import { canPoster, ffmpegAvailable } from '../media/poster-frame.js';
import { canonicalSteps, type Transformation, type VideoFormat } from '../media/transformation.js';
import { unsupported } from '../media/values.js';
import {
  checkVideoTransformation,
  planVideo,
  probeVideo,
  runBounded,
  videoArgs,
  videoRenderBytes,
  videoRunError,
} from '../media/video.js';
import type { FileRecord } from '../store/store.js';
import { DerivedImages } from './derived-images.js';
import { withLocalCopy } from './local-copy.js';

/** Formats that make a picture of a video (its poster frame) rather than a video. */
const pictureFormats = new Set(['jpg', 'jpeg', 'png', 'webp', 'avif', 'gif']);

/**
 * Whether a transformation of `file` makes a video: any transformation of a video, unless it
 * names a picture format (the grid's `n-ik_ml_thumbnail` is WebP) or is its `ik-thumbnail.jpg`.
 */
export function makesVideo(file: FileRecord, t: Transformation): boolean {
  return canPoster(file.mime) && !pictureFormats.has(t.output.format ?? '');
}

/** The first video parameter a transformation has, as written, for a 400 naming it. */
function videoParameter(t: Transformation, picture: boolean): string | undefined {
  const v = t.video ?? {};
  if (v.format) return `f-${v.format}`;
  if (!picture && v.start !== undefined) return `so-${v.start}`;
  if (v.end !== undefined) return `eo-${v.end}`;
  if (v.duration !== undefined) return `du-${v.duration}`;
  return undefined;
}

/**
 * Video parameters on a picture: on a video's poster frame only `so-` (which frame) applies; on
 * any other file none does. A 400 naming the parameter, never an image that ignored it.
 */
export function checkPictureVideoOptions(file: FileRecord, t: Transformation): void {
  const isVideo = canPoster(file.mime);
  const parameter = videoParameter(t, isVideo);
  if (!parameter) return;
  throw unsupported(
    parameter,
    isVideo
      ? 'a picture of a video takes so- (the frame) only; ask for the video itself for anything else.'
      : `it applies to videos, and ${file.name} is not one.`,
  );
}

export interface VideoRenditionPlan {
  key: string;
  etag: string;
  format: VideoFormat;
  mime: string;
}

/** Keys a video rendition by its steps, trim and output; checks what can be checked unread. */
export function planVideoRendition(file: FileRecord, t: Transformation): VideoRenditionPlan {
  checkVideoTransformation(t);
  // f-auto: MP4 (H.264) is what every browser plays.
  const format = t.video?.format ?? 'mp4';
  const hash = createHash('sha256')
    .update(`video|${canonicalSteps(t)}|${format}|q-${t.output.quality ?? ''}`)
    .digest('hex')
    .slice(0, 32);
  return {
    key: DerivedImages.keyFor(file.blobKey, hash, format),
    etag: `"${file.versionId}-${hash.slice(0, 20)}"`,
    format,
    mime: `video/${format}`,
  };
}

/** Without ffmpeg there are no video renditions: a 400 naming the parameter, as for any unsupported one. */
export async function assertVideoRenderer(t: Transformation): Promise<void> {
  if (await ffmpegAvailable()) return;
  throw unsupported(
    videoParameter(t, false) ?? 'tr',
    'video renditions need ffmpeg on the server (Debian: apt-get install ffmpeg), which is not installed.',
  );
}

/** The probe reads headers and an index: little memory, the same deadline as the encode. */
const probeMemoryBytes = 256 * 1024 ** 2;

/**
 * Renders a video rendition into a local file (the rendition cache moves it into storage): the
 * original is copied to staging, probed, and encoded by ffmpeg within the render's time and
 * memory, its estimate reserved from the render queue's memory while it runs.
 */
export async function renderVideo(
  ctx: ServerContext,
  file: FileRecord,
  t: Transformation,
  plan: VideoRenditionPlan,
): Promise<{ file: string }> {
  const output = join(ctx.stagingDir, `video-${randomUUID()}.${plan.format}`);
  const timeoutMs = ctx.config.videoRenderTimeoutMs;
  try {
    return await withLocalCopy(ctx, file.blobKey, async (source) => {
      const info = await probeVideo(source, file.mime, { timeoutMs, maxRssBytes: probeMemoryBytes });
      const video = planVideo(t, plan.format, info, {
        maxSize: ctx.config.maxTransformSize,
        maxOutputPixels: ctx.config.maxTransformPixels,
        maxSourcePixels: ctx.config.maxImagePixels,
      });
      const estimate = videoRenderBytes(video, info);
      const release = await ctx.renderQueue.reserve(estimate);
      try {
        const threads = Math.max(1, Math.floor(availableParallelism() / ctx.config.renderConcurrency));
        const args = videoArgs(video, { path: source, mime: file.mime }, output, {
          threads,
          maxBytes: ctx.config.maxUploadBytes,
        });
        // The estimate schedules; twice it is where a run is surely not the video it claimed to be.
        const limits = { timeoutMs, maxRssBytes: estimate * 2 };
        const end = await runBounded('ffmpeg', args, limits);
        if (end.kind !== 'done') throw videoRunError(end, limits);
        return { file: output };
      } finally {
        release();
      }
    });
  } catch (error) {
    await rm(output, { force: true });
    throw error;
  }
}
