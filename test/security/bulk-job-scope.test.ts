// Issue 18, item 4: a bulk job's status is visible only to a session whose folder holds both
// folders the job touches.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

describe('GET /v1/bulkJobs/{id} for a session', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    for (const folder of ['/hr/reviews', '/team/photos']) await uploadPng(server, { folder });
  });
  after(() => server.close());

  async function startJob(json: Record<string, string>): Promise<string> {
    const response = await server.api('/v1/bulkJobs/copyFolder', { method: 'POST', json });
    assert.equal(response.status, 200);
    return (await response.json()).jobId;
  }
  const statusAs = async (folder: string, jobId: string) =>
    (
      await server.api(`/v1/bulkJobs/${jobId}`, {
        key: null,
        headers: bearer(await sessionToken({ folder, access: 'read' })),
      })
    ).status;

  it('answers 404, as for a job that does not exist, when the job touched a folder outside the session', async () => {
    const hr = await startJob({ sourceFolderPath: '/hr/reviews', destinationPath: '/hr/archive' });
    const out = await startJob({ sourceFolderPath: '/team/photos', destinationPath: '/hr' });
    assert.equal(await statusAs('/team/', hr), 404, 'a job wholly elsewhere');
    assert.equal(await statusAs('/team/', out), 404, 'a job from the session’s folder into another');
    assert.equal(await statusAs('/team/', 'no-such-job'), 404);
    assert.equal(await statusAs('/hr/', hr), 200, 'a session whose folder holds the job sees it');
    assert.equal(await statusAs('/', out), 200);
    assert.equal((await server.api(`/v1/bulkJobs/${out}`)).status, 200, 'keys see every job');
  });
});
