// @web/test-runner for the element, in Debian's Chromium (Playwright's own browser download is not
// used). Started by test/element/run.ts, which runs the real media server and passes its address.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';

const env = process.env.ML_TEST_ENV ?? '{}';

/**
 * `executeServerCommand('fail-requests', 'part-of-a-url')`: the page's requests whose URL holds that
 * text fail from then on, as on a network that drops them (a lazy chunk that cannot load).
 */
const failRequests = {
  name: 'fail-requests',
  async executeCommand({ command, payload, session }) {
    if (command !== 'fail-requests' || typeof payload !== 'string') return undefined;
    await session.browser.getPage(session.id).route(
      (url) => url.href.includes(payload),
      (route) => route.abort('internetdisconnected'),
    );
    return true;
  },
};

/**
 * The DAM app's calls (`/_ml/…`, `/v1/…` on the page's own origin, with its session cookie) go to
 * the media server, as they do when the server serves the app: the admin screens' tests need it.
 */
const apiTarget = JSON.parse(env).url;
const hopHeaders = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'keep-alive',
]);

async function forwardApi(ctx, next) {
  if (!apiTarget || !/^\/(_ml|v1)\//.test(ctx.path)) return next();
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (name !== 'host' && !hopHeaders.has(name) && typeof value === 'string') headers.set(name, value);
  }
  const response = await fetch(apiTarget + ctx.url, {
    method: ctx.method,
    headers,
    redirect: 'manual',
    ...(chunks.length > 0 && { body: Buffer.concat(chunks) }),
  });
  ctx.status = response.status;
  response.headers.forEach((value, name) => {
    if (!hopHeaders.has(name) && name !== 'set-cookie') ctx.set(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) ctx.set('set-cookie', cookies);
  ctx.body = Buffer.from(await response.arrayBuffer());
}

export default {
  files: 'test/element/**/*.test.ts',
  nodeResolve: true,
  concurrency: 1,
  middleware: [forwardApi],
  testsFinishTimeout: 180_000,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), failRequests],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--disable-sync',
        ],
      },
    }),
  ],
  // One retry: the suite shares a 2-core machine with the rest of CI, and a test that loses a race
  // with it once (a key pressed before a lazy chunk, a timer starved) should not sink the run. A
  // test failing twice fails; a flake seen in a log gets its cause fixed (the cell-window End race).
  testFramework: { config: { timeout: 15_000, retries: 1 } },
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html lang="en">
      <head><meta charset="utf-8"><script>window.ML_TEST = ${env};</script></head>
      <body><script type="module" src="${testFramework}"></script></body>
    </html>`,
};
