// Arguments of the publish, sync and deployment calls (issue 11), parsed before any handler sees them.
import { z } from 'zod';
import { LABEL_PATTERN } from './names.js';

const id = z.string().min(1).max(200);
const version = z.number().int().min(1).max(1_000_000);
const reason = z.string().trim().max(2000);
const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const labelName = z.string().regex(LABEL_PATTERN, 'a label is 1-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');

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
