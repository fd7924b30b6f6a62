// The TLS scale scenario's figures turned into what the table and the targets
// print: medians of the rounds, the N-names/1-name ratio (median of the
// per-round ratios, each round's two runs side by side in time), and memory
// per certificate = (memory with N − memory with 1) / (N − 1), on PSS.
import type { HandshakeRun, TlsScaleFigures } from './measure.ts';

interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface TlsScaleSummary {
  certificates: number;
  oneName: Spread;
  manyNames: Spread;
  /** Warm handshakes/s with N names over the same with one name. */
  manyOverOne: number;
  coldPerSecond: number;
  /** The proxy's median share of its core during the warm runs (below ~0.85: something else was the limit). */
  proxyBusy: number;
  /** The handshake client's median share of its core during the same runs. */
  clientBusy: number;
  /**
   * The proxy's CPU per handshake (µs, median of the warm runs) with one name
   * and with N: what each handshake costs the proxy whatever the client's
   * ceiling, so the comparison holds when the client was the limit.
   */
  cpuPerHandshakeUs: { one: number; many: number };
  memory: { one: number; manyLoaded: number; manyHandshaken: number };
  bytesPerCertificate: { loaded: number; handshaken: number };
  startSeconds: { one: number; many: number };
  changeMs?: (number | undefined)[];
  changeNote?: string;
}

function cpuPerHandshake(runs: readonly HandshakeRun[], spread: (values: number[]) => Spread): number {
  return runs.length === 0 ? Number.NaN : spread(runs.map((run) => (run.proxyBusy / run.perSecond) * 1e6)).median;
}

export function tlsScaleSummary(figures: TlsScaleFigures, spread: (values: number[]) => Spread): TlsScaleSummary {
  const { certificates, memory } = figures;
  const perCertificate = (bytes: number): number => (bytes - memory.one.pssBytes) / Math.max(1, certificates - 1);
  const ratios = figures.manyNames.map((run, i) => run.perSecond / (figures.oneName[i]?.perSecond ?? Number.NaN));
  return {
    certificates,
    oneName: spread(figures.oneName.map((run) => run.perSecond)),
    manyNames: spread(figures.manyNames.map((run) => run.perSecond)),
    manyOverOne: ratios.length === 0 ? Number.NaN : spread(ratios).median,
    coldPerSecond: figures.cold.perSecond,
    proxyBusy: spread([...figures.oneName, ...figures.manyNames].map((run) => run.proxyBusy)).median,
    clientBusy: spread([...figures.oneName, ...figures.manyNames].map((run) => run.clientBusy)).median,
    cpuPerHandshakeUs: { one: cpuPerHandshake(figures.oneName, spread), many: cpuPerHandshake(figures.manyNames, spread) },
    memory: { one: memory.one.pssBytes, manyLoaded: memory.manyLoaded.pssBytes, manyHandshaken: memory.manyHandshaken.pssBytes },
    bytesPerCertificate: { loaded: perCertificate(memory.manyLoaded.pssBytes), handshaken: perCertificate(memory.manyHandshaken.pssBytes) },
    startSeconds: figures.startSeconds,
    ...(figures.changeMs === undefined ? {} : { changeMs: figures.changeMs }),
    ...(figures.changeNote === undefined ? {} : { changeNote: figures.changeNote }),
  };
}

/** The lines under the table: what the columns cannot hold. */
export function tlsScaleNotes(proxy: string, summary: TlsScaleSummary): string[] {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  const lines = [
    `${proxy}: CPU per handshake ${Math.round(summary.cpuPerHandshakeUs.one)} µs with 1 name, ${Math.round(summary.cpuPerHandshakeUs.many)} µs with ${summary.certificates.toLocaleString('en-US')} (${(summary.cpuPerHandshakeUs.many / summary.cpuPerHandshakeUs.one).toFixed(2)}x)`,
    `${proxy}: start → accepting ${summary.startSeconds.one.toFixed(1)} s with 1 certificate, ${summary.startSeconds.many.toFixed(1)} s with ${summary.certificates.toLocaleString('en-US')}; memory per certificate ${kb(summary.bytesPerCertificate.loaded)} loaded, ${kb(summary.bytesPerCertificate.handshaken)} once every name was handshaken`,
  ];
  if (summary.proxyBusy < 0.85) {
    const limit = summary.clientBusy >= 0.85 ? 'the client was the limit' : `the client was busy ${Math.round(summary.clientBusy * 100)}%: other programs on the machine were the limit`;
    lines.push(`${proxy}: busy only ${Math.round(summary.proxyBusy * 100)}% of its core during the runs; ${limit}, not ${proxy}`);
  }
  if (summary.changeNote !== undefined) lines.push(`${proxy}: certificate change ${summary.changeNote}`);
  return lines;
}
