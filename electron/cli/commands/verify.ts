import path from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.ts';
import { verifyFile } from '../../engine/verify.ts';
import { dataDirFrom, UsageError, type Command } from '../common.ts';

export const verifyCommand: Command = {
  usage: 'verify FILE [--data DIR]',
  run: verify,
};

async function verify(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { data: { type: 'string' } } });
  const file = positionals[0];
  if (!file) throw new UsageError('verify needs a FILE');
  const engine = await Engine.open({ dataDir: dataDirFrom(values.data) });
  try {
    const result = await verifyFile(engine, path.resolve(file));
    for (const line of result.lines) console.log(line);
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await engine.close();
  }
}
