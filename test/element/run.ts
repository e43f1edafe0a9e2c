// Runs the element's browser tests against the real media server: starts it with a fixture
// library and a token endpoint, then @web/test-runner (web-test-runner.config.mjs) in Chromium.
import { createServer } from 'node:net';
import { startTestRunner } from '@web/test-runner';
import { startElementTestServer } from './test-server.js';

/** A port free now, for the test pages: the server lets their origin use Companion (link imports). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const port = await freePort();
const server = await startElementTestServer({
  pageOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
});
process.env.ML_TEST_ENV = JSON.stringify(server.env);
const runner = await startTestRunner({ autoExitProcess: false, config: { port } });
if (!runner) {
  await server.close();
  process.exit(1);
}
runner.on('stopped', (passed: boolean) => {
  void server.close().finally(() => process.exit(passed ? 0 : 1));
});
