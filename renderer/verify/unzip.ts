// Reads a ZIP's central directory: stored and deflated entries (what PackWitness and common zip
// tools write), flat by file name, as `packwitness verify` reads it (export/verifyPackage.ts readZip).
export async function unzip(buf: Uint8Array): Promise<Map<string, Uint8Array>> {
  const d = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u16 = (o: number): number => d.getUint16(o, true);
  const u32 = (o: number): number => d.getUint32(o, true);
  const out = new Map<string, Uint8Array>();
  let eocd = -1;
  for (let i = buf.byteLength - 22; i >= Math.max(0, buf.byteLength - 65557); i--) {
    if (u32(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP file');
  const n = u16(eocd + 10);
  let p = u32(eocd + 16);
  if (p === 0xffffffff) throw new Error('ZIP64 packages are not supported here; unzip it and choose the files');
  for (let k = 0; k < n; k++) {
    if (u32(p) !== 0x02014b50) throw new Error('damaged ZIP directory');
    const method = u16(p + 10);
    const csize = u32(p + 20);
    const nlen = u16(p + 28);
    const lho = u32(p + 42);
    const name = new TextDecoder().decode(buf.subarray(p + 46, p + 46 + nlen));
    p += 46 + nlen + u16(p + 30) + u16(p + 32);
    if (name.endsWith('/')) continue;
    const start = lho + 30 + u16(lho + 26) + u16(lho + 28);
    const raw = buf.slice(start, start + csize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8)
      data = new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer());
    else throw new Error(`unsupported compression in ${name}`);
    out.set(name.split('/').pop()!, data);
  }
  return out;
}
