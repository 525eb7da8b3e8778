import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { ApprovalRequest } from '../api/types';
import {
  approvalPath,
  awaitingCount,
  commentText,
  formatAge,
  inboxFilter,
  inboxPath,
  parseRequiredApprovals,
  pendingRequestOf,
  productionRequestBody,
  progress,
  refusalKey,
  requestActions,
  requestIdInReason,
  requestsOfVersion,
  reviewComment,
  reviewOf,
  sortInbox,
  stateParam,
} from './approvals';

function req(over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 1,
    project_id: 3,
    kind: 'stage',
    model: 'churn',
    version: 1,
    target_stage: 'production',
    archive_existing: false,
    reason: 'auc 0.91 on the holdout',
    state: 'pending',
    required_approvals: 1,
    approvals: 0,
    requested_by: 'dev',
    created_at: 1_700_000_000_000,
    decided_at: null,
    events: [{ actor: 'dev', action: 'request', comment: 'auc 0.91 on the holdout', at: 1_700_000_000_000 }],
    ...over,
  };
}

describe('the inbox filter', () => {
  it('defaults to pending and accepts the states and all', () => {
    expect(inboxFilter(null)).toBe('pending');
    expect(inboxFilter('')).toBe('pending');
    expect(inboxFilter('bogus')).toBe('pending');
    expect(inboxFilter('rejected')).toBe('rejected');
    expect(inboxFilter('all')).toBe('all');
    expect(stateParam('all')).toBeUndefined();
    expect(stateParam('approved')).toBe('approved');
    expect(inboxPath()).toBe('/approvals');
    expect(inboxPath('cancelled')).toBe('/approvals?state=cancelled');
    expect(approvalPath(12)).toBe('/approvals/12');
  });

  it('puts the requests awaiting the caller first, then the newest', () => {
    const rows = [req({ id: 1 }), req({ id: 4 }), req({ id: 2, awaiting_you: true }), req({ id: 3, awaiting_you: true })];
    expect(sortInbox(rows).map((r) => r.id)).toEqual([3, 2, 4, 1]);
    expect(rows.map((r) => r.id)).toEqual([1, 4, 2, 3]); // not sorted in place
  });

  it('counts only pending requests awaiting the caller', () => {
    expect(awaitingCount([req({ awaiting_you: true }), req({ id: 2 }), req({ id: 3, awaiting_you: true, state: 'approved' })])).toBe(1);
    expect(awaitingCount(undefined)).toBe(0);
  });
});

describe('request bodies', () => {
  it('require a reason for production and send archive_existing', () => {
    expect(productionRequestBody('  ', true)).toEqual({ ok: false, error: 'approvals.reasonRequired' });
    expect(productionRequestBody(' auc 0.91 ', true)).toEqual({
      ok: true,
      value: { stage: 'production', reason: 'auc 0.91', archive_existing: true },
    });
    expect(productionRequestBody('x'.repeat(4001), false)).toEqual({ ok: false, error: 'approvals.tooLong' });
  });

  it('require a comment to reject but not to approve', () => {
    expect(reviewComment('reject', '')).toEqual({ ok: false, error: 'approvals.rejectNeedsComment' });
    expect(reviewComment('reject', '   \n')).toEqual({ ok: false, error: 'approvals.rejectNeedsComment' });
    expect(reviewComment('reject', ' slices not checked ')).toEqual({ ok: true, value: 'slices not checked' });
    expect(reviewComment('approve', '')).toEqual({ ok: true, value: '' });
    expect(reviewComment('approve', ' ok ')).toEqual({ ok: true, value: 'ok' });
    expect(commentText('')).toEqual({ ok: false, error: 'approvals.commentRequired' });
    expect(commentText(' checked the slices ')).toEqual({ ok: true, value: 'checked the slices' });
  });

  it('check the required approvals setting: a whole number from 1 to 5', () => {
    expect(parseRequiredApprovals('3')).toEqual({ ok: true, value: 3 });
    expect(parseRequiredApprovals(' 1 ')).toEqual({ ok: true, value: 1 });
    for (const bad of ['0', '6', '', '2.5', '-1', 'two', '1e1'])
      expect(parseRequiredApprovals(bad), bad).toEqual({ ok: false, error: 'approvals.settings.range' });
  });
});

describe('progress', () => {
  it('says how many approvals are still needed', () => {
    expect(progress({ approvals: 1, required_approvals: 3 })).toEqual({ approvals: 1, required: 3, remaining: 2 });
    expect(progress({ approvals: 2, required_approvals: 2 })).toEqual({ approvals: 2, required: 2, remaining: 0 });
  });
});

