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

export default {
  files: 'test/element/**/*.test.ts',
  nodeResolve: true,
  concurrency: 1,
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
  testFramework: { config: { timeout: 15_000 } },
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html lang="en">
      <head><meta charset="utf-8"><script>window.ML_TEST = ${env};</script></head>
      <body><script type="module" src="${testFramework}"></script></body>
    </html>`,
};
