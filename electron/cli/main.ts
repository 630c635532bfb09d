// `packwitness` command line: serve (door 2), clips, verify. Each command prints what a person
// needs and exits non-zero with one clear sentence when it cannot do what was asked.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PwError } from '../../shared/contract.ts';
import { defaultDataDir } from '../engine/paths.ts';
import { Engine } from '../engine/engine.ts';
import { startServer, isLoopback } from '../server/http.ts';
import { lanAddresses } from '../server/lan.ts';
import { verifyFile } from '../engine/verify.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = `Usage:
  packwitness serve  [--data DIR] [--clips DIR] [--port N] [--host ADDR] [--token SECRET]
  packwitness clips  [--order CODE] [--data DIR] [--json]
  packwitness verify FILE [--data DIR]

--data defaults to ${defaultDataDir()} (the desktop app's folder; PACKWITNESS_DATA overrides it).`;

class UsageError extends Error {}

function fail(message: string, code = 1): never {
  console.error(`packwitness: ${message}`);
  process.exit(code);
}

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      clips: { type: 'string' },
      port: { type: 'string', default: '5190' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, not ${values.port}`);
  const dataDir = path.resolve(values.data ?? defaultDataDir());
  const engine = await Engine.open({ dataDir, clipsDir: values.clips, log: (l) => console.error(l) });
  let server;
  try {
    server = await startServer({ engine, host: values.host, port, token: values.token ?? null, staticDir: path.join(root, 'out', 'renderer') });
  } catch (err) {
    await engine.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') fail(`port ${port} is already in use (another station running?); choose one with --port`);
    throw err;
  }
  const shown = server.token ? `${server.url}?token=${server.token}` : server.url;
  console.log(`PackWitness station "${engine.settings.get().stationName}" — data in ${dataDir}`);
  console.log(shown);
  if (!isLoopback(values.host) ) {
    for (const a of lanAddresses()) console.log(`  on the LAN: http://${a}:${server.port}/?token=${server.token}`);
  }
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Finish any clip being recorded before the index closes: quitting never loses a recording.
    await server.close();
    await engine.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function clips(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { order: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const engine = await Engine.open({ dataDir: path.resolve(values.data ?? defaultDataDir()) });
  try {
    const list = values.order !== undefined
      ? engine.clips.byOrder(values.order).map((r) => engine.toClip(r)).reverse()
      : (await engine.call('clips.search', { limit: 500 }, { door: 'http' })).clips;
    if (values.json) {
      console.log(JSON.stringify(list, null, 2));
    } else if (list.length === 0) {
      console.log(values.order !== undefined ? `No clips of order ${values.order}.` : 'No clips yet.');
    } else {
      for (const c of list) console.log(`${c.startedAt}  ${(c.durationMs / 1000).toFixed(1).padStart(7)} s  ${c.status.padEnd(11)} ${c.order}  ${c.file}`);
    }
  } finally {
    await engine.close();
  }
}

async function verify(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { data: { type: 'string' } } });
  const file = positionals[0];
  if (!file) throw new UsageError('verify needs a FILE');
  const engine = await Engine.open({ dataDir: path.resolve(values.data ?? defaultDataDir()) });
  try {
    const result = await verifyFile(engine, path.resolve(file));
    for (const line of result.lines) console.log(line);
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await engine.close();
  }
}

const commands: Record<string, (argv: string[]) => Promise<void>> = { serve, clips, verify };

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(USAGE);
    return;
  }
  const run = commands[cmd];
  if (!run) throw new UsageError(`unknown command "${cmd}"`);
  await run(rest);
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    fail(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
  if (err instanceof PwError) fail(err.message);
  fail((err as Error)?.stack ?? String(err));
});
