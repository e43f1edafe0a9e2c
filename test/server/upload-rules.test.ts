// Library-wide upload rules (docs/server.md "Upload rules"): the naming policy, allowed types, the
// largest size and tags per folder, each enforced (a request asking otherwise is refused, naming
// the rule) or a default (applies when the request says nothing), on every upload path.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { png, upload, uploadForm } from '../helpers/fixtures.js';
import { basicAuth, startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';
import { createTusUpload } from '../helpers/tus.js';

describe('upload rules', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());
  afterEach(async () => {
    await setRules({ naming: null, allowedTypes: null, maxSize: null, folderTags: null });
  });

  async function setRules(uploadRules: Record<string, unknown>) {
    const response = await server.api('/_ml/settings', { method: 'PATCH', json: { uploadRules } });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { uploadRules: Record<string, unknown> };
  }
  const put = async (fields: Record<string, string>, bytes?: Buffer, name = 'x.png') => {
    const response = await upload(server, {
      file: { bytes: bytes ?? (await png(20, 20)), name },
      fields: { fileName: name, ...fields },
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        filePath: string;
        fileId: string;
        tags: string[] | null;
        message: string;
        help: string;
        reason?: string;
        versionInfo: { name: string };
      },
    };
  };

  it('keeps each rule it is given and refuses a malformed one', async () => {
    const settings = await setRules({ naming: { policy: 'reject', mode: 'default' } });
    assert.deepEqual(settings.uploadRules.naming, { policy: 'reject', mode: 'default' });
    assert.equal(settings.uploadRules.maxSize, null);
    // Naming one rule leaves the others.
    const again = await setRules({ maxSize: { bytes: 1000, mode: 'default' } });
    assert.deepEqual(again.uploadRules.naming, { policy: 'reject', mode: 'default' });
    for (const uploadRules of [
      { naming: { policy: 'sometimes', mode: 'default' } },
      { naming: { policy: 'reject', mode: 'always' } },
      { allowedTypes: { types: ['not a type'], mode: 'enforced' } },
      { maxSize: { bytes: -1, mode: 'enforced' } },
    ]) {
      const response = await server.api('/_ml/settings', { method: 'PATCH', json: { uploadRules } });
      assert.equal(response.status, 400, JSON.stringify(uploadRules));
      assert.ok(((await response.json()) as { message: string }).message);
    }
    // Any signed-in caller reads them (the element follows them).
    const token = await sessionToken({ folder: '/', access: 'readwrite' });
    const read = await server.api('/_ml/upload-rules', { key: null, headers: bearer(token) });
    assert.equal(read.status, 200);
    assert.deepEqual(((await read.json()) as { rules: { naming: unknown } }).rules.naming, {
      policy: 'reject',
      mode: 'default',
    });
  });

  it('naming by default: a request without naming fields follows it; one with them is obeyed', async () => {
    await put({ folder: '/rules/naming', useUniqueFileName: 'false' });
    await setRules({ naming: { policy: 'reject', mode: 'default' } });
    const refused = await put({ folder: '/rules/naming' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.reason, 'FILE_ALREADY_EXISTS');
    const unique = await put({ folder: '/rules/naming', useUniqueFileName: 'true' });
    assert.equal(unique.status, 200);
    assert.notEqual(unique.body.filePath, '/rules/naming/x.png');

    await setRules({ naming: { policy: 'version', mode: 'default' } });
    const version = await put({ folder: '/rules/naming' });
    assert.equal(version.status, 200);
    assert.equal(version.body.filePath, '/rules/naming/x.png');
  });

  it('naming enforced: a request asking for another policy gets 400 naming the rule', async () => {
    await setRules({ naming: { policy: 'version', mode: 'enforced' } });
    const first = await put({ folder: '/rules/enforced' });
    assert.equal(first.status, 200);
    assert.equal(first.body.filePath, '/rules/enforced/x.png');
    const second = await put({ folder: '/rules/enforced' });
    assert.equal(second.body.fileId, first.body.fileId);
    const asked = await put({ folder: '/rules/enforced', useUniqueFileName: 'true' });
    assert.equal(asked.status, 400);
    assert.equal(asked.body.reason, 'UPLOAD_RULE_NAMING');
    assert.match(asked.body.message, /naming rule is enforced/);
    assert.match(asked.body.help, /Settings/);
    // The same through tus, before any byte is sent.
    const { response } = await createTusUpload(
      server.url,
      { fileName: 'x.png', folder: '/rules/enforced', useUniqueFileName: 'true' },
      100,
      { authorization: basicAuth(testKeys.privateKey) },
    );
    assert.equal(response.status, 400);
    assert.match(await response.text(), /naming rule/);
  });

  it('allowed types enforced: a file of another type is refused; a default refuses nothing', async () => {
    await setRules({ allowedTypes: { types: ['image/jpeg'], mode: 'default' } });
    assert.equal((await put({ folder: '/rules/types' })).status, 200);
    await setRules({ allowedTypes: { types: ['image/jpeg', 'application/*'], mode: 'enforced' } });
    const refused = await put({ folder: '/rules/types' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.reason, 'UPLOAD_RULE_TYPE');
    assert.match(refused.body.message, /image\/jpeg, application\/\*; this file is image\/png/);
    await setRules({ allowedTypes: { types: ['image/*'], mode: 'enforced' } });
    assert.equal((await put({ folder: '/rules/types' })).status, 200);
  });

  it('max size enforced: a larger file is refused, on v1, v2 and before a tus upload', async () => {
    await setRules({ maxSize: { bytes: 50, mode: 'enforced' } });
    const refused = await put({ folder: '/rules/size' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.reason, 'UPLOAD_RULE_MAX_SIZE');
    assert.match(refused.body.message, /50 bytes/);
    const v2 = await fetch(`${server.url}/api/v2/files/upload`, {
      method: 'POST',
      headers: { authorization: basicAuth(testKeys.privateKey) },
      body: uploadForm({ file: { bytes: await png(20, 20), name: 'x.png' }, fields: { fileName: 'x.png' } }),
    });
    assert.equal(v2.status, 400);
    assert.match(await v2.text(), /upload rule limits files to 50 bytes/);
    const { response } = await createTusUpload(server.url, { fileName: 'big.png' }, 5000, {
      authorization: basicAuth(testKeys.privateKey),
    });
    assert.equal(response.status, 400);
    await setRules({ maxSize: { bytes: 50, mode: 'default' } });
    assert.equal((await put({ folder: '/rules/size' })).status, 200);
  });

  it('folder tags: a default tags uploads that send none; enforced adds them to any', async () => {
    await setRules({
      folderTags: {
        mode: 'default',
        folders: [
          { folder: '/rules/brand', tags: ['brand'] },
          { folder: 'rules/brand/logos/', tags: ['brand', 'logo'] },
        ],
      },
    });
    const tagged = await put({ folder: '/rules/brand/logos/2024', responseFields: 'tags' });
    assert.deepEqual(tagged.body.tags, ['brand', 'logo']);
    const own = await put({ folder: '/rules/brand', tags: 'mine', responseFields: 'tags' });
    assert.deepEqual(own.body.tags, ['mine']);
    const outside = await put({ folder: '/rules/other', responseFields: 'tags' });
    assert.equal(outside.body.tags, null);

    await setRules({
      folderTags: { mode: 'enforced', folders: [{ folder: '/rules/brand', tags: ['brand'] }] },
    });
    const added = await put({ folder: '/rules/brand', tags: 'mine', responseFields: 'tags' });
    assert.deepEqual(added.body.tags, ['mine', 'brand']);
  });
});
