// Runs the Contentful app's browser tests (test/contentful/app/) in Chromium with the element
// tests' runner settings (web-test-runner.config.mjs), against the servers test-server.ts starts.
import { startTestRunner } from '@web/test-runner';
import { startContentfulTestServers } from './test-server.js';

const servers = await startContentfulTestServers();
process.env.ML_TEST_ENV = JSON.stringify(servers.env);
const runner = await startTestRunner({
  autoExitProcess: false,
  // One file when named (`node --import tsx test/contentful/run.ts test/contentful/app/field.test.ts`).
  argv: ['--files', process.argv[2] ?? 'test/contentful/app/**/*.test.ts'],
});
if (!runner) {
  await servers.close();
  process.exit(1);
}
runner.on('stopped', (passed: boolean) => {
  void servers.close().finally(() => process.exit(passed ? 0 : 1));
});
