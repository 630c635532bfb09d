// Experiment: cost of the preview at full vs reduced frame rate (a cloned track with frameRate max).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import { startServe, waitForState, scan, CHROMIUM } from '../../../test/helpers/station.ts';
import { CpuMeter, processTree, sleep, round } from '../stats.ts';
const dir = fs.mkdtempSync('/tmp/pwprev-');
const served = await startServe(['--data', dir]);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless','--no-sandbox','--disable-gpu','--use-fake-ui-for-media-stream','--use-fake-device-for-media-stream=fps=30','--disable-background-timer-throttling','--disable-renderer-backgrounding','--disable-backgrounding-occluded-windows'] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
await page.goto(served.url);
await waitForState(page, 'idle', undefined, 60000);
await sleep(2000);
await scan(page, 'SF9400000000001');
await waitForState(page, 'recording', 'SF9400000000001');
const roots = processTree(process.pid).filter((p) => p !== process.pid);
const m = async (label: string) => { await sleep(2000); const c = new CpuMeter([browser as any ? roots[0]! : 0, ...roots.slice(1)]); c.start(); await sleep(20000); const r = c.stop(); console.log(label, round(r.cpuS * 60 / r.wallS, 1), JSON.stringify(Object.fromEntries(Object.entries(r.byKind).map(([k, v]) => [k, round(v * 60 / r.wallS, 1)])))); };
const info = await page.evaluate(() => { const v = document.querySelector('video[data-testid="preview"]') as HTMLVideoElement; const r = v.getBoundingClientRect(); return { w: r.width, h: r.height, vw: v.videoWidth }; });
console.log('preview box', JSON.stringify(info));
await m('full preview');
const ok = await page.evaluate(async () => {
  const v = document.querySelector('video[data-testid="preview"]') as HTMLVideoElement;
  const s = v.srcObject as MediaStream; (window as any).__orig = s;
  const t = s.getVideoTracks()[0]!.clone();
  try { await t.applyConstraints({ frameRate: { max: 15 } }); } catch (e) { return String(e); }
  v.srcObject = new MediaStream([t]);
  return JSON.stringify(t.getSettings());
});
console.log('clone 15fps', ok);
await m('preview 15 fps');
await page.evaluate(async () => {
  const v = document.querySelector('video[data-testid="preview"]') as HTMLVideoElement;
  const t = ((window as any).__orig as MediaStream).getVideoTracks()[0]!.clone();
  await t.applyConstraints({ width: 640, height: 360, frameRate: { max: 15 } });
  v.srcObject = new MediaStream([t]);
});
await m('preview 640x360 15 fps');
await browser.close(); await served.stop();
