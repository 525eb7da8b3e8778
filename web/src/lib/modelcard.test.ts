import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { CardBlock } from '../api/types';
import { blockAsTable, cardEdits, cardLang, draftsOf, drawnInPage, evidenceSections, importProblems, normalizeCardText } from './modelcard';

const sections = [
  { key: 'details', text: '' },
  { key: 'intended_use', text: 'Churn scoring for the retention team.' },
  { key: 'metrics', text: '' },
  { key: 'caveats_recommendations', text: '  \n' },
];

describe('cardLang', () => {
  it('follows the UI language, Korean unless English', () => {
    expect(cardLang('en')).toBe('en');
    expect(cardLang('en-US')).toBe('en');
    expect(cardLang('ko')).toBe('ko');
    expect(cardLang('ko-KR')).toBe('ko');
    expect(cardLang(undefined)).toBe('ko');
  });
});

describe('cardEdits', () => {
  it('sends only the sections whose text changed', () => {
    const drafts = { ...draftsOf(sections), details: 'Gradient boosted trees.' };
    expect(cardEdits(sections, drafts)).toEqual({ details: 'Gradient boosted trees.', caveats_recommendations: '' });
  });
  it('sends an empty text to remove a written section, blank counting as empty', () => {
    expect(normalizeCardText(' \n\t')).toBe('');
    expect(normalizeCardText(' kept as typed ')).toBe(' kept as typed ');
    expect(cardEdits(sections, { intended_use: '   ' })).toEqual({ intended_use: '' });
  });
  it('is empty when nothing changed or no draft is given', () => {
    expect(cardEdits(sections.slice(0, 3), draftsOf(sections))).toEqual({});
    expect(cardEdits(sections, {})).toEqual({});
  });
  it('leaves out unknown draft keys (only the card\'s sections are sent)', () => {
    expect(cardEdits(sections.slice(0, 1), { details: 'x', bogus: 'y' })).toEqual({ details: 'x' });
  });
});

describe('evidenceSections', () => {
  it('keeps written sections and the metrics section, in order', () => {
    expect(evidenceSections(sections).map((s) => s.key)).toEqual(['intended_use', 'metrics']);
    expect(evidenceSections([{ key: 'details', text: '' }])).toEqual([]);
  });
});

describe('blocks', () => {
  const fmt = (n: number) => n.toFixed(1);
  it('draw everything but curves in the page', () => {
    expect(drawnInPage({ kind: 'table' })).toBe(true);
    expect(drawnInPage({ kind: 'heatmap' })).toBe(true);
    expect(drawnInPage({ kind: 'curve' })).toBe(false);
  });
  it('turn a heat map into a table: true labels down, predicted across', () => {
    const b: CardBlock = { kind: 'heatmap', text: 'Confusion', labels: ['0', '1'], matrix: [[5, 1], [2, 7]] };
    expect(blockAsTable(b, fmt)).toEqual({ head: ['', '0', '1'], rows: [['0', '5.0', '1.0'], ['1', '2.0', '7.0']] });
  });
  it('turn a bar list into label and value rows', () => {
    const b: CardBlock = { kind: 'bars', text: 'Importance', bars: [['a', 0.5], ['b', 0.25]] };
    expect(blockAsTable(b, fmt)).toEqual({ head: [], rows: [['a', '0.5'], ['b', '0.3']] });
  });
  it('give null for other blocks and empty data', () => {
    expect(blockAsTable({ kind: 'para', text: 'x' }, fmt)).toBeNull();
    expect(blockAsTable({ kind: 'heatmap', text: '', labels: [], matrix: [] }, fmt)).toBeNull();
    expect(blockAsTable({ kind: 'bars', text: '' }, fmt)).toBeNull();
  });
});

describe('importProblems', () => {
  it('reads the problems of INVALID_REPOSITORY', () => {
    const e = new ApiError(400, 'INVALID_REPOSITORY', 'the repository cannot be imported', {
      problems: ['m/1/xgboost.json does not match the manifest', 42, 'm version 1: its files do not hash'],
    });
    expect(importProblems(e)).toEqual(['m/1/xgboost.json does not match the manifest', 'm version 1: its files do not hash']);
  });
  it('is empty for another error', () => {
    expect(importProblems(new ApiError(400, 'INVALID_PARAMETER_VALUE', 'not a readable archive', {}))).toEqual([]);
    expect(importProblems(new Error('x'))).toEqual([]);
    expect(importProblems(null)).toEqual([]);
  });
});
