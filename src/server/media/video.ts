import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { ApiError, badRequest } from '../errors.js';
import { concreteStep, sizesFor } from './concrete.js';
import { type Geometry, planGeometry } from './geometry.js';
import { demuxerOf } from './poster-frame.js';
import {
  isConditional,
  type Step,
  type Transformation,
  type TransformStep,
  type VideoFormat,
} from './transformation.js';
import { unsupported } from './values.js';

/**
 * Video renditions through the system's ffmpeg: resized (`w`, `h`, `ar`, `c`, `cm`, `fo`, `bg`),
 * trimmed (`so`, `eo`, `du`) and encoded as H.264/AAC in MP4 or VP9/Opus in WebM. The demuxer is
 * fixed from the sniffed type and only local files may be opened, as for poster frames. Every run
 * has a deadline and a memory ceiling (resident memory, read from /proc) and is killed past
 * either, so a hostile or huge video cannot hold a render slot.
 */

/** What ffprobe reports of a video's first video stream, as it is displayed (rotation applied). */
export interface VideoInfo {
  width: number;
  height: number;
  /** Seconds; 0 when the container does not say. */
  duration: number;
}

/** A video rendition decided before ffmpeg runs: its size, trim and the filters that make it. */
export interface VideoPlan {
  format: VideoFormat;
  width: number;
  height: number;
  start: number;
  /** Seconds of output, or undefined for the rest of the video. */
  duration: number | undefined;
  /** ffmpeg's `-vf` chain, or undefined for the source's own size. */
  filter: string | undefined;
  quality: number | undefined;
}

export interface VideoLimits {
  maxSize: number;
  maxOutputPixels: number;
  maxSourcePixels: number;
}

/** The ImageKit parameter a step field comes from, for a 400 that names it. */
const parameterOf: Partial<Record<keyof TransformStep, string>> = {
  border: 'b',
  rotate: 'rt',
  flip: 'fl',
  blur: 'bl',
  grayscale: 'e-grayscale',
  sharpen: 'e-sharpen',
  contrast: 'e-contrast',
  trim: 't',
  radius: 'r',
  opacity: 'o',
  unsharpMask: 'e-usm',
  shadow: 'e-shadow',
  gradient: 'e-gradient',
  colorize: 'e-colorize',
  distort: 'e-distort',
  layers: 'l-…',
  removeBackground: 'e-bgremove',
};

const forVideos = (parameter: string) =>
  unsupported(
    parameter,
    'videos can be resized (w, h, ar, c, cm, fo, bg), trimmed (so, eo, du) and encoded (f-mp4, f-webm, q) on this server.',
  );

/** The one step a video rendition may have; anything an image alone can have is a 400 naming it. */
function videoStep(t: Transformation): TransformStep | undefined {
  const output = t.output;
  for (const [field, parameter] of [
    ['progressive', 'pr'],
    ['lossless', 'lo'],
    ['keepMetadata', 'md'],
    ['keepColorProfile', 'cp'],
  ] as const) {
    if (output[field] !== undefined) throw forVideos(parameter);
  }
  if (t.page !== undefined) throw forVideos('pg');
  if (t.steps.length > 1) {
    throw unsupported(':', 'a video rendition is one step; chain steps with `:` on images only.');
  }
  const step: Step | undefined = t.steps[0];
  if (!step) return undefined;
  if (isConditional(step)) throw forVideos('if');
  for (const field of Object.keys(step) as Array<keyof TransformStep>) {
    const parameter = parameterOf[field];
    if (parameter && step[field] !== undefined) throw forVideos(parameter);
  }
  if (step.focus === 'auto' || step.focus === 'custom') throw forVideos(`fo-${step.focus}`);
  if (step.background && !('color' in step.background)) throw forVideos('bg');
  return step;
}

