// `npm start`: the media server with the demo page at http://localhost:4310/ (PORT overrides).
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/server/index.js';
import { startDemoServer } from './server.js';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' } },
});
const server = await startDemoServer(resolveConfig(values), (line) => console.log(line));
if (server.createdKeys) {
  console.log('Created the first API key pair. Keep the private key secret; it is shown only now.');
  console.log(`  public key:  ${server.createdKeys.publicKey}`);
  console.log(`  private key: ${server.createdKeys.privateKey}`);
}
if (server.createdAdmin) {
  console.log(
    `Created the first admin of the DAM (sign in at ${server.url.replace('127.0.0.1', 'localhost')}/app/):`,
  );
  console.log(`  email:    ${server.createdAdmin.email}`);
  if (server.createdAdmin.password)
    console.log(`  password: ${server.createdAdmin.password}   (shown only now)`);
}
if (server.seeded) console.log(`Added ${server.seeded} sample files.`);
const port = new URL(server.url).port;
console.log(`Demo: http://localhost:${port}/  (media server API on the same origin)`);
console.log(`DAM app: http://localhost:${port}/app/`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
