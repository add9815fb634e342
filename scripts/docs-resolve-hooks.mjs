// Module resolution for the documentation's examples (docs/examples/*.ts, compiled to a cache
// folder): docs/ is not a workspace package, so bare imports are resolved the way a user's project
// would see them. `@onecycle/<name>` resolves to packages/<name> (its built dist/, through the
// package's own exports); any other bare import that fails is retried from each workspace package,
// so the examples can use the third-party libraries the packages depend on (tfjs and so on).
// usage: node --import ./scripts/docs-resolve-hooks.mjs file.js
import { existsSync, readdirSync } from 'node:fs';
import { register } from 'node:module';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const root = resolvePath(import.meta.dirname, '..');

/** package.json URLs of every workspace package, packages first. */
const workspaceParents = ['packages', 'apps'].flatMap((group) =>
  existsSync(join(root, group))
    ? readdirSync(join(root, group))
        .map((d) => join(root, group, d, 'package.json'))
        .filter((p) => existsSync(p))
        .map((p) => pathToFileURL(p).href)
    : [],
);

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  const own = /^@onecycle\/([a-z0-9-]+)(\/.*)?$/.exec(specifier);
  if (own) {
    const pkgJson = join(root, 'packages', own[1], 'package.json');
    const parent = existsSync(pkgJson) ? pkgJson : join(root, 'apps', own[1], 'package.json');
    return nextResolve(specifier, { ...context, parentURL: pathToFileURL(parent).href });
  }
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    const bare = !/^(\.|\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
    if (!bare || err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    for (const parentURL of workspaceParents) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {
        // try the next package
      }
    }
    throw err;
  }
}

if (isMainThread) register(import.meta.url);
