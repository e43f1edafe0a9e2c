import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import * as tus from 'tus-js-client';
import WebSocket from 'ws';
import { png, uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, type SignedInUser, signIn } from '../helpers/people.js';
import { createScaleBackends, type ScaleBackends, testBackend } from '../helpers/scale.js';
import { scaleOptions, startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';
import { openEventStream } from '../helpers/sse.js';

interface WireNotification {
  id: string;
  seq: number;
  kind: string;
  fileId: string | null;
  commentId: string | null;
  excerpt: string;
  read: boolean;
}

const stream = (server: TestServer, user: SignedInUser) =>
  openEventStream(`${server.url}/_ml/notifications/stream`, { cookie: user.cookie });

const notifications = async (user: SignedInUser, query = '') =>
  (await (await user.call(`/_ml/notifications${query}`)).json()) as {
    notifications: WireNotification[];
    unread: number;
    nextCursor?: string;
  };

/** A team of three on one folder: ann and bo see /n/, cy sees nothing. */
async function team(server: TestServer, folder: string) {
  const suffix = folder.replaceAll('/', '');
  const fileId = (await uploadPng(server, { folder })).fileId;
  const users: Record<'ann' | 'bo' | 'cy', SignedInUser> = {} as never;
  for (const name of ['ann', 'bo', 'cy'] as const) {
    const email = `${name}-${suffix}@example.com`;
    const id = await addUser(server, { email, role: 'member', name: `${name} ${suffix}` });
    if (name !== 'cy') await grant(server, { type: 'user', id }, folder, 'view');
    users[name] = await signIn(server, email);
  }
  // The grants above told ann and bo the folder was shared with them; each test starts from none.
  await server
    .catalog()
    .deleteFrom('notifications')
    .where('user_id', 'in', [users.ann.id, users.bo.id])
    .execute();
  return { fileId, ...users };
}

describe('notifications', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('delivers a mention over the stream within a second', async () => {
    const { fileId, ann, bo } = await team(server, '/n1/');
    const live = await stream(server, bo);
    assert.equal(live.status, 200);
    assert.deepEqual((await live.next('unread')).data, { unread: 0 });
    const sent = Date.now();
    const response = await ann.call(`/_ml/files/${fileId}/comments`, {
      method: 'POST',
      json: { text: 'Please check', mentions: [{ type: 'user', id: bo.id }] },
    });
    assert.equal(response.status, 201);
    const event = await live.next('notification', 1000);
    assert.ok(Date.now() - sent < 1000);
    const note = event.data as WireNotification;
    assert.equal(note.kind, 'mention');
    assert.equal(note.fileId, fileId);
    assert.equal(note.excerpt, 'Please check');
    assert.deepEqual((await live.next('unread', 1000)).data, { unread: 1 });
    live.close();
  });

  it('notifies watchers of replies and new comments, and a thread author of a resolve', async () => {
    const { fileId, ann, bo } = await team(server, '/n2/');
    const thread = (
      await (
        await ann.call(`/_ml/files/${fileId}/comments`, { method: 'POST', json: { text: 'start' } })
      ).json()
    ).comment;
    assert.equal((await bo.call(`/_ml/files/${fileId}/watch`, { method: 'POST' })).status, 200);
    await bo.call(`/_ml/files/${fileId}/comments`, {
      method: 'POST',
      json: { text: 'reply', parentId: thread.id },
    });
    const annNotes = await notifications(ann);
    assert.deepEqual(
      annNotes.notifications.map((n) => n.kind),
      ['reply'],
    );
    await ann.call(`/_ml/files/${fileId}/comments`, { method: 'POST', json: { text: 'another thread' } });
    assert.equal((await notifications(bo)).notifications[0]!.kind, 'comment');
    await bo.call(`/_ml/comments/${thread.id}/resolve`, { method: 'POST' });
    assert.equal((await notifications(ann)).notifications[0]!.kind, 'resolved');
    // Unwatching stops them.
    await bo.call(`/_ml/files/${fileId}/watch`, { method: 'DELETE' });
    const before = (await notifications(bo)).notifications.length;
    await ann.call(`/_ml/files/${fileId}/comments`, { method: 'POST', json: { text: 'quiet' } });
    assert.equal((await notifications(bo)).notifications.length, before);
  });

  it('notifies who a folder or file is shared with, and uploads into a watched folder', async () => {
    const { cy, ann } = await team(server, '/n3/');
    await uploadPng(server, { folder: '/n3s/' });
    await grant(server, { type: 'user', id: cy.id }, '/n3s/', 'view');
    const shared = (await notifications(cy)).notifications[0]!;
    assert.equal(shared.kind, 'share');
    assert.equal(shared.excerpt, '/n3s/');
    assert.equal(
      (await ann.call('/_ml/folders/watch', { method: 'POST', json: { path: '/n3/' } })).status,
      200,
    );
    const watch = (user: SignedInUser, path: string) =>
      user.call('/_ml/folders/watch', { method: 'POST', json: { path } });
    assert.equal((await watch(ann, '/nowhere/')).status, 404, 'a folder that does not exist');
    assert.equal((await watch(cy, '/n3/')).status, 404, 'a folder the user cannot see');
    const uploaded = await uploadPng(server, { folder: '/n3/sub/' });
    let upload: WireNotification | undefined;
    for (let i = 0; i < 50 && !upload; i++) {
      upload = (await notifications(ann)).notifications.find((n) => n.kind === 'upload');
      if (!upload) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(upload?.fileId, uploaded.fileId);
  });

  it('notifies folder watchers of files that arrive resumably (tus) and through Companion', async () => {
    const { ann } = await team(server, '/n3t/');
    await ann.call('/_ml/folders/watch', { method: 'POST', json: { path: '/n3t/' } });
    const uploadNotice = async (fileName: string) => {
      for (let i = 0; i < 100; i++) {
        const found = (await notifications(ann)).notifications.find(
          (n) => n.kind === 'upload' && n.excerpt.endsWith(`/${fileName}`),
        );
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return undefined;
    };
    const token = await sessionToken({ folder: '/n3t/', access: 'readwrite' }, { sub: 'editor-n3t' });
    const bytes = await png(40, 30);

    // tus: the resumable endpoint finishes the upload through the same path as a form upload.
    const body = await new Promise<string>((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        endpoint: `${server.url}/_ml/tus`,
        metadata: { fileName: 'resumed.png', folder: '/n3t/tus', useUniqueFileName: 'false' },
        headers: bearer(token),
        retryDelays: [],
        onSuccess: (payload) => resolve(payload.lastResponse.getBody() ?? ''),
        onError: reject,
      });
      upload.start();
    });
    const resumed = JSON.parse(body) as { fileId: string };
    assert.equal((await uploadNotice('resumed.png'))?.fileId, resumed.fileId);

    // Companion: a linked file streamed into the resumable endpoint.
    const web = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
      response.end(bytes);
    });
    web.listen(0, '127.0.0.1');
    await new Promise((resolve) => web.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/photo.png`;
      const started = await fetch(`${server.url}/companion/url/get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(token) },
        body: JSON.stringify({
          url,
          endpoint: `${server.url}/_ml/tus`,
          protocol: 'tus',
          size: bytes.length,
          metadata: { fileName: 'linked.png', folder: '/n3t/web', useUniqueFileName: 'false' },
          headers: bearer(token),
        }),
      });
      assert.equal(started.status, 200, await started.clone().text());
      const socket = new WebSocket(
        `${server.url.replace(/^http/, 'ws')}/companion/api/${((await started.json()) as { token: string }).token}`,
      );
      const outcome = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no outcome from Companion in 15 s')), 15_000);
        socket.on('message', (data) => {
          const { action } = JSON.parse(String(data)) as { action: string };
          if (action !== 'success' && action !== 'error') return;
          clearTimeout(timer);
          socket.close();
          resolve(action);
        });
        socket.on('error', reject);
      });
      assert.equal(outcome, 'success');
      const linked = await uploadNotice('linked.png');
      assert.ok(linked?.fileId, 'the Companion import notified the watcher');
    } finally {
      web.close();
    }
  });

  it('leaves out muted kinds', async () => {
    const { fileId, ann, bo } = await team(server, '/n4/');
    const put = await bo.call('/_ml/notifications/settings', {
      method: 'PUT',
      json: { kinds: ['reply', 'resolved', 'share', 'upload', 'comment'], email: 'off' },
    });
    assert.equal(put.status, 200);
    assert.deepEqual((await put.json()).kinds, ['comment', 'reply', 'resolved', 'share', 'upload']);
    await ann.call(`/_ml/files/${fileId}/comments`, {
      method: 'POST',
      json: { text: 'muted', mentions: [{ type: 'user', id: bo.id }] },
    });
    assert.equal((await notifications(bo)).notifications.length, 0);
    const bad = await bo.call('/_ml/notifications/settings', {
      method: 'PUT',
      json: { kinds: ['everything'], email: 'hourly' },
    });
    assert.equal(bad.status, 400);
  });

  it('pages 1,000 notifications and marks them read by id or all', async () => {
    const { bo } = await team(server, '/n5/');
    const now = Date.now();
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      notification_id: `bulk-${i}`,
      user_id: bo.id,
      kind: 'comment',
      file_id: null,
      comment_id: null,
      folder: null,
      actor_id: null,
      actor_name: 'Someone',
      excerpt: `note ${i}`,
      created_at: now + i,
      read_at: null,
      emailed_at: null,
    }));
    for (let i = 0; i < rows.length; i += 100)
      await server
        .catalog()
        .insertInto('notifications')
        .values(rows.slice(i, i + 100))
        .execute();
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await notifications(bo, cursor ? `?cursor=${cursor}` : '');
      assert.ok(page.notifications.length <= 50);
      for (const n of page.notifications) seen.add(n.id);
      assert.equal(page.unread, 1000);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(seen.size, 1000);
    assert.equal(pages, 20);
    const first = (await notifications(bo)).notifications[0]!;
    assert.equal(first.excerpt, 'note 999', 'newest first');
    const marked = await bo.call('/_ml/notifications/read', { method: 'POST', json: { ids: [first.id] } });
    assert.deepEqual(await marked.json(), { updated: 1, unread: 999 });
    assert.equal((await notifications(bo, '?unread=true')).notifications[0]!.excerpt, 'note 998');
    await bo.call('/_ml/notifications/read', { method: 'POST', json: { all: true } });
    assert.equal((await notifications(bo)).unread, 0);
    assert.equal((await bo.call('/_ml/notifications?cursor=abc')).status, 400);
    assert.equal((await bo.call('/_ml/notifications/read', { method: 'POST', json: {} })).status, 400);
  });

  it('refuses keys: notifications belong to a person', async () => {
    const response = await server.api('/_ml/notifications');
    assert.equal(response.status, 403);
    assert.equal((await response.json()).reason, 'USER_REQUIRED');
    assert.equal((await server.api('/_ml/notifications/stream')).status, 403);
  });
});

