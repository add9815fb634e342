// One Node/browser split for every package (CONTRIBUTING.md, "Node and browsers"): a package that
// runs in browsers keeps its Node-only code in a `./node` subpath export (`src/node.ts`), and its
// main entry — followed through its static imports, relative and of other @onecycle packages —
// loads no Node built-in module. No package has a `./browser` subpath or a `browser` field.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const packagesDir = join(root, 'packages');

interface Manifest {
  name: string;
  browser?: unknown;
  exports: Record<string, string | Record<string, string>>;
}

const manifests = new Map<string, { dir: string; pkg: Manifest }>(
  readdirSync(packagesDir)
    .filter((d) => existsSync(join(packagesDir, d, 'package.json')))
    .map((d) => {
      const pkg = JSON.parse(readFileSync(join(packagesDir, d, 'package.json'), 'utf8')) as Manifest;
      return [pkg.name, { dir: join(packagesDir, d), pkg }];
    }),
);

/** The source file of a package's export (its `@onecycle/source` condition). */
function sourceOf(name: string, subpath: string): string {
  const m = manifests.get(name);
  const entry = m?.pkg.exports[subpath];
  if (!m || typeof entry !== 'object' || !entry['@onecycle/source'])
    throw new Error(`${name}: no source for ${subpath}`);
  return resolve(m.dir, entry['@onecycle/source']);
}

const builtins = new Set(builtinModules);

/**
 * The Node built-ins that `file` loads through its static imports, with the chain of files that
 * leads to each (comments, where the examples live, are skipped).
 */
function nodeImports(file: string, seen = new Set<string>(), via: string[] = []): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const chain = [...via, file.slice(root.length)];
  for (const m of text.matchAll(
    /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{},\s$]+?\s+from\s+)?'([^']+)'/gm,
  )) {
    const spec = m[1]!;
    if (spec.startsWith('node:') || builtins.has(spec)) found.push(`${chain.join(' → ')} imports ${spec}`);
    else if (spec.startsWith('.'))
      found.push(...nodeImports(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen, chain));
    else {
      const own = /^(@onecycle\/[a-z0-9-]+)(\/.+)?$/.exec(spec);
      if (own && manifests.has(own[1]!)) {
        const sub = own[2] ? `.${own[2]}` : '.';
        if (sub === './node') found.push(`${chain.join(' → ')} imports ${spec}`);
        else found.push(...nodeImports(sourceOf(own[1]!, sub), seen, chain));
      }
    }
  }
  return found;
}

describe('the Node/browser split', () => {
  const split = [...manifests.values()].filter((m) => './node' in m.pkg.exports);

  it('is one convention: a ./node subpath, never ./browser or a browser field', () => {
    expect(split.map((m) => m.pkg.name).sort()).toEqual(['@onecycle/models', '@onecycle/vision-data']);
    for (const { pkg } of manifests.values()) {
      expect(Object.keys(pkg.exports), pkg.name).not.toContain('./browser');
      expect(pkg.browser, pkg.name).toBeUndefined();
    }
  });

  it.each(split.map((m) => [m.pkg.name]))('%s: the main entry loads no Node built-in', (name) => {
    expect(nodeImports(sourceOf(name, '.'))).toEqual([]);
  });

  it('the check sees Node built-ins, also through relative and package imports', () => {
    expect(nodeImports(sourceOf('@onecycle/vision-data', './node')).length).toBeGreaterThan(0);
    expect(nodeImports(sourceOf('@onecycle/models', './node')).join('\n')).toMatch(
      /src\/node\.ts imports node:fs\/promises/,
    );
    // models/node reaches node:fs of @onecycle/atomic-file through the package import
    expect(nodeImports(sourceOf('@onecycle/models', './node')).join('\n')).toMatch(
      /atomic-file\/src\/index\.ts → .*atomic-file\/src\/[a-z-]+\.ts imports node:/,
    );
  });
});
