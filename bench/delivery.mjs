// Delivery: cached rendition latency, an uncached w-400 of a 12-megapixel JPEG against the same
// sharp pipeline called directly, an uncached 1200×630 social card (photo, two text layers, a
// logo layer) against the same composite made directly in sharp, 50 concurrent thumbnail
// requests, and an uncached 720p 10 s video resized to 640×360 MP4 against the same ffmpeg
// command run directly. Prints one JSON line.
// Run with `node --import tsx bench/delivery.mjs` (the server runs from source through tsx);
// `BENCH_ONLY=video` runs the video part alone, `BENCH_ONLY=card` the social card.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { videoArgs } from '../src/server/media/video.ts';
import { uploadFile } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const cachedSamples = Number(process.env.BENCH_CACHED_SAMPLES ?? 500);
const uncachedSamples = Number(process.env.BENCH_UNCACHED_SAMPLES ?? 8);
const cardSamples = Number(process.env.BENCH_CARD_SAMPLES ?? 10);
const openSans = join(root, 'fonts/open-sans/OpenSans-Bold.ttf');
const videoSamples = Number(process.env.BENCH_VIDEO_SAMPLES ?? 3);
const only = process.env.BENCH_ONLY;
const concurrent = 50;
const auth = `Basic ${Buffer.from('private_bench:').toString('base64')}`;

async function startServer(dataDir) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/server/cli.ts', 'serve', '--port', '0', '--data', dataDir],
    {
      cwd: root,
      env: {
        ...process.env,
        MEDIA_LIBRARY_PUBLIC_KEY: 'public_bench',
        MEDIA_LIBRARY_PRIVATE_KEY: 'private_bench',
        MEDIA_LIBRARY_RATE_LIMIT: 'off',
        MEDIA_LIBRARY_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  for await (const chunk of child.stdout) {
    out += chunk;
    const match = /listening on (\S+)/.exec(out);
    if (match) return { child, url: match[1] };
  }
  throw new Error(`server did not start: ${out}`);
}

async function stopServer(server) {
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
}

/** A photo-like 12-megapixel JPEG: smooth gradients with grain, so it compresses like a photo. */
async function twelveMegapixelJpeg(seed) {
  const width = 4000;
  const height = 3000;
  const pixels = Buffer.alloc(width * height * 3);
  let noise = seed * 2654435761;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      noise = (noise * 1103515245 + 12345) >>> 0;
      const grain = (noise >>> 24) % 24;
      const i = (y * width + x) * 3;
      pixels[i] = ((x * 255) / width + grain + seed * 40) & 255;
      pixels[i + 1] = ((y * 255) / height + grain) & 255;
      pixels[i + 2] = (((x + y) * 128) / (width + height) + grain * 2) & 255;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

async function photo(seed, width, height) {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: 120 },
    },
  })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><circle cx="${(seed * 53) % width}" cy="${height / 2}" r="${height / 3}" fill="#fff"/></svg>`,
        ),
      },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function timedGet(url) {
  const started = performance.now();
  const response = await fetch(url);
  const bytes = await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${Buffer.from(bytes).toString()}`);
  return performance.now() - started;
}

