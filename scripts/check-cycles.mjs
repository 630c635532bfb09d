// Fails when the project's own modules import each other in a circle. A cycle means two parts
// cannot be understood, tested or replaced apart (the index and clip-store seams depend on that),
// and at run time one side of it sees the other half-initialised. Type-only imports count too:
// they tie the parts together just the same.
//   node scripts/check-cycles.mjs            check electron/, renderer/src, shared/, scripts/bench
//   node scripts/check-cycles.mjs --runtime  only imports that exist at run time
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const runtimeOnly = process.argv.includes('--runtime');
const roots = ['electron', 'renderer/src', 'shared', 'scripts/bench'].map((d) => path.join(root, d));

function walk(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolve(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec.replace(/\?.*$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return null;
}

function importsOf(file) {
  const src = ts.createSourceFile(
    file,
    fs.readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    false,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const out = [];
  const add = (spec, typeOnly) => {
    if (runtimeOnly && typeOnly) return;
    const r = resolve(file, spec);
    if (r && /\.(ts|tsx|mts)$/.test(r)) out.push(r);
  };
  for (const st of src.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const c = st.importClause;
      const typeOnly =
        !!c &&
        (c.isTypeOnly ||
          (!c.name &&
            c.namedBindings &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(st.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      add(st.moduleSpecifier.text, st.isTypeOnly);
    }
  }
  // Dynamic import() is how a cycle is broken on purpose at run time; it still counts as a tie.
  const visit = (n) => {
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0]))
      add(n.arguments[0].text, false);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

const files = roots.flatMap((r) => walk(r, []));
const graph = new Map(files.map((f) => [f, importsOf(f)]));

// Tarjan's strongly connected components: every component with more than one file is a cycle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
const comps = [];
function strong(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) comps.push(comp);
  }
}
for (const f of files) if (!idx.has(f)) strong(f);

const rel = (f) => path.relative(root, f);
if (comps.length === 0) {
  console.log(`check-cycles: no import cycle among ${files.length} modules${runtimeOnly ? ' (run-time imports)' : ''}`);
  process.exit(0);
}
for (const c of comps) {
  // One concrete loop through the component, so the message says which imports to cut.
  const inC = new Set(c);
  const start = c[0];
  const prev = new Map([[start, null]]);
  const queue = [start];
  let loop = null;
  while (queue.length && !loop) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inC.has(w)) continue;
      if (w === start) {
        loop = [];
        for (let x = v; x; x = prev.get(x)) loop.unshift(x);
        break;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  console.error(`import cycle among ${c.length} modules: ${(loop ?? c).map(rel).join(' -> ')} -> ${rel(start)}`);
}
process.exit(1);
