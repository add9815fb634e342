// Browser check (`pnpm --filter @onecycle/backends test:e2e`, after a build): bundles browser-page.mjs with
// esbuild for the browser, serves it and the WASM binaries on 127.0.0.1, runs it in Debian's Chromium
// (playwright-core) and compares the WASM gradients with the CPU backend's. Exit code 0 when they agree.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOLERANCE = 1e-4;

function relativeError(a, b) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return a.length === b.length ? diff / (scale || 1) : Number.POSITIVE_INFINITY;
}

async function main() {
  if (!existsSync(chromiumPath)) {
    console.error(
      `no Chromium at ${chromiumPath}: install it with 'apt-get install -y chromium' or set CHROMIUM_PATH`,
    );
    return 1;
  }
  const site = await mkdtemp(join(tmpdir(), 'onecycle-backends-e2e-'));
  try {
    await build({
      entryPoints: [join(here, 'browser-page.mjs')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(site, 'page.js'),
      logLevel: 'warning',
    });
    const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    await mkdir(join(site, 'wasm'));
    for (const file of (await readdir(wasmDir)).filter((f) => f.endsWith('.wasm'))) {
      await copyFile(join(wasmDir, file), join(site, 'wasm', file));
    }
    await writeFile(
      join(site, 'index.html'),
      '<!doctype html><title>…</title><script type="module" src="/page.js"></script>',
    );
    const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
    const server = createServer(async (req, res) => {
      const path = normalize(req.url === '/' ? '/index.html' : (req.url ?? '/')).replace(/^(\.\.[/\\])+/, '');
      try {
        const body = await readFile(join(site, path));
        res.writeHead(200, {
          'content-type': types[extname(path)] ?? 'application/octet-stream',
          // Cross-origin isolation: shared WebAssembly memories, so the kernels' Web Workers.
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        });
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync', // (playwright gives every launch a fresh profile directory)
      ],
    });
    let result;
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await page.waitForFunction(() => document.title === 'done', null, { timeout: 120_000 });
      result = await page.evaluate(() => window.__result);
    } finally {
      await browser.close();
      server.close();
    }
    if (result.error) {
      console.error(`in the browser: ${result.error}`);
      return 1;
    }
    const checks = [
      ['backend', result.choice.backend === 'wasm', result.choice.reason],
      // Chromium has relaxed SIMD (since 114): the convolutions use the fused multiply-add build.
      [
        'fused multiply-add kernels',
        result.choice.reason.includes('fused multiply-add'),
        result.choice.reason,
      ],
      [
        'convolutions on 2 threads (Web Workers, cross-origin isolated page)',
        result.isolated &&
          result.choice.reason.includes('convolutions on 2 threads') &&
          result.startedThreads === 2,
        `${result.choice.reason}; started: ${result.startedThreads}`,
      ],
      [
        "calls on one thread in tfjs's shared memory (its threaded build), in place",
        result.inPlace && result.hostShared,
        `in place: ${result.inPlace}; shared: ${result.hostShared}`,
      ],
      [
        'loss',
        relativeError([result.wasm.loss], [result.cpu.loss]) < TOLERANCE,
        `${result.wasm.loss} vs ${result.cpu.loss}`,
      ],
      [
        'dw1',
        relativeError(result.wasm.w1, result.cpu.w1) < TOLERANCE,
        relativeError(result.wasm.w1, result.cpu.w1),
      ],
      [
        'dw2',
        relativeError(result.wasm.w2, result.cpu.w2) < TOLERANCE,
        relativeError(result.wasm.w2, result.cpu.w2),
      ],
    ];
    for (const [name, ok, detail] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
    const failed = checks.filter(([, ok]) => !ok).length;
    console.log(`${checks.length - failed} passed, ${failed} failed`);
    await writeFile('.e2e-report.json', `${JSON.stringify({ passed: checks.length - failed, failed })}\n`);
    return failed === 0 ? 0 : 1;
  } finally {
    await rm(site, { recursive: true, force: true });
  }
}

process.exitCode = await main();
