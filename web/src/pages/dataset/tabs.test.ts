import { describe, expect, it } from 'vitest';
import { visibleTabs } from './tabs';

describe('visibleTabs', () => {
  it('offers From SQL only to writers of a tabular dataset', () => {
    expect(visibleTabs(true, 'tabular')).toContain('sql');
    expect(visibleTabs(true, 'language')).not.toContain('sql');
    expect(visibleTabs(true, undefined)).not.toContain('sql');
    expect(visibleTabs(false, 'tabular')).not.toContain('sql');
  });
  it('hides every write tab from readers', () => {
    expect(visibleTabs(false, 'tabular')).toEqual(['rounds', 'versions', 'lineage', 'stats', 'quality', 'transforms']);
  });
});
