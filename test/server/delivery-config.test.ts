import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../src/server/config.js';
import { jpeg, upload } from '../helpers/fixtures.js';
import { fetchImage } from '../helpers/images.js';
import { startTestServer } from '../helpers/server.js';

describe('delivery configuration', () => {
  it('reads named transformations and the output size cap from the environment', async () => {
    const config = resolveConfig(
      {},
      {
        MEDIA_LIBRARY_NAMED_TRANSFORMS: '{"card":"w-64,h-48,c-force"}',
        MEDIA_LIBRARY_MAX_TRANSFORM_SIZE: '320',
      },
    );
    assert.deepEqual(config.namedTransforms, { card: 'w-64,h-48,c-force' });
    assert.equal(config.maxTransformSize, 320);
    const server = await startTestServer({
      namedTransforms: config.namedTransforms,
      maxTransformSize: config.maxTransformSize,
    });
    try {
      const response = await upload(server, {
        file: { bytes: await jpeg(300, 200), name: 'a.jpg' },
        fields: { fileName: 'a.jpg', useUniqueFileName: 'false' },
      });
      const { url } = await response.json();
      const card = await fetchImage(`${url}?tr=n-card`);
      assert.deepEqual([card.width, card.height], [64, 48]);
      const thumbnail = await fetchImage(`${url}?tr=n-ik_ml_thumbnail`);
      assert.equal(thumbnail.width, 300, 'built-ins stay, and asking for 400 at most is not making 400');
      const capped = await fetch(`${url}?tr=w-321`);
      assert.equal(capped.status, 400);
      assert.match((await capped.json()).message, /321×214 image; this server makes images up to 320 pixels/);
    } finally {
      await server.close();
    }
  });

  it('refuses malformed settings with a message naming the variable', () => {
    assert.throws(
      () => resolveConfig({}, { MEDIA_LIBRARY_NAMED_TRANSFORMS: '["w-10"]' }),
      /MEDIA_LIBRARY_NAMED_TRANSFORMS should be a JSON object/,
    );
    assert.throws(
      () => resolveConfig({}, { MEDIA_LIBRARY_NAMED_TRANSFORMS: '{"a": 5}' }),
      /MEDIA_LIBRARY_NAMED_TRANSFORMS should be a JSON object/,
    );
    assert.throws(
      () => resolveConfig({}, { MEDIA_LIBRARY_MAX_TRANSFORM_SIZE: 'big' }),
      /MEDIA_LIBRARY_MAX_TRANSFORM_SIZE/,
    );
  });

  it('will not start with a named transformation that does not parse', async () => {
    await assert.rejects(
      startTestServer({ namedTransforms: { broken: 'w-abc' } }),
      /named transformation "broken" = "w-abc"/,
    );
    await assert.rejects(
      startTestServer({ namedTransforms: { loop: 'n-ik_ml_thumbnail' } }),
      /uses another named/,
    );
  });
});
