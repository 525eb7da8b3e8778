import { describe, expect, it } from 'vitest';
import {
  canarySteps,
  feedbackText,
  countdown,
  formatMs,
  formatRate,
  formatShare,
  guardrailsForm,
  isAutomatic,
  parseFeedbackValue,
  parseGuardrails,
  parsePercent,
  parseSeconds,
  parseSteps,
  requestRate,
  tensorSummary,
} from './servingStrategy';

describe('live figures', () => {
  it('computes and formats rates', () => {
    expect(requestRate({ requests: 30 }, 60)).toBe(0.5);
    expect(requestRate(undefined, 60)).toBe(0);
    expect(formatRate(0)).toBe('0');
    expect(formatRate(0.5)).toBe('0.50');
    expect(formatRate(12.34)).toBe('12.3');
    expect(formatRate(1234.4)).toBe('1234');
  });
  it('formats shares and latencies', () => {
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(1)).toBe('100%');
    expect(formatShare(0.025)).toBe('2.5%');
    expect(formatShare(0.005)).toBe('0.5%');
    expect(formatShare(0.2)).toBe('20%');
    expect(formatShare(1 / 26)).toBe('3.8%');
    expect(formatShare(0.0025)).toBe('0.25%');
    expect(formatMs(0.1234, true)).toBe('0.12');
    expect(formatMs(12.34, true)).toBe('12.3');
    expect(formatMs(123.4, true)).toBe('123');
    expect(formatMs(5, false)).toBe('—');
  });
  it('counts down', () => {
    expect(countdown(42_000, 0)).toEqual({ unit: 'seconds', h: 0, m: '0', s: '42' });
    expect(countdown(65_000, 0)).toEqual({ unit: 'minutes', h: 0, m: '1', s: '05' });
    expect(countdown(7_380_000, 0)).toEqual({ unit: 'hours', h: 2, m: '03', s: '00' });
    expect(countdown(0, 5_000)).toEqual({ unit: 'seconds', h: 0, m: '0', s: '0' });
  });
  it('marks canary steps', () => {
    expect(canarySteps([10, 25, 100], 1)).toEqual([
      { percent: 10, state: 'done' },
      { percent: 25, state: 'current' },
      { percent: 100, state: 'next' },
    ]);
  });
  it('knows the server as an actor', () => {
    expect(isAutomatic({ actor: 'moebius' })).toBe(true);
    expect(isAutomatic({ actor: 'admin' })).toBe(false);
  });
});

describe('strategy forms', () => {
  it('parses canary steps', () => {
    expect(parseSteps('')).toEqual({ ok: true, value: undefined });
    expect(parseSteps('10, 25 50')).toEqual({ ok: true, value: [10, 25, 50] });
    expect(parseSteps('10, 100')).toEqual({ ok: true, value: [10, 100] });
    for (const bad of ['10, 5', '0', '101', 'x', '10, 10', '2.5'])
      expect(parseSteps(bad)).toEqual({ ok: false, problem: 'steps' });
  });
  it('parses seconds and percents', () => {
    expect(parseSeconds('', 1, 86400, 'interval')).toEqual({ ok: true, value: undefined });
    expect(parseSeconds(' 30 ', 1, 86400, 'interval')).toEqual({ ok: true, value: 30 });
    expect(parseSeconds('0', 1, 86400, 'interval')).toEqual({ ok: false, problem: 'interval' });
    expect(parseSeconds('1.5', 0, 10, 'keep')).toEqual({ ok: false, problem: 'keep' });
    expect(parsePercent('2.5', 'captureRate')).toEqual({ ok: true, value: 0.025 });
    expect(parsePercent('0', 'captureRate')).toEqual({ ok: true, value: 0 });
    expect(parsePercent('0', 'shadowShare', { aboveZero: true })).toEqual({ ok: false, problem: 'shadowShare' });
    expect(parsePercent('101', 'captureRate')).toEqual({ ok: false, problem: 'captureRate' });
    expect(parsePercent('', 'captureRate')).toEqual({ ok: false, problem: 'captureRate' });
  });
  it('turns guardrails into a form and back', () => {
    const g = { max_error_rate: 0.05, max_p99_ms: null, window_s: 30, min_requests: 10 };
    const f = guardrailsForm(g);
    expect(f).toEqual({ maxErrorPct: '5', maxP99Ms: '', windowS: '30', minRequests: '10' });
    expect(parseGuardrails(f)).toEqual({ ok: true, value: { max_error_rate: 0.05, window_s: 30, min_requests: 10 } });
    expect(guardrailsForm(null)).toEqual({ maxErrorPct: '', maxP99Ms: '', windowS: '60', minRequests: '20' });
    expect(parseGuardrails(guardrailsForm(null))).toEqual({ ok: true, value: null });
    expect(parseGuardrails({ ...f, maxErrorPct: '', maxP99Ms: '25' })).toEqual({
      ok: true,
      value: { max_p99_ms: 25, window_s: 30, min_requests: 10 },
    });
    expect(parseGuardrails({ ...f, maxErrorPct: '120' })).toEqual({ ok: false, problem: 'maxErrorRate' });
    expect(parseGuardrails({ ...f, maxP99Ms: '0' })).toEqual({ ok: false, problem: 'maxP99' });
    expect(parseGuardrails({ ...f, windowS: '4' })).toEqual({ ok: false, problem: 'guardWindow' });
    expect(parseGuardrails({ ...f, minRequests: '0' })).toEqual({ ok: false, problem: 'minRequests' });
  });
});

describe('captures', () => {
  it('summarises tensors', () => {
    expect(tensorSummary({ datatype: 'FP32', shape: [1], data: [0.5] })).toBe('0.5');
    expect(tensorSummary({ datatype: 'FP32', shape: [1, 2], data: [1, 0.1234567] })).toBe('[1×2] 1, 0.123457');
    expect(tensorSummary({ datatype: 'BYTES', shape: [1], data: ['a'] })).toBe('"a"');
    expect(tensorSummary({ datatype: 'FP32', shape: [8], data: [1, 2, 3, 4, 5, 6, 7, 8] }, 3)).toBe('[8] 1, 2, 3, … +5');
  });
  it('reads feedback values as JSON when they parse', () => {
    expect(parseFeedbackValue('1')).toEqual({ ok: true, value: 1 });
    expect(parseFeedbackValue('{"label": 1}')).toEqual({ ok: true, value: { label: 1 } });
    expect(parseFeedbackValue(' churned ')).toEqual({ ok: true, value: 'churned' });
    expect(parseFeedbackValue('  ')).toEqual({ ok: false, problem: 'feedbackValue' });
    expect(feedbackText({ label: 1 })).toBe('{"label":1}');
    expect(feedbackText('yes')).toBe('yes');
  });
});
