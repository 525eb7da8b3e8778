// Approval requests (REG-5): the inbox's filter and order, the request bodies checked before they
// are sent, which actions a user gets on a request, the refusals the server explains with a code,
// and the stage history's link back to the request that moved a version.
import { ApiError } from '../api/client';
import type { ApprovalRequest, RequestState } from '../api/types';
import type { Checked } from './registry';

export const REQUEST_STATES: readonly RequestState[] = ['pending', 'approved', 'rejected', 'cancelled'];

/** The inbox's tabs: one per state, and all of them. */
export const INBOX_FILTERS = [...REQUEST_STATES, 'all'] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];

/** The events of a request, as the server names them. */
export const EVENT_ACTIONS = ['request', 'approve', 'reject', 'cancel', 'comment', 'applied'] as const;

/** The 409 reasons of the approvals API, each with a sentence of its own in the UI. */
export const REFUSAL_CODES = ['SELF_APPROVAL', 'ALREADY_REVIEWED', 'NOT_PENDING', 'NOT_REQUESTER', 'DUPLICATE_REQUEST'] as const;

/** The server's limit on reasons and comments (characters). */
export const MAX_TEXT = 4000;

/** The inbox filter of a `?state=` value: a state, `all`, else pending (what an inbox is for). */
export function inboxFilter(param: string | null | undefined): InboxFilter {
  return (INBOX_FILTERS as readonly string[]).includes(param ?? '') ? (param as InboxFilter) : 'pending';
}

/** The `state` query parameter of GET /approvals for a filter (none for all). */
export const stateParam = (f: InboxFilter): RequestState | undefined => (f === 'all' ? undefined : f);

export const isRequestState = (s: string): s is RequestState => (REQUEST_STATES as readonly string[]).includes(s);

function checkedText(text: string, required: boolean, requiredKey: string): Checked<string> {
  const v = text.trim();
  if (required && !v) return { ok: false, error: requiredKey };
  if (v.length > MAX_TEXT) return { ok: false, error: 'approvals.tooLong' };
  return { ok: true, value: v };
}

/** The body of POST …/versions/{version}/requests from the form; a reason is required. `error` is an i18n key. */
export function productionRequestBody(
  reason: string,
  archiveExisting: boolean,
): Checked<{ stage: 'production'; reason: string; archive_existing: boolean }> {
  const r = checkedText(reason, true, 'approvals.reasonRequired');
  if (!r.ok) return r;
  return { ok: true, value: { stage: 'production', reason: r.value, archive_existing: archiveExisting } };
}

/** A review's comment: optional to approve, required to reject (the server refuses an empty one too). */
export function reviewComment(decision: 'approve' | 'reject', comment: string): Checked<string> {
  return checkedText(comment, decision === 'reject', 'approvals.rejectNeedsComment');
}

/** A comment's text (required). */
export const commentText = (text: string): Checked<string> => checkedText(text, true, 'approvals.commentRequired');

/** How many approvals a request has, needs, and still needs. */
export function progress(q: Pick<ApprovalRequest, 'approvals' | 'required_approvals'>): { approvals: number; required: number; remaining: number } {
  const required = Math.max(1, q.required_approvals);
  return { approvals: q.approvals, required, remaining: Math.max(0, required - q.approvals) };
}

/** The inbox's order: requests awaiting the caller first, then the newest first. */
export function sortInbox<T extends Pick<ApprovalRequest, 'id' | 'awaiting_you'>>(requests: readonly T[]): T[] {
  return [...requests].sort((a, b) => Number(!!b.awaiting_you) - Number(!!a.awaiting_you) || b.id - a.id);
}

/** How many requests await the caller's review (the navigation's count). */
export const awaitingCount = (requests: readonly Pick<ApprovalRequest, 'awaiting_you' | 'state'>[] | undefined): number =>
  (requests ?? []).filter((q) => q.awaiting_you && q.state === 'pending').length;

/** The requests of one model version, newest first. */
export function requestsOfVersion<T extends Pick<ApprovalRequest, 'id' | 'model' | 'version'>>(
  requests: readonly T[] | undefined,
  model: string,
  version: number,
): T[] {
  return (requests ?? []).filter((q) => q.model === model && q.version === version).sort((a, b) => b.id - a.id);
}

