// Every option of the `onecycle` CLI that the docs mention exists in the CLI's own --help.
// Reads README.md, packages/*/README.md, apps/*/README.md, docs/index.md and docs/guides/*.md, and
// checks:
//  - in a command line (`onecycle <command> …`, `pnpm onecycle <command> …`, `node …/cli.js <command> …`,
//    inline or in a code block), each `--option` of that command against `onecycle <command> --help`;
//  - in the trainer's README and the trainer guide, each inline code span that starts with an option
//    (`--lr auto`, `--seeds 0,1,2`) against the options of any command.
// usage: node scripts/docs-check-cli-options.mjs   (build the trainer first)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'apps', 'trainer', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error(
    `docs-check-cli-options: ${relative(root, cli)} is missing; build the trainer first (pnpm build)`,
  );
  process.exit(1);
}

function help(...args) {
  const res = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (res.status !== 0)
    throw new Error(`onecycle ${args.join(' ')} failed (exit ${res.status})\n${res.stderr}`);
  return res.stdout;
}
const optionsIn = (text) => new Set([...text.matchAll(/(?:^|[\s,])(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]));

const top = help('--help');
const commands = [...(top.split(/^Commands:\s*$/m)[1] ?? '').matchAll(/^ {2}([a-z][a-z0-9-]*)\b/gm)]
  .map((m) => m[1])
  .filter((c) => c !== 'help');
const byCommand = new Map(commands.map((c) => [c, optionsIn(help(c, '--help'))]));
const any = new Set([...optionsIn(top), ...[...byCommand.values()].flatMap((s) => [...s])]);

const listMd = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(dir, f))
    : [];
const readmesIn = (group) =>
  readdirSync(join(root, group))
    .map((d) => join(group, d, 'README.md'))
    .filter((f) => existsSync(join(root, f)));
const files = [
  'README.md',
  'docs/index.md',
  ...listMd('docs/guides'),
  ...readmesIn('packages'),
  ...readmesIn('apps'),
];
const trainerDocs = new Set(['apps/trainer/README.md', 'docs/guides/05-trainer-cli.md']);

// `onecycle fit --lr 5e-2 …` up to the end of the line, of the code span, or of the shell command
const invocation = new RegExp(
  String.raw`(?:^|[\s\`(])(?:pnpm (?:--silent )?onecycle|npx onecycle|onecycle|node \S*cli\.js)\s+(${commands.join('|')})\b([^\`\n|;&>]*)`,
  'gm',
);
const problems = [];
let checked = 0;
for (const file of files) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    for (const m of line.matchAll(invocation)) {
      for (const opt of optionsIn(m[2])) {
        checked++;
        if (!byCommand.get(m[1]).has(opt))
          problems.push(`${where}: \`onecycle ${m[1]} ${opt}\` — no such option`);
      }
    }
    if (!trainerDocs.has(file)) return;
    for (const m of line.matchAll(/`(--[a-z][a-z0-9-]*)[^`]*`/g)) {
      checked++;
      if (!any.has(m[1])) problems.push(`${where}: \`${m[1]}\` — no command of the CLI has this option`);
    }
  });
}
if (problems.length > 0) {
  console.error(
    `docs-check-cli-options: options the CLI's --help does not list:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  `docs-check-cli-options: ${checked} mentions of CLI options in ${files.length} files, all in --help`,
);
