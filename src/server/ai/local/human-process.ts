/**
 * The model process (see model-process.ts): Human's models run here, at a lower CPU priority than
 * the server, so a pass of up to a second holds up nothing on the server's event loop.
 */
import { detect, personMask } from './human.js';

/** What the server asks of the model process. */
export type HumanAsk =
  | { op: 'detect'; bytes: Uint8Array; width: number }
  | { op: 'personMask'; bytes: Uint8Array };
/** An ask as sent: its answer carries the same `id`. */
export type HumanRequest = HumanAsk & { id: number };

process.on('message', async (request: HumanRequest) => {
  try {
    const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
    const result = request.op === 'detect' ? await detect(bytes, request.width) : await personMask(bytes);
    process.send?.({ id: request.id, result });
  } catch (error) {
    process.send?.({ id: request.id, error: (error as Error).message });
  }
});
// The server went away: so does this process.
process.on('disconnect', () => process.exit(0));
