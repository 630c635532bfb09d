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
