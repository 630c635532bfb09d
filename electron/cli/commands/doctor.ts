import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Health } from '../../../shared/contract/storage.ts';
import { adoptUnindexed, checkHealth, engineHealth } from '../../engine/doctor.ts';
import { openDb } from '../../engine/db.ts';
import { Engine } from '../../engine/engine.ts';
import { layout } from '../../engine/paths.ts';
import { SettingsStore } from '../../engine/settingsStore.ts';
import { initClipsFolder, lastClipsFolder, otherOwner } from '../../engine/storage.ts';
import { dataDirFrom, fail, type Command } from '../common.ts';

export const doctorCommand: Command = {
  usage: 'doctor [--data DIR] [--clips DIR] [--adopt] [--init-clips] [--json]   (exit 1 when something is wrong)',
  run: doctor,
};

const LABEL = { ok: 'ok     ', warning: 'warning', problem: 'PROBLEM' } as const;

function print(h: Health): void {
  for (const c of h.checks) {
    console.log(`${LABEL[c.level]}  ${c.text}`);
    for (const d of c.details) console.log(`           ${d}`);
  }
  const n = h.checks.filter((c) => c.level === 'problem').length;
  console.log(n ? `\n${n} problem(s) found.` : '\nEverything is in order.');
}

async function doctor(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      clips: { type: 'string' },
      adopt: { type: 'boolean', default: false },
      'init-clips': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const dataDir = dataDirFrom(values.data);
  const dbFile = layout(dataDir).dbFile;
  if (!fs.existsSync(dbFile)) fail(`there is no PackWitness index at ${dbFile}; is --data right?`);
  const owner = otherOwner(dataDir);

  if (values['init-clips']) {
    if (owner !== null) fail(`the station (process ${owner}) is running on ${dataDir}; stop it first`);
    const db = openDb(dbFile);
    try {
      const paths = layout(dataDir, values.clips ?? lastClipsFolder(db));
      initClipsFolder(paths, db);
      console.log(
        `The clips folder ${paths.clipsDir} is now this station's (empty) clips folder; clips listed in the index but not in it are reported as missing.`,
      );
    } finally {
      db.close();
    }
    return;
  }

  if (values.adopt) {
    if (owner !== null) fail(`the station (process ${owner}) is running on ${dataDir}; use Adopt in its Status view, or stop it first`);
    // Opening the engine is the start-up path: it refuses a missing or read-only clips folder, and
    // recovers unfinished recordings before the files on disk are compared with the index.
    const probeDb = openDb(dbFile);
    const clipsDir = values.clips ?? lastClipsFolder(probeDb);
    probeDb.close();
    const engine = await Engine.open({ dataDir, clipsDir, log: (l) => console.error(l), timestampWorker: false });
    try {
      const r = await adoptUnindexed(engine);
      for (const a of r.adopted) console.log(`adopted  ${a.file} as clip ${a.id} of ${a.order}`);
      for (const f of r.failed) console.log(`PROBLEM  ${f.file} could not be adopted: ${f.message}`);
      const h = await engineHealth(engine);
      if (values.json) console.log(JSON.stringify({ adopt: r, health: h }, null, 2));
      else print(h);
      process.exitCode = h.ok && r.failed.length === 0 ? 0 : 1;
    } finally {
      await engine.close();
    }
    return;
  }

  // Without --adopt nothing is changed: the index is opened directly, no recovery, no retention.
  const db = openDb(dbFile);
  try {
    const paths = layout(dataDir, values.clips ?? lastClipsFolder(db));
    const h = await checkHealth({ paths, db, reserveMb: new SettingsStore(db).get().reserveMb, live: new Set(), otherOwner: owner });
    if (values.json) console.log(JSON.stringify(h, null, 2));
    else {
      console.log(`PackWitness doctor — index ${paths.dbFile}, clips in ${paths.clipsDir}\n`);
      print(h);
    }
    process.exitCode = h.ok ? 0 : 1;
  } finally {
    db.close();
  }
}
