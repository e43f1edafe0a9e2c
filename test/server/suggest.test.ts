import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, upload } from '../helpers/fixtures.js';
import { addUser, grant, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

interface Suggestion {
  kind: string;
  label: string;
  searchQuery: string;
  path?: string;
  field?: string;
}

describe('search suggestions', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const field = await server.api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'campaign', label: 'Campaign', schema: { type: 'Text' } },
    });
    assert.equal(field.status, 201, await field.clone().text());
    const put = async (folder: string, name: string, fields: Record<string, string> = {}) => {
      const response = await upload(server, {
        file: { bytes: await png(20, 20), name },
        fields: { fileName: name, folder, useUniqueFileName: 'false', ...fields },
      });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as { fileId: string; versionInfo: { id: string } };
    };
    await put('/open/summer-shoot', 'Summer-beach.png', {
      tags: 'summer,Sunset',
      customMetadata: JSON.stringify({ campaign: 'Sunrise launch' }),
    });
    const dog = await put('/open', 'sunny-dog.png');
    // AITags arrive from the analysis jobs; here they are set in the catalog as those jobs do.
    await server.server.context.store.files.updateVersions([dog.versionInfo.id], {
      aiTags: [{ name: 'Sun hat', confidence: 91.5, source: 'local' }],
    });
    await put('/secret', 'sunflower-plan.png', {
      tags: 'sunflower',
      customMetadata: JSON.stringify({ campaign: 'Sundown secret' }),
    });
    await put('/secret/sunken', 'x.png');
  });
  after(() => server.close());

  const suggestions = async (q: string, init: Parameters<TestServer['api']>[1] = {}, limit = 20) => {
    const response = await server.api(`/_ml/suggest?q=${encodeURIComponent(q)}&limit=${limit}`, init);
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { suggestions: Suggestion[] }).suggestions;
  };

  it('suggests names, tags, AI tags, folders and metadata values starting with what was typed, in any case', async () => {
    const found = await suggestions('SU');
    const byKind = (kind: string) => found.filter((s) => s.kind === kind).map((s) => s.label);
    assert.deepEqual(byKind('tag'), ['summer', 'sunflower', 'Sunset']);
    assert.deepEqual(byKind('aiTag'), ['Sun hat']);
    assert.deepEqual(byKind('folder'), ['summer-shoot', 'sunken']);
    assert.deepEqual(byKind('metadata'), ['Sundown secret', 'Sunrise launch']);
    assert.deepEqual(byKind('name'), ['Summer-beach.png', 'sunflower-plan.png', 'sunny-dog.png']);
    // Kinds take turns, so a short list still shows each.
    assert.deepEqual(
      (await suggestions('su', {}, 5)).map((s) => s.kind),
      ['tag', 'aiTag', 'folder', 'metadata', 'name'],
    );
  });

  it('reports the time it spent as Server-Timing, apart from the network', async () => {
    const started = performance.now();
    const response = await server.api('/_ml/suggest?q=su');
    await response.arrayBuffer();
    const elapsed = performance.now() - started;
    const timing = /^app;dur=(\d+\.\d), cpu;dur=\d+\.\d$/.exec(response.headers.get('server-timing') ?? '');
    assert.ok(timing, `server-timing: ${response.headers.get('server-timing')}`);
    assert.ok(Number(timing[1]) > 0 && Number(timing[1]) <= elapsed, `${timing[1]} ms of ${elapsed} ms`);
  });

  it('gives each suggestion the searchQuery that finds what it names', async () => {
    const found = await suggestions('sun');
    for (const suggestion of found) {
      const response = await server.api(
        `/v1/files?searchQuery=${encodeURIComponent(suggestion.searchQuery)}`,
      );
      assert.equal(response.status, 200, `${suggestion.searchQuery}: ${await response.clone().text()}`);
      const files = (await response.json()) as Array<{ name: string }>;
      assert.ok(files.length > 0, `${suggestion.searchQuery} finds something`);
    }
    const metadata = found.find((s) => s.kind === 'metadata' && s.label === 'Sunrise launch');
    assert.equal(metadata?.searchQuery, '"customMetadata.campaign" = "Sunrise launch"');
    assert.equal(found.find((s) => s.kind === 'aiTag')?.searchQuery, 'AITags IN ["Sun hat"]');
  });

  it('suggests to a restricted member only from the folders it may see', async () => {
    const id = await addUser(server, { email: 'viewer@example.com', role: 'member' });
    await grant(server, { type: 'user', id }, '/open', 'view');
    const viewer = await signIn(server, 'viewer@example.com');
    const response = await viewer.call('/_ml/suggest?q=su&limit=20');
    assert.equal(response.status, 200, await response.clone().text());
    const labels = ((await response.json()) as { suggestions: Suggestion[] }).suggestions.map((s) => s.label);
    assert.ok(labels.includes('summer') && labels.includes('Sun hat') && labels.includes('summer-shoot'));
    for (const hidden of ['sunflower', 'sunflower-plan.png', 'sunken', 'Sundown secret']) {
      assert.ok(!labels.includes(hidden), `${hidden} is in a folder the member was not granted`);
    }

    const token = await sessionToken({ folder: '/secret/', access: 'read' });
    const scoped = (await suggestions('su', { key: null, headers: bearer(token) })).map((s) => s.label);
    assert.deepEqual(scoped.sort(), ['Sundown secret', 'sunflower', 'sunflower-plan.png', 'sunken']);
  });

  it('answers nothing for text nothing starts with, and 400 for a missing or oversized q', async () => {
    assert.deepEqual(await suggestions('zzz'), []);
    assert.deepEqual(await suggestions('%'), []);
    const missing = await server.api('/_ml/suggest');
    assert.equal(missing.status, 400);
    assert.match(((await missing.json()) as { message: string }).message, /q/);
    assert.equal((await server.api(`/_ml/suggest?q=${'a'.repeat(201)}`)).status, 400);
    assert.equal((await server.api('/_ml/suggest?q=a&limit=99')).status, 400);
    assert.equal((await server.api('/_ml/suggest?q=a', { key: null })).status, 401);
  });
});
