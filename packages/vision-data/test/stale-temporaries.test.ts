// Leftovers of killed runs (hidden extraction folders, downloads, cache files: all named by
// @onecycle/atomic-file's tempPath, `<name>.<host>-<pid>-<random>.tmp`) are removed by the next run;
// those of a live process or of another host are kept.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataSource, ImageDataBunch, untarData } from '../src/node.js';
import { cleanupTmp, makeImageFolder, tmpDir } from './helpers.js';

let archive = '';
let source: DataSource;
let live: ChildProcess;
const host = hostname().replace(/[^A-Za-z0-9]/g, '_');
/** The id of a process that has exited. */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid;

beforeAll(async () => {
  const src = tmpDir();
  makeImageFolder(join(src, 'tiny_set'), { train: { a: 2, b: 2 }, valid: { a: 1, b: 1 } });
  archive = join(src, 'tiny_set.tgz');
  await createTar({ gzip: true, file: archive, cwd: src, portable: true }, ['tiny_set']);
  const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  source = { name: 'TINY', url: 'http://127.0.0.1:9/tiny_set.tgz', checksum: { sha256 }, folder: 'tiny_set' };
  live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
});
afterAll(() => {
  live.kill();
  cleanupTmp();
});

function leftover(dir: string, name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'half-written.png'), 'x');
  return name;
}

describe('leftovers of killed runs', () => {
  it('untarData removes stale extractions and downloads, keeps live and foreign ones', async () => {
    expect(deadPid).toBeGreaterThan(0);
    const dest = tmpDir();
    const stale = [
      leftover(dest, `.tiny_set.${host}-${deadPid}-abc12301.tmp`),
      leftover(dest, `.mnist.${host}-${deadPid}-abc12401.tmp`),
      leftover(dest, `.other_set.${host}-${deadPid}-abc12501.tmp`),
    ];
    mkdirSync(join(dest, 'archives'));
    writeFileSync(join(dest, 'archives', `tiny_set.tgz.${host}-${deadPid}-abc12601.tmp`), 'partial');
    const kept = [
      leftover(dest, `.tiny_set.${host}-${process.pid}-00000001.tmp`),
      leftover(dest, `.tiny_set.${host}-${live.pid}-00000002.tmp`),
      leftover(dest, `.tiny_set.another_host-${deadPid}-00000003.tmp`),
      leftover(dest, `photos.old-${deadPid}-01`), // not hidden: not ours
    ];
    const notices: string[] = [];
    const path = await untarData(source, { dest, localArchive: archive, onNotice: (m) => notices.push(m) });
    expect(readdirSync(dest).sort()).toEqual([...kept, 'archives', 'tiny_set'].sort());
    expect(readdirSync(join(dest, 'archives'))).toEqual([]);
    expect(notices[0]).toMatch(
      /^untarData: removed 4 unfinished extraction\(s\) or download\(s\) left by a stopped process: /,
    );
    for (const name of stale) expect(notices[0]).toContain(join(dest, name));
    expect((await ImageDataBunch.fromFolder(path, { cache: false })).train.size).toBe(4);

    // The next call, with the folder already there, cleans up too.
    leftover(dest, `.tiny_set.${host}-${deadPid}-1a7e0001.tmp`);
    notices.length = 0;
    expect(await untarData(source, { dest, onNotice: (m) => notices.push(m) })).toBe(path);
    expect(existsSync(join(dest, `.tiny_set.${host}-${deadPid}-1a7e0001.tmp`))).toBe(false);
    expect(notices).toHaveLength(1);
    for (const name of kept) expect(existsSync(join(dest, name))).toBe(true);
  });

  it("the decode cache removes other runs' stale temporary files", async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 2, b: 2 }, valid: { a: 1, b: 1 } });
    const first = await ImageDataBunch.fromFolder(root, { onWarning: () => {} });
    const cacheDir = join(first.loadInfo!.cacheFile!, '..');
    const name = (pid: number | undefined) =>
      `${first.loadInfo!.cacheFile!.split('/').pop()}.${host}-${pid}-00001733.tmp`;
    writeFileSync(join(cacheDir, name(deadPid)), 'killed while writing');
    writeFileSync(join(cacheDir, name(live.pid)), 'being written');
    writeFileSync(join(first.loadInfo!.cacheFile!), 'damaged'); // forces a rewrite
    await ImageDataBunch.fromFolder(root, { onWarning: () => {} });
    expect(existsSync(join(cacheDir, name(deadPid)))).toBe(false);
    expect(existsSync(join(cacheDir, name(live.pid)))).toBe(true);
  });
});
