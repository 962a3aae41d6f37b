// Deployments: production services the app asks for their status report (`GET .../casebook/status`,
// the runtime's RuntimeStatus). A poll asks every service at once, each with a short timeout, and
// stores what each answered or why it did not; one bad service never fails the poll. Which of our
// versions a service runs is decided by hash, when the window asks, so a label moved since the poll
// shows at once.
import { parseRuntimeStatus } from '../../../shared/src/api/publish-schemas.js';
import type { DeploymentRecord } from '../../../shared/src/api/records.js';
import type { RuntimeStatus } from '../../../shared/src/service/types.js';
import type { Repositories } from '../../services/workspace/index.js';
import type { StoredDeployment } from '../../services/workspace/deployments.js';
import { readDraft } from '../draft.js';
import { redactUrls } from './git.js';
import { readAtMost, shownUrl } from './http.js';

/** How long one service may take to answer a poll. */
export const POLL_TIMEOUT_MS = 3_000;
/** The largest status report read. */
export const MAX_STATUS_BYTES = 1024 * 1024;

export const NOT_A_STATUS_REPORT = 'not a Casebook status report';

/** Whether a parsed body is a status report this app reads (format `casebook-status/1`, every field checked). */
export function isStatusReport(value: unknown): value is RuntimeStatus {
  return parseRuntimeStatus(value) !== null;
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

/**
 * Asks one service for its report: the validated, normalised report, or why there is none. Never
 * throws. The body is read as a stream and cancelled past MAX_STATUS_BYTES (whatever the
 * content-length says, or when there is none); a non-2xx answer's body is not read at all.
 */
export async function fetchStatus(url: string, timeoutMs = POLL_TIMEOUT_MS): Promise<{ status: RuntimeStatus | null; error: string | null }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const tooBig = { status: null, error: `${NOT_A_STATUS_REPORT} (the answer is over ${MAX_STATUS_BYTES} bytes)` };
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return { status: null, error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} from ${shownUrl(url)}` };
    }
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_STATUS_BYTES) {
      await res.body?.cancel().catch(() => undefined);
      return tooBig;
    }
    const { bytes, truncated } = await readAtMost(res, MAX_STATUS_BYTES);
    if (truncated) return tooBig;
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      return { status: null, error: `${NOT_A_STATUS_REPORT} (the answer is not JSON)` };
    }
    const status = parseRuntimeStatus(body);
    if (!status) return { status: null, error: NOT_A_STATUS_REPORT };
    return { status, error: null };
  } catch (err) {
    return { status: null, error: redactUrls(pollReason(err)) };
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
      // No credentials of a URL in a stored error (a status URL saved before they were refused).
      const error = outcome.error === null ? null : redactUrls(outcome.error).slice(0, 2000);
      try {
        repos.deployments.recordPoll(d.id, { at: now().toISOString(), status: outcome.status, error });
      } catch {
        // Deleted meanwhile, or the workspace closed: nothing to record.
      }
    }),
  );
  return repos.deployments.list().map((d) => deploymentRecord(repos, d));
}