/** Checks a transformation can apply to a video before anything is read; a 400 naming what cannot. */
export function checkVideoTransformation(t: Transformation): void {
  videoStep(t);
  const video = t.video ?? {};
  if (video.end !== undefined && video.end <= (video.start ?? 0)) {
    throw badRequest(`eo-${video.end}: the end must come after the start (so-${video.start ?? 0}).`, {
      reason: 'INVALID_TRANSFORMATION',
    });
  }
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
const hex = (n: number) => n.toString(16).padStart(2, '0');

/** ffmpeg filters for a planned geometry: crop, scale, pad, as sharp would extract, resize, extend. */
function geometryFilters(g: Geometry, source: { width: number; height: number }): string[] {
  const filters: string[] = [];
  let width = source.width;
  let height = source.height;
  if (g.preExtract) {
    const { left, top, width: w, height: h } = g.preExtract;
    filters.push(`crop=${w}:${h}:${left}:${top}`);
    [width, height] = [w, h];
  }
  if (g.resize) {
    const { fit, withoutEnlargement } = g.resize;
    const w = g.resize.width ?? width;
    const h = g.resize.height ?? height;
    const padColour = g.resize.background ?? { r: 255, g: 255, b: 255, alpha: 1 };
    if (fit === 'cover') {
      if (!(withoutEnlargement && (w > width || h > height))) {
        const scale = Math.max(w / width, h / height);
        const sw = Math.max(w, Math.round(width * scale));
        const sh = Math.max(h, Math.round(height * scale));
        const position = typeof g.resize.position === 'string' ? g.resize.position : 'centre';
        const x = position.includes('left')
          ? 0
          : position.includes('right')
            ? sw - w
            : Math.floor((sw - w) / 2);
        const y = position.includes('top')
          ? 0
          : position.includes('bottom')
            ? sh - h
            : Math.floor((sh - h) / 2);
        filters.push(`scale=${sw}:${sh}`, `crop=${w}:${h}:${x}:${y}`);
      }
    } else if (fit === 'contain') {
      const scale = Math.min(w / width, h / height);
      const sw = Math.max(1, Math.round(width * scale));
      const sh = Math.max(1, Math.round(height * scale));
      filters.push(
        `scale=${sw}:${sh}`,
        `pad=${w}:${h}:${Math.floor((w - sw) / 2)}:${Math.floor((h - sh) / 2)}:0x${hex(padColour.r)}${hex(padColour.g)}${hex(padColour.b)}`,
      );
    } else {
      // fill, inside and outside: the geometry has worked out the size already.
      const sw = g.extend ? g.width - g.extend.left - g.extend.right : g.width;
      const sh = g.extend ? g.height - g.extend.top - g.extend.bottom : g.height;
      if (sw !== width || sh !== height) filters.push(`scale=${sw}:${sh}`);
    }
  }
  if (g.extend) {
    const { left, top, background: c } = g.extend;
    filters.push(`pad=${g.width}:${g.height}:${left}:${top}:0x${hex(c.r)}${hex(c.g)}${hex(c.b)}`);
  }
  return filters;
}

/** Decides a video rendition from the source's size and length; sizes past the limits are a 400. */
export function planVideo(
  t: Transformation,
  format: VideoFormat,
  info: VideoInfo,
  limits: VideoLimits,
): VideoPlan {
  if (info.width * info.height > limits.maxSourcePixels) {
    throw badRequest(
      `The video is ${info.width}×${info.height} pixels, more than the ${limits.maxSourcePixels} this server processes.`,
      { reason: 'IMAGE_TOO_LARGE' },
    );
  }
  const step = videoStep(t);
  const source = { width: info.width, height: info.height };
  const filters: string[] = [];
  let { width, height } = source;
  if (step) {
    const concrete = concreteStep(step, sizesFor({ initial: source }, source));
    const geometry = planGeometry(concrete, width, height, null);
    filters.push(...geometryFilters(geometry, source));
    [width, height] = [geometry.width, geometry.height];
  }
  if (width > limits.maxSize || height > limits.maxSize || width * height > limits.maxOutputPixels) {
    throw badRequest(
      `This transformation would make a ${width}×${height} video; this server makes at most ${limits.maxSize} pixels a side and ${limits.maxOutputPixels} pixels a frame.`,
      { reason: 'TRANSFORMATION_TOO_LARGE' },
    );
  }
  // 4:2:0 video (what every browser plays) needs even sides.
  if (width % 2 !== 0 || height % 2 !== 0) {
    [width, height] = [even(width), even(height)];
    filters.push(`scale=${width}:${height}`);
  }
  const video = t.video ?? {};
  const start = video.start ?? 0;
  if (info.duration > 0 && start >= info.duration) {
    throw badRequest(`so-${start}: this video is ${info.duration.toFixed(2)} s long.`, {
      reason: 'INVALID_TRANSFORMATION',
    });
  }
  const duration = video.duration ?? (video.end !== undefined ? video.end - start : undefined);
  return {
    format,
    width,
    height,
    start,
    duration,
    filter: filters.length > 0 ? filters.join(',') : undefined,
    quality: t.output.quality,
  };
}

/** Bytes an encode holds, by estimate: decoded source frames, the encoder's lookahead, ffmpeg itself. */
export function videoRenderBytes(plan: VideoPlan, info: VideoInfo): number {
  const frame = (w: number, h: number) => w * h * 1.5;
  return 64 * 1024 ** 2 + frame(info.width, info.height) * 16 + frame(plan.width, plan.height) * 64;
}

const clampRound = (n: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(n)));

/** ffmpeg's arguments for a planned rendition of the file at `input` into `output`. */
export function videoArgs(
  plan: VideoPlan,
  input: { path: string; mime: string },
  output: string,
  options: { threads: number; maxBytes: number },
): string[] {
  const demuxer = demuxerOf(input.mime);
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-protocol_whitelist', 'file'];
  if (demuxer) args.push('-f', demuxer);
  if (plan.start > 0) args.push('-ss', String(plan.start));
  args.push('-i', `file:${input.path}`, '-threads', String(options.threads));
  if (plan.duration !== undefined) args.push('-t', String(plan.duration));
  args.push('-map', '0:v:0', '-map', '0:a:0?', '-sn', '-dn', '-map_metadata', '-1');
  if (plan.filter) args.push('-vf', plan.filter);
  const q = plan.quality;
  if (plan.format === 'mp4') {
    const crf = q === undefined ? 23 : clampRound(40 - q * 0.25, 15, 40);
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(crf), '-pix_fmt', 'yuv420p');
    args.push('-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', '-f', 'mp4');
  } else {
    const crf = q === undefined ? 35 : clampRound(60 - q * 0.45, 15, 60);
    args.push('-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1');
    args.push('-b:v', '0', '-crf', String(crf), '-pix_fmt', 'yuv420p');
    args.push('-c:a', 'libopus', '-b:a', '96k', '-f', 'webm');
  }
  args.push('-fs', String(options.maxBytes), `file:${output}`);
  return args;
}

