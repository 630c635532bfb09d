// `packwitness hub …`: the warehouse hub (docs/hub.md).
//   hub                start the hub server (prints its URL and whether the store enforces Object Lock)
//   hub enroll-code    print a one-time enrollment code for a station (24 h)
//   hub clips          the clips stations published, newest first
//   hub doctor         holes in stations' chains, refused uploads, storage, anchors per station
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../common.ts';
import { HubService } from '../../hub/server/ingest.ts';
import { startHubServer } from '../../hub/server/http.ts';
import { hubDataDir, newEnrollCode, settingsWithFlags, writeHubSettings } from '../../hub/server/identity.ts';
import { indexLocation, openHubParts } from '../../hub/server/open.ts';
import { hubDoctor, lostClipLine, lostClipReason, printHubDoctor } from '../../hub/server/doctor.ts';
import { lanAddresses } from '../../server/lan.ts';
import { formatFingerprint } from '../../engine/evidence/keys.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { createHubConsole } from '../../hub/console/http.ts';
import { exportRunner, HubExports } from '../../hub/console/export.ts';
import { hubTsaCerts } from '../../hub/console/verify.ts';
import path from 'node:path';
import { hubUser } from './hubUser.ts';

export const hubCommand: Command = {
  usage:
    'hub  [enroll-code | clips [--order CODE] [--station NAME] | doctor | user add NAME --role ROLE | user list|logout|remove NAME] [--data DIR] [--port N] [--host ADDR] [--pg URL] [--s3 URL] [--name NAME] [--json]',
  run: hub,
};

const SUBCOMMANDS = new Set(['enroll-code', 'clips', 'doctor']);

