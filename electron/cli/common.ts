// Shared bits of the CLI commands.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../engine/paths.ts';

export const projectRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export function dataDirFrom(value: string | undefined): string {
  return path.resolve(value ?? defaultDataDir());
}

export function fail(message: string, code = 1): never {
  console.error(`packwitness: ${message}`);
  process.exit(code);
}

export interface Command {
  usage: string;
  run(argv: string[]): Promise<void>;
}
