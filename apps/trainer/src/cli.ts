#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { exitWithSupervisor, runSupervised, SUPERVISED_ENV } from './signal-supervisor.js';

if (process.env[SUPERVISED_ENV] === '1') {
  exitWithSupervisor();
  // Loaded here only: the supervising process stays small and starts fast.
  const { main } = await import('./program.js');
  process.exitCode = await main(process.argv);
} else {
  process.exitCode = await runSupervised(fileURLToPath(import.meta.url), process.argv.slice(2));
}
