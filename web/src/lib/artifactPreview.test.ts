import { describe, expect, it } from 'vitest';
import { csvHead, MAX_PREVIEW_BYTES, prettyJson, previewKind, signatureRows } from './artifactPreview';

describe('artifact preview', () => {
  it('picks a preview by name and size', () => {
    expect(previewKind('model/signature.json', 300)).toBe('signature');
    expect(previewKind('evaluations/test.json', 3000)).toBe('json');
    expect(previewKind('data/sample.csv', 10)).toBe('csv');
    expect(previewKind('plots/roc.png', 10)).toBe('image');
    expect(previewKind('model/MLmodel', 10)).toBe('text');
    expect(previewKind('notes.txt', MAX_PREVIEW_BYTES + 1)).toBe('none');
    expect(previewKind('model/xgboost.ubj', 10)).toBe('none');
  });
  it('reads the first rows of a CSV with quotes', () => {
    const h = csvHead('a,b\n1,"x, y"\n2,"say ""hi"""\r\n3,z\n', 2);
    expect(h.header).toEqual(['a', 'b']);
    expect(h.rows).toEqual([['1', 'x, y'], ['2', 'say "hi"']]);
    expect(h.more).toBe(true);
    expect(csvHead('a\n1').rows).toEqual([['1']]);
    expect(csvHead('a\n1').more).toBe(false);
  });
  it('pretty prints JSON and lists a signature', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('nope')).toBe('nope');
    const rows = signatureRows(
      JSON.stringify({ inputs: [{ name: 'age', type: 'int' }], features: [{ name: 'age', type: 'float' }], output: { task: 'binary', classes: ['no', 'yes'] } }),
    );
    expect(rows).toEqual([
      { section: 'input', name: 'age', type: 'int' },
      { section: 'feature', name: 'age', type: 'float' },
      { section: 'output', name: 'task', type: 'binary' },
      { section: 'output', name: 'classes', type: 'no, yes' },
    ]);
    expect(signatureRows('[]')).toEqual([]);
  });
});
