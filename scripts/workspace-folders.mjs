// The workspace's package folders: those that pnpm-workspace.yaml's `packages:` list names
// (`dir/*` or `dir`) and that hold a package.json, relative to the workspace's root, sorted.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} root the workspace's root folder @returns {string[]} */
export function workspaceFolders(root = '.') {
  const dirs = [];
  let inPackages = false;
  for (const line of readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) inPackages = /^packages:\s*$/.test(line);
    const entry = inPackages && /^\s+-\s+['"]?([^'"#\s]+)/.exec(line);
    if (!entry) continue;
    const pattern = entry[1].replace(/\/$/, '');
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      if (!existsSync(join(root, parent))) continue;
      for (const d of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (d.isDirectory()) dirs.push(join(parent, d.name));
      }
    } else {
      dirs.push(pattern);
    }
  }
  return dirs.filter((d) => existsSync(join(root, d, 'package.json'))).sort();
}
