// Reads a Chromium .cpuprofile (CDP Profiler.Profile) into the functions that cost the most: self time (samples in
// the function itself) and total time (samples with the function anywhere on the stack, counted once per sample
// even when it recurses), aggregated by function name and source position, so many nodes of one function add up.

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionCost {
  /** "name url:line" (the file name only; line 1-based). */
  key: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  /** Wall time the profile spans, and the sampled time that was not idle, program or GC. */
  spanMs: number;
  busyMs: number;
  gcMs: number;
  functions: FunctionCost[];
}

const IDLE = new Set(['(idle)', '(program)', '(root)']);

function keyOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.slice(url.lastIndexOf('/') + 1) : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Time per sample: the delta to the next sample (the last one gets the mean).
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) {
    const us =
      i + 1 < deltas.length ? deltas[i + 1]! : (profile.endTime - profile.startTime) / Math.max(1, samples.length);
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, us));
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + us);
    if (node.callFrame.functionName === '(garbage collector)') gc += us;
    if (!IDLE.has(node.callFrame.functionName)) busy += us;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf(byId.get(at)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const functions = [...self.keys(), ...total.keys()]
    .filter((k, i, all) => all.indexOf(k) === i && !IDLE.has(k))
    .map((key) => ({ key, selfMs: (self.get(key) ?? 0) / 1000, totalMs: (total.get(key) ?? 0) / 1000 }));
  return { spanMs: (profile.endTime - profile.startTime) / 1000, busyMs: busy / 1000, gcMs: gc / 1000, functions };
}

/** The top `n` by self time and by total time, as printable lines. */
export function formatSummary(title: string, summary: ProfileSummary, n = 25): string {
  const line = (f: FunctionCost) =>
    `  ${f.selfMs.toFixed(0).padStart(8)} ${f.totalMs.toFixed(0).padStart(8)}  ${f.key}`;
  const head = `  ${'self ms'.padStart(8)} ${'total ms'.padStart(8)}  function`;
  const bySelf = [...summary.functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, n);
  const byTotal = [...summary.functions].sort((a, b) => b.totalMs - a.totalMs).slice(0, n);
  return [
    `${title}: ${(summary.spanMs / 1000).toFixed(1)} s profiled, ${(summary.busyMs / 1000).toFixed(1)} s busy, GC ${(summary.gcMs / 1000).toFixed(1)} s`,
    ` by self time:`,
    head,
    ...bySelf.map(line),
    ` by total time:`,
    head,
    ...byTotal.map(line),
  ].join('\n');
}
