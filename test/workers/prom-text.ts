// A strict reader of the Prometheus text exposition format (version 0.0.4), for
// tests: every sample must belong to a family declared by a TYPE line before
// it, label values must be well-quoted, values must be numbers, and histograms
// must be consistent (cumulative buckets, +Inf equal to _count). Throws with
// the line number on anything else.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
  /** Sum of the samples named `name` whose labels include `match`. */
  sum(name: string, match?: Record<string, string>): number;
  find(name: string, match?: Record<string, string>): Sample[];
}

const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const [, keyword, name, rest] = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line) ?? [];
      if (keyword === undefined || name === undefined || !NAME.test(name)) throw new Error(`bad comment, ${where}`);
      if (keyword === 'TYPE') {
        if (!TYPES.has(rest ?? '')) throw new Error(`unknown type, ${where}`);
        if (types.has(name)) throw new Error(`family declared twice, ${where}`);
        types.set(name, rest as string);
      }
      return;
    }
    const sample = parseSample(line, where);
    const family = familyOf(sample.name, types);
    if (family === undefined) throw new Error(`sample without a TYPE line, ${where}`);
    samples.push(sample);
  });
  checkHistograms(types, samples);

  const matches = (sample: Sample, name: string, match: Record<string, string>): boolean =>
    sample.name === name && Object.entries(match).every(([key, value]) => sample.labels[key] === value);
  return {
    types,
    samples,
    find: (name, match = {}) => samples.filter((sample) => matches(sample, name, match)),
    sum: (name, match = {}) => samples.filter((sample) => matches(sample, name, match)).reduce((sum, sample) => sum + sample.value, 0),
  };
}

function parseSample(line: string, where: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new Error(`bad metric name, ${where}`);
  const name = nameMatch[0];
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)",?/.exec(rest);
      if (label === null) throw new Error(`bad label, ${where}`);
      const [all, key, raw] = label as unknown as [string, string, string];
      if (key in labels) throw new Error(`label ${key} twice, ${where}`);
      labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(all.length);
    }
    rest = rest.slice(1);
  }
  const valueMatch = /^ (\S+)( -?\d+)?$/.exec(rest);
  if (valueMatch === null) throw new Error(`bad value, ${where}`);
  const raw = valueMatch[1] as string;
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw === 'NaN' ? NaN : Number(raw);
  if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`value is not a number, ${where}`);
  return { name, labels, value };
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined;
    if (base !== undefined && (types.get(base) === 'histogram' || types.get(base) === 'summary')) return base;
  }
  return undefined;
}

function checkHistograms(types: Map<string, string>, samples: Sample[]): void {
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, { buckets: [number, number][]; count?: number }>();
    for (const sample of samples) {
      if (!sample.name.startsWith(family)) continue;
      const { le, ...rest } = sample.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      const entry = series.get(key) ?? { buckets: [] };
      series.set(key, entry);
      if (sample.name === `${family}_bucket`) {
        if (le === undefined) throw new Error(`${family}_bucket without le`);
        entry.buckets.push([le === '+Inf' ? Infinity : Number(le), sample.value]);
      } else if (sample.name === `${family}_count`) entry.count = sample.value;
    }
    for (const [key, entry] of series) {
      const sorted = [...entry.buckets].sort((a, b) => a[0] - b[0]);
      sorted.forEach(([, value], i) => {
        if (i > 0 && value < (sorted[i - 1] as [number, number])[1]) throw new Error(`${family} ${key}: buckets are not cumulative`);
      });
      const inf = sorted.at(-1);
      if (inf?.[0] !== Infinity || inf[1] !== entry.count) throw new Error(`${family} ${key}: +Inf bucket does not equal _count`);
    }
  }
}