describe("a version's requests", () => {
  const all = [
    req({ id: 5, model: 'churn', version: 2, state: 'pending' }),
    req({ id: 4, model: 'churn', version: 1, state: 'rejected' }),
    req({ id: 7, model: 'churn', version: 1, state: 'pending' }),
    req({ id: 6, model: 'other', version: 1, state: 'pending' }),
    req({ id: 2, model: 'churn', version: 1, state: 'cancelled' }),
  ];
  it('are its own, newest first', () => {
    expect(requestsOfVersion(all, 'churn', 1).map((r) => r.id)).toEqual([7, 4, 2]);
    expect(requestsOfVersion(undefined, 'churn', 1)).toEqual([]);
  });
  it('has at most one pending', () => {
    expect(pendingRequestOf(all, 'churn', 1)?.id).toBe(7);
    expect(pendingRequestOf(all, 'churn', 3)).toBeUndefined();
    expect(pendingRequestOf(all.slice(1, 2), 'churn', 1)).toBeUndefined();
  });
});

describe('the actions on a request', () => {
  it('give approvers the review, the requester the cancel', () => {
    const q = req();
    expect(requestActions(q, 'rita', true, false)).toEqual({ review: true, ownRequest: false, reviewed: null, cancel: false, comment: true });
    expect(requestActions(q, 'dev', false, true)).toEqual({ review: false, ownRequest: true, reviewed: null, cancel: true, comment: true });
    // Someone else with model.register cannot cancel (the server says NOT_REQUESTER).
    expect(requestActions(q, 'lead', false, true).cancel).toBe(false);
    // A viewer only comments.
    expect(requestActions(q, 'vera', false, false)).toEqual({ review: false, ownRequest: false, reviewed: null, cancel: false, comment: true });
  });

  it('leave the review to a requester who may approve, so the server says SELF_APPROVAL', () => {
    const a = requestActions(req(), 'dev', true, true);
    expect(a.review).toBe(true);
    expect(a.ownRequest).toBe(true);
  });

  it('take the review away once the user reviewed, and everything but comments once decided', () => {
    const reviewed = req({
      required_approvals: 2,
      approvals: 1,
      events: [
        { actor: 'dev', action: 'request', comment: 'x', at: 1 },
        { actor: 'rita', action: 'approve', comment: '', at: 2 },
      ],
    });
    expect(reviewOf(reviewed, 'rita')).toBe('approve');
    expect(reviewOf(reviewed, 'bob')).toBeNull();
    expect(reviewOf(reviewed, undefined)).toBeNull();
    expect(requestActions(reviewed, 'rita', true, false)).toMatchObject({ review: false, reviewed: 'approve' });
    expect(requestActions(reviewed, 'bob', true, false).review).toBe(true);
    for (const state of ['approved', 'rejected', 'cancelled'] as const) {
      const a = requestActions(req({ state }), 'dev', true, true);
      expect(a, state).toMatchObject({ review: false, cancel: false, comment: true });
    }
  });
});

describe('refusals', () => {
  it('name the 409 reasons of the approvals API and nothing else', () => {
    const self = new ApiError(409, 'SELF_APPROVAL', "a request cannot be approved by the user who made it ('dev')", {});
    expect(refusalKey(self)).toBe('approvals.refusals.SELF_APPROVAL');
    expect(refusalKey(new ApiError(409, 'NOT_REQUESTER', 'only the requester', {}))).toBe('approvals.refusals.NOT_REQUESTER');
    expect(refusalKey(new ApiError(409, 'APPROVAL_REQUIRED', 'x', {}))).toBeNull();
    expect(refusalKey(new ApiError(403, 'PERMISSION_DENIED', 'x', {}))).toBeNull();
    expect(refusalKey(new Error('SELF_APPROVAL'))).toBeNull();
    expect(refusalKey(null)).toBeNull();
  });
});

describe('the stage history', () => {
  it('finds the request an approval moved the version with', () => {
    expect(requestIdInReason('approved request 12 by dev: auc 0.91 on the holdout')).toBe(12);
    expect(requestIdInReason('approved request 3 by a.b: ')).toBe(3);
    expect(requestIdInReason('passed offline evaluation')).toBeNull();
    expect(requestIdInReason('we approved request 12 by dev')).toBeNull();
    expect(requestIdInReason(undefined)).toBeNull();
  });
});

describe('formatAge', () => {
  const now = Date.UTC(2026, 0, 10, 12, 0, 0);
  it('says how long ago in the locale', () => {
    expect(formatAge(now - 5 * 60_000, now, 'en')).toBe('5 minutes ago');
    expect(formatAge(now - 3 * 3_600_000, now, 'en')).toBe('3 hours ago');
    expect(formatAge(now - 2 * 86_400_000, now, 'en')).toBe('2 days ago');
    expect(formatAge(now - 86_400_000, now, 'en')).toBe('yesterday');
    expect(formatAge(now - 1000, now, 'en')).toBe('1 second ago');
    expect(formatAge(now, now, 'en')).toBe('now');
    expect(formatAge(now - 3 * 3_600_000, now, 'ko')).toBe('3시간 전');
  });
  it('treats a clock ahead of ours as now, and no time as nothing', () => {
    expect(formatAge(now + 10_000, now, 'en')).toBe('now');
    expect(formatAge(0, now, 'en')).toBe('');
    expect(formatAge(null, now, 'en')).toBe('');
  });
});
