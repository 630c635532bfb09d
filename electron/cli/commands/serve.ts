import path from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.ts';
import { startServer, isLoopback } from '../../server/http.ts';
import { lanAddresses } from '../../server/lan.ts';
import { LanListener } from '../../server/lanListener.ts';
import { setLanController } from '../../engine/lanHandlers.ts';
import { msg } from '../../../shared/messages.ts';
import { dataDirFrom, fail, projectRoot, UsageError, type Command } from '../common.ts';
import { storageOptions, storagePatch, storageUsage } from '../storageFlags.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export const serveCommand: Command = {
  usage: `serve  [--data DIR] [--clips DIR] [--port N] [--host ADDR] [--token SECRET] [--tsa URL]... ${storageUsage}`,
  run: serve,
};

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      clips: { type: 'string' },
      port: { type: 'string', default: '5190' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      // RFC 3161 timestamp authorities, in order of preference; stored in settings like the UI's list.
      tsa: { type: 'string', multiple: true },
      ...storageOptions,
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, not ${values.port}`);
  const dataDir = dataDirFrom(values.data);
  const storage = storagePatch(values);
  const engine = await Engine.open({ dataDir, clipsDir: values.clips, log: (l) => console.error(l) });
  if (Object.keys(storage).length) await engine.call('settings.update', storage, { door: 'cli' });
  if (values.tsa?.length) {
    try {
      await engine.call('settings.update', { tsaUrls: values.tsa }, { door: 'cli' });
    } catch (err) {
      await engine.close();
      throw new UsageError(`--tsa: ${errorMessage(err)}`);
    }
  }
  let server;
  const staticDir = path.join(projectRoot, 'out', 'renderer');
  try {
    server = await startServer({ engine, host: values.host, port, token: values.token ?? null, staticDir });
  } catch (err) {
    await engine.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') fail(`port ${port} is already in use (another station running?); choose one with --port`);
    throw err;
  }
  // Start-up check and retention (now, hourly, after each clip): serve is a long-running station.
  engine.startMaintenance();
  // LAN access from Settings (a second, token-only listener), reopened if it was on at the last stop.
  const lan = new LanListener({ engine, main: server, requestedPort: port, staticDir });
  setLanController(engine, lan);
  const restored = await lan.restore().catch((err: unknown) => {
    engine.reportProblem(msg('problem-lan-not-reopened', { error: errorMessage(err) }));
    return null;
  });
  const shown = server.token ? `${server.url}?token=${server.token}` : server.url;
  console.log(`PackWitness station "${engine.settings.get().stationName}" — data in ${dataDir}`);
  console.log(shown);
  if (!isLoopback(values.host)) {
    for (const a of lanAddresses()) console.log(`  on the LAN: http://${a}:${server.port}/?token=${server.token}`);
  }
  for (const u of restored?.urls ?? []) console.log(`  on the LAN (from Settings): ${u}`);
  if (restored && !restored.urls.length) console.log(`  LAN access on port ${restored.port} (no LAN address found on this machine)`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Finish any clip being recorded before the index closes: quitting never loses a recording.
    // Announced while the doors are still open, so every page leaves "Recording" and says why.
    engine.announceShutdown();
    setLanController(engine, null);
    await lan.close();
    await server.close();
    await engine.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
