import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.ts';
import { verifyFile } from '../../engine/verify.ts';
import { stationCustodyOf } from '../../engine/evidence/handlers.ts';
import { repairMissingSidecars, verifyAll } from '../../engine/evidence/verifyAll.ts';
import { isPackage, packageFiles, verifyPackage } from '../../engine/export/verifyPackage.ts';
import { addTsaCerts } from '../../engine/evidence/checks.ts';
import { certsFromFile } from '../../engine/evidence/tsaTrust.ts';
import { dataDirFrom, UsageError, type Command } from '../common.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export const verifyCommand: Command = {
  usage: 'verify FILE|PACKAGE [--data DIR] [--json] [--tsa-cert FILE]...  |  verify --all [--data DIR] [--json] [--repair] [--tsa-cert FILE]...',
  run: verify,
};

async function verify(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      // Rewrite missing sidecars from the chain before checking (never overwrites an existing one).
      repair: { type: 'boolean', default: false },
      // A TSA's certificate (PEM or DER; a PEM file may hold its chain) for this check only: it
      // checks tokens that carry none and anchors chains (Settings → TSA certificates keeps them).
      'tsa-cert': { type: 'string', multiple: true },
    },
  });
  const file = positionals[0];
  if (!values.all && !file) throw new UsageError('verify needs a FILE, or --all');
  if (values.all && file) throw new UsageError('verify takes either a FILE or --all, not both');
  if (values.repair && !values.all) throw new UsageError('--repair goes with --all');
  for (const f of values['tsa-cert'] ?? []) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(f);
    } catch (err) {
      throw new UsageError(`--tsa-cert ${f}: ${errorMessage(err)}`);
    }
    const certs = certsFromFile(bytes);
    if (certs.length === 0) throw new UsageError(`--tsa-cert ${f}: no X.509 certificate in it (PEM or DER)`);
    addTsaCerts(certs);
  }
  // One-shot: no background timestamp requests from this process.
  const engine = await Engine.open({ dataDir: dataDirFrom(values.data), timestampWorker: false });
  try {
    if (!values.all && isPackage(path.resolve(file!))) {
      // An export folder or its ZIP: the checks verify.html makes, with the same verdict.
      const report = await verifyPackage(packageFiles(path.resolve(file!)), stationCustodyOf(engine).key.fingerprint);
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(report.headline);
        for (const l of report.lines) console.log(`  [${l.kind === 'ok' ? 'ok  ' : l.kind === 'fail' ? 'FAIL' : ' -  '}] ${l.text}`);
      }
      process.exitCode = report.ok ? 0 : 1;
      return;
    }
    if (!values.all) {
      const result = await verifyFile(engine, path.resolve(file!));
      if (values.json) console.log(JSON.stringify(result.answer, null, 2));
      else for (const line of result.lines) console.log(line);
      process.exitCode = result.exitCode;
      return;
    }
    if (values.repair) {
      const restored = await repairMissingSidecars({ db: engine.db, clipsDir: engine.paths.clipsDir, custody: stationCustodyOf(engine) });
      for (const f of restored) console.log(`RESTORED ${f} (from the chain)`);
    }
    const report = await verifyAll({
      db: engine.db,
      clipsDir: engine.paths.clipsDir,
      custody: stationCustodyOf(engine),
      onProgress: (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\rhashing clip ${done} of ${total}…${done === total ? '\n' : ''}`);
      },
    });
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      for (const p of report.problems) console.log(`PROBLEM ${p.label}: ${p.message}`);
      console.log(
        report.ok
          ? `ALL VERIFIED: ${report.entries} chain entries, ${report.clips} clip files (${report.timestamps} with a trusted timestamp)${report.anchors ? `, ${report.anchors} chain anchor(s) a TSA stamped` : ''}; nothing was changed, removed or reordered.`
          : `NOT VERIFIED: ${report.problems.length} problem(s) in ${report.entries} chain entries and ${report.clips} clip files.`,
      );
    }
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await engine.close();
  }
}
