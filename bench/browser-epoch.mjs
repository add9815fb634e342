#!/usr/bin/env node
// The web demo's in-page epoch timing in Chromium: serves apps/web-demo/dist (build it first: pnpm
// build) on 127.0.0.1 with the COOP/COEP headers (cross-origin isolated: XNNPACK's threads and the
// convolution kernels' Web Worker), opens it in Debian's Chromium (playwright-core) and times one full
// MNIST_SAMPLE epoch of simpleCnn([3,16,16,2]) (batch 64, Adam) `--epochs` times in the same page.
// usage: node bench/browser-epoch.mjs [--epochs 2]
// Prints one JSON line: { browser, status (the page's backend line), epochSeconds: [...] }.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const site = join(root, 'apps/web-demo/dist');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const { values: args } = parseArgs({ options: { epochs: { type: 'string', default: '2' } } });
if (!/^\d+$/.test(args.epochs) || Number(args.epochs) < 1) {
  console.error(`browser-epoch: --epochs must be a positive integer, got '${args.epochs}'`);
  process.exit(2);
}
if (!existsSync(join(site, 'index.html'))) {
  console.error(`browser-epoch: ${site}/index.html is missing: build the web demo first (pnpm build)`);
  process.exit(1);
}
if (!existsSync(chromiumPath)) {
  console.error(
    `browser-epoch: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
  process.exit(1);
}
const { chromium } = createRequire(join(root, 'apps/web-demo/package.json'))('playwright-core');
const { CHROMIUM_ARGS } = await import(join(root, 'apps/web-demo/e2e/demo-checks.mjs'));

const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]));
  const file = join(site, path === '/' ? 'index.html' : path);
  if (!file.startsWith(site)) {
    res.writeHead(403);
    res.end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/?e2e=1`);
  await page.waitForFunction(
    () => document.querySelector('#epoch-time-run')?.hasAttribute('disabled') === false,
    null,
    { timeout: 120_000 },
  );
  const status = (await page.locator('#backend-status').textContent()) ?? '';
  const epochSeconds = [];
  for (let e = 0; e < Number(args.epochs); e++) {
    await page.evaluate(() => document.querySelector('#epoch-time')?.removeAttribute('data-seconds'));
    await page.click('#epoch-time-run');
    await page.waitForFunction(
      () =>
        document.querySelector('#epoch-time')?.hasAttribute('data-seconds') ||
        document.querySelector('#step-train')?.getAttribute('data-state') === 'error',
      null,
      { timeout: 900_000, polling: 250 },
    );
    const seconds = Number(await page.locator('#epoch-time').getAttribute('data-seconds'));
    if (!(seconds > 0)) throw new Error(`browser-epoch: no epoch time in the page (${errors.join(' | ')})`);
    epochSeconds.push(seconds);
    await page.waitForFunction(
      () => document.querySelector('#epoch-time-run')?.hasAttribute('disabled') === false,
      null,
      { timeout: 60_000 },
    );
  }
  console.log(JSON.stringify({ browser: `Chromium ${browser.version()}`, status, epochSeconds }));
} finally {
  await browser.close();
  server.close();
}
