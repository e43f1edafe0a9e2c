/**
 * Human's models in a worker thread of their own, started on first use and kept: tfjs' WASM
 * backend computes synchronously, and on the main thread every pass stalled every request
 * (uploads' p95 went to 8.9× with tagging on). Requests queue in the thread, one at a time.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Detections } from './human.js';
import type { HumanAsk } from './human-thread.js';

type Answer = { id: number; result?: unknown; error?: string };

let thread: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

/**
 * The thread: the built JavaScript module, or, run from the TypeScript sources (tests, `npm
 * start`), that module's source through tsx, which a worker thread does not inherit.
 */
function startThread(): Worker {
  const built = new URL('./human-thread.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built);
  const source = new URL('./human-thread.ts', import.meta.url).href;
  const code = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`;
  return new Worker(code, { eval: true });
}

function modelThread(): Worker {
  if (thread) return thread;
  const started = startThread();
  // The server's own handles keep the process alive; an idle model thread must not.
  started.unref();
  started.on('message', ({ id, result, error }: Answer) => {
    const waiter = waiting.get(id);
    if (!waiter) return;
    waiting.delete(id);
    if (error === undefined) waiter.resolve(result);
    else waiter.reject(new Error(error));
  });
  const stopped = (error: Error) => {
    if (thread === started) thread = undefined;
    for (const waiter of waiting.values()) waiter.reject(error);
    waiting.clear();
  };
  started.on('error', stopped);
  started.on('exit', (code) => stopped(new Error(`The model thread stopped (exit code ${code}).`)));
  thread = started;
  return started;
}

function ask<T>(request: HumanAsk): Promise<T> {
  const worker = modelThread();
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    worker.postMessage({ ...request, id });
  });
}

/** Faces and COCO objects (human.ts `detect`), computed in the model thread. */
export function detect(bytes: Buffer, width: number): Promise<Detections> {
  return ask<Detections>({ op: 'detect', bytes, width });
}

/** A person's silhouette (human.ts `personMask`), computed in the model thread. */
export async function personMask(bytes: Buffer): Promise<{ alpha: Buffer; width: number; height: number }> {
  const mask = await ask<{ alpha: Uint8Array; width: number; height: number }>({ op: 'personMask', bytes });
  return { ...mask, alpha: Buffer.from(mask.alpha.buffer, mask.alpha.byteOffset, mask.alpha.byteLength) };
}

/** Ends the thread (tests and shutdown); the next call starts a new one. */
export async function closeModelThread(): Promise<void> {
  const current = thread;
  thread = undefined;
  await current?.terminate();
}