/** A process's CPU time so far (user and system, all threads), from /proc, in milliseconds. */
async function cpuMsOf(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (value) => Number(value.toFixed(2));

/** Runs a command to its end, throwing with its stderr when it fails. */
async function run(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk) => {
    errors += chunk;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${command}: ${errors}`);
}

/**
 * Uncached 640×360 MP4s of distinct 720p 10 s videos through the server, against the same ffmpeg
 * command (its arguments from the server's own module, with the threads a render slot gets).
 */
async function videoFigures(serverUrl, work) {
  const source = join(work, 'source-720p.mp4');
  await run('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=10'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=10'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', source],
  ]);
  const bytes = await readFile(source);
  const uploads = [];
  for (let i = 0; i < videoSamples; i++) {
    uploads.push(await uploadFile(serverUrl, auth, bytes, `clip-${i}.mp4`, { folder: '/video' }));
  }
  const loadBefore = loadavg()[0];
  const serverMs = [];
  for (const uploaded of uploads) serverMs.push(await timedGet(`${uploaded.url}?tr=w-640,h-360`));
  // The server's render slots share the cores: one render each by default (cores ÷ renders).
  const plan = { format: 'mp4', width: 640, height: 360, start: 0, filter: 'scale=640:360,crop=640:360:0:0' };
  const args = videoArgs(plan, { path: source, mime: 'video/mp4' }, join(work, 'direct.mp4'), {
    threads: 1,
    maxBytes: 1024 ** 3,
  });
  const directMs = [];
  for (let i = 0; i < videoSamples; i++) {
    const started = performance.now();
    await run('ffmpeg', args);
    directMs.push(performance.now() - started);
  }
  const serverMedian = median(serverMs);
  const directMedian = median(directMs);
  return {
    uncachedVideo720pTo360pMs: ms(serverMedian),
    directFfmpeg720pTo360pMs: ms(directMedian),
    videoToDirectFfmpegRatio: Number((serverMedian / directMedian).toFixed(2)),
    videoSamples,
    loadAverage1m: [Number(loadBefore.toFixed(2)), Number(loadavg()[0].toFixed(2))],
  };
}

/**
 * Uncached 1200×630 social cards (photo, two text layers, a logo) through the server, against the
 * same composite made directly in sharp in this process.
 */
async function cardFigures(server, work) {
  const serverUrl = server.url;
  // Uncached social cards: one distinct 1600×1200 photo per sample, so each request renders.
  const logo = await sharp({ create: { width: 240, height: 80, channels: 4, background: '#e03131' } })
    .png()
    .toBuffer();
  await uploadFile(serverUrl, auth, logo, 'logo.png', { folder: '/card' });
  const cards = [];
  for (let i = 0; i < cardSamples; i++) {
    const bytes = await photo(i + 100, 1600, 1200);
    const path = join(work, `card-${i}.jpg`);
    await writeFile(path, bytes);
    cards.push({
      path,
      uploaded: await uploadFile(serverUrl, auth, bytes, `card-${i}.jpg`, { folder: '/card' }),
    });
  }
  const title = 'Media that ships itself';
  const subtitle = 'Layers, effects and fonts on delivery';
  const tr = [
    'w-1200,h-630',
    `l-text,i-${encodeURIComponent(title)},ff-Open Sans,tg-b,fs-64,co-FFFFFF,lx-60,ly-60,l-end`,
    // A comma needs ImageKit's base64 form, as its SDKs write it.
    `l-text,ie-${encodeURIComponent(Buffer.from(subtitle).toString('base64'))},fs-36,co-F1F3F5,lx-60,ly-160,l-end`,
    'l-image,i-card@@logo.png,w-120,lx-N40,ly-N40,l-end',
  ].join(',');
  // One untimed card first, as for the direct composite below: the server's fontconfig starts too.
  const warm = await uploadFile(serverUrl, auth, await photo(99, 1600, 1200), 'card-warm.jpg', {
    folder: '/card',
  });
  await timedGet(`${warm.url}?tr=${tr}`);
  const cardServerMs = [];
  const serverCpuBefore = await cpuMsOf(server.child.pid);
  for (const { uploaded } of cards) cardServerMs.push(await timedGet(`${uploaded.url}?tr=${tr}`));
  const serverCpu = (await cpuMsOf(server.child.pid)) - serverCpuBefore;
  // The same card in this process: the photo cropped, both texts set by Pango, the logo resized,
  // all handed over as raw pixels; one untimed card first, so fontconfig has started.
  const openSansRegular = join(root, 'fonts/open-sans/OpenSans-Regular.ttf');
  const layer = async (image) => {
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    return { data, raw: { width: info.width, height: info.height, channels: info.channels } };
  };
  const text = (markup, size, fontfile) =>
    layer(sharp({ text: { text: markup, font: `Open Sans ${size}`, fontfile, dpi: 72, rgba: true } }));
  const directCard = async (path) => {
    const [photoBytes, titleLayer, subtitleLayer, logoLayer] = await Promise.all([
      readFile(path),
      text(`<span foreground="#ffffff" weight="bold">${title}</span>`, 64, openSans),
      text(`<span foreground="#f1f3f5">${subtitle}</span>`, 36, openSansRegular),
      layer(sharp(logo).resize({ width: 120 })),
    ]);
    const at = (l, left, top) => ({ input: l.data, raw: l.raw, left, top });
    return sharp(photoBytes, { limitInputPixels: 268_402_689, failOn: 'error' })
      .autoOrient()
      .resize({ width: 1200, height: 630, fit: 'cover' })
      .composite([
        at(titleLayer, 60, 60),
        at(subtitleLayer, 60, 160),
        at(logoLayer, 1200 - logoLayer.raw.width - 40, 630 - logoLayer.raw.height - 40),
      ])
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80 })
      .toBuffer();
  };
  await directCard(cards[0].path);
  const cardRawMs = [];
  const directCpuBefore = process.cpuUsage();
  for (const { path } of cards) {
    const started = performance.now();
    await directCard(path);
    cardRawMs.push(performance.now() - started);
  }
  const { user, system } = process.cpuUsage(directCpuBefore);
  const directCpu = (user + system) / 1000;

  const cardServerMedian = median(cardServerMs);
  const cardRawMedian = median(cardRawMs);
  return {
    uncachedSocialCard1200x630Ms: ms(cardServerMedian),
    rawSharpSocialCard1200x630Ms: ms(cardRawMedian),
    socialCardToRawSharpRatio: Number((cardServerMedian / cardRawMedian).toFixed(2)),
    // CPU time per card (all threads), which a loaded machine disturbs far less than wall time.
    socialCardServerCpuMs: ms(serverCpu / cardSamples),
    socialCardDirectCpuMs: ms(directCpu / cardSamples),
    socialCardCpuRatio: Number((serverCpu / directCpu).toFixed(2)),
    cardSamples,
  };
}

const work = await mkdtemp(join(root, '.bench-'));
let server;
try {
  server = await startServer(join(work, 'data'));
  if (only === 'card') {
    console.log(
      JSON.stringify({
        bench: 'delivery',
        cpus: availableParallelism(),
        ...(await cardFigures(server, work)),
        loadAverage1m: Number(loadavg()[0].toFixed(2)),
      }),
    );
  } else if (only === 'video') {
    console.log(
      JSON.stringify({
        bench: 'delivery',
        cpus: availableParallelism(),
        ...(await videoFigures(server.url, work)),
      }),
    );
  } else {
    // Uncached w-400 of a 12 MP JPEG, one distinct file per sample so each request renders.
    const bigFiles = [];
    for (let i = 0; i < uncachedSamples; i++) {
      const bytes = await twelveMegapixelJpeg(i + 1);
      const path = join(work, `big-${i}.jpg`);
      await writeFile(path, bytes);
      bigFiles.push({
        path,
        uploaded: await uploadFile(server.url, auth, bytes, `big-${i}.jpg`, { folder: '/big' }),
      });
    }
    const serverMs = [];
    for (const { uploaded } of bigFiles) serverMs.push(await timedGet(`${uploaded.url}?tr=w-400`));
    // The same work in this process: read the original from disk, then the pipeline the server runs.
    const rawMs = [];
    for (const { path } of bigFiles) {
      const started = performance.now();
      await sharp(await readFile(path), { limitInputPixels: 268_402_689, failOn: 'error' })
        .autoOrient()
        .resize({ width: 400, fit: 'inside' })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 80, progressive: false })
        .toBuffer();
      rawMs.push(performance.now() - started);
    }

    const card = await cardFigures(server, work);

    // Cached rendition latency: the same thumbnail over and over, after it is stored.
    const cachedUrl = `${bigFiles[0].uploaded.url}?tr=w-400`;
    for (let i = 0; i < 20; i++) await timedGet(cachedUrl);
    const cached = [];
    for (let i = 0; i < cachedSamples; i++) cached.push(await timedGet(cachedUrl));
    cached.sort((a, b) => a - b);

    // 50 concurrent grid thumbnails (n-ik_ml_thumbnail) of 50 distinct 1600×1200 photos: first
    // request (each renders) and again (each from the store).
    const photos = [];
    for (let i = 0; i < concurrent; i++) {
      photos.push(
        await uploadFile(server.url, auth, await photo(i, 1600, 1200), `photo-${i}.jpg`, {
          folder: '/grid',
        }),
      );
    }
    const burst = async () => {
      const started = performance.now();
      await Promise.all(photos.map((p) => timedGet(p.thumbnailUrl)));
      return (performance.now() - started) / 1000;
    };
    const coldSeconds = await burst();
    const warmSeconds = await burst();

    const video = await videoFigures(server.url, work);
    const serverMedian = median(serverMs);
    const rawMedian = median(rawMs);
    console.log(
      JSON.stringify({
        bench: 'delivery',
        cpus: availableParallelism(),
        sharpConcurrency: sharp.concurrency(),
        cachedW400Ms: {
          p50: ms(quantile(cached, 0.5)),
          p95: ms(quantile(cached, 0.95)),
          samples: cachedSamples,
        },
        uncachedW400From12MpJpegMs: ms(serverMedian),
        rawSharpW400From12MpJpegMs: ms(rawMedian),
        uncachedToRawSharpRatio: Number((serverMedian / rawMedian).toFixed(2)),
        uncachedSamples,
        ...card,
        thumbnails50ConcurrentColdPerSecond: Number((concurrent / coldSeconds).toFixed(1)),
        thumbnails50ConcurrentColdSeconds: Number(coldSeconds.toFixed(3)),
        thumbnails50ConcurrentWarmPerSecond: Number((concurrent / warmSeconds).toFixed(1)),
        thumbnails50ConcurrentWarmSeconds: Number(warmSeconds.toFixed(3)),
        ...video,
      }),
    );
  }
} finally {
  if (server) await stopServer(server);
  await rm(work, { recursive: true, force: true });
}
