import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.ts';
import { dataDirFrom, type Command } from '../common.ts';

export const clipsCommand: Command = {
  usage: 'clips  [--order CODE] [--data DIR] [--json]',
  run: clips,
};

async function clips(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { order: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const engine = await Engine.open({ dataDir: dataDirFrom(values.data) });
  try {
    const list =
      values.order !== undefined
        ? (await engine.toClips(await engine.clips.byOrder(values.order))).reverse()
        : (await engine.call('clips.search', { limit: 500 }, { door: 'cli' })).clips;
    // The CLI runs at the station: the operator gets the file's place in the local clips folder to
    // open it (a clip itself is named by stationId + id, and no door sends a path).
    const listed = await Promise.all(list.map(async (c) => ({ ...c, path: (await engine.clipFile(c.id)) ?? null })));
    if (values.json) {
      console.log(JSON.stringify(listed, null, 2));
    } else if (list.length === 0) {
      console.log(values.order !== undefined ? `No clip was found for order ${values.order}.` : 'No clips yet.');
    } else {
      for (const c of listed) {
        console.log(
          `${c.startedAt}  ${(c.durationMs / 1000).toFixed(1).padStart(7)} s  ${c.mode.padEnd(8)} ${c.status.padEnd(11)} ${c.order}  ${c.path ?? ''}`,
        );
      }
    }
    // Asking for one order and finding nothing is an answer a script must be able to tell apart.
    if (values.order !== undefined && list.length === 0) process.exitCode = 1;
  } finally {
    await engine.close();
  }
}
