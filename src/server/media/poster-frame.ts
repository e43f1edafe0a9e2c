import { spawn } from 'node:child_process';

/**
 * Video poster frames through the system's ffmpeg (Debian's `ffmpeg` package), when there is
 * one; without it videos get a placeholder. The demuxer is chosen from the sniffed type, never
 * probed, and only local files may be opened: a playlist posing as a video cannot make ffmpeg
 * read other files or the network.
 */

const demuxers: Record<string, string> = {
  'video/mp4': 'mov',
  'video/quicktime': 'mov',
  'video/x-m4v': 'mov',
  'video/3gpp': 'mov',
  'video/webm': 'matroska',
  'video/x-matroska': 'matroska',
  'video/x-msvideo': 'avi',
  'video/mpeg': 'mpeg',
  'video/x-flv': 'flv',
  'video/ogg': 'ogg',
};

const timeoutMs = 20_000;
const maxFrameBytes = 64 * 1024 * 1024;

let available: Promise<boolean> | undefined;

/** Whether an `ffmpeg` is on the PATH; asked once per process. */
export function ffmpegAvailable(): Promise<boolean> {
  available ??= new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
  return available;
}

export const canPoster = (mime: string) => mime in demuxers;

/** The demuxer ffmpeg must use for a sniffed video type (never its own probing). */
export const demuxerOf = (mime: string): string | undefined => demuxers[mime];

/**
 * A PNG of the frame `atSeconds` in (`so-`; one second by default), or the first frame when the
 * clip is shorter; undefined when there is none.
 */
export async function posterFrame(path: string, mime: string, atSeconds = 1): Promise<Buffer | undefined> {
  const demuxer = demuxers[mime];
  if (!demuxer || !(await ffmpegAvailable())) return undefined;
  return (await grabFrame(path, demuxer, atSeconds)) ?? (await grabFrame(path, demuxer, 0));
}

function grabFrame(path: string, demuxer: string, atSeconds: number): Promise<Buffer | undefined> {
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-threads',
    '1',
    '-protocol_whitelist',
    'file',
    '-f',
    demuxer,
    '-ss',
    String(atSeconds),
    '-i',
    `file:${path}`,
    '-frames:v',
    '1',
    // Posters larger than 1920 px wide are never needed for a thumbnail.
    '-vf',
    "scale='min(1920,iw)':-2",
    '-f',
    'image2pipe',
    '-c:v',
    'png',
    'pipe:1',
  ];
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let bytes = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxFrameBytes) child.kill('SIGKILL');
      else chunks.push(chunk);
    });
    child.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 && bytes > 0 && bytes <= maxFrameBytes ? Buffer.concat(chunks) : undefined);
    });
  });
}
