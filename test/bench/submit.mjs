// 3. Submit cost: wall time of one `mcpq submit -- true` (the CLI path, Node start-up
// included) against `tsp true` and `nq true`, with the floors of this machine: a bare
// `node -e 0`, and fork+exec of `true` from here.
import { BIN, STRIPPED, makeQueue, removeDir, scratchDir, stats, timeCommand } from './lib.mjs';
import { Nq, TaskSpooler } from './peers.mjs';

export async function run(ctx) {
  const runs = ctx.runs.submit;
  const dir = scratchDir('submit');
  const queue = makeQueue(dir);
  const tsp = ctx.peers.tsp ? new TaskSpooler(1) : undefined;
  const nq = ctx.peers.nq ? new Nq() : undefined;
  const samples = { node: [], mcpq: [], mcpqAsIs: [], tsp: [], nq: [], spawn: [] };
  try {
    tsp?.run(['true']); // its server starts with the first call: not part of a submit
    ctx.progress(`submit: ${runs} of each`);
    // Interleaved, so that a burst of load elsewhere hits every tool.
    for (let i = 0; i < runs; i += 1) {
      samples.node.push(timeCommand(process.execPath, ['-e', '0']));
      samples.mcpq.push(timeCommand(process.execPath, [BIN, 'submit', '--queue', queue.root, '--', 'true']));
      if (STRIPPED.length > 0) samples.mcpqAsIs.push(timeCommand(process.execPath, [BIN, 'submit', '--queue', queue.root, '--', 'true'], { env: process.env }));
      if (tsp) samples.tsp.push(timeCommand('tsp', ['true'], { env: tsp.env }));
      if (nq) samples.nq.push(timeCommand('nq', ['-q', 'true'], { env: nq.env }));
      samples.spawn.push(timeCommand('true', []));
    }
  } finally {
    tsp?.close();
    nq?.close();
    removeDir(dir);
  }
  const result = { stripped: STRIPPED };
  for (const [key, list] of Object.entries(samples)) if (list.length > 0) result[key] = stats(list);
  return result;
}

export function rows(r, { stat, target }) {
  return [
    ['submit one job, wall (ms): mcpq submit / tsp / nq', stat(r.mcpq, 1), r.tsp ? stat(r.tsp, 1) : 'skipped', r.nq ? stat(r.nq, 1) : '—', r.tsp ? `${(r.mcpq.median / r.tsp.median).toFixed(0)}×` : '', target(r.mcpq.median < 80, '< 80 ms')],
    ['  floor: node -e 0 / fork+exec true (ms)', `${stat(r.node, 1)} / ${stat(r.spawn, 1)}`, '', '', '', ''],
    ...(r.mcpqAsIs ? [[`  mcpq submit with this shell's ${r.stripped.join(', ')} (ms)`, stat(r.mcpqAsIs, 1), '', '', '', '']] : []),
  ];
}
