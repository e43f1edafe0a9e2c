/**
 * The model thread (see human-worker.ts): Human's models run here, so a pass of up to a second
 * holds up nothing on the server's event loop.
 */
import { parentPort } from 'node:worker_threads';
import { detect, personMask } from './human.js';

/** What the server asks of the thread. */
export type HumanAsk =
  | { op: 'detect'; bytes: Uint8Array; width: number }
  | { op: 'personMask'; bytes: Uint8Array };
/** An ask as sent: its answer carries the same `id`. */
export type HumanRequest = HumanAsk & { id: number };

parentPort?.on('message', async (request: HumanRequest) => {
  try {
    const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
    const result = request.op === 'detect' ? await detect(bytes, request.width) : await personMask(bytes);
    parentPort?.postMessage({ id: request.id, result });
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: (error as Error).message });
  }
});