async function hub(argv: string[]): Promise<void> {
  const sub = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : null;
  if (sub === 'user') return hubUser(argv.slice(1));
  if (sub !== null && !SUBCOMMANDS.has(sub)) throw new UsageError(`unknown hub command "${sub}" (enroll-code, clips, doctor)`);
  const { values } = parseArgs({
    args: sub ? argv.slice(1) : argv,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      pg: { type: 'string' },
      s3: { type: 'string' },
      name: { type: 'string' },
      order: { type: 'string' },
      station: { type: 'string' },
      json: { type: 'boolean', default: false },
      'part-size-mb': { type: 'string' },
    },
  });
  if (sub !== 'clips' && (values.order !== undefined || values.station !== undefined)) throw new UsageError('--order and --station belong to `hub clips`');
  const dataDir = hubDataDir(values.data);
  const settings = settingsWithFlags(dataDir, { pg: values.pg, s3: values.s3, name: values.name });
  const partSize = values['part-size-mb'] !== undefined ? Math.round(Number(values['part-size-mb']) * 2 ** 20) : undefined;
  if (partSize !== undefined && !(partSize > 0)) throw new UsageError('--part-size-mb takes a number of MiB');
  if (sub === null) writeHubSettings(dataDir, settings);
  const parts = await openHubParts(dataDir, settings, partSize ? { partSize } : {});
  if (sub === 'enroll-code') {
    try {
      const { code, expiresAt } = await newEnrollCode(parts.index, parts.key.fingerprint);
      if (values.json) console.log(JSON.stringify({ code, expiresAt: new Date(expiresAt).toISOString(), hubFingerprint: parts.key.fingerprint }));
      else {
        console.log(code);
        console.log(`One-time enrollment code, valid until ${new Date(expiresAt).toISOString()}. On the station: packwitness enroll HUB_URL ${code}`);
      }
    } finally {
      await parts.close();
    }
    return;
  }
  if (sub === 'clips') {
    try {
      const rows = await parts.index.findClips({
        ...(values.order !== undefined ? { order: values.order } : {}),
        ...(values.station !== undefined ? { station: values.station } : {}),
        limit: 1000,
      });
      const iso = (ms: number): string => new Date(ms).toISOString();
      const list = rows.map((c) => ({
        id: c.clipId,
        order: c.order,
        station: c.stationName ?? c.station,
        stationFingerprint: c.station,
        operator: c.operator,
        mode: c.mode,
        startedAt: iso(c.startedAt),
        endedAt: iso(c.endedAt),
        durationMs: c.durationMs,
        sizeBytes: c.sizeBytes,
        sha256: c.sha256,
        status: c.status,
        stopReason: c.stopReason,
        note: c.note,
        publishedAt: iso(c.publishedAt),
      }));
      // Clips deleted on their station before they were published: listed as holes, with why.
      const station = values.station !== undefined ? await parts.index.getStation(values.station) : null;
      const lost =
        values.station !== undefined && !station
          ? []
          : (await parts.index.findLostClips(station?.fingerprint)).filter((l) => values.order === undefined || l.order === values.order);
      const names = new Map((await parts.index.listStations()).map((s) => [s.fingerprint, s.name]));
      const holes = lost.map((l) => ({
        id: l.clipId,
        order: l.order,
        station: names.get(l.station) ?? l.station,
        stationFingerprint: l.station,
        startedAt: l.startedAt === null ? null : iso(l.startedAt),
        endedAt: l.endedAt === null ? null : iso(l.endedAt),
        sha256: l.sha256,
        hole: true as const,
        reason: lostClipReason(l),
      }));
      if (values.json) console.log(JSON.stringify([...list, ...holes], null, 2));
      else {
        if (list.length === 0) console.log(values.order !== undefined ? `No clip was found for order ${values.order}.` : 'No clips published yet.');
        for (const c of list)
          console.log(
            `${c.startedAt}  ${(c.durationMs / 1000).toFixed(1).padStart(7)} s  ${c.station.padEnd(16)} ${c.mode.padEnd(8)} ${c.order}  published ${c.publishedAt}`,
          );
        for (const h of holes) console.log(`HOLE ${h.station}: ${lostClipLine({ ...h, clipId: h.id })}`);
      }
      if (values.order !== undefined && list.length === 0) process.exitCode = 1;
    } finally {
      await parts.close();
    }
    return;
  }
  if (sub === 'doctor') {
    try {
      const report = await hubDoctor(parts);
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else printHubDoctor(report);
      if (report.problems > 0) process.exitCode = 1;
    } finally {
      await parts.close();
    }
    return;
  }

  // The server.
  const port = values.port !== undefined ? Number(values.port) : 7480;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not ${values.port}`);
  const host = values.host ?? '0.0.0.0';
  const probe = await parts.store
    .probe()
    .catch((e: unknown) => ({ writable: false, objectLock: 'unsupported', message: `the clip store cannot be reached: ${errorMessage(e)}` }));
  const service = new HubService({
    index: parts.index,
    store: parts.store,
    key: parts.key,
    name: settings.name,
    onRefusal: (line) => console.error(`ALARM ${new Date().toISOString()} ${line}`),
  });
  // Exports on the hub: one at a time on one ffmpeg thread, so ingest always comes first.
  // Extra TSA certificates named in hub.json (`tsaCerts`), as a station keeps its own in Settings.
  const tsaCerts = hubTsaCerts(settings.tsaCerts ? path.resolve(dataDir, settings.tsaCerts) : null, (line) => console.error(line));
  // Its jobs are named after this hub's data folder, so a restart shows the ones it left unfinished as interrupted.
  const exports = new HubExports({
    index: parts.index,
    store: parts.store,
    key: parts.key,
    hubName: settings.name,
    exportsAtOnce: 1,
    runner: exportRunner(parts.key.fingerprint, dataDir),
    addedCerts: tsaCerts,
    workDir: path.join(dataDir, 'exports-work'),
  });
  const hubConsole = createHubConsole({
    index: parts.index,
    store: parts.store,
    hubFingerprint: parts.key.fingerprint,
    exports,
    tsaCerts,
    thumbnails: { log: (line) => console.error(line) },
  });
  const running = await startHubServer({ service, host, port, console: hubConsole });
  console.log(`PackWitness hub "${settings.name}" listening on ${running.url}`);
  if (host === '0.0.0.0' || host === '::') for (const a of lanAddresses()) console.log(`Stations on the LAN reach it at http://${a}:${running.port}`);
  console.log(`Hub key fingerprint: ${formatFingerprint(parts.key.fingerprint)}`);
  console.log(`Index: ${indexLocation(dataDir, settings)}`);
  console.log(`Clip store: ${parts.store.location}`);
  console.log(`Object Lock: ${probe.message}`);
  const consoleUsers = (await hubConsole.accounts.listUsers()).length;
  console.log(
    consoleUsers > 0 ? `Console: ${running.url}/console/ (${consoleUsers} users)` : 'Console: no users yet (packwitness hub user add NAME --role admin)',
  );
  if (!probe.writable) console.log('The clip store is not writable: uploads are refused until it is (see `packwitness hub doctor`).');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void running
      .close()
      .then(() => exports.close())
      .then(() => hubConsole.close())
      .then(() => parts.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise<never>(() => {});
}
