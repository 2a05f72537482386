// Summarises V8 .cpuprofile files (node --cpu-prof) by self time: the top functions, and the share of
// each package or area of the code. Usage: node test/bench/cpu-profile-summary.js FILE... [--top=N]
// Used for docs/BENCHMARKS.md ("Where the time goes"); prints text, changes nothing.
'use strict';
const { readFileSync } = require('node:fs');

const args = process.argv.slice(2);
const top = Number((args.find((a) => a.startsWith('--top=')) ?? '--top=25').slice(6));
const files = args.filter((a) => !a.startsWith('--'));

function area(url, name) {
  if (!url) return name === '(garbage collector)' ? 'GC' : name.startsWith('(') ? name : 'native/builtin';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `npm:${nm[1]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const lib = /(libs|apps)\/([^/]+)\//.exec(url);
  if (lib) return `${lib[1]}/${lib[2]}`;
  return url.replace(/^.*\//, '');
}

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  // Start-up (loading modules, building the application) is left out: the samples up to the last
  // one whose stack loads a module (Module._load) in the first minute.
  const loads = (id) => {
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      const f = byId.get(at).callFrame.functionName;
      if (f === 'Module._load' || f === 'wrapSafe' || f === 'compileForInternalLoader') return true;
    }
    return false;
  };
  let t = 0;
  let from = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += dt[i] ?? 0;
    if (t > Number(process.env.STARTUP_WITHIN_S ?? 60) * 1e6) break;
    if (loads(profile.samples[i])) from = i + 1;
  }
  let skipped = 0;
  for (let i = 0; i < from; i++) skipped += dt[i] ?? 0;
  for (let i = from; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  // Each sample also charged to the nearest frame of the hub's own code (libs/, apps/) above it.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owners = new Map();
  for (const [id, us] of self) {
    let at = id;
    while (at !== undefined && !/\/(libs|apps)\//.test(byId.get(at).callFrame.url || '')) at = parent.get(at);
    const cf = at === undefined ? null : byId.get(at).callFrame;
    const key = cf
      ? `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*\/(libs|apps)\//, '$1/')}:${cf.lineNumber + 1}`
      : `(outside the hub's code) ${byId.get(id).callFrame.functionName}`.startsWith('(outside the hub\'s code) (idle)')
        ? '(idle)'
        : '(outside the hub\'s code)';
    owners.set(key, (owners.get(key) ?? 0) + us);
  }
  const fns = new Map();
  const areas = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const where = cf.url ? `${cf.url.replace(/^.*\/(node_modules|libs|apps)\//, '$1/')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const a = area(cf.url, cf.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
  }
  const idle = [...fns].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;
  const pct = (us) => `${((100 * us) / busy).toFixed(1)}%`;
  console.log(`\n${file}: start-up ${(skipped / 1e6).toFixed(1)} s left out; then ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(1)} s (idle excluded below)`);
  console.log('  by area:');
  for (const [a, us] of [...areas].filter(([a]) => a !== '(idle)').sort((x, y) => y[1] - x[1]).slice(0, 20))
    console.log(`    ${pct(us).padStart(6)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${a}`);
  console.log("  by nearest frame of the hub's code (self time of everything it called):");
  for (const [k, us] of [...owners].filter(([k]) => k !== '(idle)').sort((x, y) => y[1] - x[1]).slice(0, top))
    console.log(`    ${pct(us).padStart(6)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${k}`);
  console.log('  top functions (self):');
  for (const [k, us] of [...fns].filter(([k]) => !k.startsWith('(idle)')).sort((x, y) => y[1] - x[1]).slice(0, top))
    console.log(`    ${pct(us).padStart(6)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${k}`);
}
