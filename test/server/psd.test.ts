// Photoshop documents decode off the event loop (src/server/media/psd.ts): ag-psd reads
// synchronously, and a large document on the server's thread held every request until it was done.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writePsdBuffer } from 'ag-psd';
import { decodePsd, psdComposite } from '../../src/server/media/psd.js';

function document(width: number, height: number): Buffer {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([200, (i % width) & 255, 40, 255], i * 4);
  return Buffer.from(writePsdBuffer({ width, height, imageData: { width, height, data } } as never));
}

describe('Photoshop documents', () => {
  it('decode in a worker: the event loop keeps turning while a large one is read', async () => {
    const bytes = document(2000, 1500);
    let turns = 0;
    let decoding = true;
    const turn = () => {
      turns++;
      if (decoding) setImmediate(turn);
    };
    setImmediate(turn);
    const pixels = await decodePsd(bytes, { width: 2000, height: 1500 });
    decoding = false;
    assert.deepEqual([pixels?.width, pixels?.height, pixels?.data.length], [2000, 1500, 2000 * 1500 * 4]);
    assert.deepEqual([...pixels!.data.subarray(4 * 7, 4 * 8)], [200, 7, 40, 255]);
    // On the server's thread not one turn would run before the pixels came back.
    assert.ok(turns > 10, `${turns} turns of the event loop while decoding`);
  });

  it('give no image for a file that is not one, or one larger than allowed', async () => {
    assert.equal(await psdComposite(Buffer.from('8BPS not really a document at all'), 1e6), undefined);
    assert.equal(
      await decodePsd(Buffer.concat([document(10, 10).subarray(0, 40)]), { width: 10, height: 10 }),
      undefined,
    );
    assert.equal(await psdComposite(document(100, 100), 100 * 99), undefined);
    assert.ok(await psdComposite(document(100, 100), 100 * 100));
  });
});
