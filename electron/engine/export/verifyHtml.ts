// verify.html, the reviewer's page in every evidence package: the typed TypeScript entry
// renderer/verify/main.ts (with the checks it shares with the engine, shared/evidence/) bundled by
// esbuild into ONE self-contained HTML file, its script and style inline, so it works offline from
// file:// with no network. `npm run build` writes it to out/verify/verify.html for the desktop
// app; a checkout bundles it from the sources on first use, so an export never carries a stale page.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The page's sources, beside the engine's in a checkout (absent in an installed app). */
export const VERIFY_SOURCE_DIR = path.resolve(here, '..', '..', '..', 'renderer', 'verify');
// Where the build puts it: seen from electron/engine/export/ (the sources) or from out/electron/ (the app's bundle).
const BUILT = [path.resolve(here, '..', '..', '..', 'out', 'verify', 'verify.html'), path.resolve(here, '..', 'verify', 'verify.html')];
// A name, not a literal: the desktop app's bundle must not try to bundle esbuild (a dev tool) into itself.
const ESBUILD = 'esbuild';
const PLACEHOLDER = /\/\*PACKWITNESS_VERIFY_SCRIPT\*\//;

/** Bundles renderer/verify into the one HTML file. */
export async function bundleVerifyHtml(sourceDir = VERIFY_SOURCE_DIR): Promise<string> {
  const esbuild = (await import(ESBUILD)) as typeof import('esbuild');
  const r = await esbuild.build({
    entryPoints: [path.join(sourceDir, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  // Inside an inline <script>, "</script" would end it: escaped, which JavaScript reads the same.
  const js = r.outputFiles[0]!.text.replace(/<\/(script)/gi, '<\\/$1');
  const template = await fs.readFile(path.join(sourceDir, 'verify.html'), 'utf8');
  if (!PLACEHOLDER.test(template)) throw new Error('renderer/verify/verify.html has no script placeholder');
  return template.replace(PLACEHOLDER, () => js);
}

let page: Promise<string> | null = null;

/** The page an export writes: bundled from the sources in a checkout, else the one the build wrote. */
export function verifyHtml(): Promise<string> {
  page ??= load().catch((err: unknown) => {
    page = null; // a failed load is tried again by the next export
    throw err;
  });
  return page;
}

async function load(): Promise<string> {
  if (existsSync(path.join(VERIFY_SOURCE_DIR, 'main.ts'))) {
    try {
      return await bundleVerifyHtml();
    } catch (err) {
      if (!BUILT.some((f) => existsSync(f))) throw err;
    }
  }
  for (const f of BUILT) if (existsSync(f)) return fs.readFile(f, 'utf8');
  throw new Error('verify.html is not built: run npm run build');
}