describe('notification streams under load', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      notifications: {
        mailFrom: 'x@localhost',
        digestIntervalMs: 3_600_000,
        heartbeatMs: 200,
        maxStreamBufferBytes: 16 * 1024,
        pollMs: 1000,
      },
    });
  });
  after(() => server.close());

  it('drops a client that never reads once its buffer is full', async () => {
    const { bo } = await team(server, '/d1/');
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname);
    socket.write(
      `GET /_ml/notifications/stream HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${bo.cookie}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.pause();
    const hub = server.server.context.notificationHub;
    assert.equal(hub.size, 1);
    const excerpt = 'x'.repeat(1000);
    const now = Date.now();
    for (let batch = 0; batch < 200; batch++) {
      await server
        .catalog()
        .insertInto('notifications')
        .values(
          Array.from({ length: 100 }, (_, i) => ({
            notification_id: `flood-${batch}-${i}`,
            user_id: bo.id,
            kind: 'comment',
            file_id: null,
            comment_id: null,
            folder: null,
            actor_id: null,
            actor_name: 'Flood',
            excerpt,
            created_at: now,
            read_at: null,
            emailed_at: null,
          })),
        )
        .execute();
      hub.publish([bo.id]);
      if (hub.dropped > 0) break;
    }
    for (let i = 0; i < 100 && hub.dropped === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(hub.dropped, 1);
    assert.equal(hub.size, 0);
    socket.destroy();
  });

  it('sends heartbeats to idle streams', async () => {
    const { ann } = await team(server, '/d2/');
    const response = await fetch(`${server.url}/_ml/notifications/stream`, {
      headers: { cookie: ann.cookie },
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const deadline = Date.now() + 2000;
    while (!text.includes(': heartbeat') && Date.now() < deadline) text += (await reader.read()).value ?? '';
    assert.match(text, /: heartbeat/);
    await reader.cancel();
  });
});

describe('notification email', () => {
  let server: TestServer;
  let smtp: SMTPServer;
  const mails: string[] = [];
  const waitForMail = async (count: number) => {
    for (let i = 0; i < 100 && mails.length < count; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(mails.length, count);
  };
  /** The message as a reader sees it: quoted-printable undone. */
  const decoded = (mail: string) =>
    mail
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(data, _session, callback) {
        let text = '';
        data.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        data.on('end', () => {
          mails.push(text);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    server = await startTestServer({
      notifications: {
        smtpUrl: `smtp://127.0.0.1:${port}`,
        mailFrom: 'Media Library <ml@example.com>',
        digestIntervalMs: 3_600_000,
        heartbeatMs: 15_000,
        maxStreamBufferBytes: 64 * 1024,
        pollMs: 1000,
      },
    });
  });
  after(async () => {
    await server.close();
    await new Promise<void>((resolve) => smtp.close(resolve));
  });

  it('emails a mention at once, with the comment text and a link, never a token', async () => {
    const { fileId, ann, bo } = await team(server, '/m1/');
    await bo.call('/_ml/notifications/settings', {
      method: 'PUT',
      json: { kinds: ['mention', 'comment', 'reply', 'resolved', 'share', 'upload'], email: 'immediate' },
    });
    mails.length = 0;
    const posted = await ann.call(`/_ml/files/${fileId}/comments`, {
      method: 'POST',
      json: { text: 'The logo is <b>too small</b>', mentions: [{ type: 'user', id: bo.id }] },
    });
    const { comment } = await posted.json();
    await waitForMail(1);
    const mail = decoded(mails[0]!);
    assert.match(mail, /To: bo-m1@example\.com/);
    assert.match(mail, /The logo is <b>too small<\/b>/, 'the plain text part holds the comment as written');
    assert.match(mail, /The logo is &#60;b&#62;too small/, 'the HTML part escapes it');
    assert.ok(mail.includes(`/app/?file=${fileId}&comment=${comment.id}`));
    for (const secret of [bo.cookie.split('=')[1]!, bo.csrfToken, ann.cookie.split('=')[1]!]) {
      assert.equal(mail.includes(secret), false);
    }
  });

  it('gathers a daily digest into one email per user', async () => {
    const { fileId, ann, bo } = await team(server, '/m2/');
    await bo.call('/_ml/notifications/settings', {
      method: 'PUT',
      json: { kinds: ['mention', 'comment', 'reply', 'resolved', 'share', 'upload'], email: 'daily' },
    });
    mails.length = 0;
    for (const text of ['first point', 'second point']) {
      await ann.call(`/_ml/files/${fileId}/comments`, {
        method: 'POST',
        json: { text, mentions: [{ type: 'user', id: bo.id }] },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(mails.length, 0, 'nothing before the digest runs');
    // The digest timer calls the same run; calling it here keeps the test off the clock.
    await server.server.context.notificationMailer.send('daily');
    await waitForMail(1);
    const mail = decoded(mails[0]!);
    assert.match(mail, /Subject: 2 new notifications/);
    assert.match(mail, /first point/);
    assert.match(mail, /second point/);
    await server.server.context.notificationMailer.send('daily');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(mails.length, 1, 'each notification is emailed once');
  });
});

describe('notification streams across nodes', {
  skip: testBackend !== 'scale' && 'the scale path only',
}, () => {
  let backends: ScaleBackends;
  const nodes: TestServer[] = [];
  before(async () => {
    backends = await createScaleBackends();
    nodes.push(await startTestServer(scaleOptions(backends)), await startTestServer(scaleOptions(backends)));
    // A third node without Redis finds what the others made by asking the catalog.
    const { redis: _redis, ...withoutRedis } = scaleOptions(backends);
    nodes.push(
      await startTestServer({
        ...withoutRedis,
        notifications: {
          mailFrom: 'x@localhost',
          digestIntervalMs: 3_600_000,
          heartbeatMs: 15_000,
          maxStreamBufferBytes: 64 * 1024,
          pollMs: 200,
        },
      }),
    );
  });
  after(async () => {
    for (const node of nodes) await node.close();
    await backends?.drop();
  });

  it('delivers a mention made on one node to a stream on another within a second', async () => {
    const [a, b, c] = nodes as [TestServer, TestServer, TestServer];
    const { fileId, ann, bo } = await team(a, '/x1/');
    const boOnB = { ...bo, call: bo.call };
    const liveB = await openEventStream(`${b.url}/_ml/notifications/stream`, { cookie: boOnB.cookie });
    const liveC = await openEventStream(`${c.url}/_ml/notifications/stream`, { cookie: boOnB.cookie });
    await liveB.next('unread');
    await liveC.next('unread');
    const sent = Date.now();
    await ann.call(`/_ml/files/${fileId}/comments`, {
      method: 'POST',
      json: { text: 'across nodes', mentions: [{ type: 'user', id: bo.id }] },
    });
    const viaRedis = await liveB.next('notification', 1000);
    assert.equal((viaRedis.data as WireNotification).excerpt, 'across nodes');
    assert.ok(Date.now() - sent < 1000);
    const viaCatalog = await liveC.next('notification', 1000);
    assert.equal((viaCatalog.data as WireNotification).excerpt, 'across nodes');
    liveB.close();
    liveC.close();
  });
});
