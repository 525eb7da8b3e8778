import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatDateTimeShort, formatDuration, formatNumber, formatParams } from './format';

describe('format', () => {
  it('formats dates by locale and hides missing ones', () => {
    const ms = Date.UTC(2024, 0, 15, 12, 0, 0);
    expect(formatDateTime(ms, 'en-US')).toMatch(/2024/);
    expect(formatDateTime(ms, 'ko-KR')).toMatch(/2024\. ?01\. ?15\./);
    expect(formatDateTime(ms, 'en-US')).toBe(formatDateTimeShort(ms, 'en-US'));
    expect(formatDateTime(undefined, 'en-US')).toBe('');
    expect(formatDateTime(0, 'en-US')).toBe('');
  });
  it('formats durations', () => {
    expect(formatDuration(0, 1000)).toBe('');
    expect(formatDuration(1000, 4000)).toBe('3s');
    expect(formatDuration(1000, 1000 + 125_000)).toBe('2m 5s');
    expect(formatDuration(1000, 1000 + 3_723_000)).toBe('1h 2m');
    expect(formatDuration(5000, 1000)).toBe('');
    // In the page's language.
    expect(formatDuration(1000, 1000 + 125_000, 'ko-KR')).toBe('2분 5초');
    expect(formatDuration(1000, 1000 + 3_723_000, 'ko-KR')).toBe('1시간 2분');
  });
  it('formats numbers', () => {
    expect(formatNumber(0.123456789, 'en-US')).toBe('0.123457');
    expect(formatNumber(1e-7, 'en-US')).toBe('1.0000e-7');
    expect(formatNumber(NaN, 'en-US')).toBe('NaN');
    expect(formatNumber(undefined, 'en-US')).toBe('');
  });
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(undefined)).toBe('');
  });
});

describe('formatParams (issue 17: no raw {})', () => {
  it('writes name=value pairs and nothing for none', () => {
    expect(formatParams({ rows: 20, scale: 1.5, mode: 'fast', on: true })).toBe('rows=20, scale=1.5, mode=fast, on=true');
    expect(formatParams({})).toBe('');
    expect(formatParams(undefined)).toBe('');
  });
});
