// What two heap snapshots (engineMemory.ts --snapshots) differ by: objects grouped by kind and
// constructor, the groups that grew most first, then for the group named by --retainers, the chain
// of objects that keeps its members alive (what to fix).
//   node --max-old-space-size=3000 scripts/bench/heapDiff.ts A.heapsnapshot B.heapsnapshot [--top 30] [--retainers 'object:WeakRef']
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, retainers: { type: 'string' } } });
const [before, after] = positionals;
if (!before || !after) throw new Error('usage: heapDiff.ts A.heapsnapshot B.heapsnapshot [--top N] [--retainers type:name]');

const read = (file: string): Snapshot => JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;

/** A node's group: its kind and, for objects, its constructor ("object:WeakRef"); strings as one group. */
function groupOf(s: Snapshot, i: number): string {
  const f = s.snapshot.meta.node_fields;
  const type = s.snapshot.meta.node_types[0][s.nodes[i + f.indexOf('type')]!]!;
  return type.endsWith('string') ? type : `${type}:${s.strings[s.nodes[i + f.indexOf('name')]!]!.slice(0, 60)}`;
}

function groups(s: Snapshot): Map<string, { count: number; bytes: number }> {
  const f = s.snapshot.meta.node_fields;
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += f.length) {
    const g = groupOf(s, i);
    const e = out.get(g) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += s.nodes[i + f.indexOf('self_size')]!;
    out.set(g, e);
  }
  return out;
}

const a = read(before);
const ga = groups(a);
const b = read(after);
const gb = groups(b);
const rows = [...new Set([...ga.keys(), ...gb.keys()])].map((g) => {
  const x = ga.get(g) ?? { count: 0, bytes: 0 };
  const y = gb.get(g) ?? { count: 0, bytes: 0 };
  return { g, count: y.count - x.count, bytes: y.bytes - x.bytes };
});
rows.sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes));
console.log(`self size: ${(rows.reduce((t, r) => t + r.bytes, 0) / 1024).toFixed(0)} KB more in ${after}`);
for (const r of rows.slice(0, Number(values.top))) console.log(`${String(r.count).padStart(9)} ${(r.bytes / 1024).toFixed(1).padStart(9)} KB  ${r.g}`);

if (values.retainers) {
  // Reverse the strong edges of the second snapshot, then follow each member's first retainer up.
  const m = b.snapshot.meta;
  const nf = m.node_fields.length;
  const ef = m.edge_fields.length;
  const n = b.nodes.length / nf;
  const retainer = new Int32Array(n).fill(-1);
  const via: string[] = new Array<string>(n);
  for (let i = 0, e = 0; i < n; i++) {
    const end = e + b.nodes[i * nf + m.node_fields.indexOf('edge_count')]! * ef;
    for (; e < end; e += ef) {
      const type = m.edge_types[0][b.edges[e + m.edge_fields.indexOf('type')]!]!;
      if (type === 'weak') continue;
      const to = b.edges[e + m.edge_fields.indexOf('to_node')]! / nf;
      if (retainer[to] !== -1) continue;
      retainer[to] = i;
      const name = b.edges[e + m.edge_fields.indexOf('name_or_index')]!;
      via[to] = type === 'element' || type === 'hidden' ? `[${name}]` : b.strings[name]!;
    }
  }
  const chains = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (groupOf(b, i * nf) !== values.retainers) continue;
    const parts: string[] = [];
    for (let at = i, d = 0; d < 6 && retainer[at] !== -1; d++, at = retainer[at]!) parts.push(`<-${via[at]}- ${groupOf(b, retainer[at]! * nf)}`);
    const k = parts.join(' ');
    chains.set(k, (chains.get(k) ?? 0) + 1);
  }
  console.log(`\nwhat keeps ${values.retainers} alive (first retainer, 6 steps up):`);
  for (const [k, c] of [...chains].sort((x, y) => y[1] - x[1]).slice(0, 10)) console.log(`${String(c).padStart(9)}  ${k}`);
}
