import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/server/config.js';
import { runBounded } from '../../src/server/media/video.js';
import { serveCli } from '../helpers/cli.js';
import { upload, uploadForm } from '../helpers/fixtures.js';
import { blue, decode, near, red } from '../helpers/images.js';
import { basicAuth, startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { ffprobe, firstFrame, hasFfmpeg, twoColourVideo } from '../helpers/videos.js';

/** Uploads `bytes` under /v and fails loudly if the server refuses it. */
async function put(server: TestServer, bytes: Buffer, fileName: string): Promise<void> {
  const response = await upload(server, {
    file: { bytes, name: fileName },
    fields: { fileName, useUniqueFileName: 'false', folder: '/v' },
  });
  assert.equal(response.status, 200, await response.text());
}

async function getVideo(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.equal(response.status, 200, `${url}: ${response.status} ${bytes.toString('utf8').slice(0, 300)}`);
  return { response, bytes, probed: await ffprobe(bytes) };
}

async function expectError(url: string, status: number, message: RegExp) {
  const response = await fetch(url);
  const body = (await response.json()) as { message: string; help: string };
  assert.equal(response.status, status, `${url}: ${body.message}`);
  assert.match(body.message, message);
  assert.equal(typeof body.help, 'string');
}

describe('video delivery', { skip: hasFfmpeg ? false : 'ffmpeg is not installed here' }, () => {
  let server: TestServer;
  let original: Buffer;
  const renders = () => server.server.context.derivedImages.renders;

  before(async () => {
    server = await startTestServer();
    // 1.5 s red then 1.5 s blue, 320×240 with sound.
    original = await twoColourVideo();
    await put(server, original, 'clip.mp4');
    await put(server, original.subarray(0, 2048), 'broken.mp4');
  });
  after(() => server.close());

  it('resizes with w, h and c, as H.264 in MP4 with the sound kept', async () => {
    const cropped = await getVideo(`${server.url}/v/clip.mp4?tr=w-160,h-90`);
    assert.equal(cropped.response.headers.get('content-type'), 'video/mp4');
    assert.equal(cropped.probed.codec, 'h264');
    assert.equal(cropped.probed.audioCodec, 'aac');
    assert.deepEqual([cropped.probed.width, cropped.probed.height], [160, 90]);
    assert.ok(Math.abs(cropped.probed.duration - 3) < 0.3, `duration ${cropped.probed.duration}`);

    const byWidth = await getVideo(`${server.url}/tr:w-100/v/clip.mp4`);
    assert.deepEqual([byWidth.probed.width, byWidth.probed.height], [100, 76], 'the ratio kept, sides even');

    const forced = await getVideo(`${server.url}/v/clip.mp4?tr=w-200,h-100,c-force`);
    assert.deepEqual([forced.probed.width, forced.probed.height], [200, 100]);

    const fitted = await getVideo(`${server.url}/v/clip.mp4?tr=w-200,h-100,c-at_max`);
    assert.deepEqual([fitted.probed.width, fitted.probed.height], [134, 100]);

    const padded = await getVideo(`${server.url}/v/clip.mp4?tr=w-200,h-100,cm-pad_resize,bg-00FF00`);
    assert.deepEqual([padded.probed.width, padded.probed.height], [200, 100]);
    const frame = await decode(await firstFrame(padded.bytes));
    assert.ok(near(frame.pixel(2, 50), [0, 255, 0], 60), `padding ${frame.pixel(2, 50)}`);
    assert.ok(near(frame.pixel(100, 50), red, 60), `picture ${frame.pixel(100, 50)}`);
  });

  it('encodes f-webm as VP9 with Opus, and f-mp4 as H.264', async () => {
    const webm = await getVideo(`${server.url}/v/clip.mp4?tr=w-160,f-webm`);
    assert.equal(webm.response.headers.get('content-type'), 'video/webm');
    assert.equal(webm.probed.codec, 'vp9');
    assert.equal(webm.probed.audioCodec, 'opus');
    assert.deepEqual([webm.probed.width, webm.probed.height], [160, 120]);
    const mp4 = await getVideo(`${server.url}/v/clip.mp4?tr=f-mp4`);
    assert.equal(mp4.probed.codec, 'h264');
    assert.deepEqual([mp4.probed.width, mp4.probed.height], [320, 240]);
  });

  it('trims with so, eo and du', async () => {
    const tail = await getVideo(`${server.url}/v/clip.mp4?tr=so-2,w-80`);
    assert.ok(Math.abs(tail.probed.duration - 1) < 0.3, `so-2: ${tail.probed.duration}`);
    assert.ok(
      near((await decode(await firstFrame(tail.bytes))).pixel(40, 30), blue, 60),
      'starts in the blue half',
    );

    const middle = await getVideo(`${server.url}/v/clip.mp4?tr=so-0.5,eo-1,w-80`);
    assert.ok(Math.abs(middle.probed.duration - 0.5) < 0.3, `so-0.5,eo-1: ${middle.probed.duration}`);
    assert.ok(near((await decode(await firstFrame(middle.bytes))).pixel(40, 30), red, 60));

    const short = await getVideo(`${server.url}/v/clip.mp4?tr=du-1,w-80`);
    assert.ok(Math.abs(short.probed.duration - 1) < 0.3, `du-1: ${short.probed.duration}`);
  });

  it('renders once into the rendition cache, then streams it with Range', async () => {
    const url = `${server.url}/v/clip.mp4?tr=w-120,h-90`;
    const before = renders();
    const whole = await getVideo(url);
    assert.equal(renders(), before + 1);
    const size = whole.bytes.length;
    assert.equal(whole.response.headers.get('accept-ranges'), 'bytes');
    const keys = await server.blobKeys('derived');
    assert.ok(
      keys.some((key) => key.endsWith('.mp4')),
      `stored: ${keys.join(', ')}`,
    );

    const part = await fetch(url, { headers: { range: 'bytes=100-299' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-299/${size}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), whole.bytes.subarray(100, 300));
    const end = await fetch(url, { headers: { range: `bytes=${size - 10}-` } });
    assert.equal(end.status, 206);
    assert.deepEqual(Buffer.from(await end.arrayBuffer()), whole.bytes.subarray(size - 10));
    const etag = whole.response.headers.get('etag')!;
    assert.equal((await fetch(url, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal(renders(), before + 1, 'served from the cache');
  });

  it('serves ranges of the original video', async () => {
    const part = await fetch(`${server.url}/v/clip.mp4`, { headers: { range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-19/${original.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), original.subarray(10, 20));
  });

  it('draws ik-thumbnail.jpg from the poster frame, so- picking the second', async () => {
    const response = await fetch(`${server.url}/v/clip.mp4/ik-thumbnail.jpg`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/jpeg');
    const poster = await decode(await response.arrayBuffer());
    assert.deepEqual([poster.width, poster.height], [320, 240]);
    assert.ok(near(poster.pixel(160, 120), red, 50), `one second in: ${poster.pixel(160, 120)}`);

    const later = await fetch(`${server.url}/v/clip.mp4/ik-thumbnail.jpg?tr=so-2,w-80`);
    assert.equal(later.status, 200);
    const frame = await decode(await later.arrayBuffer());
    assert.equal(frame.width, 80);
    assert.ok(near(frame.pixel(40, 30), blue, 50), `so-2: ${frame.pixel(40, 30)}`);

    // The grid's named thumbnail names a picture format: a picture, not a video.
    const named = await fetch(`${server.url}/v/clip.mp4?tr=n-ik_ml_thumbnail`);
    assert.equal(named.headers.get('content-type'), 'image/webp');
  });

  it('answers 400 naming what a video cannot do, and what is no video', async () => {
    await expectError(`${server.url}/v/clip.mp4?tr=w-100,e-grayscale`, 400, /`e-grayscale` is not supported/);
    await expectError(`${server.url}/v/clip.mp4?tr=w-100:rt-90`, 400, /one step/);
    await expectError(`${server.url}/v/clip.mp4?tr=l-text,i-Hi,l-end`, 400, /`l-…` is not supported/);
    await expectError(`${server.url}/v/clip.mp4?tr=so-9`, 400, /so-9: this video is 3\.\d+ s long/);
    await expectError(`${server.url}/v/clip.mp4?tr=so-2,eo-1`, 400, /the end must come after the start/);
    await expectError(`${server.url}/v/clip.mp4?tr=so-x`, 400, /`so-x`.*seconds/);
    await expectError(`${server.url}/v/clip.mp4?tr=vc-h265`, 400, /`vc-h265` is not supported/);
    await expectError(`${server.url}/v/clip.mp4/ik-thumbnail.jpg?tr=du-1`, 400, /`du-1` is not supported/);
    await expectError(
      `${server.url}/v/broken.mp4?tr=w-100`,
      400,
      /could not be (processed|read)|no video stream/,
    );
  });

  it('names video parameters on files that are not videos', async () => {
    const png = await fetch(`${server.url}/v/clip.mp4/ik-thumbnail.jpg`);
    await put(server, Buffer.from(await png.arrayBuffer()), 'still.jpg');
    await expectError(
      `${server.url}/v/still.jpg?tr=so-2`,
      400,
      /`so-2` is not supported: it applies to videos/,
    );
    await expectError(
      `${server.url}/v/still.jpg?tr=f-mp4`,
      400,
      /`f-mp4` is not supported: it applies to videos/,
    );
  });
});

describe('video render limits', { skip: hasFfmpeg ? false : 'ffmpeg is not installed here' }, () => {
  it('stops a render past its deadline with a 503, and frees its slot', async () => {
    const server = await startTestServer({ videoRenderTimeoutMs: 1 });
    try {
      await put(server, await twoColourVideo(), 'clip.mp4');
      await expectError(`${server.url}/v/clip.mp4?tr=w-100`, 503, /MEDIA_LIBRARY_VIDEO_RENDER_TIMEOUT/);
      assert.deepEqual(server.server.context.renderQueue.load, { running: 0, waiting: 0 });
      assert.deepEqual(await server.blobKeys('derived'), [], 'nothing stored');
    } finally {
      await server.close();
    }
  });

  it('keeps render slots free for images while videos encode', async () => {
    const server = await startTestServer({ renderConcurrency: 2, videoRenderConcurrency: 1 });
    const { renderQueue, videoQueue } = server.server.context;
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 2000 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(ok(), what);
    };
    try {
      // Long enough (20 s of 640×480) to still be encoding while the checks run.
      await put(server, await twoColourVideo(640, 480, 10), 'long.mp4');
      await put(server, await twoColourVideo(), 'clip.mp4');
      const first = fetch(`${server.url}/v/long.mp4?tr=w-600`);
      await until('the first video encodes', () => videoQueue.load.running === 1);
      const second = fetch(`${server.url}/v/clip.mp4?tr=w-100`);
      await until('the second video waits', () => videoQueue.load.waiting === 1);
      assert.equal(renderQueue.load.running, 1, 'the waiting video holds no render slot');
      const image = await fetch(`${server.url}/v/clip.mp4/ik-thumbnail.jpg?tr=w-50`);
      assert.equal(image.status, 200);
      assert.equal((await first).status, 200);
      assert.equal((await second).status, 200);
    } finally {
      await server.close();
    }
  });

  it('refuses a rendition whose memory estimate is over the render memory', async () => {
    const server = await startTestServer({ renderMemoryBytes: 48 * 1024 ** 2 });
    try {
      await put(server, await twoColourVideo(), 'clip.mp4');
      await expectError(`${server.url}/v/clip.mp4?tr=w-100`, 400, /MEDIA_LIBRARY_RENDER_MEMORY/);
      assert.deepEqual(server.server.context.renderQueue.load, { running: 0, waiting: 0 });
    } finally {
      await server.close();
    }
  });

  it('refuses a rendition over the transformation size limit before encoding', async () => {
    const server = await startTestServer({ maxTransformSize: 400 });
    try {
      await put(server, await twoColourVideo(), 'clip.mp4');
      await expectError(`${server.url}/v/clip.mp4?tr=w-1000`, 400, /at most 400 pixels a side/);
    } finally {
      await server.close();
    }
  });
});

describe('without ffmpeg', { skip: hasFfmpeg ? false : 'ffmpeg is not installed here' }, () => {
  it('answers video transformations with a 400 saying so, and thumbnails with a placeholder', async () => {
    // A server whose PATH holds nothing: no ffmpeg (nor poppler), as on a bare host.
    const dir = await mkdtemp(join(tmpdir(), 'no-ffmpeg-'));
    const running = await serveCli(['--data', join(dir, 'data')], {
      PATH: join(dir, 'empty'),
      MEDIA_LIBRARY_PUBLIC_KEY: testKeys.publicKey,
      MEDIA_LIBRARY_PRIVATE_KEY: testKeys.privateKey,
      MEDIA_LIBRARY_RATE_LIMIT: 'off',
      MEDIA_LIBRARY_LOG_LEVEL: 'error',
    });
    try {
      const stored = await fetch(`${running.url}/api/v1/files/upload`, {
        method: 'POST',
        headers: { authorization: basicAuth(testKeys.privateKey) },
        body: uploadForm({
          file: { bytes: await twoColourVideo(), name: 'clip.mp4' },
          fields: { fileName: 'clip.mp4', useUniqueFileName: 'false', folder: '/v' },
        }),
      });
      assert.equal(stored.status, 200, await stored.text());
      await expectError(
        `${running.url}/v/clip.mp4?tr=w-100,f-webm`,
        400,
        /`f-webm` is not supported: .*need ffmpeg/,
      );
      await expectError(`${running.url}/v/clip.mp4?tr=w-100`, 400, /need ffmpeg/);
      const thumbnail = await fetch(`${running.url}/v/clip.mp4/ik-thumbnail.jpg`);
      assert.equal(thumbnail.status, 200);
      assert.equal(thumbnail.headers.get('content-type'), 'image/jpeg');
    } finally {
      running.child.kill('SIGTERM');
      await once(running.child, 'exit');
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bounded runs', () => {
  it('reads the video limits from the environment', () => {
    const config = resolveConfig(
      {},
      { MEDIA_LIBRARY_VIDEO_RENDER_TIMEOUT: '30s', MEDIA_LIBRARY_VIDEO_RENDER_CONCURRENCY: '3' },
    );
    assert.equal(config.videoRenderTimeoutMs, 30_000);
    assert.equal(config.videoRenderConcurrency, 3);
    assert.throws(() => resolveConfig({}, { MEDIA_LIBRARY_VIDEO_RENDER_TIMEOUT: 'soon' }));
  });

  it('kills a process whose resident memory passes its ceiling', async () => {
    const hog = 'const held = []; setInterval(() => held.push(Buffer.alloc(8 * 1024 * 1024, 1)), 5);';
    const end = await runBounded(process.execPath, ['-e', hog], {
      timeoutMs: 60_000,
      maxRssBytes: 128 * 1024 ** 2,
    });
    assert.equal(end.kind, 'memory');
  });

  it('kills a process past its deadline', async () => {
    const end = await runBounded(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      timeoutMs: 500,
      maxRssBytes: 1024 ** 3,
    });
    assert.equal(end.kind, 'timeout');
  });
});
