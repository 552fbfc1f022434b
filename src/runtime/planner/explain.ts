/** Renders a map plan for people: what was measured, what was chosen, and what was rejected and why. */
import type { MapPlanData } from './types.js';

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  if (ms >= 0.1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

export function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

function config(workers: number, chunkSize: number): string {
  return workers === 0 ? 'serial' : `${workers} worker${workers === 1 ? '' : 's'} × chunks of ${chunkSize}`;
}

/** One line: the decision and its estimate. */
export function summaryLine(p: MapPlanData): string {
  const what = p.mode === 'serial' ? 'serial' : `${config(p.workers, p.chunkSize)}${p.minChunk < p.chunkSize ? `→${p.minChunk}` : ''} (~${p.chunks} chunks)`;
  const est = `estimated ${p.estimate.speedup.toFixed(2)}× (serial ${fmtMs(p.estimate.serialMs)} → ${fmtMs(p.estimate.planMs)})`;
  const real = p.realised ? `; realised ${p.realised.speedup.toFixed(2)}× (${fmtMs(p.realised.wallMs)})` : '';
  return `map '${p.label}' over ${p.items} items: ${what}, ${est}${real}`;
}

/** The full explanation (`plan.explain()`, `sluice plan --explain`). */
export function explainPlan(p: MapPlanData): string {
  const s = p.sample;
  const m = p.machine;
  const lines = [summaryLine(p)];
  lines.push(`  why: ${p.reasons.join('; ') || '-'}`);
  lines.push(`  dry run: ${s.items} item${s.items === 1 ? '' : 's'} in this thread (results kept), ${fmtMs(s.wallMs)}`);
  lines.push(
    `    compute  ${fmtMs(s.itemMs)}/item, cv ${s.cvKnown ? s.cv.toFixed(2) : `${s.cv.toFixed(2)} (assumed: too few items to measure)`}` +
      `${s.items >= 3 ? `, first call ${fmtMs(s.firstMs)} (JIT warm-up: ${s.items >= 8 ? 'the first half of the sample is' : 'it is'} left out)` : ''}${s.async ? ', async' : ''}`,
  );
  if (s.itemBytes > 0 || s.resultBytes > 0) {
    lines.push(`    item     ${fmtBytes(s.itemBytes)}, serialise + deserialise ${fmtMs(s.itemTransferMs)}`);
    lines.push(`    result   ${fmtBytes(s.resultBytes)}, serialise + deserialise ${fmtMs(s.resultTransferMs)}`);
  }
  if (s.callBytes > 0) lines.push(`    memory   ~${fmtBytes(s.callBytes)} allocated per call`);
  if (m.cores === 0) lines.push(`  machine: ${m.budgetReason}`);
  else lines.push(`  machine: ${m.cores % 1 === 0 ? m.cores : m.cores.toFixed(2)} core(s) for this map — ${m.budgetReason}; ${fmtBytes(m.freeBytes)} free`);
  if (m.facts !== 'not needed') {
    const when = m.measuredAt ? ` ${new Date(m.measuredAt).toISOString().slice(0, 16).replace('T', ' ')}` : '';
    lines.push(
      `    workers  start ${fmtMs(m.workerStartMs)} + import ${fmtMs(m.importMs)}${m.importKnown ? '' : ' (assumed: module not imported in a worker yet)'}, ` +
        `${fmtBytes(m.workerBytes)} each; ${m.warmWorkers} warm; busy together, each runs at ${Math.round(m.threadEfficiency * 100)}% of one alone`,
    );
    lines.push(`    dispatch ${fmtMs(m.roundTripMs)} round trip, ${fmtMs(m.pipelinedMs)} per chunk pipelined (${m.facts}${when})`);
  }
  if (p.mode === 'parallel') {
    lines.push(
      `  estimate: serial ${fmtMs(p.estimate.serialMs)}; plan ${fmtMs(p.estimate.planMs)} = dry run + start ${fmtMs(p.estimate.startMs)}` +
        `${p.estimate.helpedItems > 0 ? ` (main thread runs ~${p.estimate.helpedItems} items meanwhile)` : ''} + ${p.chunks} chunks on ${p.workers} workers`,
    );
  }
  if (p.alternatives.length > 0) {
    lines.push('  rejected:');
    for (const a of p.alternatives) lines.push(`    ${config(a.workers, a.chunkSize).padEnd(28)} ${fmtMs(a.totalMs).padStart(9)}  ${a.reason}`);
  }
  for (const u of p.unsendable.slice(0, 5)) lines.push(`  cannot send item ${u.index}: ${u.problem}`);
  for (const w of p.warnings) lines.push(`  warning: ${w}`);
  if (p.realised) {
    const r = p.realised;
    lines.push(
      `  realised: ${fmtMs(r.wallMs)}, ${r.speedup.toFixed(2)}× vs estimated serial (estimate was ${p.estimate.speedup.toFixed(2)}×); ` +
        `${r.workerItems} items on ${r.workersUsed} worker(s), ${r.mainItems} on the main thread`,
    );
  }
  return lines.join('\n');
}
