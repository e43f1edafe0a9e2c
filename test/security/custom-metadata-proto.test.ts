// Issue 18, item 7: `__proto__` is refused as a custom metadata key like any other unknown key,
// never dropped without a word.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, upload, uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('customMetadata with a __proto__ key', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const field = await server.api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'brand', label: 'Brand', schema: { type: 'Text' } },
    });
    assert.equal(field.status, 201);
  });
  after(() => server.close());

  const proto = '{"brand":"Acme","__proto__":{"isAdmin":true}}';

  async function expectRefused(response: Response) {
    const body = await response.json();
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal(body.reason, 'INVALID_CUSTOM_METADATA');
    assert.deepEqual(Object.keys(body.errors), ['__proto__']);
    assert.match(body.message, /'__proto__' is not a custom metadata field/);
  }

  it('is refused with 400 on upload', async () => {
    await expectRefused(
      await upload(server, {
        file: { bytes: await png(), name: 'a.png' },
        fields: { fileName: 'a.png', customMetadata: proto },
      }),
    );
  });

  it('is refused with 400 when updating details', async () => {
    const { fileId } = await uploadPng(server);
    await expectRefused(
      await server.api(`/v1/files/${fileId}/details`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: `{"customMetadata":${proto}}`,
      }),
    );
    const details = await (await server.api(`/v1/files/${fileId}/details`)).json();
    assert.deepEqual(details.customMetadata, {}, 'nothing was saved');
  });

  it('cannot name a field', async () => {
    const response = await server.api('/v1/customMetadataFields', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"__proto__","label":"Proto","schema":{"type":"Text"}}',
    });
    assert.equal(response.status, 400);
  });
});
