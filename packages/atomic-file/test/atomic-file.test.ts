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
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commitTemp,
  ensureDirSync,
  type FileData,
  removeOrphanTempsSync,
  tempPath,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'onecycle-atomic-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const host = hostname().replace(/[^A-Za-z0-9_]/g, '_');
/** The id of a process that has exited: its temporaries are orphans. */
const gone = spawnSync(process.execPath, ['-e', '0']).pid!;

const writers: [string, (path: string, data: FileData) => Promise<void>][] = [
  ['writeFileAtomic', writeFileAtomic],
  ['writeFileAtomicSync', async (path, data) => writeFileAtomicSync(path, data)],
];

describe.each(writers)('%s', (name, write) => {
  const dir = join(root, name);
  mkdirSync(dir);

  it('replaces the file, creating missing folders; text, bytes and chunks in order', async () => {
    const file = join(dir, 'a', 'b', 'c.txt');
    await write(file, 'héllo');
    expect(readFileSync(file, 'utf8')).toBe('héllo');
    await write(file, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    await write(file, [new Uint8Array([4, 5]), new Uint8Array(0), new Uint8Array([6])]);
    expect([...readFileSync(file)]).toEqual([4, 5, 6]);
    expect(readdirSync(dirname(file))).toEqual(['c.txt']);
  });

  it('writes through a symbolic link to its target; the link stays a link', async () => {
    const target = join(dir, 'run-3.st');
    writeFileSync(target, 'old');
    const link = join(dir, 'latest.st');
    symlinkSync('run-3.st', link);
    await write(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    // A dangling link: its target is created.
    const dangling = join(dir, 'dangling.st');
    symlinkSync(join(dir, 'sub', 'made.st'), dangling);
    await write(dangling, 'x');
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'sub', 'made.st'), 'utf8')).toBe('x');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a directory, a device, a FIFO and a link loop, naming the path and what it is', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    await expect(write(folder, 'x')).rejects.toThrow(`${folder} is a directory, not a regular file`);
    await expect(write('/dev/null', 'x')).rejects.toThrow('/dev/null is a device, not a regular file');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(write(fifo, 'x')).rejects.toThrow(`${fifo} is a FIFO, not a regular file`);
    const viaLink = join(dir, 'to-null');
    symlinkSync('/dev/null', viaLink);
    await expect(write(viaLink, 'x')).rejects.toThrow(
      /to-null \(the target of the link, \/dev\/null\) is a device/,
    );
    expect(lstatSync(viaLink).isSymbolicLink()).toBe(true);
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    await expect(write(join(dir, 'loop-a'), 'x')).rejects.toThrow(/too many levels of symbolic links/);
    await expect(write('', 'x')).rejects.toThrow(/the path must be a non-empty string/);
  });

  it('fails (and returns) on a folder that cannot be created, e.g. under /proc', async () => {
    await expect(write('/proc/nowhere/ck.st', 'x')).rejects.toThrow(
      /cannot create the folder \/proc\/nowhere/,
    );
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    await expect(write(join(file, 'x.st'), 'x')).rejects.toThrow(
      `cannot create the folder ${file}: ${file} is a file`,
    );
  });
});

describe('ensureDirSync', () => {
  it('creates the missing levels, accepts an existing folder, names the level that fails', () => {
    const deep = join(root, 'e', 'f', 'g');
    ensureDirSync(deep);
    ensureDirSync(deep);
    expect(lstatSync(deep).isDirectory()).toBe(true);
    expect(() => ensureDirSync('/proc/nowhere/deeper')).toThrow(/cannot create the folder \/proc\/nowhere/);
  });
});

describe('commitTemp', () => {
  it('renames a file written under tempPath to its target', async () => {
    const file = join(root, 'commit', 'data.tgz');
    ensureDirSync(dirname(file));
    const part = tempPath(file);
    writeFileSync(part, 'streamed');
    await commitTemp(part, file);
    expect(readFileSync(file, 'utf8')).toBe('streamed');
    expect(readdirSync(dirname(file))).toEqual(['data.tgz']);
  });

  it('names the target and removes the temporary file when the rename fails', async () => {
    const dir = join(root, 'commit-fail');
    mkdirSync(join(dir, 'data.tgz'), { recursive: true }); // a folder with content: rename fails
    writeFileSync(join(dir, 'data.tgz', 'inside'), '');
    const part = tempPath(join(dir, 'data.tgz'));
    writeFileSync(part, 'streamed');
    await expect(commitTemp(part, join(dir, 'data.tgz'))).rejects.toThrow(
      `cannot write ${join(dir, 'data.tgz')}`,
    );
    expect(existsSync(part)).toBe(false);
    await expect(commitTemp(part, join(dir, 'x'))).rejects.toThrow(/cannot write .*x: .*ENOENT/);
  });
});

describe('tempPath and removeOrphanTempsSync', () => {
  it('names a temporary after its target, this host and this process', () => {
    const p = tempPath('/data/ck.st');
    expect(p).toMatch(new RegExp(`^/data/ck\\.st\\.${host}-${process.pid}-[0-9a-f]{8}\\.tmp$`));
    expect(tempPath('/data/ck.st')).not.toBe(p);
  });

  it("removes the files and folders of this host's dead writers, keeps live and foreign ones", () => {
    const sub = join(root, 'orphans');
    mkdirSync(sub);
    const orphan = join(sub, `ck.st.${host}-${gone}-0badc0de.tmp`);
    const other = join(sub, `plot.svg.${host}-${gone}-0badc0de.tmp`);
    const folder = join(sub, `.mnist.${host}-${gone}-0badc0de.tmp`);
    const live = basename(tempPath(join(sub, 'ck.st')));
    const foreign = `ck.st.another_host-${gone}-0badc0de.tmp`;
    for (const f of [
      orphan,
      other,
      join(sub, live),
      join(sub, foreign),
      join(sub, 'ck.st'),
      join(sub, 'notes.tmp'),
    ])
      writeFileSync(f, 'x');
    mkdirSync(folder);
    writeFileSync(join(folder, 'half-written.png'), 'x');
    expect(removeOrphanTempsSync(sub, 'ck.st')).toEqual([orphan]);
    expect(existsSync(other)).toBe(true);
    expect(removeOrphanTempsSync(sub).sort()).toEqual([folder, other].sort());
    expect(readdirSync(sub).sort()).toEqual(['ck.st', foreign, live, 'notes.tmp'].sort());
    expect(removeOrphanTempsSync(join(root, 'missing'))).toEqual([]);
  });
});
