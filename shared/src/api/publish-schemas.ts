// Arguments of the publish, sync and deployment calls (issue 11), parsed before any handler sees them.
import { z } from 'zod';
import type { RuntimeStatus } from '../service/types.js';
import { LABEL_PATTERN } from './names.js';

const id = z.string().min(1).max(200);
const version = z.number().int().min(1).max(1_000_000);
const reason = z.string().trim().max(2000);

/** Whether a URL names a user or a password (`https://user:pass@host`). */
const hasUserinfo = (url: string): boolean => {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
};

/** An http(s) URL without a user name or password in it (they would be stored and shown in the clear). */
const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((url) => !hasUserinfo(url), 'a URL with a user name or password in it (https://user:password@…) is not accepted: give a sync target a bearer token instead');

/** What a version's file is called (`rulebook-v7`): a label of that name would be the same file. */
const VERSION_FILE_STEM = /^rulebook-v\d+$/;

export const labelName = z
  .string()
  .regex(LABEL_PATTERN, 'a label is 1-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit')
  .refine((label) => !VERSION_FILE_STEM.test(label), 'a label cannot be named like a version file (rulebook-v<N>)');

// A production service's status report (`casebook-status/1`), as a deployment poll reads it. Every
// field is what an untrusted server said: types checked, strings capped, counts finite whole
// numbers; keys not listed are dropped, so only this normalised copy is ever stored or shown.
const isoText = z.string().max(64);
const shortText = z.string().max(200);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const reportedVersion = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const loadedRulebook = z.object({ id: shortText, version: reportedVersion, hash: shortText, keyId: shortText.nullable() });

export const runtimeStatusSchema = z.object({
  format: z.literal('casebook-status/1'),
  service: shortText,
  runtimeVersion: shortText,
  startedAt: isoText,
  active: loadedRulebook.extend({ since: isoText, source: z.string().max(4096) }).nullable(),
  lastError: z
    .object({
      at: isoText,
      message: z.string().max(20_000),
      source: z.string().max(4096),
      rulebook: loadedRulebook.partial().nullable(),
    })
    .nullable(),
  counts: z.object({ extractions: count, invalid: count, errors: count, traceLinesDropped: count.default(0) }),
}) satisfies z.ZodType<RuntimeStatus, unknown>;

/** The validated, normalised copy of a status report, or null when `value` is not one. */
export function parseRuntimeStatus(value: unknown): RuntimeStatus | null {
  const parsed = runtimeStatusSchema.safeParse(value);
  return parsed.success ? (parsed.data as RuntimeStatus) : null;
}

export const publishArgs = {
  /** Replays every precedent against the draft; progress as `gateProgress` events. */
  startGate: z.object({}).strict(),
  cancelGate: z.object({ gateId: id }).strict(),
  getGate: z.object({ gateId: id }).strict(),
  /**
   * Publishes the draft as the next version, signed with the active key (made on first publish).
   * Needs a finished gate of the draft as it is now; a gate with failures needs `overrideReason`,
   * which the changelog records.
   */
  publishDraft: z
    .object({
      gateId: id,
      note: z.string().trim().max(2000).default(''),
      overrideReason: reason.min(1).optional(),
    })
    .strict(),
  listVersions: z.object({}).strict(),
  getVersion: z.object({ version }).strict(),
  /** `casebook diff` between two versions, or a version and the draft. */
  diffVersions: z.object({ from: z.union([version, z.literal('draft')]), to: z.union([version, z.literal('draft')]) }).strict(),
  /** A version's signed artifact as a file (`rulebook-v<N>.json`). */
  exportVersion: z.object({ version }).strict(),
  listLabels: z.object({}).strict(),
  /** Points a label at a version (promote, or roll back); recorded with the reason, synced. */
  setLabel: z.object({ label: labelName, version, reason: reason.default('') }).strict(),
  removeLabel: z.object({ label: labelName, reason: reason.default('') }).strict(),
  listSigningKeys: z.object({}).strict(),
  /** A new key signs new versions from now on; the old one stays listed until retired. */
  rotateSigningKey: z.object({}).strict(),
  /** Stops listing a key services should trust (the active key cannot be retired). */
  retireSigningKey: z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/) }).strict(),
  /** The public key(s) as a PEM file for services to verify with: one key, or every unretired key. */
  exportPublicKey: z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/).optional() }).strict(),
  listSyncTargets: z.object({}).strict(),
  /** Adds (no id) or changes a sync target. A token given is stored like the API key; '' removes it. */
  saveSyncTarget: z.union([
    z.object({ id: id.optional(), kind: z.literal('folder'), name: z.string().trim().min(1).max(100), path: z.string().min(1).max(4096), enabled: z.boolean().default(true) }).strict(),
    z.object({ id: id.optional(), kind: z.literal('http'), name: z.string().trim().min(1).max(100), url: httpUrl, token: z.string().max(4096).optional(), enabled: z.boolean().default(true) }).strict(),
  ]),
  deleteSyncTarget: z.object({ id }).strict(),
  /** Syncs now: one target, or every enabled one. */
  syncNow: z.object({ id: id.optional() }).strict(),
  listDeployments: z.object({}).strict(),
  /** A production service, by the URL of its status report (`.../casebook/status`). */
  saveDeployment: z.object({ id: id.optional(), name: z.string().trim().min(1).max(100), statusUrl: httpUrl }).strict(),
  deleteDeployment: z.object({ id }).strict(),
  /** Asks every service for its status now (each with a short timeout). */
  pollDeployments: z.object({}).strict(),
} as const;
