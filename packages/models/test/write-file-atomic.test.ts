import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDir, removeOrphanTemps, writeFileAtomic } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'onecycle-write-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes through a symbolic link to its target; the link stays a link', async () => {
    const target = join(dir, 'run-3.st');
    writeFileSync(target, 'old');
    const link = join(dir, 'latest.st');
    symlinkSync('run-3.st', link);
    await writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    // A dangling link: its target is created.
    const dangling = join(dir, 'dangling.st');
    symlinkSync(join(dir, 'sub', 'made.st'), dangling);
    await writeFileAtomic(dangling, 'x');
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'sub', 'made.st'), 'utf8')).toBe('x');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a directory, a device, a FIFO and a link loop, naming the path and what it is', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    await expect(writeFileAtomic(folder, 'x')).rejects.toThrow(
      `${folder} is a directory, not a regular file`,
    );
    await expect(writeFileAtomic('/dev/null', 'x')).rejects.toThrow(
      '/dev/null is a device, not a regular file',
    );
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(writeFileAtomic(fifo, 'x')).rejects.toThrow(`${fifo} is a FIFO, not a regular file`);
    const viaLink = join(dir, 'to-null');
    symlinkSync('/dev/null', viaLink);
    await expect(writeFileAtomic(viaLink, 'x')).rejects.toThrow(
      /to-null \(the target of the link, \/dev\/null\) is a device/,
    );
    expect(lstatSync(viaLink).isSymbolicLink()).toBe(true);
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    await expect(writeFileAtomic(join(dir, 'loop-a'), 'x')).rejects.toThrow(
      /too many levels of symbolic links/,
    );
  });

  it('fails (and returns) on a folder that cannot be created, e.g. under /proc', async () => {
    await expect(writeFileAtomic('/proc/nowhere/ck.st', 'x')).rejects.toThrow(
      /cannot create the folder \/proc\/nowhere/,
    );
    await expect(ensureDir('/proc/nowhere/deeper')).rejects.toThrow(/\/proc\/nowhere/);
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    await expect(writeFileAtomic(join(file, 'x.st'), 'x')).rejects.toThrow(
      `cannot create the folder ${file}: ${file} is a file`,
    );
  });
});

describe('removeOrphanTemps', () => {
  it('removes the temporary files of writers that are gone, keeps those of live ones', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const sub = join(dir, 'orphans');
    mkdirSync(sub);
    const orphan = join(sub, `ck.st.${gone}.0badc0de.tmp`);
    const other = join(sub, `plot.svg.${gone}.0badc0de.tmp`);
    const live = join(sub, `ck.st.${process.pid}.0badc0de.tmp`);
    for (const f of [orphan, other, live, join(sub, 'ck.st'), join(sub, 'notes.tmp')]) writeFileSync(f, 'x');
    expect(await removeOrphanTemps(sub, 'ck.st')).toEqual([orphan]);
    expect(existsSync(other)).toBe(true);
    expect(await removeOrphanTemps(sub)).toEqual([other]);
    expect(readdirSync(sub).sort()).toEqual(['ck.st', `ck.st.${process.pid}.0badc0de.tmp`, 'notes.tmp']);
    expect(await removeOrphanTemps(join(dir, 'missing'))).toEqual([]);
  });
});
