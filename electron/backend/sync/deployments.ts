// Deployments: production services the app asks for their status report (`GET .../casebook/status`,
// the runtime's RuntimeStatus). A poll asks every service at once, each with a short timeout, and
// stores what each answered or why it did not; one bad service never fails the poll. Which of our
// versions a service runs is decided by hash, when the window asks, so a label moved since the poll
// shows at once.
import type { DeploymentRecord } from '../../../shared/src/api/records.js';
import type { RuntimeStatus } from '../../../shared/src/service/types.js';
import type { Repositories } from '../../services/workspace/index.js';
import type { StoredDeployment } from '../../services/workspace/deployments.js';
import { readDraft } from '../draft.js';
import { shownUrl } from './http.js';

/** How long one service may take to answer a poll. */
export const POLL_TIMEOUT_MS = 3_000;
/** The largest status report read. */
export const MAX_STATUS_BYTES = 1024 * 1024;

export const NOT_A_STATUS_REPORT = 'not a Casebook status report';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a parsed body is a status report this app reads (format `casebook-status/1`). */
export function isStatusReport(value: unknown): value is RuntimeStatus {
  if (!isObject(value) || value.format !== 'casebook-status/1') return false;
  if (value.active !== null && value.active !== undefined) {
    if (!isObject(value.active) || typeof value.active.hash !== 'string') return false;
  }
  if (value.lastError !== null && value.lastError !== undefined && !isObject(value.lastError)) return false;
  return true;
}

function pollReason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${POLL_TIMEOUT_MS / 1000} s`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED): is the service running?';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found (${code})`;
  if (code) return `${e.cause?.message ?? code} (${code})`;
  return e?.cause?.message ?? e?.message ?? String(err);
}

/** Asks one service for its report: the report, or why there is none. Never throws. */
export async function fetchStatus(url: string, timeoutMs = POLL_TIMEOUT_MS): Promise<{ status: RuntimeStatus | null; error: string | null }> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal });
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_STATUS_BYTES) {
      await res.body?.cancel().catch(() => undefined);
      return { status: null, error: `${NOT_A_STATUS_REPORT} (the answer is over ${MAX_STATUS_BYTES} bytes)` };
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!res.ok) return { status: null, error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} from ${shownUrl(url)}` };
    if (bytes.length > MAX_STATUS_BYTES) return { status: null, error: `${NOT_A_STATUS_REPORT} (the answer is over ${MAX_STATUS_BYTES} bytes)` };
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      return { status: null, error: `${NOT_A_STATUS_REPORT} (the answer is not JSON)` };
    }
    if (!isStatusReport(body)) return { status: null, error: NOT_A_STATUS_REPORT };
    return { status: body, error: null };
  } catch (err) {
    return { status: null, error: pollReason(err) };
  }
}

/** A deployment as the window sees it: which of our versions its reported hash is, and that version's labels. */
export function deploymentRecord(repos: Pick<Repositories, 'settings' | 'rulebookVersions'>, d: StoredDeployment): DeploymentRecord {
  let version: number | null = null;
  let labels: string[] = [];
  const hash = d.status?.active?.hash;
  if (hash) {
    const rulebookId = readDraft(repos as Repositories)?.id;
    const summary = rulebookId ? repos.rulebookVersions.list(rulebookId).find((v) => v.hash === hash) : undefined;
    const found = summary ?? repos.rulebookVersions.byHash(hash);
    if (found) {
      version = found.version;
      labels = [...found.labels];
    }
  }
  return { id: d.id, name: d.name, statusUrl: d.statusUrl, lastPolledAt: d.lastPolledAt, status: d.status, error: d.error, version, labels };
}

/** Polls every service at once and stores each outcome; answers every deployment's record. */
export async function pollDeployments(repos: Repositories, now: () => Date = () => new Date(), timeoutMs = POLL_TIMEOUT_MS): Promise<DeploymentRecord[]> {
  const services = repos.deployments.list();
  await Promise.all(
    services.map(async (d) => {
      const outcome = await fetchStatus(d.statusUrl, timeoutMs);
      try {
        repos.deployments.recordPoll(d.id, { at: now().toISOString(), ...outcome });
      } catch {
        // Deleted meanwhile, or the workspace closed: nothing to record.
      }
    }),
  );
  return repos.deployments.list().map((d) => deploymentRecord(repos, d));
}
