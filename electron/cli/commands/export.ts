// `packwitness export`: what customer service sends to a platform, from the command line.
// One order or a batch (--orders-file, or --order repeated); prints every file it wrote and a
// summary of what failed and why; exits 1 when any order could not be exported.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { PwError } from '../../../shared/contract.ts';
import { Engine } from '../../engine/engine.ts';
import { EXPORT_ACTOR } from '../../engine/export/handlers.ts';
import { etaMs } from '../../engine/export/jobs.ts';
import { PRESETS, presetWords } from '../../engine/export/presets.ts';
import { layout } from '../../engine/paths.ts';
import { fillTemplate, formatMessage, isMessageCode, type Message } from '../../../shared/messages.ts';
import { messagesZhCN } from '../../../shared/messages.zh-CN.ts';
import { planOrder, resolvePreset, runExport, safeName, type ExportRequest } from '../../engine/export/run.ts';
import { dataDirFrom, displayWidth, padColumns, UsageError, type Command } from '../common.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export const exportCommand: Command = {
  usage:
    'export --order CODE [--preset NAME] [--mode shipping|returns|all] [--parts|--stills] [--speed|--trim] [--from S --to S] [--max-mb N --max-seconds N] [--out DIR] [--data DIR] [--orders-file FILE] [--no-zip] [--plan] [--presets [--lang en|zh-CN]]',
  run: exportOrders,
};

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

type Lang = 'en' | 'zh-CN';

// The table's own words; the preset names are the engine's message codes (shared/messages*.ts).
const TABLE_WORDS = {
  en: {
    video: 'video',
    images: 'images',
    anySize: 'any size',
    anyLength: 'any length',
    seconds: 's',
    comma: ', ',
    unknown: '  (limits unknown: conservative defaults)',
  },
  'zh-CN': {
    video: '视频',
    images: '图片',
    anySize: '不限大小',
    anyLength: '不限时长',
    seconds: '秒',
    comma: '，',
    unknown: '  （限制未公布：使用保守默认值）',
  },
} as const;

function wordIn(lang: Lang, m: Message): string {
  return lang === 'zh-CN' && isMessageCode(m.code) ? fillTemplate(messagesZhCN[m.code], m.params) : formatMessage(m);
}

/**
 * --lang, else the station's language setting (its index, read only, when there is one), else the
 * system's (LC_ALL, LC_MESSAGES, LANG), as the desktop window follows it.
 */
function presetsLanguage(lang: string | undefined, dataDir: string): Lang {
  if (lang !== undefined) {
    if (lang !== 'en' && lang !== 'zh-CN') throw new UsageError('--lang is en or zh-CN');
    return lang;
  }
  let setting: unknown = 'system';
  const dbFile = layout(dataDir).dbFile;
  if (fs.existsSync(dbFile)) {
    try {
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare(`SELECT value FROM settings WHERE key='language'`).get() as { value: string } | undefined;
        if (row) setting = JSON.parse(row.value);
      } finally {
        db.close();
      }
    } catch {
      // an index this process cannot read: the system's language
    }
  }
  if (setting === 'en' || setting === 'zh-CN') return setting;
  const sys = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '';
  return /^zh/i.test(sys) ? 'zh-CN' : 'en';
}

/** The preset table: id, name, what the channel takes and its limits, aligned by terminal columns (Chinese is two wide). */
export function presetsTable(lang: Lang): string[] {
  const w = TABLE_WORDS[lang];
  const rows = PRESETS.map((p) => {
    const takes = [p.video ? w.video : null, p.image ? w.images : null, p.pdf ? 'PDF' : null].filter(Boolean).join(' + ');
    const limits = p.video
      ? `${p.video.maxBytes === null ? w.anySize : mb(p.video.maxBytes)}${w.comma}${p.video.maxDurationMs === null ? w.anyLength : `${p.video.maxDurationMs / 1000} ${w.seconds}`}`
      : `${w.images} ${p.image ? mb(p.image.maxBytes) : '-'}`;
    return { id: p.id, name: wordIn(lang, presetWords(p).name), takes, limits: `${limits}${p.limitsKnown ? '' : w.unknown}` };
  });
  const width = (k: 'id' | 'name' | 'takes') => Math.max(...rows.map((r) => displayWidth(r[k])));
  const [idW, nameW, takesW] = [width('id'), width('name'), width('takes')];
  return rows.map((r) => `${padColumns(r.id, idW)}  ${padColumns(r.name, nameW)}  ${padColumns(r.takes, takesW)}  ${r.limits}`);
}

function printPresets(lang: string | undefined, data: string | undefined): void {
  for (const line of presetsTable(presetsLanguage(lang, dataDirFrom(data)))) console.log(line);
}

function uniqueDir(parent: string, name: string): string {
  let dir = path.join(parent, name);
  for (let i = 2; fs.existsSync(dir); i++) dir = path.join(parent, `${name}_${i}`);
  return dir;
}