interface RunLimits {
  timeoutMs: number;
  /** Resident memory past which the process is killed. */
  maxRssBytes: number;
}

/** How an ffmpeg run ended. */
type RunEnd =
  | { kind: 'done'; stdout: Buffer }
  | { kind: 'failed'; message: string }
  | { kind: 'timeout' }
  | { kind: 'memory' };

const maxStdout = 1024 * 1024;
const rssEveryMs = 200;

/** Resident bytes of a process, from /proc (Linux); undefined elsewhere or once it has gone. */
async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Runs `command`, killing it past the deadline or the memory ceiling. */
export function runBounded(command: string, args: string[], limits: RunLimits): Promise<RunEnd> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let errors = '';
    let ended: RunEnd | undefined;
    const kill = (why: RunEnd) => {
      ended ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill({ kind: 'timeout' }), limits.timeoutMs);
    const watch = setInterval(async () => {
      if (child.pid === undefined) return;
      const rss = await residentBytes(child.pid);
      if (rss !== undefined && rss > limits.maxRssBytes) kill({ kind: 'memory' });
    }, rssEveryMs);
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxStdout) kill({ kind: 'failed', message: 'too much output' });
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errors.length < 4096) errors += chunk.toString();
    });
    const finish = (end: RunEnd) => {
      clearTimeout(timer);
      clearInterval(watch);
      resolve(ended ?? end);
    };
    child.once('error', (error) => finish({ kind: 'failed', message: error.message }));
    child.once('close', (code) =>
      finish(
        code === 0
          ? { kind: 'done', stdout: Buffer.concat(chunks) }
          : { kind: 'failed', message: errors.trim().split('\n')[0] || `exit code ${code}` },
      ),
    );
  });
}

/** The 400/503 a failed run is for the client. */
export function videoRunError(end: Exclude<RunEnd, { kind: 'done' }>, limits: RunLimits): ApiError {
  switch (end.kind) {
    case 'timeout':
      return new ApiError(
        503,
        `Rendering this video took longer than ${Math.round(limits.timeoutMs / 1000)} s (MEDIA_LIBRARY_VIDEO_RENDER_TIMEOUT) and was stopped. Ask for a shorter or smaller rendition (du-, w-).`,
        { reason: 'TIMEOUT' },
      );
    case 'memory':
      return badRequest(
        `Rendering this video needed more than ${Math.ceil(limits.maxRssBytes / 1024 ** 2)} MB and was stopped. Ask for a smaller rendition.`,
        { reason: 'TRANSFORMATION_TOO_LARGE' },
      );
    case 'failed':
      return badRequest(`The video could not be processed: ${end.message}`, { reason: 'INVALID_VIDEO' });
  }
}

interface ProbeJson {
  streams?: Array<{
    codec_type?: string;
    width?: number;
    height?: number;
    tags?: { rotate?: string };
    side_data_list?: Array<{ rotation?: number }>;
  }>;
  format?: { duration?: string };
}

/** Reads a video's displayed size and length, within the same bounds as a render. */
export async function probeVideo(path: string, mime: string, limits: RunLimits): Promise<VideoInfo> {
  const demuxer = demuxerOf(mime);
  const args = ['-v', 'error', '-protocol_whitelist', 'file'];
  if (demuxer) args.push('-f', demuxer);
  args.push('-show_entries', 'stream=codec_type,width,height:stream_tags=rotate:stream_side_data=rotation');
  args.push('-show_entries', 'format=duration', '-of', 'json', `file:${path}`);
  const end = await runBounded('ffprobe', args, limits);
  if (end.kind !== 'done') throw videoRunError(end, limits);
  let json: ProbeJson;
  try {
    json = JSON.parse(end.stdout.toString('utf8')) as ProbeJson;
  } catch {
    throw badRequest('The video could not be read.', { reason: 'INVALID_VIDEO' });
  }
  const video = json.streams?.find((s) => s.codec_type === 'video' && s.width && s.height);
  if (!video?.width || !video.height) {
    throw badRequest('The file holds no video stream this server can read.', { reason: 'INVALID_VIDEO' });
  }
  const rotation = Number(
    video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0,
  );
  const sideways = Math.abs(rotation) % 180 === 90;
  const duration = Number(json.format?.duration);
  return {
    width: sideways ? video.height : video.width,
    height: sideways ? video.width : video.height,
    duration: Number.isFinite(duration) && duration > 0 ? duration : 0,
  };
}
