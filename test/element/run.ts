// Runs the element's browser tests against the real media server: starts it with a fixture
// library and a token endpoint, then @web/test-runner (web-test-runner.config.mjs) in Chromium.
import { startTestRunner } from '@web/test-runner';
import { startElementTestServer } from './test-server.js';

const server = await startElementTestServer();
process.env.ML_TEST_ENV = JSON.stringify(server.env);
const runner = await startTestRunner({ autoExitProcess: false });
if (!runner) {
  await server.close();
  process.exit(1);
}
runner.on('stopped', (passed: boolean) => {
  void server.close().finally(() => process.exit(passed ? 0 : 1));
});
