import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether ffmpeg and ffprobe are installed (Debian's `ffmpeg`); video tests skip without them. */
export const hasFfmpeg =
  spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('ffprobe', ['-version'], { stdio: 'ignore' }).status === 0;

/**
 * A small MP4 made now: `seconds` of `first` colour then `seconds` of `second`, 10 fps, H.264 with
 * a sine tone, so trims, poster frames and resizes can be told apart by their pixels.
 */
export async function twoColourVideo(
  width = 320,
  height = 240,
  seconds = 1.5,
  colours: [string, string] = ['red', 'blue'],
): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'video-fixture-'));
  const out = join(dir, 'clip.mp4');
  try {
    const size = `${width}x${height}`;
    const result = spawnSync(
      'ffmpeg',
      [
        ...['-v', 'error', '-y'],
        ...['-f', 'lavfi', '-i', `color=c=${colours[0]}:s=${size}:d=${seconds}:r=10`],
        ...['-f', 'lavfi', '-i', `color=c=${colours[1]}:s=${size}:d=${seconds}:r=10`],
        ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds * 2}`],
        ...['-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v]', '-map', '[v]', '-map', '2:a'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
        out,
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`ffmpeg: ${result.stderr}`);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ProbedVideo {
  width: number;
  height: number;
  codec: string;
  audioCodec: string | undefined;
  duration: number;
  format: string;
}

/** What ffprobe says of a video's bytes: its first video stream's size and codec, and its length. */
export async function ffprobe(bytes: Buffer): Promise<ProbedVideo> {
  const dir = await mkdtemp(join(tmpdir(), 'video-probe-'));
  const path = join(dir, 'probe');
  try {
    await writeFile(path, bytes);
    const result = spawnSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_type,codec_name,width,height:format=duration,format_name',
        '-of',
        'json',
        path,
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`ffprobe: ${result.stderr}`);
    const json = JSON.parse(result.stdout) as {
      streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>;
      format: { duration: string; format_name: string };
    };
    const video = json.streams.find((s) => s.codec_type === 'video');
    if (!video?.width || !video.height) throw new Error('ffprobe: no video stream');
    return {
      width: video.width,
      height: video.height,
      codec: video.codec_name,
      audioCodec: json.streams.find((s) => s.codec_type === 'audio')?.codec_name,
      duration: Number(json.format.duration),
      format: json.format.format_name,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The video's first frame as PNG bytes, for its pixels. */
export async function firstFrame(bytes: Buffer): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'video-frame-'));
  const path = join(dir, 'in');
  try {
    await writeFile(path, bytes);
    const result = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    if (result.status !== 0) throw new Error(`ffmpeg: ${result.stderr}`);
    return result.stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
