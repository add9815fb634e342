// End-to-end test of the web demo in a real Chromium: builds the app, serves the build on 127.0.0.1
// (a free port, with the COOP/COEP headers of vite.config.ts), drives Debian's Chromium with
// playwright-core through the four steps, prints the in-page epoch time and 'N passed, N failed'.
// Exit code 0 only when every check passed.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { runDemoChecks } from './demo-checks.mjs';
import { runLayersChecks } from './layers-checks.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(appDir, 'e2e-results');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Asks the OS for a free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function main() {
  if (!existsSync(chromiumPath)) {
    console.error(
      `e2e: no Chromium at ${chromiumPath}. Install it with 'apt-get install -y chromium' or set CHROMIUM_PATH.`,
    );
    return 1;
  }
  console.log('e2e: building the demo (data asset, then vite build)…');
  const data = spawnSync(process.execPath, [join(appDir, 'scripts/make-data.mjs')], {
    cwd: appDir,
    stdio: 'inherit',
  });
  if (data.status !== 0) {
    console.error('e2e: making the data asset failed');
    return 1;
  }
  await build({ root: appDir, logLevel: 'warn' });

  const port = await freePort();
  const server = await preview({
    root: appDir,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true },
  });
  const url = `http://127.0.0.1:${port}/`;
  // The same build without the COOP/COEP headers: the page must fall back to one thread.
  const plainPort = await freePort();
  const plainServer = await preview({
    root: appDir,
    configFile: false,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: plainPort, strictPort: true },
  });
  const plainUrl = `http://127.0.0.1:${plainPort}/`;
  console.log(`e2e: serving the build at ${url} (and without cross-origin isolation at ${plainUrl})`);
  await rm(resultsDir, { recursive: true, force: true });
  await mkdir(resultsDir, { recursive: true });
  try {
    const demo = await runDemoChecks({ url, plainUrl, chromiumPath, resultsDir });
    const layers = await runLayersChecks({ url, chromiumPath });
    const passed = demo.passed + layers.passed;
    const failed = demo.failed + layers.failed;
    console.log(`${passed} passed, ${failed} failed`);
    await writeFile('.e2e-report.json', `${JSON.stringify({ passed, failed })}\n`);
    return failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    await new Promise((resolve) => server.httpServer.close(resolve));
    await new Promise((resolve) => plainServer.httpServer.close(resolve));
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('e2e: crashed:', error);
    console.log('0 passed, 1 failed');
    writeFileSync('.e2e-report.json', `${JSON.stringify({ passed: 0, failed: 1 })}\n`);
    process.exit(1);
  },
);
