import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, type SignedInUser, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

interface WireComment {
  id: string;
  parentId: string | null;
  text: string;
  deleted: boolean;
  editedAt: string | null;
  resolved?: boolean;
  anchor: unknown;
  mentions: Array<{ type: string; id: string; name?: string }>;
  replies?: WireComment[];
  author: { id: string; name: string };
}

describe('comments on files', () => {
  let server: TestServer;
  let ann: SignedInUser;
  let bo: SignedInUser;
  let cy: SignedInUser;
  let fileId: string;
  let cyId: string;

  const post = (user: SignedInUser, id: string, json: unknown) =>
    user.call(`/_ml/files/${id}/comments`, { method: 'POST', json });
  const threads = async (user: SignedInUser, id = fileId) => {
    const response = await user.call(`/_ml/files/${id}/comments`);
    assert.equal(response.status, 200, await response.clone().text());
    return response.json() as Promise<{
      threads: WireComment[];
      count: number;
      open: number;
      watching: boolean;
    }>;
  };

  before(async () => {
    server = await startTestServer();
    const annId = await addUser(server, { email: 'ann@example.com', role: 'member', name: 'Ann' });
    const boId = await addUser(server, { email: 'bo@example.com', role: 'member', name: 'Bo' });
    cyId = await addUser(server, { email: 'cy@example.com', role: 'member', name: 'Cy' });
    fileId = (await uploadPng(server, { folder: '/c/' })).fileId;
    await grant(server, { type: 'user', id: annId }, '/c/', 'view');
    await grant(server, { type: 'user', id: boId }, '/c/', 'view');
    ann = await signIn(server, 'ann@example.com');
    bo = await signIn(server, 'bo@example.com');
    cy = await signIn(server, 'cy@example.com');
  });
  after(() => server.close());

  it('lets a view member comment, reply one level deep, and keeps HTML as text', async () => {
    const created = await post(ann, fileId, { text: 'Line one\n<script>alert(1)</script>' });
    assert.equal(created.status, 201, await created.clone().text());
    const { comment } = await created.json();
    assert.equal(comment.text, 'Line one\n<script>alert(1)</script>');
    assert.equal(comment.author.name, 'Ann');
    const reply = await (await post(bo, fileId, { text: 'a reply', parentId: comment.id })).json();
    // A reply to the reply joins the same thread.
    const deeper = await (await post(ann, fileId, { text: 'deeper', parentId: reply.comment.id })).json();
    assert.equal(deeper.comment.parentId, comment.id);
    const listed = await threads(bo);
    const thread = listed.threads.find((t) => t.id === comment.id)!;
    assert.deepEqual(
      thread.replies!.map((r) => r.text),
      ['a reply', 'deeper'],
    );
    assert.equal(listed.watching, true, 'commenting watches the file');
  });

  it('refuses empty and over-long comments with a message', async () => {
    const empty = await post(ann, fileId, { text: '  \n ' });
    assert.equal(empty.status, 400);
    assert.equal((await empty.json()).reason, 'COMMENT_EMPTY');
    const long = await post(ann, fileId, { text: 'x'.repeat(5001) });
    assert.equal(long.status, 400);
    const body = await long.json();
    assert.equal(body.reason, 'COMMENT_TOO_LONG');
    assert.match(body.message, /5000 characters/);
    const huge = await post(ann, fileId, { text: 'x'.repeat(30_000) });
    assert.equal(huge.status, 400);
    assert.ok((await post(ann, fileId, { text: 'y'.repeat(5000) })).status === 201);
  });

  it('lets only the author edit or delete (403 for a view member who did not write it)', async () => {
    const { comment } = await (await post(ann, fileId, { text: 'mine' })).json();
    const edit = await bo.call(`/_ml/comments/${comment.id}`, {
      method: 'PATCH',
      json: { text: 'yours now' },
    });
    assert.equal(edit.status, 403);
    assert.equal((await edit.json()).reason, 'NOT_COMMENT_AUTHOR');
    assert.equal((await bo.call(`/_ml/comments/${comment.id}`, { method: 'DELETE' })).status, 403);
    const own = await ann.call(`/_ml/comments/${comment.id}`, {
      method: 'PATCH',
      json: { text: 'mine, edited' },
    });
    assert.equal(own.status, 200);
    const edited = (await own.json()).comment;
    assert.equal(edited.text, 'mine, edited');
    assert.ok(edited.editedAt, 'the edited marker');
  });

  it('leaves "comment deleted" for a thread with replies, and removes one without', async () => {
    const { comment } = await (await post(ann, fileId, { text: 'to delete' })).json();
    await post(bo, fileId, { text: 'answer', parentId: comment.id });
    assert.equal((await ann.call(`/_ml/comments/${comment.id}`, { method: 'DELETE' })).status, 204);
    let thread = (await threads(ann)).threads.find((t) => t.id === comment.id)!;
    assert.equal(thread.deleted, true);
    assert.equal(thread.text, '');
    assert.equal(thread.replies!.length, 1);
    const lone = (await (await post(ann, fileId, { text: 'alone' })).json()).comment;
    await ann.call(`/_ml/comments/${lone.id}`, { method: 'DELETE' });
    assert.equal(
      (await threads(ann)).threads.some((t) => t.id === lone.id),
      false,
    );
    // Editing a deleted comment is a 404.
    const gone = await ann.call(`/_ml/comments/${comment.id}`, { method: 'PATCH', json: { text: 'back' } });
    assert.equal(gone.status, 404);
    thread = (await threads(ann)).threads.find((t) => t.id === comment.id)!;
    assert.equal(thread.deleted, true);
  });

  it('resolves and reopens threads, and counts open ones', async () => {
    const { comment } = await (
      await post(ann, fileId, { text: 'fix the corner', anchor: { x: 0.9, y: 0.1 } })
    ).json();
    assert.deepEqual(comment.anchor, { x: 0.9, y: 0.1 });
    const before = (await threads(bo)).open;
    const resolved = await bo.call(`/_ml/comments/${comment.id}/resolve`, { method: 'POST' });
    assert.equal(resolved.status, 200);
    assert.equal((await resolved.json()).resolved, true);
    assert.equal((await threads(bo)).open, before - 1);
    await bo.call(`/_ml/comments/${comment.id}/reopen`, { method: 'POST' });
    assert.equal((await threads(bo)).open, before);
    const reply = (await (await post(bo, fileId, { text: 'r', parentId: comment.id })).json()).comment;
    assert.equal((await bo.call(`/_ml/comments/${reply.id}/resolve`, { method: 'POST' })).status, 400);
  });

  it('takes a point or a rectangle in 0–1 and refuses one outside the image', async () => {
    const rect = await post(ann, fileId, {
      text: 'here',
      anchor: { x: 0.2, y: 0.2, width: 0.5, height: 0.5 },
    });
    assert.equal(rect.status, 201);
    for (const anchor of [
      { x: 1.2, y: 0 },
      { x: 0.8, y: 0.1, width: 0.5, height: 0.1 },
      { x: 0.1, y: 0.1, width: 0.2 },
    ]) {
      const response = await post(ann, fileId, { text: 'bad', anchor });
      assert.equal(response.status, 400, JSON.stringify(anchor));
    }
  });

  it('answers 404 for a file the member cannot see, and for a deleted file', async () => {
    assert.equal((await post(cy, fileId, { text: 'hi' })).status, 404);
    assert.equal((await cy.call(`/_ml/files/${fileId}/comments`)).status, 404);
    const doomed = (await uploadPng(server, { folder: '/c/' })).fileId;
    await post(ann, doomed, { text: 'soon gone' });
    assert.equal((await server.api(`/v1/files/${doomed}`, { method: 'DELETE' })).status, 204);
    assert.equal((await post(ann, doomed, { text: 'still there?' })).status, 404);
    assert.equal((await post(ann, 'no-such-file', { text: 'x' })).status, 404);
  });

  it('tells the writer who was mentioned but cannot see the file, and refuses a missing user', async () => {
    const response = await post(ann, fileId, {
      text: 'Look @bo@example.com and @cy@example.com',
    });
    assert.equal(response.status, 201);
    const body = await response.json();
    assert.deepEqual(body.comment.mentions.map((m: { id: string }) => m.id).sort(), [bo.id, cyId].sort());
    assert.deepEqual(
      body.unreachableMentions.map((m: { id: string }) => m.id),
      [cyId],
    );
    const cyNotes = await (await cy.call('/_ml/notifications')).json();
    assert.equal(cyNotes.notifications.length, 0, 'no notification for who cannot see the file');
    const missing = await post(ann, fileId, { text: 'hey', mentions: [{ type: 'user', id: 'nobody' }] });
    assert.equal(missing.status, 400);
    assert.equal((await missing.json()).reason, 'MENTION_NOT_FOUND');
  });

  it('refuses API keys and sessions without a user, and lets a token with a user comment', async () => {
    const keyWrite = await server.api(`/_ml/files/${fileId}/comments`, {
      method: 'POST',
      json: { text: 'key' },
    });
    assert.equal(keyWrite.status, 403);
    assert.equal((await keyWrite.json()).reason, 'USER_REQUIRED');
    assert.equal((await server.api(`/_ml/files/${fileId}/comments`)).status, 200, 'keys may read threads');
    const plain = await sessionToken({ folder: '/', access: 'readwrite' });
    const anonymous = await fetch(`${server.url}/_ml/files/${fileId}/comments`, {
      method: 'POST',
      headers: { ...bearer(plain), 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'no user' }),
    });
    assert.equal(anonymous.status, 403);
    const forAnn = await sessionToken({ folder: '/', access: 'read' }, { user: 'ann@example.com' });
    const asAnn = await fetch(`${server.url}/_ml/files/${fileId}/comments`, {
      method: 'POST',
      headers: { ...bearer(forAnn), 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'from the CMS' }),
    });
    assert.equal(asAnn.status, 201, await asAnn.clone().text());
    assert.equal((await asAnn.json()).comment.author.id, ann.id);
  });

  it('writes audit entries for comment changes', async () => {
    const { comment } = await (await post(ann, fileId, { text: 'audited' })).json();
    await ann.call(`/_ml/comments/${comment.id}/resolve`, { method: 'POST' });
    const audit = await (await server.api(`/_ml/audit?fileId=${fileId}`)).json();
    const actions = audit.entries
      .filter((e: { target?: { commentId?: string } }) => e.target?.commentId === comment.id)
      .map((e: { action: string; actor: { id: string } }) => `${e.action}:${e.actor.id}`);
    assert.deepEqual(actions.sort(), [`comment.create:${ann.id}`, `comment.resolve:${ann.id}`]);
  });

  it('counts comments per file for the grid badge, only for visible files', async () => {
    const counts = await (await bo.call(`/_ml/comment-counts?fileIds=${fileId},nope`)).json();
    assert.ok(counts[fileId].count > 0);
    assert.ok(counts[fileId].open > 0);
    assert.deepEqual(await (await cy.call(`/_ml/comment-counts?fileIds=${fileId}`)).json(), {});
  });

  it('offers users and groups to mention, by name or email', async () => {
    const group = await server.api('/_ml/groups', { method: 'POST', json: { name: 'Designers' } });
    assert.equal(group.status, 201);
    const found = await (await ann.call('/_ml/mentionable?q=des')).json();
    assert.deepEqual(
      found.map((c: { name: string }) => c.name),
      ['Designers'],
    );
    const bos = await (await ann.call('/_ml/mentionable?q=bo@')).json();
    assert.equal(bos[0].id, bo.id);
  });

  it('finds files with open comment threads by hasOpenComments', async () => {
    const quiet = (await uploadPng(server, { folder: '/c/' })).fileId;
    const talked = (await uploadPng(server, { folder: '/c/' })).fileId;
    const { comment } = await (await post(ann, talked, { text: 'open' })).json();
    const search = async (query: string) =>
      (
        (await (await ann.call(`/v1/files?searchQuery=${encodeURIComponent(query)}`)).json()) as Array<{
          fileId: string;
        }>
      ).map((f) => f.fileId);
    let found = await search('hasOpenComments = true');
    assert.ok(found.includes(talked));
    assert.ok(!found.includes(quiet));
    assert.ok((await search('hasOpenComments = false')).includes(quiet));
    await ann.call(`/_ml/comments/${comment.id}/resolve`, { method: 'POST' });
    found = await search('hasOpenComments = true');
    assert.ok(!found.includes(talked));
  });
});