/** The pending request of a version, if any (the server allows one at a time). */
export function pendingRequestOf<T extends Pick<ApprovalRequest, 'id' | 'model' | 'version' | 'state'>>(
  requests: readonly T[] | undefined,
  model: string,
  version: number,
): T | undefined {
  return requestsOfVersion(requests, model, version).find((q) => q.state === 'pending');
}

/** The caller's review of a request: the last approve or reject they recorded, else null. */
export function reviewOf(q: Pick<ApprovalRequest, 'events'>, username: string | undefined): 'approve' | 'reject' | null {
  if (!username) return null;
  let out: 'approve' | 'reject' | null = null;
  for (const e of q.events) if (e.actor === username && (e.action === 'approve' || e.action === 'reject')) out = e.action;
  return out;
}

export interface RequestActions {
  /** approve and reject: a pending request, model.approve, not reviewed yet */
  review: boolean;
  /** the caller made it: the server refuses their review (SELF_APPROVAL), which the page says beforehand */
  ownRequest: boolean;
  /** what the caller already decided */
  reviewed: 'approve' | 'reject' | null;
  /** cancel: the requester, while it is pending */
  cancel: boolean;
  /** comment: anyone who can read the request, in any state */
  comment: boolean;
}

/**
 * The actions a user gets on a request. The requester who holds model.approve still gets the
 * review buttons, so that the server's refusal (409 SELF_APPROVAL) is what they see; someone who
 * already reviewed does not.
 */
export function requestActions(
  q: Pick<ApprovalRequest, 'state' | 'requested_by' | 'events'>,
  username: string | undefined,
  canApprove: boolean,
  canRegister: boolean,
): RequestActions {
  const pending = q.state === 'pending';
  const own = !!username && q.requested_by === username;
  const reviewed = reviewOf(q, username);
  return {
    review: pending && canApprove && reviewed === null,
    ownRequest: own,
    reviewed,
    cancel: pending && own && canRegister,
    comment: !!username,
  };
}

/** The i18n key of a 409 refusal the approvals API explains with a reason code, else null. */
export function refusalKey(e: unknown): string | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  return (REFUSAL_CODES as readonly string[]).includes(e.code) ? `approvals.refusals.${e.code}` : null;
}

/**
 * The request named by a stage history row's reason: the server writes "approved request 12 by
 * dev: <reason>" when an approval moves a version. Null for any other reason.
 */
export function requestIdInReason(reason: string | undefined): number | null {
  const m = /^approved request (\d+) by /.exec(reason ?? '');
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The request's page. */
export const approvalPath = (id: number | string): string => `/approvals/${encodeURIComponent(String(id))}`;

/** The inbox, with a filter (pending is the default and left out). */
export const inboxPath = (f: InboxFilter = 'pending'): string => (f === 'pending' ? '/approvals' : `/approvals?state=${f}`);

const AGE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** How long ago `ms` was, in the locale's words ("3 hours ago", "3시간 전"); '' for no time. */
export function formatAge(ms: number | null | undefined, now: number, locale: string): string {
  if (!ms || !Number.isFinite(ms) || ms <= 0) return '';
  let v = Math.max(0, (now - ms) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of AGE_STEPS) {
    if (v < size) return rtf.format(-Math.floor(v), unit);
    v /= size;
  }
  return '';
}

/** The project's number of required approvals, as the server allows it. */
export const MIN_REQUIRED_APPROVALS = 1;
export const MAX_REQUIRED_APPROVALS = 5;

/** The settings form's "required approvals" field: a whole number from 1 to 5. `error` is an i18n key. */
export function parseRequiredApprovals(text: string): Checked<number> {
  const s = text.trim();
  if (!/^\d+$/.test(s)) return { ok: false, error: 'approvals.settings.range' };
  const n = Number(s);
  if (n < MIN_REQUIRED_APPROVALS || n > MAX_REQUIRED_APPROVALS) return { ok: false, error: 'approvals.settings.range' };
  return { ok: true, value: n };
}
