import { describe, expect, it } from 'vitest';
import { addCatalogTerm, columnNeedles, highlightSegments, matchesAny, parseCatalogQuery, tagNeedles } from './catalog';

describe('parseCatalogQuery', () => {
  it('reads fields and bare words like the server', () => {
    expect(parseCatalogQuery('  Column:Price  tag:cctv sales http://x ')).toEqual([
      { field: 'column', value: 'price' },
      { field: 'tag', value: 'cctv' },
      { field: '', value: 'sales' },
      { field: '', value: 'http://x' },
    ]);
    expect(parseCatalogQuery('')).toEqual([]);
  });
});

describe('addCatalogTerm', () => {
  it('appends a term once', () => {
    expect(addCatalogTerm('', 'column', 'price')).toBe('column:price');
    expect(addCatalogTerm('sales', 'tag', 'cctv')).toBe('sales tag:cctv');
    expect(addCatalogTerm('sales tag:CCTV', 'tag', 'cctv')).toBe('sales tag:CCTV');
  });
  it('quotes a value with spaces, as the server parses it', () => {
    expect(addCatalogTerm('', 'tag', 'night shift')).toBe('tag:"night shift"');
    expect(parseCatalogQuery('tag:"night shift" cam')).toEqual([
      { field: 'tag', value: 'night shift' },
      { field: '', value: 'cam' },
    ]);
    expect(addCatalogTerm('tag:"Night Shift"', 'tag', 'night shift')).toBe('tag:"Night Shift"');
    expect(addCatalogTerm('a', 'tag', '  ')).toBe('a');
  });
});

describe('needles', () => {
  it('pick the terms that match columns or tags', () => {
    expect(columnNeedles('column:pri tag:x sales name:y column:pri')).toEqual(['pri', 'sales']);
    expect(tagNeedles('column:pri tag:x sales')).toEqual(['x', 'sales']);
  });
});

describe('highlightSegments', () => {
  it('marks every case-insensitive occurrence', () => {
    expect(highlightSegments('unit_price', ['PRICE'])).toEqual([
      { text: 'unit_', hit: false },
      { text: 'price', hit: true },
    ]);
    expect(highlightSegments('aXaXa', ['a'])).toEqual([
      { text: 'a', hit: true },
      { text: 'X', hit: false },
      { text: 'a', hit: true },
      { text: 'X', hit: false },
      { text: 'a', hit: true },
    ]);
  });
  it('merges overlapping needles and leaves text without needles whole', () => {
    expect(highlightSegments('abcd', ['abc', 'bcd'])).toEqual([{ text: 'abcd', hit: true }]);
    expect(highlightSegments('abcd', [])).toEqual([{ text: 'abcd', hit: false }]);
    expect(highlightSegments('', ['a'])).toEqual([]);
  });
  it('tells whether anything matched', () => {
    expect(matchesAny('Revenue', ['ven'])).toBe(true);
    expect(matchesAny('Revenue', ['', 'x'])).toBe(false);
  });
});
