// @web/test-runner for the element, in Debian's Chromium (Playwright's own browser download is not
// used). Started by test/element/run.ts, which runs the real media server and passes its address.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';

const env = process.env.ML_TEST_ENV ?? '{}';

export default {
  files: 'test/element/**/*.test.ts',
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 180_000,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
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