async function exportOrders(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      order: { type: 'string', multiple: true },
      'orders-file': { type: 'string' },
      preset: { type: 'string', default: 'original' },
      // The order's packing clips by default; its return (unboxing) clips only when asked.
      mode: { type: 'string', default: 'shipping' },
      parts: { type: 'boolean', default: false },
      stills: { type: 'boolean', default: false },
      speed: { type: 'boolean', default: false },
      trim: { type: 'boolean', default: false },
      from: { type: 'string' },
      to: { type: 'string' },
      'max-mb': { type: 'string' },
      'max-seconds': { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      'no-zip': { type: 'boolean', default: false },
      plan: { type: 'boolean', default: false },
      presets: { type: 'boolean', default: false },
      lang: { type: 'string' },
    },
  });
  if (values.presets) return printPresets(values.lang, values.data);
  const orders = [...(values.order ?? [])];
  if (values['orders-file']) {
    const text = await fsp.readFile(values['orders-file'], 'utf8').catch((err: Error) => {
      throw new PwError('bad-input', `Cannot read the orders file: ${err.message}`);
    });
    // One code per line; commas, semicolons, tabs and spaces also separate (pasted from a sheet).
    orders.push(...text.split(/[\s,;]+/u).filter(Boolean));
  }
  if (orders.length === 0) throw new UsageError('export needs --order CODE or --orders-file FILE');
  if (values.parts && values.stills) throw new UsageError('choose --parts or --stills, not both');
  if ([values.parts, values.speed, values.trim].filter(Boolean).length > 1) throw new UsageError('choose one of --parts, --speed, --trim');
  const num = (v: string | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`${what} must be a number`);
    return n;
  };
  const mode = values.mode;
  if (mode !== 'shipping' && mode !== 'returns' && mode !== 'all') throw new UsageError('--mode is shipping, returns or all');
  const from = num(values.from, '--from');
  const to = num(values.to, '--to');
  const base: Omit<ExportRequest, 'order'> = {
    preset: values.preset,
    form: values.stills ? 'stills' : values.parts || values.speed || values.trim ? 'video' : null,
    fit: values.speed ? 'speed' : values.trim ? 'trim' : 'parts',
    range: from !== undefined || to !== undefined ? { startMs: (from ?? 0) * 1000, endMs: (to ?? 1e9) * 1000 } : null,
    custom: { maxMB: num(values['max-mb'], '--max-mb'), maxSeconds: num(values['max-seconds'], '--max-seconds') },
    zip: !values['no-zip'],
    mode,
    actor: EXPORT_ACTOR.cli,
  };
  // An unknown preset stops before anything is opened, and is a usage mistake (exit 2), like a typo in a flag.
  try {
    resolvePreset(base.preset, base.custom);
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }

  const dataDir = dataDirFrom(values.data);
  const engine = await Engine.open({ dataDir, timestampWorker: false });
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const failed: { order: string; reason: string }[] = [];
  let written = 0;
  try {
    for (const [i, order] of orders.entries()) {
      const label = orders.length > 1 ? `[${i + 1}/${orders.length}] ` : '';
      let outDir: string | null = null;
      try {
        if (values.plan) {
          const p = await planOrder(engine, { ...base, order });
          for (const c of p.clips) {
            const parts =
              c.plan.form === 'encode'
                ? `${c.plan.parts.length} part(s), ${c.plan.width}x${c.plan.height}`
                : c.plan.form === 'stills'
                  ? `${c.plan.atMs.length} stills`
                  : 'copy of the original';
            console.log(
              `${label}${p.order} clip ${c.row.id} (${c.row.mode === 'returns' ? 'returns' : 'shipping'}): ${parts}, about ${mb(c.plan.expectedBytes)}${c.plan.edits.length ? `, EDITED: ${c.plan.edits.join(', ')}` : ''}`,
            );
            for (const w of c.plan.warnings) console.log(`  note: ${w}`);
          }
          continue;
        }
        const outParent = values.out ? path.resolve(values.out) : path.join(dataDir, 'exports');
        outDir = uniqueDir(outParent, `${safeName(order.trim())}_${base.preset}`);
        const started = Date.now();
        let lastLine = 0;
        const result = await runExport(engine, { ...base, order }, outDir, {
          signal: controller.signal,
          onProgress: (f, stage) => {
            if (!process.stderr.isTTY || Date.now() - lastLine < 200) return;
            lastLine = Date.now();
            const eta = etaMs(f, Date.now() - started);
            process.stderr.write(
              `\r${label}${order}: ${(f * 100).toFixed(0).padStart(3)}%  ${eta === null ? '' : `${Math.ceil(eta / 1000)} s left  `}${stage}        `,
            );
          },
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        console.log(`${label}Exported ${result.order} to ${result.outDir}`);
        for (const f of result.files) console.log(`  wrote ${f.path}  (${f.bytes} bytes)`);
        for (const w of result.warnings) console.log(`  note: ${w}`);
        if (result.edits.length) console.log(`  EDITED: ${result.edits.join(', ')}`);
        written++;
      } catch (err) {
        if (process.stderr.isTTY) process.stderr.write('\n');
        // A half-made package is worse than none: the folder was new, so it goes entirely.
        if (outDir) await fsp.rm(outDir, { recursive: true, force: true }).catch(() => {});
        const reason = errorMessage(err).split('\n')[0] ?? String(err);
        failed.push({ order, reason });
        if (controller.signal.aborted) break;
        if (orders.length > 1) console.error(`${label}${order}: FAILED: ${reason}`);
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    await engine.close();
  }
  if (orders.length > 1 && !values.plan) {
    console.log(`\n${written} of ${orders.length} order(s) exported, ${failed.length} failed.`);
    for (const f of failed) console.log(`  ${f.order}: ${f.reason}`);
  }
  if (failed.length) {
    if (orders.length === 1) throw new PwError('not-found', failed[0]!.reason);
    process.exitCode = 1;
  }
}
