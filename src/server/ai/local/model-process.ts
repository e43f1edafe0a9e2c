/**
 * The local models in a child process of their own, started on first use and kept: tfjs' WASM
 * backend computes synchronously, and on the server's thread every pass stalled every request
 * (uploads' p95 went to 8.9× with tagging on); a worker thread still took a whole core from the
 * server on 2 cores (1.8×). The process runs at a lower priority, so requests come first, and it
 * does all of a job's computing (decoding, scaling, OCR too): the server sends a path or bytes.
 * Requests queue in it, one at a time.
 */
import { type ChildProcess, type ForkOptions, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { moduleBeside } from '../../module-beside.js';
import type { ImageAnalysis, ImageSource } from '../providers.js';
import type { HumanAsk } from './human-process.js';

type Answer = { id: number; result?: unknown; error?: string };

/** How much nicer than the server the model process runs (through `nice`; else this absolute value). */
const modelPriority = 10;

let child: ChildProcess | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

/** `nice`, where there is one: it lowers every thread of the process, not only its first. */
const niceCommand = ['/usr/bin/nice', '/bin/nice'].find(
  (path) => process.platform !== 'win32' && existsSync(path),
);

/**
 * The built JavaScript module, or its TypeScript source through tsx (tests, `npm start`). Started
 * through `nice`: lowering the pid after the start races Node's start-up, and a thread made before
 * it (V8's, libuv's) would keep the server's priority; Linux's priorities are per thread.
 */
function startProcess(): ChildProcess {
  const { path: module, source } = moduleBeside(import.meta.url, 'human-process');
  const nodeArgs = source ? ['--import', 'tsx'] : [];
  const options: ForkOptions = { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
  if (niceCommand)
    return fork(module, [], {
      ...options,
      execPath: niceCommand,
      execArgv: ['-n', String(modelPriority), process.execPath, ...nodeArgs],
    });
  return fork(module, [], { ...options, execArgv: nodeArgs });
}

function modelProcess(): ChildProcess {
  if (child) return child;
  const started = startProcess();
  if (!niceCommand && started.pid !== undefined) {
    try {
      setPriority(started.pid, modelPriority);
    } catch {
      // Not allowed here: it runs at the server's priority.
    }
  }
  // The server's own handles keep the process alive; an idle model process must not.
  started.unref();
  started.channel?.unref();
  started.on('message', ({ id, result, error }: Answer) => {
    const waiter = waiting.get(id);
    if (!waiter) return;
    waiting.delete(id);
    if (waiting.size === 0) started.channel?.unref();
    if (error === undefined) waiter.resolve(result);
    else waiter.reject(new Error(error));
  });
  const stopped = (error: Error) => {
    if (child === started) child = undefined;
    for (const waiter of waiting.values()) waiter.reject(error);
    waiting.clear();
  };
  started.on('error', stopped);
  started.on('exit', (code, signal) =>
    stopped(new Error(`The model process stopped (${signal ?? `exit code ${code}`}).`)),
  );
  child = started;
  return started;
}

function ask<T>(request: HumanAsk): Promise<T> {
  const models = modelProcess();
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    // While an answer is awaited, the channel keeps the server's process from exiting under it.
    models.channel?.ref();
    models.send({ ...request, id });
  });
}

/** Faces and COCO objects (boxes in the upright image's pixels) and the words of an image. */
export function analyse(source: ImageSource, maxPixels: number): Promise<ImageAnalysis> {
  return ask<ImageAnalysis>({ op: 'analyse', source, maxPixels });
}

/** The image at `width` × `height` as a PNG, transparent outside the people in it. */
export async function cutOut(
  source: ImageSource,
  maxPixels: number,
  width: number,
  height: number,
): Promise<Buffer> {
  const png = await ask<Uint8Array>({ op: 'cutOut', source, maxPixels, width, height });
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
}

/** Ends the model process (tests and shutdown); the next call starts a new one. */
export function closeModelProcess(): void {
  const current = child;
  child = undefined;
  current?.kill();
}
