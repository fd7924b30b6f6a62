// Asks Portico, before a scenario starts it, whether it accepts the listener the
// scenario needs: `portico check --output json` reports each listener's
// Accepted/Programmed conditions, so a listener Portico cannot serve yet (HTTPS
// before TLS lands) is skipped with Portico's own reason instead of a timeout.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface CheckEntry {
  kind: string;
  metadata: { name: string; namespace?: string };
  status?: { listeners?: { name: string; conditions?: Condition[] }[] };
}

/** Why `listener` of the Gateways in `check`'s JSON is not served, or undefined when it is Accepted and Programmed. */
export function listenerProblem(checkJson: string, listener: string): string | undefined {
  const entries = JSON.parse(checkJson) as CheckEntry[];
  for (const entry of entries) {
    if (entry.kind !== 'Gateway') continue;
    const found = entry.status?.listeners?.find((candidate) => candidate.name === listener);
    if (!found) return `Gateway ${entry.metadata.name} reports no listener "${listener}"`;
    for (const type of ['Accepted', 'Programmed']) {
      const condition = found.conditions?.find((candidate) => candidate.type === type);
      if (condition?.status !== 'True') {
        return `listener "${listener}" ${type}=${condition?.status ?? 'missing'}${condition?.reason ? ` ${condition.reason}` : ''}${condition?.message ? `: ${condition.message}` : ''}`;
      }
    }
  }
  return undefined;
}

/** Runs `portico check --output json` on `configDir`; check exits 1 when something is not accepted, which is still an answer. */
export async function porticoCheckJson(repository: string, configDir: string): Promise<string> {
  const node = join(repository, 'node_modules', '.bin', 'node');
  try {
    const { stdout } = await run(node, ['bin/portico.js', 'check', '--config', configDir, '--output', 'json'], { cwd: repository, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if ((error as { code?: unknown }).code === 1 && stdout) return stdout;
    throw error;
  }
}
