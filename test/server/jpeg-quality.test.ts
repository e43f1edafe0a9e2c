import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { estimateJpegQuality } from '../../src/server/media/jpeg-quality.js';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';

describe('JPEG quality estimate', () => {
  it('recovers the quality a JPEG was saved at, within 3', async () => {
    for (const quality of [20, 40, 60, 75, 85, 92, 98]) {
      const bytes = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#369' } })
        .jpeg({ quality })
        .toBuffer();
      const estimate = estimateJpegQuality(bytes);
      assert.ok(estimate !== undefined && Math.abs(estimate - quality) <= 3, `${quality} → ${estimate}`);
    }
  });

  it('has no estimate for what is not a JPEG', async () => {
    assert.equal(estimateJpegQuality(await png()), undefined);
    assert.equal(estimateJpegQuality(Buffer.from([0xff, 0xd8, 0x00])), undefined);
  });

  it('appears in the metadata of a stored JPEG', async () => {
    const server = await startTestServer();
    try {
      const bytes = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#369' } })
        .jpeg({ quality: 70 })
        .toBuffer();
      const response = await upload(server, {
        file: { bytes, name: 'q.jpg' },
        fields: { fileName: 'q.jpg' },
      });
      const { fileId } = await response.json();
      const metadata = await (await server.api(`/v1/files/${fileId}/metadata`)).json();
      assert.equal(metadata.quality, 70);
    } finally {
      await server.close();
    }
  });
});
