import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import type { Box } from '../providers.js';

const require = createRequire(import.meta.url);

/** Faces and COCO objects found in one image, in its pixels; confidence 0–100. */
export interface Detections {
  faces: Array<{ confidence: number; box: Box }>;
  objects: Array<{ label: string; confidence: number; box: Box }>;
}

// Human's exports map names its builds without "./", so Node cannot resolve them: go by the folder.
const humanDir = () => dirname(dirname(require.resolve('@vladmandic/human')));
/** The selfie segmentation model is not in Human's package: we ship it (models/selfie, docs/ai.md). */
const selfieDir = fileURLToPath(new URL('../../../../models/selfie/', import.meta.url));

/** Where the packaged model files are, or why they are not there. */
export function humanModelsMissing(): string | undefined {
  try {
    const dir = humanDir();
    for (const name of ['blazeface.json', 'centernet.json'])
      if (!existsSync(join(dir, 'models', name))) return `${name} is missing from @vladmandic/human`;
    if (!existsSync(join(selfieDir, 'selfie.json'))) return 'models/selfie/selfie.json is missing';
    require.resolve('@tensorflow/tfjs-backend-wasm');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: Human's node-wasm build is loaded by path and has no typed entry.
type HumanInstance = any;
let loading: Promise<HumanInstance> | undefined;

/**
 * Human on tfjs' WASM backend, loaded once per process on first use: models read from the
 * packages' files (a file:// load router, since tfjs-core alone only fetches over HTTP).
 */
function human(): Promise<HumanInstance> {
  loading ??= (async () => {
    const dir = humanDir();
    const { Human } = require(join(dir, 'dist', 'human.node-wasm.js'));
    const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    const instance = new Human({
      backend: 'wasm',
      wasmPath: `${pathToFileURL(wasmDir).href}/`,
      modelBasePath: `${pathToFileURL(join(dir, 'models')).href}/`,
      debug: false,
      async: false,
      cacheModels: false,
      face: {
        enabled: true,
        detector: {
          modelPath: 'blazeface.json',
          rotation: false,
          maxDetected: 20,
          minConfidence: 0.5,
          return: false,
        },
        mesh: { enabled: false },
        iris: { enabled: false },
        description: { enabled: false },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
        attention: { enabled: false },
      },
      body: { enabled: false },
      hand: { enabled: false },
      gesture: { enabled: false },
      filter: { enabled: false },
      object: { enabled: true, modelPath: 'centernet.json', minConfidence: 0.3, maxDetected: 20 },
      segmentation: {
        enabled: false,
        modelPath: pathToFileURL(join(selfieDir, 'selfie.json')).href,
        mode: 'alpha',
      },
    });
    const tf = instance.tf;
    tf.io.registerLoadRouter((url: unknown) => {
      if (typeof url !== 'string' || !url.startsWith('file://')) return null;
      const path = fileURLToPath(url);
      return {
        load: async () => {
          const model = JSON.parse(await readFile(path, 'utf8'));
          return tf.io.getModelArtifactsForJSON(
            model,
            async (manifest: Array<{ paths: string[]; weights: unknown[] }>) => {
              const specs = manifest.flatMap((group) => group.weights);
              const parts = [];
              for (const group of manifest)
                for (const part of group.paths) parts.push(await readFile(join(dirname(path), part)));
              const all = Buffer.concat(parts);
              return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
            },
          );
        },
      };
    });
    await instance.load();
    return instance;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** Longest side fed to the models: they resize to ≤ 512 anyway, and this bounds the tensors' memory. */
const analysisSide = 1024;

/** RGB pixels of the image, at most `analysisSide` on its longest side, and the scale back to it. */
async function pixels(bytes: Buffer, side = analysisSide) {
  const { data, info } = await sharp(bytes, { limitInputPixels: 268_402_689 })
    .rotate()
    .resize(side, side, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const scaleBox = ([x, y, w, h]: number[], scale: number): Box => ({
  x: Math.round(x! * scale),
  y: Math.round(y! * scale),
  width: Math.round(w! * scale),
  height: Math.round(h! * scale),
});

/** Faces (BlazeFace) and objects (CenterNet, COCO labels) in one pass, boxes in `width`'s pixels. */
export async function detect(bytes: Buffer, width: number): Promise<Detections> {
  const instance = await human();
  const image = await pixels(bytes);
  const scale = width / image.width;
  const tensor = instance.tf.tensor4d(new Int32Array(image.data), [1, image.height, image.width, 3], 'int32');
  try {
    const result = await instance.detect(tensor);
    return {
      faces: result.face.map((f: { score: number; box: number[] }) => ({
        confidence: Math.round(f.score * 100),
        box: scaleBox(f.box, scale),
      })),
      objects: result.object.map((o: { label: string; score: number; box: number[] }) => ({
        label: o.label,
        confidence: Math.round(o.score * 100),
        box: scaleBox(o.box, scale),
      })),
    };
  } finally {
    instance.tf.dispose(tensor);
  }
}

/** A person's silhouette (selfie segmentation): one alpha byte per pixel at the image's full size. */
export async function personMask(bytes: Buffer): Promise<{ alpha: Buffer; width: number; height: number }> {
  const instance = await human();
  const image = await pixels(bytes, 512);
  const tensor = instance.tf.tensor4d(new Int32Array(image.data), [1, image.height, image.width, 3], 'int32');
  try {
    const mask = await instance.segmentation(tensor, { segmentation: { enabled: true, mode: 'alpha' } });
    if (!mask) throw new Error('The segmentation model gave no mask.');
    const values: Int32Array = await mask.data();
    // [height, width, channels]: the first channel is the person's probability, × 255.
    const channels = values.length / (image.width * image.height);
    instance.tf.dispose(mask);
    const alpha = Buffer.alloc(image.width * image.height);
    for (let i = 0; i < alpha.length; i++) alpha[i] = Math.max(0, Math.min(255, values[i * channels]!));
    return { alpha, width: image.width, height: image.height };
  } finally {
    instance.tf.dispose(tensor);
  }
}
