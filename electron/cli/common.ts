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

/** Columns a terminal gives a string: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

/** padEnd by terminal columns, so tables with Chinese names stay aligned. */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
